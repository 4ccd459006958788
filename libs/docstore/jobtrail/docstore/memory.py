"""A document store in memory, for unit tests of handlers: the port's rules, no database.

Versions are immutable and contiguous from 1: the same content again returns the stored
version, other content (or a gap) is a `VersionConflict`. Integration tests use the
PostgreSQL and MongoDB adapters, which the contract tests check.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from uuid import UUID

from .errors import DocumentNotFound, VersionConflict
from .model import DocumentVersion, IntegrityCheck, NewDocumentVersion


class InMemoryDocumentStore:
    def __init__(self) -> None:
        self.versions: dict[UUID, list[DocumentVersion]] = {}

    async def put(self, new: NewDocumentVersion) -> DocumentVersion:
        stored = self.versions.setdefault(new.doc_id, [])
        if new.version <= len(stored):
            existing = stored[new.version - 1]
            if existing.sha256 != new.sha256:
                raise VersionConflict(new.doc_id, new.version, len(stored), "different content")
            return existing
        if new.version != len(stored) + 1:
            raise VersionConflict(new.doc_id, new.version, len(stored) or None, "a gap")
        version = DocumentVersion(
            doc_id=new.doc_id, version=new.version, parent_version=new.parent_version,
            kind=new.kind, owner_id=new.owner_id, source=new.source, content=new.content,
            sha256=new.sha256, created_at=datetime.now(UTC), metadata=new.metadata,
        )  # fmt: skip
        stored.append(version)
        return version

    async def get(self, doc_id: UUID, version: int | None = None) -> DocumentVersion:
        stored = self.versions.get(doc_id, [])
        wanted = len(stored) if version is None else version
        if not 1 <= wanted <= len(stored):
            raise DocumentNotFound(doc_id, version, len(stored) or None)
        return stored[wanted - 1]

    async def list_versions(self, doc_id: UUID) -> list[DocumentVersion]:
        return list(self.versions.get(doc_id, []))

    async def verify_all(self, batch: int = 500) -> AsyncIterator[IntegrityCheck]:
        for versions in self.versions.values():
            for v in versions:
                yield IntegrityCheck(v.doc_id, v.version, v.sha256, v.sha256)

    async def latest_version(self, doc_id: UUID) -> int | None:
        return len(self.versions[doc_id]) if self.versions.get(doc_id) else None

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        return None
