"""Settings of the gateway (env `GATEWAY_X`, falling back to `JOBTRAIL_X`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from jobtrail.gateway.handlers.rate_limits import Policy
from jobtrail.runtime import ServiceSettings
from jobtrail.runtime.settings import DEV_SIGNING_KEY


class OidcProviderSettings(BaseModel):
    """One OpenID provider: Google, Microsoft, LinkedIn or any issuer with discovery."""

    issuer: str = Field(description="e.g. https://accounts.google.com")
    client_id: str
    client_secret: SecretStr
    scopes: str = "openid email profile"


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

    # Mail (password reset links). Without an SMTP host nothing is sent, and the log says so;
    # `jobtrail dev` points this at the stack's local sink (`jobtrail mail` shows what it got).
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    mail_from: str = "Jobtrail <no-reply@jobtrail.invalid>"
    # Where a reset link points: the front end's page, with {token} where the token goes.
    password_reset_link: str = "http://localhost:3000/reset-password?token={token}"  # noqa: S105
    password_reset_minutes: int = Field(default=30, ge=5, le=1440)
    # Email verification: off (no mail), optional (a link is mailed; login does not wait for
    # it) or required (no login until the address is verified). The link is the front end's
    # page, with {token} where the token goes; it works for email_verification_hours.
    email_verification: Literal["off", "optional", "required"] = "optional"
    email_verification_link: str = "http://localhost:3000/verify-email?token={token}"
    email_verification_hours: int = Field(default=48, ge=1, le=720)

    # Login with identity providers (OpenID Connect), by name, e.g. as JSON in
    # GATEWAY_OIDC_PROVIDERS='{"google": {"issuer": "https://accounts.google.com",
    # "client_id": "…", "client_secret": "…"}}'. Register `<public_url>/auth/oidc/<name>/callback`
    # (or your front end's page that passes `code` and `state` on to it) at the provider.
    oidc_providers: dict[str, OidcProviderSettings] = Field(default_factory=dict)
    public_url: str = "http://127.0.0.1:8000"

    # API rate limits, shared by every copy: requests per minute for each account and each
    # client address (bursts up to the same number); 0 turns one off.
    rate_limit_per_user: int = Field(default=600, ge=0)
    rate_limit_per_address: int = Field(default=1200, ge=0)

    def rate_limit_policies(self) -> tuple[Policy, ...]:
        return tuple(
            Policy(name, quota, 60)
            for name, quota in (
                ("user", self.rate_limit_per_user),
                ("address", self.rate_limit_per_address),
            )
            if quota > 0
        )

    admin_emails: tuple[str, ...] = ()
    # Login throttling (shared by every copy through PostgreSQL): this many failed logins
    # for one email, or from one client address, within the window answer 429 after.
    login_max_failures_per_account: int = Field(default=10, ge=1)
    login_max_failures_per_address: int = Field(default=100, ge=1)
    login_failure_window_seconds: int = Field(default=900, ge=1, le=86_400)
    max_upload_bytes: int = 10 * 1024 * 1024
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
