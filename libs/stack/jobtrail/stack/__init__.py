"""Embedded NATS (JetStream), PostgreSQL (pgvector), S3 (SeaweedFS) and an SMTP sink (aiosmtpd)
for development and tests.

with EmbeddedStack(StackConfig.from_env(Path(".jobtrail"))) as endpoints:
    os.environ.update(endpoints.as_env())
"""

from jobtrail.stack.config import StackConfig
from jobtrail.stack.embedded import EmbeddedStack
from jobtrail.stack.endpoints import StackEndpoints
from jobtrail.stack.errors import StackError
from jobtrail.stack.smtp import SentMail, read_mail

__all__ = ["EmbeddedStack", "SentMail", "StackConfig", "StackEndpoints", "StackError", "read_mail"]
