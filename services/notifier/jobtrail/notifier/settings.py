"""Settings of the notifier (env `NOTIFIER_X`, falling back to `JOBTRAIL_X`)."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings


class NotifierSettings(ServiceSettings):
    """Where the notifier listens, and how it decides what to tell and when."""

    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", extra="ignore", frozen=True)

    http_port: int = 8105
    # A JobMatched at or above this score (0-100) notifies the job seeker.
    strong_match_score: float = Field(default=80.0, ge=0, le=100)
    # How often the follow-up sweep looks for dates that have arrived.
    follow_up_interval_seconds: float = Field(default=60.0, gt=0)
