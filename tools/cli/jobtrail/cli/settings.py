"""Where the CLI finds NATS and PostgreSQL: the same JOBTRAIL_* variables the services read."""

from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings


class CliSettings(ServiceSettings):
    """JOBTRAIL_NATS_URL, JOBTRAIL_DATABASE_URL, …"""

    model_config = SettingsConfigDict(env_prefix="JOBTRAIL_", extra="ignore", frozen=True)
