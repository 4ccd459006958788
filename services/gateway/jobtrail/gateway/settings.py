"""Settings of the gateway (env `GATEWAY_X`, falling back to `JOBTRAIL_X`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings
from jobtrail.runtime.settings import DEV_SIGNING_KEY


class GatewaySettings(ServiceSettings):
    """The REST API: auth, limits, and where its read models and files live."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    http_port: int = 8000
    jwt_secret: SecretStr = SecretStr(DEV_SIGNING_KEY)
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    # An ended session's access tokens are refused by every gateway copy within this many
    # seconds (at once by the copy that ended it); a copy re-checks a session this often.
    session_check_seconds: float = Field(default=5.0, ge=0, le=300)
    admin_emails: tuple[str, ...] = ()
    # Login throttling (shared by every copy through PostgreSQL): this many failed logins
    # for one email, or from one client address, within the window answer 429 after.
    login_max_failures_per_account: int = Field(default=10, ge=1)
    login_max_failures_per_address: int = Field(default=100, ge=1)
    login_failure_window_seconds: int = Field(default=900, ge=1, le=86_400)
    max_upload_bytes: int = 10 * 1024 * 1024
    s3_public_endpoint: str | None = None
    read_your_writes_timeout: float = 3.0
    # A GET that has not begun to answer by then (a frozen database) gets 503 + Retry-After.
    read_deadline_seconds: float = Field(default=30.0, gt=0)
    cors_origins: tuple[str, ...] = ()
    # Daily AI budgets (since midnight UTC); POST /ai-jobs answers 429 once one is spent.
    ai_daily_tokens_per_user: int = 500_000
    ai_daily_tokens_global: int = 20_000_000
    ai_daily_usd_per_user: float = 2.0
    ai_daily_usd_global: float = 100.0
    # The audit chain: an optional HMAC key kept outside the database (the value, or a file
    # holding it; JOBTRAIL_AUDIT_HMAC_KEY[_FILE] also serves `jobtrail audit verify`), and
    # how often its head is anchored in the JOBTRAIL_AUDIT_ANCHORS stream.
    audit_hmac_key: SecretStr | None = None
    audit_hmac_key_file: Path | None = None
    audit_anchor_subject: str = "jobtrail.audit.anchors.gateway"
    audit_anchor_every_rows: int = Field(default=1000, ge=1)
    audit_anchor_every_seconds: float = Field(default=300.0, gt=0)
    # The audit projector's own connection (least privilege: a role that may only append to
    # the audit log); empty: database_url. `jobtrail.runtime.roles` provisions the role.
    audit_database_url: str = ""

    @model_validator(mode="after")
    def _refuse_public_signing_key(self) -> GatewaySettings:
        # Anyone can read the placeholder in the source and mint an admin token with it.
        if self.environment != "test" and self.jwt_secret.get_secret_value() == DEV_SIGNING_KEY:
            raise ValueError(
                "GATEWAY_JWT_SECRET is the public development placeholder, accepted only with "
                "environment=test; set a random key (openssl rand -hex 32). `make run` "
                "generates one and keeps it in .data/gateway-jwt-signing-key"
            )
        return self
