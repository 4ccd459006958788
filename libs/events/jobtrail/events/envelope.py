"""The event envelope (defined once, for every event) and the base class of event data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from jobtrail.events.ids import derived_uuid7, uuid7


class Event(BaseModel):
    """Base of every domain event's data: past tense, frozen, versioned."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    aggregate_type: ClassVar[str]
    # Sealed with the owner's data key in the log (see `jobtrail.eventlog.sealing`); only
    # events that must stay readable after an erasure (the erasure itself) say False.
    personal: ClassVar[bool] = True

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "type" in cls.__dict__:
            from jobtrail.events.registry import registry

            registry.register(cls)


class Envelope(BaseModel):
    """What travels on the wire and stays in the log: metadata plus the event's data."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    type: str
    schema_version: int
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    occurred_at: datetime
    actor: str
    owner_id: UUID | None = None
    correlation_id: str
    causation_id: str | None = None
    data: dict[str, Any]

    @property
    def subject(self) -> str:
        from jobtrail.events.subjects import event_subject

        return event_subject(self.aggregate_type, self.aggregate_id, self.type)

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()


@dataclass(frozen=True)
class EventContext:
    """Who is acting and why: flows from an HTTP request through every event it causes."""

    actor: str
    correlation_id: str
    causation_id: str | None = None
    owner_id: UUID | None = None
    cause: Envelope | None = None

    @classmethod
    def caused_by(cls, cause: Envelope, actor: str) -> EventContext:
        """The context of events a service decides while handling `cause`."""
        return cls(
            actor=actor,
            correlation_id=cause.correlation_id,
            causation_id=str(cause.event_id),
            owner_id=cause.owner_id,
            cause=cause,
        )

    def with_owner(self, owner_id: UUID | None) -> EventContext:
        return replace(self, owner_id=owner_id)


def seal(
    events: list[Event],
    *,
    aggregate_id: object,
    base_version: int,
    context: EventContext,
    now: datetime | None = None,
) -> list[Envelope]:
    """Wrap new events of one aggregate, numbering them after `base_version`.

    Events caused by another event get ids derived from the cause, so a redelivered cause
    yields the same ids and the stream drops the repeat as a duplicate.
    """
    occurred = now or datetime.now(UTC)
    envelopes = []
    for offset, event in enumerate(events, start=1):
        version = base_version + offset
        if context.cause is not None:
            cause_ms = int(context.cause.occurred_at.timestamp() * 1000)
            # The aggregate is part of the seed: one cause may emit the same type and version
            # on several aggregates, and equal ids would make the stream drop all but the first.
            event_id = derived_uuid7(
                cause_ms, context.cause.event_id, event.aggregate_type, aggregate_id,
                event.type, version,
            )  # fmt: skip
        else:
            event_id = uuid7()
        envelopes.append(
            Envelope(
                event_id=event_id,
                type=event.type,
                schema_version=event.schema_version,
                aggregate_type=event.aggregate_type,
                aggregate_id=str(aggregate_id),
                aggregate_version=version,
                occurred_at=occurred,
                actor=context.actor,
                owner_id=context.owner_id,
                correlation_id=context.correlation_id,
                causation_id=context.causation_id,
                data=event.model_dump(mode="json"),
            )
        )
    return envelopes


@dataclass(frozen=True)
class RecordedEvent:
    """An envelope as read (its data opened) with its stream sequence.

    `stored` is the envelope as the log holds it when that differs (personal data sealed
    with the owner's key): what the audit trail keeps, so an erasure reaches it too.
    """

    envelope: Envelope
    seq: int
    stored: Envelope | None = None

    @property
    def as_stored(self) -> Envelope:
        return self.stored or self.envelope

    @property
    def event(self) -> Event:
        """The typed event, upcast to the newest schema version this process knows."""
        from jobtrail.events.registry import registry

        return registry.decode(self.envelope)
