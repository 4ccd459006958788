"""The feed port: a source lists postings; the ingestion runner does the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class FetchedPosting:
    """One posting as a feed gave it: our fields (title, company, description, …), the
    feed's own id for it, and the raw JSON it came in."""

    source: str
    source_id: str
    posting: dict[str, Any]
    raw: dict[str, Any]


class FeedError(RuntimeError):
    """A feed could not be read; the message names the feed and what it answered."""


class JobSource(Protocol):
    """A feed of postings: Adzuna, a Greenhouse or Lever board, a file."""

    name: str

    async def fetch(self) -> list[FetchedPosting]: ...
