"""Settings of the exporter service (env `EXPORTER_X`, falling back to `JOBTRAIL_X`)."""

from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings


class ExporterSettings(ServiceSettings):
    """Where the exporter service listens and what it connects to."""

    model_config = SettingsConfigDict(env_prefix="EXPORTER_", extra="ignore", frozen=True)

    http_port: int = 8104
