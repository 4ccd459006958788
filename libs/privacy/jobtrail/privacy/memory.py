"""Data keys in memory: the key ring of unit tests (no NATS)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from jobtrail.privacy.cipher import DataKey, OwnerKeys


class MemoryKeys:
    """Makes a key per owner on first use and forgets it on `erase`, like the key ring."""

    def __init__(self) -> None:
        self.entries: dict[UUID, OwnerKeys] = {}

    async def writing_key(self, owner_id: UUID) -> DataKey:
        keys = self.entries.get(owner_id)
        if keys is None:
            key = DataKey.generate()
            keys = self.entries[owner_id] = OwnerKeys(owner_id, {key.kid: key}, key.kid)
        return keys.writing_key()

    async def owner_keys(self, owner_id: UUID) -> OwnerKeys | None:
        return self.entries.get(owner_id)

    async def erase(self, owner_id: UUID, at: datetime | None = None) -> None:
        self.entries[owner_id] = OwnerKeys(owner_id, {}, None, at or datetime.now(UTC))
