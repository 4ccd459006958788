"""The rules every adapter shares; an adapter supplies only its reads and its guarded insert."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from uuid import UUID

import structlog

from .errors import DocumentIntegrityError, DocumentNotFound, VersionConflict
from .model import DocumentVersion, IntegrityCheck, NewDocumentVersion, integrity_of, utc_now

log = structlog.get_logger("jobtrail.docstore")

# A position in the walk over every version: (doc_id, version) of the last one seen.
Position = tuple[UUID, int]


class BaseDocumentStore(ABC):
    """put/get in terms of `_insert_next` and `_find`, so all adapters decide alike.

    Every version read is checked against its sha256 before it is returned: content
    altered in the store raises DocumentIntegrityError and is never served.
    """

    async def put(self, new: NewDocumentVersion) -> DocumentVersion:
        """Store version N (N == 1 or N-1 exists); the same content again returns the stored one."""
        stored = new.stored_at(utc_now())
        if await self._insert_next(stored):
            return stored
        return await self._settle_refused(new)

    async def get(self, doc_id: UUID, version: int | None = None) -> DocumentVersion:
        """The given version, or the highest one; raises DocumentNotFound."""
        found = await self._find(doc_id, version)
        if found is None:
            latest = None if version is None else await self.latest_version(doc_id)
            raise DocumentNotFound(doc_id, version, latest)
        return _checked(found)

    async def list_versions(self, doc_id: UUID) -> list[DocumentVersion]:
        """Every version of a document, oldest first; empty if it does not exist."""
        return [_checked(found) for found in await self._list_versions(doc_id)]

    async def verify_all(self, batch: int = 500) -> AsyncIterator[IntegrityCheck]:
        """Every stored version checked against its sha256, in (doc_id, version) order."""
        after: Position | None = None
        while True:
            page = await self._scan(after, batch)
            for found in page:
                yield integrity_of(found)
            if len(page) < batch:
                return
            after = (page[-1].doc_id, page[-1].version)

    async def _settle_refused(self, new: NewDocumentVersion) -> DocumentVersion:
        """After a refused insert: a redelivery (same content), a conflict, or a gap."""
        existing = await self._find(new.doc_id, new.version)
        if existing is not None and existing.sha256 == new.sha256:
            return _checked(existing)
        current = await self.latest_version(new.doc_id)
        if existing is None:
            raise VersionConflict.gap(new.doc_id, new.version, current)
        raise VersionConflict.different_content(
            new.doc_id, new.version, current, existing.sha256, new.sha256
        )

    @abstractmethod
    async def _insert_next(self, stored: DocumentVersion) -> bool:
        """Insert unless (doc_id, version) exists or version-1 is missing; True if inserted.

        Must be safe against concurrent writers of the same version: exactly one wins.
        """

    @abstractmethod
    async def _find(self, doc_id: UUID, version: int | None) -> DocumentVersion | None:
        """The given version, or the highest one when version is None (unchecked)."""

    @abstractmethod
    async def _list_versions(self, doc_id: UUID) -> list[DocumentVersion]:
        """Every version of a document, oldest first (unchecked)."""

    @abstractmethod
    async def _scan(self, after: Position | None, limit: int) -> list[DocumentVersion]:
        """Up to `limit` versions after `after` in (doc_id, version) order (unchecked)."""

    @abstractmethod
    async def latest_version(self, doc_id: UUID) -> int | None:
        """The highest version number, or None if the document does not exist."""

    @abstractmethod
    async def ping(self) -> None:
        """Raise DocumentStoreUnavailable unless the store can serve requests."""

    @abstractmethod
    async def close(self) -> None:
        """Release what the store owns."""


def _checked(found: DocumentVersion) -> DocumentVersion:
    check = integrity_of(found)
    if check.ok:
        return found
    log.error(
        "docstore.integrity_failed", doc_id=str(found.doc_id), version=found.version,
        stored_sha256=check.stored_sha256, actual_sha256=check.actual_sha256,
    )  # fmt: skip
    raise DocumentIntegrityError(found.doc_id, found.version, check.stored_sha256,
                                 check.actual_sha256)  # fmt: skip
