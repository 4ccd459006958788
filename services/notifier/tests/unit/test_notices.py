"""The notifier policy on an event log in memory: who hears about what, and only once.

The last tests run its subscription as the service does, on faststream's test broker (no
NATS server): the declared consumer's subscriber gets the delivery, `EventConsumer.handle`
decodes it and runs the notifier, and the outcome is counted.
"""

from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

from faststream.nats import TestNatsBroker
from nats.aio.client import Client as NATS

from jobtrail.eventlog.aggregates import Repository
from jobtrail.eventlog.consumer import HANDLED
from jobtrail.eventlog.memory import InMemoryEventStore
from jobtrail.eventlog.subscriptions import FaststreamConsumers, Subscription
from jobtrail.eventlog.topology import load_topology
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.envelope import Event
from jobtrail.events.exports import ExportReady
from jobtrail.events.jobs import JobMatched
from jobtrail.events.subjects import EVENTS_STREAM
from jobtrail.notifier.declarations import NOTIFY
from jobtrail.notifier.notices import Notifier
from jobtrail.privacy import MemoryKeys

OWNER = UUID("0190b8a4-0000-7000-8000-00000000a0a0")


async def recorded(events: InMemoryEventStore, event: Event, aggregate_id: UUID,
                   owner: UUID | None = OWNER) -> RecordedEvent:  # fmt: skip
    history = await events.load(event.aggregate_type, aggregate_id)
    context = EventContext(actor="test", correlation_id="c", owner_id=owner)
    return (await events.append(history, [event], context))[0]


def export_ready(export_id: UUID) -> ExportReady:
    return ExportReady(
        export_id=export_id, user_id=OWNER, resume_id=uuid4(), version=1, document="resume",
        format="pdf", template="classic", file_key="k", sha256="0" * 64, size=1,
        filename="cv.pdf",
    )  # fmt: skip


def matched(job_id: UUID, score: int) -> JobMatched:
    return JobMatched(job_id=job_id, user_id=OWNER, resume_id=uuid4(), resume_version=1,
                      score=score, model="m")  # fmt: skip


def notifications(events: InMemoryEventStore) -> list[RecordedEvent]:
    return [r for r in events.log if r.envelope.type == "NotificationCreated"]


async def test_a_finished_export_notifies_its_owner_once_however_often_it_arrives() -> None:
    events = InMemoryEventStore()
    notify = Notifier(Repository(events), strong_match=80)
    cause = await recorded(events, export_ready(uuid4()), uuid4())

    await notify(cause)
    await asyncio.gather(notify(cause), notify(cause))  # redeliveries, or two copies

    (created,) = notifications(events)
    assert created.envelope.owner_id == OWNER
    assert created.envelope.causation_id == str(cause.envelope.event_id)
    assert created.envelope.data["kind"] == "export_ready"


async def test_only_a_strong_match_notifies() -> None:
    events = InMemoryEventStore()
    notify = Notifier(Repository(events), strong_match=80)

    await notify(await recorded(events, matched(uuid4(), 79), uuid4()))
    assert notifications(events) == []
    await notify(await recorded(events, matched(uuid4(), 80), uuid4()))
    assert [n.envelope.data["kind"] for n in notifications(events)] == ["strong_match"]


async def test_an_event_that_names_nobody_notifies_nobody() -> None:
    events = InMemoryEventStore()
    notify = Notifier(Repository(events), strong_match=80)
    ready = export_ready(uuid4()).model_copy(update={"user_id": None})

    await notify(await recorded(events, ready, uuid4(), owner=None))

    assert notifications(events) == []


# The subscription, on faststream's test broker ------------------------------------------


def delivery_reply(sequence: int) -> str:
    """The reply subject JetStream gives a first delivery (where its metadata is read)."""
    return f"$JS.ACK.{EVENTS_STREAM}.{NOTIFY.durable}.1.{sequence}.{sequence}.1700000000000000000.0"


def handled(outcome: str, event_type: str = "ExportReady") -> float:
    value: float = HANDLED.labels(NOTIFY.durable, event_type, outcome)._value.get()
    return value


async def test_a_delivery_reaches_the_notifier_through_its_declared_subscription() -> None:
    events = InMemoryEventStore()
    cause = await recorded(events, export_ready(uuid4()), uuid4())
    subscription = Subscription(NOTIFY, Notifier(Repository(events), strong_match=80))
    consumers = FaststreamConsumers(
        NATS(), "nats://unused", load_topology(), [subscription], keys=MemoryKeys()
    )
    before = handled("ok")

    async with TestNatsBroker(consumers.broker(asyncio.Event())) as broker:
        await broker.publish(
            cause.envelope.to_json(),
            cause.envelope.subject,
            stream=EVENTS_STREAM,
            reply_to=delivery_reply(cause.seq),
        )

    (created,) = notifications(events)
    assert created.envelope.causation_id == str(cause.envelope.event_id)
    assert handled("ok") == before + 1


async def test_a_delivery_of_a_type_the_consumer_does_not_select_reaches_nobody() -> None:
    events = InMemoryEventStore()
    cause = await recorded(events, export_ready(uuid4()), uuid4())
    subscription = Subscription(NOTIFY, Notifier(Repository(events), strong_match=80))
    consumers = FaststreamConsumers(
        NATS(), "nats://unused", load_topology(), [subscription], keys=MemoryKeys()
    )

    async with TestNatsBroker(consumers.broker(asyncio.Event())) as broker:
        await broker.publish(
            cause.envelope.to_json(),
            f"jobtrail.events.resume.{uuid4()}.ResumeUploaded",
            stream=EVENTS_STREAM,
            reply_to=delivery_reply(cause.seq),
        )

    assert notifications(events) == []
