"""A document store that seals a job seeker's documents with their data key.

Content and metadata of a version with an owner are stored sealed
(`jobtrail.privacy.cipher`); the store's sha256 is that of the sealed content, so
`jobtrail docs verify` checks integrity without any key, and a retried write (sealed the
same way: the nonce is synthetic) is still recognised as the same write. Reading checks
that hash, then opens them; callers see the sha256 of the content itself, as without
sealing, so the events that name a version describe what the user wrote. Once the owner's
keys are destroyed, their versions read as not found: the bytes left in the store (which
refuses deletes) open for no one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from uuid import UUID

from jobtrail.events.canonical import content_hash
from jobtrail.privacy.cipher import KeySource, is_sealed, open_json, seal_json, sealed_kid

from .errors import DocumentNotFound
from .model import DocumentVersion, IntegrityCheck, NewDocumentVersion
from .port import DocumentStore


def _aad(doc_id: UUID, version: int, part: str) -> bytes:
    return b"jobtrail-document\n" + doc_id.bytes + version.to_bytes(8, "big") + part.encode()


class SealedDocuments:
    """Wraps any `DocumentStore`; documents without an owner (feed postings) stay clear."""

    def __init__(self, inner: DocumentStore, keys: KeySource) -> None:
        self._inner = inner
        self._keys = keys

    @property
    def inner(self) -> DocumentStore:
        return self._inner

    async def put(self, new: NewDocumentVersion) -> DocumentVersion:
        if new.owner_id is None:
            return await self._inner.put(new)
        key = await self._keys.writing_key(new.owner_id)
        sealed = NewDocumentVersion(
            doc_id=new.doc_id, version=new.version, kind=new.kind, source=new.source,
            parent_version=new.parent_version, owner_id=new.owner_id,
            content=seal_json(key, new.content, _aad(new.doc_id, new.version, "content")),
            metadata=seal_json(key, new.metadata, _aad(new.doc_id, new.version, "metadata")),
        )  # fmt: skip
        stored = await self._inner.put(sealed)
        return replace(stored, content=new.content, metadata=new.metadata, sha256=new.sha256)

    async def get(self, doc_id: UUID, version: int | None = None) -> DocumentVersion:
        return await self._open(await self._inner.get(doc_id, version))

    async def list_versions(self, doc_id: UUID) -> list[DocumentVersion]:
        opened = []
        for found in await self._inner.list_versions(doc_id):
            try:
                opened.append(await self._open(found))
            except DocumentNotFound:
                continue
        return opened

    def verify_all(self, batch: int = 500) -> AsyncIterator[IntegrityCheck]:
        return self._inner.verify_all(batch)

    async def latest_version(self, doc_id: UUID) -> int | None:
        return await self._inner.latest_version(doc_id)

    async def ping(self) -> None:
        await self._inner.ping()

    async def close(self) -> None:
        await self._inner.close()

    async def _open(self, found: DocumentVersion) -> DocumentVersion:
        if found.owner_id is None:
            return found
        keys = await self._keys.owner_keys(found.owner_id)
        if not is_sealed(found.content):
            # Written before sealing began: readable until its owner is erased.
            if (
                keys is not None
                and keys.erased_at is not None
                and found.created_at <= keys.erased_at
            ):
                raise DocumentNotFound(found.doc_id, found.version, None)
            return found
        key = keys.keys.get(sealed_kid(found.content)) if keys is not None else None
        if key is None:
            raise DocumentNotFound(found.doc_id, found.version, None)
        content = open_json(key, found.content, _aad(found.doc_id, found.version, "content"))
        metadata = (
            open_json(key, found.metadata, _aad(found.doc_id, found.version, "metadata"))
            if is_sealed(found.metadata)
            else found.metadata
        )
        return replace(found, content=content, metadata=metadata, sha256=content_hash(content))
