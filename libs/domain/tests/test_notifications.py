"""The notifier policy: which events become notifications, and once per cause."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from jobtrail.domain.notifications import (
    Notification,
    notice_for,
    notification_id_for,
)
from jobtrail.events import Envelope, EventContext, RecordedEvent, seal
from jobtrail.events.notifications import NotificationCreated

OWNER = UUID("0190b8a4-0000-7000-8000-000000000001")
DAY = "2026-01-02"


def envelope(event_type: str, aggregate: str, data: dict[str, Any]) -> Envelope:
    return Envelope(
        event_id=uuid4(), type=event_type, schema_version=1, aggregate_type=aggregate,
        aggregate_id=str(uuid4()), aggregate_version=1, occurred_at=datetime.now(UTC),
        actor="test", owner_id=OWNER, correlation_id="c", data=data,
    )  # fmt: skip


def test_export_and_ai_outcomes_notify() -> None:
    kinds = [
        notice_for(envelope("ExportReady", "export", {"format": "pdf"}), 80),
        notice_for(envelope("ExportFailed", "export", {"reason": "no fonts"}), 80),
        notice_for(envelope("AIOutputReady", "ai_job", {"kind": "cover_letter"}), 80),
        notice_for(envelope("AIJobFailed", "ai_job", {"reason": "rate limited"}), 80),
        notice_for(envelope("ApplicationFollowUpDue", "application", {"follow_up_on": DAY}), 80),
    ]  # fmt: skip
    assert [n.kind if n else None for n in kinds] == [
        "export_ready", "export_failed", "ai_output_ready", "ai_job_failed", "follow_up",
    ]  # fmt: skip
    titles = [n.title if n else "" for n in kinds]
    assert "PDF" in titles[0]
    assert "no fonts" in titles[1]
    assert "cover letter" in titles[2]
    assert "2026-01-02" in titles[4]


def test_only_a_strong_job_match_notifies() -> None:
    assert notice_for(envelope("JobMatched", "job", {"score": 79}), 80) is None
    strong = notice_for(envelope("JobMatched", "job", {"score": 80}), 80)
    assert strong is not None
    assert (strong.kind, "80%" in strong.title) == ("strong_match", True)


def test_other_events_do_not_notify() -> None:
    assert notice_for(envelope("ResumeParsed", "resume", {}), 80) is None


def test_a_cause_names_one_notification_created_once() -> None:
    cause = envelope("ExportReady", "export", {"format": "docx"})
    notification_id = notification_id_for(cause.event_id)
    assert notification_id == notification_id_for(cause.event_id)
    notice = notice_for(cause, 80)
    assert notice is not None
    created = Notification(notification_id).create(cause, OWNER, notice)
    assert [type(e) for e in created] == [NotificationCreated]
    context = EventContext.caused_by(cause, actor="service:notifier")
    sealed = seal(list(created), aggregate_id=notification_id, base_version=0, context=context)
    history = [RecordedEvent(e, 1) for e in sealed]
    assert Notification.fold(notification_id, history).create(cause, OWNER, notice) == []
    # A redelivered cause seals to the same event id, which the stream drops as a duplicate.
    again = seal(list(created), aggregate_id=notification_id, base_version=0, context=context)
    assert again[0].event_id == sealed[0].event_id
