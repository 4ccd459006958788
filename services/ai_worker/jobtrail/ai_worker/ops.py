"""The AI worker's operator surface: what `jobtrail` (the CLI) and deploy jobs may use."""

from jobtrail.ai_worker.cache import MIGRATIONS, SCHEMA
from jobtrail.ai_worker.settings import AIWorkerSettings

__all__ = ["MIGRATIONS", "SCHEMA", "AIWorkerSettings"]
