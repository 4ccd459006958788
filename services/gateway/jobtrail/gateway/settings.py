"""Settings of the gateway (env `GATEWAY_X`, falling back to `JOBTRAIL_X`)."""

from __future__ import annotations

from pydantic import SecretStr
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
    admin_emails: tuple[str, ...] = ()
    max_upload_bytes: int = 10 * 1024 * 1024
    s3_public_endpoint: str | None = None
    read_your_writes_timeout: float = 3.0
    cors_origins: tuple[str, ...] = ()
    # Daily AI budgets (since midnight UTC); POST /ai-jobs answers 429 once one is spent.
    ai_daily_tokens_per_user: int = 500_000
    ai_daily_tokens_global: int = 20_000_000
    ai_daily_usd_per_user: float = 2.0
    ai_daily_usd_global: float = 100.0
    # Notifications: a JobMatched from this score (percent) on is a strong match.
    strong_match_score: float = 80.0
    # How often the gateway looks for follow-up dates that have arrived.
    follow_up_interval_seconds: float = 60.0
