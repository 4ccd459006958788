"""Settings of the jobs service (env `JOBS_X`, falling back to `JOBTRAIL_X`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from jobtrail.runtime import ServiceSettings


class JobsSettings(ServiceSettings):
    """Where the jobs service listens, which embedder it uses, and which feeds it reads."""

    model_config = SettingsConfigDict(env_prefix="JOBS_", extra="ignore", frozen=True)

    http_port: int = 8102

    # local: the static table distilled from all-MiniLM-L6-v2 (thousands of texts/s);
    # minilm: the full model on numpy (~20 texts/s); openai: the embeddings API.
    embedder: Literal["local", "minilm", "openai"] = "local"
    openai_api_key: SecretStr = SecretStr("")
    openai_base_url: str = "https://api.openai.com/v1"
    openai_model: str = "text-embedding-3-small"

    # Feeds: each is scheduled every `ingest_every_minutes` (0: only when asked).
    ingest_every_minutes: float = 0
    feed_min_interval_seconds: float = 1.0
    feed_attempts: int = 4
    feed_backoff_seconds: float = 1.0
    duplicate_similarity: float = 0.97
    adzuna_app_id: str = ""
    adzuna_app_key: SecretStr = SecretStr("")
    adzuna_country: str = "gb"
    adzuna_what: str = "software engineer"
    adzuna_pages: int = 1
    adzuna_base_url: str = "https://api.adzuna.com"
    greenhouse_boards: tuple[str, ...] = ()
    greenhouse_base_url: str = "https://boards-api.greenhouse.io"
    lever_companies: tuple[str, ...] = ()
    lever_base_url: str = "https://api.lever.co"
    import_files: tuple[Path, ...] = ()
