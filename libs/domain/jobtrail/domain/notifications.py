"""The `notification` aggregate, and the notifier policy: which events deserve one.

A notification's id is derived from the id of the event that caused it, so however often
that event is delivered, it names one notification, created at most once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

from jobtrail.domain.errors import NotFound
from jobtrail.events.envelope import Envelope, RecordedEvent
from jobtrail.events.notifications import NotificationCreated, NotificationRead

_NAMESPACE = uuid.UUID("a4f2d1c7-5b3e-4e0a-8c6d-9f1b2a3c4d5e")

# The types the notifier listens to (deploy/nats/consumers/JOBTRAIL_EVENTS/notifier-notify.json).
NOTIFYING_TYPES = (
    "ExportReady", "ExportFailed", "AIOutputReady", "AIJobFailed", "JobMatched",
    "ApplicationFollowUpDue",
)  # fmt: skip


def notification_id_for(cause_event_id: UUID) -> UUID:
    return uuid.uuid5(_NAMESPACE, str(cause_event_id))


@dataclass(frozen=True)
class Notice:
    kind: str
    title: str


def _text(data: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _score(data: dict[str, Any]) -> float | None:
    """A match score in percent (JobMatched carries 0-100)."""
    value = data.get("score")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


_AI_OUTPUTS = {
    "tailor_resume": "tailored resume", "cover_letter": "cover letter",
    "summarize_resume": "resume summary", "research_prompt": "research prompt",
    "interview_prep": "interview preparation",
}  # fmt: skip


def notice_for(envelope: Envelope, strong_match: float) -> Notice | None:
    """What to tell the event's owner, or None when the event is not worth a notification.

    A job match is strong from `strong_match` percent on.

    Works on the envelope's data dict, so events of types this process has no class for
    (yet) still notify.
    """
    data = envelope.data
    match envelope.type:
        case "ExportReady":
            what = _text(data, "format")
            return Notice(
                "export_ready", f"Your {what.upper() + ' ' if what else ''}export is ready"
            )
        case "ExportFailed":
            reason = _text(data, "reason", "message")
            return Notice("export_failed", "Your export failed" + (f": {reason}" if reason else ""))
        case "AIOutputReady":
            kind = _text(data, "kind") or ""
            label = _AI_OUTPUTS.get(kind, kind.replace("_", " ") or "AI result")
            return Notice("ai_output_ready", f"Your {label} is ready")
        case "AIJobFailed":
            reason = _text(data, "reason", "message")
            return Notice("ai_job_failed", "An AI job failed" + (f": {reason}" if reason else ""))
        case "JobMatched":
            score = _score(data)
            if score is None or score < strong_match:
                return None
            return Notice(
                "strong_match", f"A job posting is a strong match for your resume ({score:.0f}%)"
            )
        case "ApplicationFollowUpDue":
            on = _text(data, "follow_up_on")
            return Notice("follow_up", f"Time to follow up on your application (due {on})")
    return None


@dataclass
class Notification:
    aggregate_type: ClassVar[str] = "notification"

    notification_id: UUID
    owner_id: UUID | None = None
    read: bool = False

    @classmethod
    def fold(cls, notification_id: UUID, events: list[RecordedEvent]) -> Notification:
        notification = cls(notification_id)
        for recorded in events:
            event = recorded.event
            if isinstance(event, NotificationCreated):
                notification.owner_id = event.user_id
            elif isinstance(event, NotificationRead):
                notification.read = True
        return notification

    @property
    def exists(self) -> bool:
        return self.owner_id is not None

    def ensure_owned_by(self, user_id: UUID) -> None:
        if not self.exists or self.owner_id != user_id:
            raise NotFound(f"no notification {self.notification_id}")

    def create(self, cause: Envelope, owner_id: UUID, notice: Notice) -> list[NotificationCreated]:
        """Once per cause: a notification that exists already decides nothing."""
        if self.exists:
            return []
        return [
            NotificationCreated(
                notification_id=self.notification_id, user_id=owner_id, kind=notice.kind,
                title=notice.title, subject_type=cause.aggregate_type,
                subject_id=cause.aggregate_id, cause_event_id=cause.event_id,
                cause_type=cause.type,
            )
        ]  # fmt: skip

    def mark_read(self) -> list[NotificationRead]:
        return [] if self.read else [NotificationRead(notification_id=self.notification_id)]
