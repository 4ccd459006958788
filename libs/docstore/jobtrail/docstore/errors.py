"""What can go wrong with a document store, each error saying what to do about it."""

# The names follow the domain (DocumentNotFound, VersionConflict), as the port promises.

from __future__ import annotations

from uuid import UUID


class DocumentStoreError(Exception):
    """Base of every error raised by a document store."""


class InvalidDocument(DocumentStoreError, ValueError):
    """A new document version is malformed and was refused before reaching the store."""


class InvalidStoreURL(DocumentStoreError, ValueError):
    """A store URL names no adapter this package has."""


class DocumentStoreUnavailable(DocumentStoreError):
    """The store cannot be reached or is not ready (e.g. not migrated)."""


class DocumentNotFound(DocumentStoreError):
    """The document, or the requested version of it, does not exist."""

    def __init__(self, doc_id: UUID, version: int | None = None, latest: int | None = None):
        self.doc_id = doc_id
        self.version = version
        self.latest = latest
        super().__init__(_not_found_message(doc_id, version, latest))


class DocumentIntegrityError(DocumentStoreError):
    """A stored version's content no longer hashes to its sha256: it was altered in the store.

    Never served: the caller gets this error instead, and operators find every such version
    with `jobtrail docs verify`.
    """

    def __init__(self, doc_id: UUID, version: int, stored: str, actual: str):
        self.doc_id = doc_id
        self.version = version
        self.stored_sha256 = stored
        self.actual_sha256 = actual
        super().__init__(
            f"document {doc_id} version {version} failed its integrity check: its content "
            f"hashes to {actual[:12]}…, not to the stored sha256 {stored[:12]}…; it was altered "
            "in the document store and is not served"
        )


class VersionConflict(DocumentStoreError):
    """A write disagrees with what is stored: versions are immutable and contiguous."""

    def __init__(self, doc_id: UUID, version: int, current: int | None, reason: str):
        self.doc_id = doc_id
        self.version = version
        self.current = current
        super().__init__(f"document {doc_id} version {version}: {reason}")

    @classmethod
    def different_content(
        cls, doc_id: UUID, version: int, current: int | None, stored: str, offered: str
    ) -> VersionConflict:
        """Version N already holds other content; it is never overwritten."""
        next_version = (current or version) + 1
        return cls(
            doc_id,
            version,
            current,
            f"already stored with different content (stored sha256 {stored[:12]}…, "
            f"offered {offered[:12]}…); versions are immutable, write it as version "
            f"{next_version} instead",
        )

    @classmethod
    def gap(cls, doc_id: UUID, version: int, current: int | None) -> VersionConflict:
        """Version N was offered but N-1 does not exist."""
        if current is None:
            reason = "the document does not exist yet; write version 1 first"
        else:
            reason = f"current version is {current}; the next version must be {current + 1}"
        return cls(doc_id, version, current, reason)


def _not_found_message(doc_id: UUID, version: int | None, latest: int | None) -> str:
    if latest is None:
        return f"document {doc_id} does not exist"
    return f"document {doc_id} has no version {version} (latest is {latest})"
