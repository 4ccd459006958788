"""Embedded NATS (JetStream), PostgreSQL (pgvector) and S3 (SeaweedFS) for development and tests.

with EmbeddedStack(StackConfig.from_env(Path(".jobtrail"))) as endpoints:
    os.environ.update(endpoints.as_env())
"""

from jobtrail.stack.config import StackConfig
from jobtrail.stack.embedded import EmbeddedStack
from jobtrail.stack.endpoints import StackEndpoints
from jobtrail.stack.errors import StackError

__all__ = ["EmbeddedStack", "StackConfig", "StackEndpoints", "StackError"]
