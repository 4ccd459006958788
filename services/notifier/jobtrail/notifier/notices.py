"""The notifier policy: events a job seeker should hear about become notifications.

Idempotent through the notification aggregate: its id is derived from the cause, an
existing one decides nothing, and the event id is derived from the cause too, so a
redelivery (or a second notifier copy racing this one) changes nothing. Which events
notify, and how, is the pure `jobtrail.domain.notifications.notice_for`.
"""

from __future__ import annotations

from uuid import UUID

import structlog

from jobtrail.domain.notifications import Notification, notice_for, notification_id_for
from jobtrail.eventlog.aggregates import Repository
from jobtrail.events import EventContext, RecordedEvent

log = structlog.get_logger("jobtrail.notifier")

ACTOR = "service:notifier"


class Notifier:
    """Turns the events a job seeker should hear about into `NotificationCreated`."""

    def __init__(self, repository: Repository, strong_match: float) -> None:
        self._repository = repository
        self._strong_match = strong_match

    async def __call__(self, recorded: RecordedEvent) -> None:
        cause = recorded.envelope
        notice = notice_for(cause, self._strong_match)
        if notice is None:
            return
        owner = cause.owner_id or _owner_in(cause.data)
        if owner is None:
            log.warning("notify.no_owner", cause_type=cause.type, cause_id=str(cause.event_id))
            return
        notification_id = notification_id_for(cause.event_id)
        context = EventContext.caused_by(cause, actor=ACTOR).with_owner(owner)
        created = await self._repository.execute(
            Notification,
            notification_id,
            lambda notification: notification.create(cause, owner, notice),
            context,
        )
        if created:
            log.info("notify.created", kind=notice.kind, notification_id=str(notification_id))


def _owner_in(data: dict[str, object]) -> UUID | None:
    value = data.get("user_id") or data.get("owner_id")
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None
