"""The rules every adapter shares; an adapter supplies only its reads and its guarded insert."""

from __future__ import annotations

from abc import ABC, abstractmethod
from uuid import UUID

from .errors import DocumentNotFound, VersionConflict
from .model import DocumentVersion, NewDocumentVersion, utc_now


class BaseDocumentStore(ABC):
    """put/get in terms of `_insert_next` and `_find`, so all adapters decide alike."""

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
        return found

    async def _settle_refused(self, new: NewDocumentVersion) -> DocumentVersion:
        """After a refused insert: a redelivery (same content), a conflict, or a gap."""
        existing = await self._find(new.doc_id, new.version)
        if existing is not None and existing.sha256 == new.sha256:
            return existing
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
        """The given version, or the highest one when version is None."""

    @abstractmethod
    async def list_versions(self, doc_id: UUID) -> list[DocumentVersion]:
        """Every version of a document, oldest first; empty if it does not exist."""

    @abstractmethod
    async def latest_version(self, doc_id: UUID) -> int | None:
        """The highest version number, or None if the document does not exist."""

    @abstractmethod
    async def ping(self) -> None:
        """Raise DocumentStoreUnavailable unless the store can serve requests."""

    @abstractmethod
    async def close(self) -> None:
        """Release what the store owns."""
