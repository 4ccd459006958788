"""Decoding envelopes into typed events, reading old schema versions through upcasters."""

from typing import Any, ClassVar
from uuid import UUID, uuid4

import pydantic
import pytest

from jobtrail.events.envelope import Envelope, Event, EventContext, RecordedEvent, seal
from jobtrail.events.errors import UnknownEventType
from jobtrail.events.registry import EventRegistry, registry

# Throwaway event classes register in the global registry: their type names are unique to
# this module, and tests that walk the registry skip classes defined outside jobtrail.events.


class TestThingHappened(Event):
    """A throwaway event at v3: v2 renamed `name` to `label`, v3 added a required `size`."""

    __test__ = False
    type: ClassVar[str] = "TestThingHappened"
    schema_version: ClassVar[int] = 3
    aggregate_type: ClassVar[str] = "testagg"
    thing_id: UUID
    label: str
    size: int


@registry.upcaster("TestThingHappened", 1)
def upcast_v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    renamed = {key: value for key, value in data.items() if key != "name"}
    return {**renamed, "label": data["name"]}


@registry.upcaster("TestThingHappened", 2)
def upcast_v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "size": len(data["label"])}


class TestGapHappened(Event):
    """A throwaway event at v3 whose upcaster from v1 is missing."""

    __test__ = False
    type: ClassVar[str] = "TestGapHappened"
    schema_version: ClassVar[int] = 3
    aggregate_type: ClassVar[str] = "testagg"
    thing_id: UUID


@registry.upcaster("TestGapHappened", 2)
def upcast_gap_v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    return data


CONTEXT = EventContext(actor="test", correlation_id="test")


def stored(event_type: str, version: int, data: dict[str, Any]) -> Envelope:
    """An envelope as an older (or newer) writer would have stored it."""
    current = TestThingHappened(thing_id=uuid4(), label="x", size=1)
    envelope = seal([current], aggregate_id="t1", base_version=0, context=CONTEXT)[0]
    return envelope.model_copy(update={"type": event_type, "schema_version": version, "data": data})


def test_the_current_version_is_decoded_as_is() -> None:
    thing_id = uuid4()
    envelope = stored("TestThingHappened", 3, {"thing_id": str(thing_id), "label": "a", "size": 7})
    assert registry.decode(envelope) == TestThingHappened(thing_id=thing_id, label="a", size=7)


def test_a_v1_payload_is_upcast_through_every_step_to_the_current_version() -> None:
    thing_id = uuid4()
    envelope = stored("TestThingHappened", 1, {"thing_id": str(thing_id), "name": "chair"})
    assert registry.decode(envelope) == TestThingHappened(thing_id=thing_id, label="chair", size=5)


def test_a_v2_payload_only_takes_the_remaining_step() -> None:
    thing_id = uuid4()
    envelope = stored("TestThingHappened", 2, {"thing_id": str(thing_id), "label": "desk"})
    assert registry.decode(envelope) == TestThingHappened(thing_id=thing_id, label="desk", size=4)


def test_a_recorded_event_exposes_the_upcast_typed_event() -> None:
    thing_id = uuid4()
    recorded = RecordedEvent(stored("TestThingHappened", 1, {"thing_id": str(thing_id),
                                                             "name": "lamp"}), seq=12)  # fmt: skip
    assert recorded.event == TestThingHappened(thing_id=thing_id, label="lamp", size=4)


def test_a_payload_newer_than_this_process_knows_is_refused() -> None:
    envelope = stored("TestThingHappened", 4, {"thing_id": str(uuid4()), "label": "a", "size": 1})
    with pytest.raises(UnknownEventType, match=r"TestThingHappened v4 is newer .*\(v3\)"):
        registry.decode(envelope)


def test_a_version_without_an_upcaster_is_refused_naming_the_missing_step() -> None:
    envelope = stored("TestGapHappened", 1, {"thing_id": str(uuid4())})
    with pytest.raises(UnknownEventType, match=r"TestGapHappened v1 .* no upcaster to v2"):
        registry.decode(envelope)


def test_an_unregistered_type_is_refused() -> None:
    envelope = stored("NoSuchThingHappened", 1, {})
    with pytest.raises(UnknownEventType, match="NoSuchThingHappened"):
        registry.decode(envelope)


def test_a_second_class_for_a_known_type_is_refused() -> None:
    own = EventRegistry()
    own.register(TestThingHappened)
    own.register(TestThingHappened)  # the same class again is harmless
    impostor = pydantic.create_model("Impostor", __base__=TestThingHappened)
    with pytest.raises(ValueError, match="defined twice"):
        own.register(impostor)


def test_event_classes_register_themselves_by_type() -> None:
    assert registry.class_for("TestThingHappened") is TestThingHappened
    assert registry.upcasters()[("TestThingHappened", 1)] is upcast_v1_to_v2
