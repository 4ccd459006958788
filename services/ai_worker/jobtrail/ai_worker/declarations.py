"""What the AI worker consumes and emits (see `jobtrail.eventlog.declarations`)."""

from jobtrail.eventlog.declarations import Consumer, Service
from jobtrail.events.ai import AIJobFailed, AIJobProgressed, AIJobQueued, AIOutputReady
from jobtrail.events.resumes import ResumeVersionCreated

RUN = Consumer(
    "ai-worker-run",
    "AI worker: run queued AI jobs",
    (AIJobQueued,),
    ack_wait_seconds=120,
)

SERVICE = Service(
    "ai-worker",
    emits=(AIJobProgressed, AIOutputReady, AIJobFailed, ResumeVersionCreated),
    consumers=(RUN,),
)
