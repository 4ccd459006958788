"""Events of the `application` aggregate: a job seeker's application to one job posting.

An application names the posting, the resume version sent and an optional cover letter
by id; notes and next steps are the job seeker's own short texts. A follow-up date that
arrives produces one `ApplicationFollowUpDue` per date, which the notifier turns into a
reminder.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal
from uuid import UUID

from jobtrail.events.envelope import Event

ApplicationStatus = Literal[
    "saved", "applied", "interviewing", "offer", "accepted", "rejected", "withdrawn", "no_response"
]


class ApplicationCreated(Event):
    """A job seeker started tracking an application to a job posting."""

    type: ClassVar[str] = "ApplicationCreated"
    aggregate_type: ClassVar[str] = "application"
    application_id: UUID
    user_id: UUID
    job_id: UUID
    resume_id: UUID
    resume_version: int
    cover_letter_id: UUID | None = None
    status: ApplicationStatus = "saved"
    request_sha256: str


class ApplicationStatusChanged(Event):
    """The application moved to another stage of the status machine."""

    type: ClassVar[str] = "ApplicationStatusChanged"
    aggregate_type: ClassVar[str] = "application"
    application_id: UUID
    from_status: ApplicationStatus
    to_status: ApplicationStatus


class ApplicationNoteAdded(Event):
    """The job seeker wrote a note on the application."""

    type: ClassVar[str] = "ApplicationNoteAdded"
    aggregate_type: ClassVar[str] = "application"
    application_id: UUID
    note_id: UUID
    text: str


class ApplicationNextStepSet(Event):
    """The job seeker set (or cleared, with null) the next step of the application."""

    type: ClassVar[str] = "ApplicationNextStepSet"
    aggregate_type: ClassVar[str] = "application"
    application_id: UUID
    next_step: str | None


class ApplicationFollowUpScheduled(Event):
    """The job seeker set (or cleared, with null) the date to follow up on the application."""

    type: ClassVar[str] = "ApplicationFollowUpScheduled"
    aggregate_type: ClassVar[str] = "application"
    application_id: UUID
    follow_up_on: date | None


class ApplicationFollowUpDue(Event):
    """The follow-up date of the application arrived: remind the job seeker (once per date)."""

    type: ClassVar[str] = "ApplicationFollowUpDue"
    aggregate_type: ClassVar[str] = "application"
    application_id: UUID
    follow_up_on: date


class ApplicationDeleted(Event):
    """The job seeker deleted an application from their tracker (its history goes with it)."""

    type: ClassVar[str] = "ApplicationDeleted"
    aggregate_type: ClassVar[str] = "application"
    application_id: UUID
    user_id: UUID
