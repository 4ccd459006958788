"""The application aggregate: the status machine, idempotent creation, and follow-ups."""

from __future__ import annotations

from datetime import date
from itertools import product
from uuid import UUID, uuid4

import pytest

from jobtrail.domain.applications import (
    STATUSES,
    Application,
    Draft,
    IdempotencyKeyReused,
    IllegalTransition,
    application_id_for,
)
from jobtrail.domain.errors import NotFound
from jobtrail.events import EventContext, RecordedEvent, seal
from jobtrail.events.applications import (
    ApplicationCreated,
    ApplicationFollowUpDue,
    ApplicationFollowUpScheduled,
    ApplicationStatus,
    ApplicationStatusChanged,
)
from jobtrail.events.envelope import Event

OWNER = UUID("0190b8a4-0000-7000-8000-000000000001")
OTHER = UUID("0190b8a4-0000-7000-8000-000000000002")

# Every legal move, written out by hand: the table the implementation must agree with.
LEGAL: set[tuple[str, str]] = {
    ("saved", "applied"), ("saved", "withdrawn"),
    ("applied", "interviewing"), ("applied", "offer"), ("applied", "rejected"),
    ("applied", "withdrawn"), ("applied", "no_response"),
    ("interviewing", "offer"), ("interviewing", "rejected"), ("interviewing", "withdrawn"),
    ("interviewing", "no_response"),
    ("offer", "accepted"), ("offer", "rejected"), ("offer", "withdrawn"),
    ("no_response", "interviewing"), ("no_response", "offer"), ("no_response", "rejected"),
    ("no_response", "withdrawn"),
}  # fmt: skip
MOVES = [(a, b) for a, b in product(STATUSES, STATUSES) if a != b]
# How to reach each status from `saved` along legal moves.
PATHS: dict[str, list[ApplicationStatus]] = {
    "saved": [],
    "applied": ["applied"],
    "interviewing": ["applied", "interviewing"],
    "offer": ["applied", "interviewing", "offer"],
    "accepted": ["applied", "interviewing", "offer", "accepted"],
    "rejected": ["applied", "rejected"],
    "withdrawn": ["withdrawn"],
    "no_response": ["applied", "no_response"],
}


def draft(**changes: object) -> Draft:
    fields: dict[str, object] = {
        "job_id": UUID(int=7), "resume_id": UUID(int=8), "resume_version": 1,
        "cover_letter_id": None, "status": "saved",
    }  # fmt: skip
    fields.update(changes)
    return Draft(**fields)  # type: ignore[arg-type]


def recorded(application_id: UUID, events: list[Event], start: int = 0) -> list[RecordedEvent]:
    context = EventContext(actor="test", correlation_id="test", owner_id=OWNER)
    envelopes = seal(events, aggregate_id=application_id, base_version=start, context=context)
    return [RecordedEvent(e, seq) for seq, e in enumerate(envelopes, start=10 + start)]


def application_in(status: str) -> Application:
    """An application moved from `saved` to `status` along legal moves, read from its events."""
    application = Application(uuid4())
    events: list[Event] = []
    decided: list[Event] = list(application.create(OWNER, draft()))
    for step in [None, *PATHS[status]]:
        if step is not None:
            decided = list(application.move(step))
        for event in decided:
            application.apply(event)
        events += decided
    return Application.fold(
        application.application_id, recorded(application.application_id, events)
    )


def test_every_status_is_reachable_through_the_paths_used_below() -> None:
    assert set(PATHS) == set(STATUSES)
    for status in STATUSES:
        assert application_in(status).status == status


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_a_legal_move_emits_one_status_change(current: str, target: ApplicationStatus) -> None:
    application = application_in(current)
    assert application.move(target) == [
        ApplicationStatusChanged(
            application_id=application.application_id,
            from_status=current,
            to_status=target,
        )
    ]


