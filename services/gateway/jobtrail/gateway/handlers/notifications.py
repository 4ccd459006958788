"""Reading notifications and marking them read (the notifier service creates them)."""

from __future__ import annotations

from uuid import UUID

from jobtrail.domain.notifications import (
    Notification,
)
from jobtrail.events.notifications import NotificationRead
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.readmodels import notifications as read
from jobtrail.gateway.security import Principal


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
