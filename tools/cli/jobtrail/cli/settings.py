"""Where the CLI finds NATS and PostgreSQL: the same JOBTRAIL_* variables the services read."""

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings


class CliSettings(ServiceSettings):
    """JOBTRAIL_NATS_URL, JOBTRAIL_DATABASE_URL, JOBTRAIL_AUDIT_HMAC_KEY[_FILE], …"""

    model_config = SettingsConfigDict(env_prefix="JOBTRAIL_", extra="ignore", frozen=True)

    # The audit chain's HMAC key, as the gateway has it (never stored in the database).
    audit_hmac_key: SecretStr | None = None
    audit_hmac_key_file: Path | None = None
    audit_anchor_subject: str = "jobtrail.audit.anchors.gateway"
