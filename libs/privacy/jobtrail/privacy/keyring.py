"""The key ring: every user's wrapped data keys in the JetStream key-value bucket JOBTRAIL_KEYS.

One entry per user (key: the user id), holding every data key that ever sealed their data,
each wrapped under a master key (`cipher.MasterKeys`). The bucket keeps one revision per
key, so writing an erasure's tombstone removes the wrapped keys from the server: from then
on nothing sealed for that user opens, anywhere, replay included.

Every process caches opened entries for `ttl` seconds; an erasure therefore takes effect in
the other processes within that time. A key made for a user is created with the bucket's
compare-and-set, so processes racing to make one agree on the winner.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import structlog
from nats.aio.client import Client as NATS
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import (
    BucketNotFoundError,
    KeyNotFoundError,
    KeyWrongLastSequenceError,
    NoKeysError,
)
from nats.js.kv import KeyValue

from jobtrail.privacy.cipher import DataKey, MasterKeys, OwnerErased, OwnerKeys

BUCKET = "JOBTRAIL_KEYS"
_CAS_ATTEMPTS = 5

log = structlog.get_logger("jobtrail.privacy.keyring")


class Keyring:
    """Data keys by user, wrapped at rest, opened and cached in memory."""

    def __init__(
        self, nc: NATS, master: MasterKeys, *, bucket: str = BUCKET, ttl: float = 30.0
    ) -> None:
        self._nc = nc
        self._master = master
        self._bucket = bucket
        self._ttl = ttl
        self._kv: KeyValue | None = None
        self._cache: dict[UUID, tuple[float, OwnerKeys | None]] = {}
        self._lock = asyncio.Lock()

    @property
    def master(self) -> MasterKeys:
        return self._master

    async def owner_keys(self, owner_id: UUID) -> OwnerKeys | None:
        cached = self._cache.get(owner_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        found = await self._read(owner_id)
        self._remember(owner_id, None if found is None else found[0])
        return None if found is None else found[0]

    async def writing_key(self, owner_id: UUID) -> DataKey:
        keys = await self.owner_keys(owner_id)
        if keys is None:
            keys = await self._create(owner_id)
        return keys.writing_key()

    async def revive(self, owner_id: UUID) -> DataKey:
        """A fresh key for an account registered again after an erasure (the old data stays
        erased: its keys are gone, and `erased_at` keeps covering older clear data)."""
        for _ in range(_CAS_ATTEMPTS):
            found = await self._read(owner_id)
            if found is None:
                return (await self._create(owner_id)).writing_key()
            keys, revision = found
            if not keys.erased:
                self._remember(owner_id, keys)
                return keys.writing_key()
            key = DataKey.generate()
            fresh = OwnerKeys(owner_id, {key.kid: key}, key.kid, keys.erased_at)
            if await self._swap(owner_id, fresh, revision):
                return key
        raise RuntimeError(f"the key ring entry of {owner_id} kept changing; try again")

    async def rotate(self, owner_id: UUID) -> DataKey:
        """A new current key for the owner; the older ones still open what they sealed."""
        for _ in range(_CAS_ATTEMPTS):
            found = await self._read(owner_id)
            if found is None:
                return (await self._create(owner_id)).writing_key()
            keys, revision = found
            if keys.erased:
                raise OwnerErased(owner_id)
            key = DataKey.generate()
            rotated = OwnerKeys(owner_id, {**keys.keys, key.kid: key}, key.kid, keys.erased_at)
            if await self._swap(owner_id, rotated, revision):
                return key
        raise RuntimeError(f"the key ring entry of {owner_id} kept changing; try again")

    async def erase(self, owner_id: UUID, at: datetime | None = None) -> None:
        """Destroy the owner's keys: the entry becomes a tombstone with no key in it."""
        kv = await self._open()
        tombstone = OwnerKeys(owner_id, {}, None, at or datetime.now(UTC))
        await kv.put(_key(owner_id), self._encode(tombstone))
        self._remember(owner_id, tombstone)
        log.info("keyring.erased", owner_id=str(owner_id))

    async def rewrap_all(self) -> int:
        """Wrap every stored data key under the current master key; how many entries changed."""
        changed = 0
        async for owner_id in self.owners():
            for _ in range(_CAS_ATTEMPTS):
                found = await self._read(owner_id)
                if found is None:
                    break
                keys, revision = found
                if await self._swap(owner_id, keys, revision):
                    changed += 1
                    break
        return changed

    async def owners(self) -> AsyncIterator[UUID]:
        kv = await self._open()
        try:
            names = await kv.keys()
        except NoKeysError:
            return
        for name in names:
            yield UUID(name)

    def forget(self, owner_id: UUID) -> None:
        """Drop the cached entry, so the next use reads the bucket."""
        self._cache.pop(owner_id, None)

    async def _create(self, owner_id: UUID) -> OwnerKeys:
        kv = await self._open()
        key = DataKey.generate()
        fresh = OwnerKeys(owner_id, {key.kid: key}, key.kid)
        try:
            await kv.create(_key(owner_id), self._encode(fresh))
        except KeyWrongLastSequenceError:
            found = await self._read(owner_id)
            if found is None:  # created and erased meanwhile: cannot be, but be explicit
                raise OwnerErased(owner_id) from None
            fresh = found[0]
        self._remember(owner_id, fresh)
        return fresh

    async def _swap(self, owner_id: UUID, keys: OwnerKeys, revision: int) -> bool:
        kv = await self._open()
        try:
            await kv.update(_key(owner_id), self._encode(keys), last=revision)
        except KeyWrongLastSequenceError:
            return False
        self._remember(owner_id, keys)
        return True

    async def _read(self, owner_id: UUID) -> tuple[OwnerKeys, int] | None:
        kv = await self._open()
        try:
            entry = await kv.get(_key(owner_id))
        except KeyNotFoundError:
            return None
        if entry.value is None or entry.revision is None:
            return None
        return self._decode(owner_id, json.loads(entry.value)), entry.revision

    def _remember(self, owner_id: UUID, keys: OwnerKeys | None) -> None:
        self._cache[owner_id] = (time.monotonic() + self._ttl, keys)

    def _encode(self, keys: OwnerKeys) -> bytes:
        body: dict[str, Any] = {
            "owner": str(keys.owner_id),
            "current": keys.current,
            "erased_at": keys.erased_at.isoformat() if keys.erased_at else None,
            "keys": [self._master.wrap(keys.owner_id, k) for k in keys.keys.values()],
        }
        return json.dumps(body).encode()

    def _decode(self, owner_id: UUID, body: dict[str, Any]) -> OwnerKeys:
        keys = [self._master.unwrap(owner_id, wrapped) for wrapped in body.get("keys", [])]
        erased_at = body.get("erased_at")
        return OwnerKeys(
            owner_id,
            {k.kid: k for k in keys},
            body.get("current"),
            datetime.fromisoformat(erased_at) if erased_at else None,
        )

    async def _open(self) -> KeyValue:
        if self._kv is not None:
            return self._kv
        async with self._lock:
            if self._kv is None:
                js = self._nc.jetstream()
                try:
                    self._kv = await js.key_value(self._bucket)
                except BucketNotFoundError:
                    # The topology (deploy/nats/streams) makes it; a bare server gets the same.
                    self._kv = await js.create_key_value(
                        KeyValueConfig(
                            bucket=self._bucket,
                            history=1,
                            storage=StorageType.FILE,
                            description=_DESCRIPTION,
                        )
                    )
        return self._kv


_DESCRIPTION = (
    "Key-value bucket JOBTRAIL_KEYS: each user's data keys, wrapped under the master key "
    "(key: user id). One revision per key: an erasure's tombstone destroys the keys."
)


def _key(owner_id: UUID) -> str:
    return str(owner_id)