@pytest.mark.parametrize(("current", "target"), [m for m in MOVES if m not in LEGAL])
def test_an_illegal_move_is_409_naming_the_allowed_moves(
    current: str, target: ApplicationStatus
) -> None:
    application = application_in(current)
    with pytest.raises(IllegalTransition) as refused:
        application.move(target)
    assert refused.value.status == 409
    allowed = sorted(b for a, b in LEGAL if a == current)
    message = refused.value.message
    assert f"from {current} to {target}" in message
    if allowed:
        assert all(name in message.split("allowed from")[1] for name in allowed)
    else:
        assert f"{current} is final" in message


def test_the_move_table_has_every_pair_of_distinct_statuses() -> None:
    assert len(MOVES) == 56  # 8 statuses, 7 others each
    assert set(MOVES) >= LEGAL


@pytest.mark.parametrize("status", STATUSES)
def test_moving_to_the_current_status_changes_nothing(status: ApplicationStatus) -> None:
    assert application_in(status).move(status) == []


def test_a_keyed_creation_repeated_with_the_same_body_decides_nothing() -> None:
    application_id = application_id_for(OWNER, "key-1")
    first = Application(application_id).create(OWNER, draft())
    again = Application.fold(application_id, recorded(application_id, list(first)))
    assert again.create(OWNER, draft()) == []


def test_a_keyed_creation_repeated_with_another_body_is_refused() -> None:
    application_id = application_id_for(OWNER, "key-1")
    first = Application(application_id).create(OWNER, draft())
    again = Application.fold(application_id, recorded(application_id, list(first)))
    with pytest.raises(IdempotencyKeyReused) as refused:
        again.create(OWNER, draft(resume_version=2))
    assert refused.value.status == 422


def test_the_same_key_of_two_users_names_two_applications() -> None:
    assert application_id_for(OWNER, "k") != application_id_for(OTHER, "k")
    assert application_id_for(OWNER, "k") == application_id_for(OWNER, "k")


def test_a_new_application_cannot_start_past_applied() -> None:
    with pytest.raises(IllegalTransition):
        Application(uuid4()).create(OWNER, draft(status="interviewing"))


def test_another_users_application_is_not_found() -> None:
    application = application_in("saved")
    with pytest.raises(NotFound):
        application.ensure_owned_by(OTHER)


def with_follow_up(on: date, *more: Event) -> Application:
    application_id = uuid4()
    created = Application(application_id).create(OWNER, draft())
    events: list[Event] = [
        *created, ApplicationFollowUpScheduled(application_id=application_id, follow_up_on=on),
        *more,
    ]  # fmt: skip
    return Application.fold(application_id, recorded(application_id, events))


def test_a_follow_up_is_due_on_its_date_and_not_before() -> None:
    application = with_follow_up(date(2026, 3, 10))
    assert application.due_reminder(date(2026, 3, 9)) == []
    assert application.due_reminder(date(2026, 3, 10)) == [
        ApplicationFollowUpDue(
            application_id=application.application_id, follow_up_on=date(2026, 3, 10)
        )
    ]
    assert application.follow_up_cause is not None
    assert application.follow_up_cause.type == "ApplicationFollowUpScheduled"


def test_a_follow_up_date_reminds_once() -> None:
    on = date(2026, 3, 10)
    application = with_follow_up(on)
    due = application.due_reminder(date(2026, 3, 12))
    reminded = with_follow_up(on, *due)
    assert reminded.due_reminder(date(2026, 3, 13)) == []


def test_a_closed_application_needs_no_follow_up() -> None:
    application = with_follow_up(date(2026, 3, 10))
    application.apply(
        ApplicationStatusChanged(
            application_id=application.application_id, from_status="saved", to_status="withdrawn"
        )
    )
    assert application.due_reminder(date(2026, 3, 12)) == []


def test_created_event_records_the_request_hash_not_the_key() -> None:
    (event,) = Application(uuid4()).create(OWNER, draft())
    assert isinstance(event, ApplicationCreated)
    assert len(event.request_sha256) == 64
