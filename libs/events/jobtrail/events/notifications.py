"""Events of the `notification` aggregate: something a job seeker should know about.

A notification is created once per cause (its id is derived from the causing event's id),
so a redelivered cause never notifies twice.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from jobtrail.events.envelope import Event


class NotificationCreated(Event):
    """A notification for a job seeker was created because of another event."""

    type: ClassVar[str] = "NotificationCreated"
    aggregate_type: ClassVar[str] = "notification"
    notification_id: UUID
    user_id: UUID
    kind: str
    title: str
    subject_type: str
    subject_id: str
    cause_event_id: UUID
    cause_type: str


class NotificationRead(Event):
    """The job seeker marked the notification as read."""

    type: ClassVar[str] = "NotificationRead"
    aggregate_type: ClassVar[str] = "notification"
    notification_id: UUID
