"""The `application` aggregate: one job application moving through its stages.

The status machine says which stage may follow which; an illegal move is refused with the
moves that are allowed. A follow-up date produces one `ApplicationFollowUpDue` per date,
once that date has arrived, and only while the application is still open.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, get_args
from uuid import UUID

from jobtrail.domain.errors import Conflict, DomainError, NotFound
from jobtrail.events.applications import (
    ApplicationCreated,
    ApplicationDeleted,
    ApplicationFollowUpDue,
    ApplicationFollowUpScheduled,
    ApplicationNextStepSet,
    ApplicationNoteAdded,
    ApplicationStatus,
    ApplicationStatusChanged,
)
from jobtrail.events.envelope import Envelope, Event, RecordedEvent

STATUSES: tuple[ApplicationStatus, ...] = get_args(ApplicationStatus)

# Which stage may follow which. `no_response` is where an application goes quiet; a late
# answer still moves it on. accepted, rejected and withdrawn are final.
TRANSITIONS: dict[ApplicationStatus, tuple[ApplicationStatus, ...]] = {
    "saved": ("applied", "withdrawn"),
    "applied": ("interviewing", "offer", "rejected", "withdrawn", "no_response"),
    "interviewing": ("offer", "rejected", "withdrawn", "no_response"),
    "offer": ("accepted", "rejected", "withdrawn"),
    "no_response": ("interviewing", "offer", "rejected", "withdrawn"),
    "accepted": (),
    "rejected": (),
    "withdrawn": (),
}
FINAL: frozenset[ApplicationStatus] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
INITIAL: tuple[ApplicationStatus, ...] = ("saved", "applied")

_IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1c8f0e-2f4b-4d8e-9a57-1c3a7b0e5d21")


class IllegalTransition(Conflict):
    code = "illegal_transition"


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"


def allowed_moves(current: ApplicationStatus) -> tuple[ApplicationStatus, ...]:
    return TRANSITIONS[current]


def check_move(current: ApplicationStatus, target: ApplicationStatus) -> None:
    """IllegalTransition (409) naming the allowed moves unless `current -> target` is legal."""
    allowed = TRANSITIONS[current]
    if target in allowed:
        return
    options = ", ".join(allowed) if allowed else f"none: {current} is final"
    raise IllegalTransition(
        f"an application cannot move from {current} to {target}; allowed from {current}: {options}"
    )


def application_id_for(user_id: UUID, idempotency_key: str) -> UUID:
    """The id a keyed creation gets: the same key of the same user always names one application."""
    return uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{user_id}\x1f{idempotency_key}")


def request_hash(request: dict[str, Any]) -> str:
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Draft:
    """What a creation request asks for (already checked against the caller's resumes)."""

    job_id: UUID
    resume_id: UUID
    resume_version: int
    cover_letter_id: UUID | None
    status: ApplicationStatus

    def as_request(self) -> dict[str, Any]:
        return {
            "job_id": str(self.job_id), "resume_id": str(self.resume_id),
            "resume_version": self.resume_version,
            "cover_letter_id": str(self.cover_letter_id) if self.cover_letter_id else None,
            "status": self.status,
        }  # fmt: skip


@dataclass
class Application:
    aggregate_type: ClassVar[str] = "application"

    application_id: UUID
    owner_id: UUID | None = None
    status: ApplicationStatus | None = None
    request_sha256: str | None = None
    next_step: str | None = None
    follow_up_on: date | None = None
    reminded: set[date] = field(default_factory=set)
    follow_up_cause: Envelope | None = None

    @classmethod
    def fold(cls, application_id: UUID, events: list[RecordedEvent]) -> Application:
        application = cls(application_id)
        for recorded in events:
            application.apply(recorded.event, recorded.envelope)
        return application

    @property
    def exists(self) -> bool:
        return self.status is not None

    def apply(self, event: Event, envelope: Envelope | None = None) -> None:
        match event:
            case ApplicationCreated():
                self.owner_id = event.user_id
                self.status = event.status
                self.request_sha256 = event.request_sha256
            case ApplicationStatusChanged():
                self.status = event.to_status
            case ApplicationNextStepSet():
                self.next_step = event.next_step
            case ApplicationFollowUpScheduled():
                self.follow_up_on = event.follow_up_on
                self.follow_up_cause = envelope
            case ApplicationFollowUpDue():
                self.reminded.add(event.follow_up_on)
            case ApplicationDeleted():
                self.status, self.follow_up_on = None, None

    def ensure_owned_by(self, user_id: UUID) -> None:
        """Another user's application is answered exactly like a missing one."""
        if not self.exists or self.owner_id != user_id:
            raise NotFound(f"no application {self.application_id}")

    def create(self, user_id: UUID, draft: Draft) -> list[ApplicationCreated]:
        """Start the application; repeating the same keyed request decides nothing."""
        digest = request_hash(draft.as_request())
        if self.exists:
            if self.owner_id == user_id and self.request_sha256 == digest:
                return []
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used for a different request; send the "
                "original request again, or use a new key for a new application"
            )
        if draft.status not in INITIAL:
            raise IllegalTransition(
                f"a new application starts as {' or '.join(INITIAL)}, not {draft.status}; "
                "create it, then move it on with PATCH"
            )
        return [
            ApplicationCreated(
                application_id=self.application_id, user_id=user_id, job_id=draft.job_id,
                resume_id=draft.resume_id, resume_version=draft.resume_version,
                cover_letter_id=draft.cover_letter_id, status=draft.status,
                request_sha256=digest,
            )
        ]  # fmt: skip

    def delete(self, user_id: UUID) -> list[ApplicationDeleted]:
        self.ensure_owned_by(user_id)
        return [ApplicationDeleted(application_id=self.application_id, user_id=user_id)]

    def move(self, target: ApplicationStatus) -> list[ApplicationStatusChanged]:
        """Move to `target` (staying where it is changes nothing)."""
        assert self.status is not None
        if target == self.status:
            return []
        check_move(self.status, target)
        return [
            ApplicationStatusChanged(
                application_id=self.application_id, from_status=self.status, to_status=target
            )
        ]

    def add_note(self, note_id: UUID, text: str) -> list[ApplicationNoteAdded]:
        return [
            ApplicationNoteAdded(application_id=self.application_id, note_id=note_id, text=text)
        ]

    def set_next_step(self, next_step: str | None) -> list[ApplicationNextStepSet]:
        if next_step == self.next_step:
            return []
        return [ApplicationNextStepSet(application_id=self.application_id, next_step=next_step)]

    def schedule_follow_up(self, on: date | None) -> list[ApplicationFollowUpScheduled]:
        if on == self.follow_up_on:
            return []
        return [ApplicationFollowUpScheduled(application_id=self.application_id, follow_up_on=on)]

    def due_reminder(self, today: date) -> list[ApplicationFollowUpDue]:
        """A reminder once the follow-up date has arrived; never twice for one date."""
        on = self.follow_up_on
        if on is None or on > today or on in self.reminded or self.status in FINAL:
            return []
        return [ApplicationFollowUpDue(application_id=self.application_id, follow_up_on=on)]
