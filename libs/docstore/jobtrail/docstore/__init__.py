"""Immutable, versioned documents behind one port, stored in PostgreSQL or MongoDB."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from .errors import (
    DocumentIntegrityError,
    DocumentNotFound,
    DocumentStoreError,
    DocumentStoreUnavailable,
    InvalidDocument,
    InvalidStoreURL,
    VersionConflict,
)
from .model import DocumentVersion, IntegrityCheck, NewDocumentVersion, Source
from .mongo import MongoDocumentStore
from .port import DocumentStore
from .postgres import PostgresDocumentStore, migrate
from .sealed import SealedDocuments

__all__ = [
    "DocumentIntegrityError",
    "DocumentNotFound",
    "DocumentStore",
    "DocumentStoreError",
    "DocumentStoreUnavailable",
    "DocumentVersion",
    "IntegrityCheck",
    "InvalidDocument",
    "InvalidStoreURL",
    "MongoDocumentStore",
    "NewDocumentVersion",
    "PostgresDocumentStore",
    "SealedDocuments",
    "Source",
    "VersionConflict",
    "migrate",
    "open_document_store",
]


async def open_document_store(url: str) -> DocumentStore:
    """A ready store for `url`: postgresql… is migrated first, mongodb… gets its indexes."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "postgres" or scheme.startswith("postgresql"):
        # Alembic is synchronous; keep it off the event loop.
        await asyncio.to_thread(migrate, url)
        return PostgresDocumentStore.from_url(url)
    if scheme in ("mongodb", "mongodb+srv"):
        return await _open_mongo(url)
    raise InvalidStoreURL(
        f"no document store for URL scheme {scheme!r}: use postgresql://… "
        "(the embedded default) or mongodb://…"
    )


async def _open_mongo(url: str) -> MongoDocumentStore:
    store = MongoDocumentStore.from_url(url)
    try:
        await store.ensure_indexes()
    except BaseException:
        await store.close()
        raise
    return store
