"""Personal data in the log: sealed with its owner's data key on append, opened on read.

An event that belongs to a job seeker (`owner_id`) and is `personal` (every event class but
the erasure itself) is appended with its `data` sealed (`jobtrail.privacy.cipher`): the
envelope's metadata stays readable (`nats stream view` shows type, aggregate and ids), the
content does not. Reading opens it with the owner's key from the key ring.

After the owner's keys were destroyed, an event of theirs reads as `DataErased` (its
original type kept, its data gone), whether it was sealed or written in the clear before
sealing began. Folds and projections pass over such events, so a replay completes.
"""

from __future__ import annotations

from jobtrail.events.envelope import Envelope, RecordedEvent
from jobtrail.events.errors import UnknownEventType
from jobtrail.events.registry import registry
from jobtrail.events.users import DataErased
from jobtrail.privacy.cipher import (
    KeySource,
    OwnerKeys,
    SealingError,
    is_sealed,
    open_json,
    seal_json,
    sealed_kid,
)


def _aad(envelope: Envelope) -> bytes:
    owner = envelope.owner_id.bytes if envelope.owner_id else b""
    return b"jobtrail-event\n" + envelope.event_id.bytes + owner


def is_personal(event_type: str) -> bool:
    try:
        return registry.class_for(event_type).personal
    except UnknownEventType:
        return True


class EnvelopeSealer:
    """Seals and opens envelopes with the owners' keys."""

    def __init__(self, keys: KeySource) -> None:
        self._keys = keys

    @property
    def keys(self) -> KeySource:
        return self._keys

    async def seal(self, envelope: Envelope) -> Envelope:
        """The envelope as it is to be stored."""
        if envelope.owner_id is None or not is_personal(envelope.type):
            return envelope
        key = await self._keys.writing_key(envelope.owner_id)
        return envelope.model_copy(update={"data": seal_json(key, envelope.data, _aad(envelope))})

    async def open(self, recorded: RecordedEvent) -> RecordedEvent:
        """The event as read: data opened, or `DataErased` once its owner was erased."""
        stored = recorded.envelope
        if stored.owner_id is None:
            return recorded
        sealed = is_sealed(stored.data)
        if not sealed and not is_personal(stored.type):
            return recorded
        keys = await self._keys.owner_keys(stored.owner_id)
        if sealed:
            key = keys.keys.get(sealed_kid(stored.data)) if keys is not None else None
            if key is None:
                return _erased(recorded)
            opened = open_json(key, stored.data, _aad(stored))
            return RecordedEvent(stored.model_copy(update={"data": opened}), recorded.seq, stored)
        if _erased_before(keys, stored):
            return _erased(recorded)
        return recorded


def _erased_before(keys: OwnerKeys | None, envelope: Envelope) -> bool:
    """A clear event (written before sealing began) of an owner erased after it."""
    return (
        keys is not None and keys.erased_at is not None and envelope.occurred_at <= keys.erased_at
    )


def _erased(recorded: RecordedEvent) -> RecordedEvent:
    stored = recorded.envelope
    placeholder = stored.model_copy(
        update={
            "type": DataErased.type,
            "schema_version": 1,
            "data": {"original_type": stored.type},
        }
    )
    return RecordedEvent(placeholder, recorded.seq, stored)


__all__ = ["EnvelopeSealer", "SealingError", "is_personal"]
