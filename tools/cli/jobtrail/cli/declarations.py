"""What the operator CLI emits, and every service's declarations in one list.

`SERVICES` is what `make docs` generates the consumer definitions in deploy/nats and the
AsyncAPI document from (`jobtrail.eventlog.declarations`).
"""

from jobtrail.ai_worker.ops import SERVICE as AI_WORKER
from jobtrail.eventlog.declarations import Service
from jobtrail.events.ai import AIJobRetryRequested
from jobtrail.events.exports import ExportRetryRequested
from jobtrail.events.jobs import IngestionRequested, RescoreRequested
from jobtrail.events.resumes import ResumeRetryRequested
from jobtrail.events.users import AccountErased
from jobtrail.exporter.ops import SERVICE as EXPORTER
from jobtrail.gateway.ops import SERVICE as GATEWAY
from jobtrail.jobs.ops import SERVICE as JOBS
from jobtrail.notifier.ops import SERVICE as NOTIFIER
from jobtrail.resume.ops import SERVICE as RESUME

CLI = Service(
    "cli",
    emits=(
        ResumeRetryRequested,
        IngestionRequested,
        RescoreRequested,
        AIJobRetryRequested,
        ExportRetryRequested,
        AccountErased,
    ),
)

SERVICES: tuple[Service, ...] = (GATEWAY, RESUME, JOBS, AI_WORKER, EXPORTER, NOTIFIER, CLI)
