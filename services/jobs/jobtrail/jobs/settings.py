"""Settings of the jobs service (env `JOBS_X`, falling back to `JOBTRAIL_X`)."""

from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings


class JobsSettings(ServiceSettings):
    """Where the jobs service listens and what it connects to."""

    model_config = SettingsConfigDict(env_prefix="JOBS_", extra="ignore", frozen=True)

    http_port: int = 8102
