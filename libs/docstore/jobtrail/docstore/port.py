"""The DocumentStore port: one contract, an adapter per database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol
from uuid import UUID

from .model import DocumentVersion, IntegrityCheck, NewDocumentVersion


class DocumentStore(Protocol):
    """Immutable, versioned documents; versions are contiguous from 1 and never change."""

    async def put(self, new: NewDocumentVersion) -> DocumentVersion:
        """Store version N (N == 1 or N-1 exists); the same content again returns the stored one.

        Raises VersionConflict for different content at an existing version, or a gap.
        """
        ...

    async def get(self, doc_id: UUID, version: int | None = None) -> DocumentVersion:
        """The given version, or the highest one; raises DocumentNotFound.

        Every read is checked against the stored sha256: altered content raises
        DocumentIntegrityError and is never returned (list_versions alike).
        """
        ...

    async def list_versions(self, doc_id: UUID) -> list[DocumentVersion]:
        """Every version of a document, oldest first; empty if it does not exist."""
        ...

    def verify_all(self, batch: int = 500) -> AsyncIterator[IntegrityCheck]:
        """Every stored version checked against its sha256, in (doc_id, version) order."""
        ...

    async def latest_version(self, doc_id: UUID) -> int | None:
        """The highest version number, or None if the document does not exist."""
        ...

    async def ping(self) -> None:
        """Raise DocumentStoreUnavailable unless the store can serve requests."""
        ...

    async def close(self) -> None:
        """Release what the store owns (a client or engine it created itself)."""
        ...
