"""The AI worker's operator surface: what `jobtrail` (the CLI) and deploy jobs may use."""

from jobtrail.ai_worker.cache import MIGRATIONS, SCHEMA, metadata
from jobtrail.ai_worker.declarations import SERVICE
from jobtrail.ai_worker.settings import AIWorkerSettings

__all__ = [
    "MIGRATIONS",
    "SCHEMA",
    "SERVICE",
    "AIWorkerSettings",
    "metadata",
]
