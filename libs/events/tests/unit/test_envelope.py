"""Sealing events into envelopes: versions, context, and ids derived from a cause."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

from jobtrail.events.envelope import Envelope, EventContext, seal
from jobtrail.events.resumes import ResumeParsed, ResumeRejected
from jobtrail.events.users import UserRegistered

NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
USER = EventContext(actor="user:42", correlation_id="req-1", owner_id=uuid4())


def rejected(resume_id: UUID | None = None) -> ResumeRejected:
    return ResumeRejected(resume_id=resume_id or uuid4(), code="empty", reason="no text")


def parsed(resume_id: UUID) -> ResumeParsed:
    return ResumeParsed(
        resume_id=resume_id, file_kind="pdf", document_version=1, sha256="0" * 64, text_chars=9
    )


def a_cause() -> Envelope:
    registered = UserRegistered(
        user_id=uuid4(), email="a@example.org", display_name="A", password_hash="x"
    )
    return seal([registered], aggregate_id=uuid4(), base_version=0, context=USER)[0]


def caused_by(cause: Envelope) -> EventContext:
    return EventContext.caused_by(cause, actor="service:resume")


def test_seal_numbers_versions_after_the_base_version() -> None:
    envelopes = seal([rejected(), rejected(), rejected()], aggregate_id="r1", base_version=4,
                     context=USER)  # fmt: skip
    assert [e.aggregate_version for e in envelopes] == [5, 6, 7]


def test_seal_copies_type_version_aggregate_and_data_from_the_event() -> None:
    event = rejected()
    envelope = seal([event], aggregate_id=event.resume_id, base_version=0, context=USER)[0]
    assert (envelope.type, envelope.schema_version) == ("ResumeRejected", 1)
    assert (envelope.aggregate_type, envelope.aggregate_id) == ("resume", str(event.resume_id))
    assert envelope.data == event.model_dump(mode="json")
    assert envelope.subject == f"jobtrail.events.resume.{event.resume_id}.ResumeRejected"


def test_seal_carries_who_and_why_from_the_context() -> None:
    envelope = seal([rejected()], aggregate_id="r1", base_version=0, context=USER, now=NOW)[0]
    assert envelope.actor == "user:42"
    assert envelope.correlation_id == "req-1"
    assert envelope.causation_id is None
    assert envelope.owner_id == USER.owner_id
    assert envelope.occurred_at == NOW


def test_seal_without_a_cause_gives_new_uuid7_ids_every_time() -> None:
    event = rejected()
    first = seal([event], aggregate_id="r1", base_version=0, context=USER)[0].event_id
    second = seal([event], aggregate_id="r1", base_version=0, context=USER)[0].event_id
    assert first != second
    assert first.version == second.version == 7


def test_a_caused_context_keeps_the_correlation_and_names_the_cause() -> None:
    cause = a_cause()
    context = caused_by(cause)
    assert context.correlation_id == cause.correlation_id
    assert context.causation_id == str(cause.event_id)
    assert context.owner_id == cause.owner_id


def test_events_caused_by_the_same_event_get_the_same_ids() -> None:
    cause, resume_id = a_cause(), uuid4()
    events = [parsed(resume_id), rejected(resume_id)]
    first = seal(events, aggregate_id=resume_id, base_version=2, context=caused_by(cause))
    again = seal(events, aggregate_id=resume_id, base_version=2, context=caused_by(cause))
    assert [e.event_id for e in first] == [e.event_id for e in again]
    assert len({e.event_id for e in first}) == 2


def test_events_caused_by_different_events_get_different_ids() -> None:
    resume_id = uuid4()
    one = seal([parsed(resume_id)], aggregate_id=resume_id, base_version=0,
               context=caused_by(a_cause()))  # fmt: skip
    other = seal([parsed(resume_id)], aggregate_id=resume_id, base_version=0,
                 context=caused_by(a_cause()))  # fmt: skip
    assert one[0].event_id != other[0].event_id


def test_one_cause_gives_different_ids_to_the_same_event_on_different_aggregates() -> None:
    # Equal ids would make the stream drop the second aggregate's event as a duplicate.
    context = caused_by(a_cause())
    first, second = uuid4(), uuid4()
    on_first = seal([rejected(first)], aggregate_id=first, base_version=0, context=context)
    on_second = seal([rejected(second)], aggregate_id=second, base_version=0, context=context)
    assert on_first[0].event_id != on_second[0].event_id


def test_caused_ids_are_uuid7_stamped_with_the_time_of_the_cause() -> None:
    cause = a_cause()
    envelope = seal([rejected()], aggregate_id="r1", base_version=0, context=caused_by(cause))[0]
    assert envelope.event_id.version == 7
    assert envelope.event_id.int >> 80 == int(cause.occurred_at.timestamp() * 1000)


def test_an_envelope_survives_its_json_unchanged() -> None:
    envelope = seal([rejected()], aggregate_id="r1", base_version=0, context=USER)[0]
    assert Envelope.model_validate_json(envelope.to_json()) == envelope
