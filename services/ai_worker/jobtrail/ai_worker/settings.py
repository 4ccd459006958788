"""Settings of the ai-worker service (env `AI_WORKER_X`, falling back to `JOBTRAIL_X`)."""

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings


class AIWorkerSettings(ServiceSettings):
    """Which LLM provider to use, and how hard to try, how fast, and at what price."""

    model_config = SettingsConfigDict(env_prefix="AI_WORKER_", extra="ignore", frozen=True)

    http_port: int = 8103
    provider: Literal["offline", "openai"] = "offline"
    openai_base_url: str | None = None
    openai_api_key: SecretStr = SecretStr("")
    openai_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = 60.0
    # USD per million tokens, for the cost recorded per job and per user.
    price_input_per_mtok: float = 0.15
    price_output_per_mtok: float = 0.60
    llm_attempts: int = 4
    llm_backoff_base_seconds: float = 0.5
    llm_backoff_cap_seconds: float = 20.0
    rate_per_second: float = 20.0
    rate_per_user_per_second: float = 2.0
    breaker_failures: int = 5
    breaker_cooldown_seconds: float = 30.0
    heartbeat_seconds: float = 10.0
    # AI jobs one copy runs at a time (messages fetched at once from ai-worker-run).
    concurrency: int = Field(default=4, ge=1, le=64)
