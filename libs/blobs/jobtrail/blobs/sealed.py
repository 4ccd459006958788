"""Files sealed with their owner's data key before they reach S3.

An uploaded resume, an attachment or an export belongs to one job seeker: its bytes are
sealed with that person's data key (`jobtrail.privacy.cipher`, the owner and key id in a
short header) and stored under the hash of the sealed bytes. The `sha256` and `size` callers
get back are those of the file itself, so events keep describing what the user uploaded.
Sealing is deterministic per owner and key, so the same file of the same person is one
object; two people's copies are two objects, and erasing one never touches the other.

Reading opens what is sealed (files stored before sealing began come back as they are);
once the owner's keys are destroyed, a sealed file reads as `BlobNotFound`. A presigned S3
link would hand out the sealed bytes, so downloads go through the gateway.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from uuid import UUID

from jobtrail.privacy.cipher import (
    KeySource,
    is_sealed_bytes,
    open_file,
    seal_file,
    sealed_file_owner,
)

from .store import BlobNotFound, BlobStore, StoredBlob


class SealedBlobs:
    """A `BlobStore` whose files of an owner are sealed at rest."""

    def __init__(self, inner: BlobStore, keys: KeySource) -> None:
        self._inner = inner
        self._keys = keys

    @property
    def inner(self) -> BlobStore:
        return self._inner

    @property
    def bucket(self) -> str:
        return self._inner.bucket

    async def put(self, data: bytes, media_type: str, owner_id: UUID | None) -> StoredBlob:
        if owner_id is None:
            return await self._inner.put(data, media_type)
        key = await self._keys.writing_key(owner_id)
        stored = await self._inner.put(seal_file(key, owner_id, data), "application/octet-stream")
        return replace(stored, sha256=hashlib.sha256(data).hexdigest(), size=len(data))

    async def key_for(self, data: bytes, owner_id: UUID) -> str:
        """The key `put` stores `data` of this owner under (with their current data key)."""
        sealed = seal_file(await self._keys.writing_key(owner_id), owner_id, data)
        return f"sha256/{hashlib.sha256(sealed).hexdigest()}"

    async def get(self, key: str, version_id: str | None = None) -> bytes:
        data = await self._inner.get(key, version_id)
        if not is_sealed_bytes(data):
            return data
        owner_id, kid = sealed_file_owner(data)
        keys = await self._keys.owner_keys(owner_id)
        data_key = keys.keys.get(kid) if keys is not None else None
        if data_key is None:
            raise BlobNotFound(f"the file {key} was erased with its owner's account")
        return open_file(data_key, owner_id, data)

    async def delete(self, key: str) -> int:
        return await self._inner.delete(key)

    async def ensure_bucket(self) -> None:
        await self._inner.ensure_bucket()

    async def ping(self) -> None:
        await self._inner.ping()
