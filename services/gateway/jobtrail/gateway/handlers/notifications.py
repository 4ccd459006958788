"""The notifier policy (events → notifications, once per cause) and reading notifications."""

from __future__ import annotations

from uuid import UUID

import structlog

from jobtrail.eventlog import EventStore
from jobtrail.eventlog.aggregates import Repository
from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.notifications import NotificationRead
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.notifications import (
    Notification,
    notice_for,
    notification_id_for,
)
from jobtrail.gateway.readmodels import notifications as read
from jobtrail.gateway.security import Principal

log = structlog.get_logger("jobtrail.gateway.notify")

NOTIFIER = "gateway-notify"
ACTOR = f"service:{NOTIFIER}"


class Notifier:
    """Turns the events a job seeker should hear about into `NotificationCreated`.

    Idempotent through the notification aggregate: its id is derived from the cause, an
    existing one decides nothing, and the event id is derived from the cause too, so a
    redelivery (or a second gateway copy racing this one) changes nothing.
    """

    def __init__(self, events: EventStore, strong_match: float) -> None:
        self._repository = Repository(events)
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


async def mark_read(
    deps: Deps, principal: Principal, notification_id: UUID, correlation_id: str
) -> None:
    def decide(notification: Notification) -> list[NotificationRead]:
        notification.ensure_owned_by(principal.user_id)
        return notification.mark_read()

    await deps.execute(Notification, notification_id, decide, principal, correlation_id)


async def mark_all_read(deps: Deps, principal: Principal, correlation_id: str) -> int:
    """Mark every unread notification of the caller read; how many were."""
    seen: set[UUID] = set()
    while True:
        unread = await read.notifications_of(deps.engine, principal.user_id, unread=True, limit=200)
        fresh = [row["notification_id"] for row in unread if row["notification_id"] not in seen]
        if not fresh:
            return len(seen)
        for notification_id in fresh:
            await mark_read(deps, principal, notification_id, correlation_id)
            seen.add(notification_id)
