"""Settings of the ai-worker service (env `AI_WORKER_X`, falling back to `JOBTRAIL_X`)."""

from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings


class AIWorkerSettings(ServiceSettings):
    """Where the ai-worker service listens and what it connects to."""

    model_config = SettingsConfigDict(env_prefix="AI_WORKER_", extra="ignore", frozen=True)

    http_port: int = 8103
