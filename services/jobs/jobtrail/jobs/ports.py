"""What the jobs service's handlers need from the outside, as narrow protocols.

`JobsStore` is the service's own tables (`adapters/store.py` on PostgreSQL and pgvector;
unit tests use an in-memory fake). The handlers hold no SQL: they read and write through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from jobtrail.events.jobs import MatchesScored


@dataclass(frozen=True)
class PostingText:
    """What lexical scoring reads of a posting."""

    title: str
    company: str | None
    location: str | None
    skills: list[str]
    text: str | None


@dataclass(frozen=True)
class IndexedPosting(PostingText):
    """A posting as indexed: its text, what it asks for and its embedding."""

    job_id: UUID
    requirements: Any
    embedding: list[float]


@dataclass(frozen=True)
class Candidate(PostingText):
    """A posting near a resume version, with their cosine similarity."""

    job_id: UUID
    requirements: Any
    similarity: float


@dataclass(frozen=True)
class VersionNear:
    """The latest version of a resume that may see a posting, with their similarity."""

    resume_id: UUID
    version: int
    owner_id: UUID
    skills: list[str]
    bullets: list[str]
    facts: Any
    text: str | None
    similarity: float


class JobsStore(Protocol):
    """The jobs service's tables: postings, resume vectors, scores, runs and thresholds."""

    async def posting_fingerprint(self, job_id: UUID) -> tuple[str | None, str | None] | None:
        """(sha256 of the document, ranking formula) the posting is indexed from, if it is."""
        ...

    async def save_posting(self, row: dict[str, Any]) -> None: ...

    async def posting(self, job_id: UUID) -> IndexedPosting | None: ...

    async def reference_postings(
        self, posting: IndexedPosting, owner: UUID | None, limit: int
    ) -> list[PostingText]:
        """The postings nearest `posting` that its viewers may see (BM25's corpus)."""
        ...

    async def versions_near(self, job_id: UUID, owner: UUID | None) -> list[VersionNear]:
        """The latest version of each resume that may see the posting (`owner`'s only, for
        a posting of their own)."""
        ...

    async def save_version(self, vector: dict[str, Any], run: dict[str, Any] | None) -> None:
        """Hold a resume version's vector and, with `run`, note that its scoring started."""
        ...

    async def vector_model(self, resume_id: UUID, version: int) -> str | None: ...

    async def candidates(
        self, vector: list[float], owner: UUID, limit: int, own_limit: int
    ) -> tuple[list[Candidate], int]:
        """The postings nearest a vector that `owner` may see (plus up to `own_limit` of
        their own whatever the distance), and how many postings they may see in all."""
        ...

    async def save_scores(
        self, rows: Sequence[dict[str, Any]], run: dict[str, Any] | None
    ) -> dict[UUID, int]:
        """Hold scores (and, with `run`, a version's finished run) in one transaction; the
        match threshold of each owner who has set one."""
        ...

    async def project_scores(self, event: MatchesScored) -> int:
        """Hold the scores one `MatchesScored` tells, each unless a later one is held."""
        ...

    async def save_threshold(self, user_id: UUID, threshold: int) -> None: ...

    async def forget_resume(self, resume_id: UUID) -> None:
        """Drop a deleted resume's vectors, scores and runs."""
        ...

    async def forget_posting(self, job_id: UUID) -> None:
        """Drop a deleted posting and its scores."""
        ...

    async def forget_owner(self, user_id: UUID) -> None:
        """Drop every row of an erased account: its postings, resume vectors, scores, runs
        and threshold."""
        ...

    async def requirements(self, job_ids: Sequence[UUID]) -> list[tuple[UUID, str | None, Any]]:
        """(job id, formula, requirements) of the postings held among `job_ids`."""
        ...
