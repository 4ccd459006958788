"""Settings of the resume service (env `RESUME_X`, falling back to `JOBTRAIL_X`)."""

from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings


class ResumeSettings(ServiceSettings):
    """Where the resume service listens, what it reads, and how much it accepts."""

    model_config = SettingsConfigDict(env_prefix="RESUME_", extra="ignore", frozen=True)

    http_port: int = 8101
    max_file_bytes: int = 10 * 1024 * 1024
