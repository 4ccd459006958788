"""The settings every service process shares.

Each service subclasses `ServiceSettings` with its own `env_prefix` (`GATEWAY_`,
`RESUME_`, …). Infrastructure addresses fall back to `JOBTRAIL_*` variables so one
environment file can point every service at the same NATS, PostgreSQL and S3.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from jobtrail.privacy import DEV_MASTER_KEYS, MasterKeys

DEV_SECRET = "jobtrail-dev-secret"  # noqa: S105 - a known placeholder, refused in prod
DEV_SIGNING_KEY = "jobtrail-dev-signing-key-not-for-production"
PLACEHOLDERS = frozenset({DEV_SECRET, DEV_SIGNING_KEY, DEV_MASTER_KEYS})


class ServiceSettings(BaseSettings):
    """Addresses and knobs common to every service; env: `<SERVICE>_X`, then `JOBTRAIL_X`."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Literal["dev", "test", "prod"] = "dev"
    nats_url: str = "nats://127.0.0.1:4222"
    database_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/jobtrail"
    docstore_url: str = Field(
        default="",
        description="postgresql+psycopg://… (embedded default) or mongodb://…; empty: database_url",
    )
    s3_endpoint: str = "127.0.0.1:8333"
    s3_access_key: str = "jobtrail"
    s3_secret_key: SecretStr = SecretStr(DEV_SECRET)
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    s3_bucket: str = "jobtrail-files"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"
    master_keys: SecretStr = Field(
        default=SecretStr(DEV_MASTER_KEYS),
        description="id:base64(32 bytes)[,id:base64…]: the master keys that wrap every user's "
        "data keys; the first wraps new ones (jobtrail.privacy). Every service needs the same.",
    )

    def master(self) -> MasterKeys:
        return MasterKeys.parse(self.master_keys.get_secret_value())

    @property
    def effective_docstore_url(self) -> str:
        return self.docstore_url or self.database_url

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> ServiceSettings:
        if self.environment == "prod":
            for name, value in self.secret_fields():
                if value.get_secret_value() in PLACEHOLDERS:
                    raise ValueError(
                        f"{name} still holds the development placeholder; set a real secret "
                        "before running with environment=prod"
                    )
        return self

    def secret_fields(self) -> list[tuple[str, SecretStr]]:
        return [(n, v) for n, v in self.__dict__.items() if isinstance(v, SecretStr)]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        shared = EnvSettingsSource(settings_cls, env_prefix="JOBTRAIL_")
        return init_settings, env_settings, shared, dotenv_settings, file_secret_settings
