"""Read model of notifications, and the reads the API answers from it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.notifications import NotificationCreated, NotificationRead
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import metadata

Row = dict[str, Any]

notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("notification_id", sa.Uuid, primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("subject_type", sa.Text, nullable=False),
    sa.Column("subject_id", sa.Text, nullable=False),
    sa.Column("cause_type", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("read_at", sa.DateTime(timezone=True)),
    sa.Index("ix_notifications_user_seq", "user_id", "seq"),
)


class Notifications:
    tables: tuple[sa.Table, ...] = (notifications,)

    def want(self, rows: BatchRows, event: Event) -> None:
        if isinstance(event, NotificationCreated | NotificationRead):
            rows.want(notifications, event.notification_id)

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        at = recorded.envelope.occurred_at
        match event:
            case NotificationCreated():
                rows.insert(notifications, {
                    "notification_id": event.notification_id, "seq": recorded.seq,
                    "user_id": event.user_id, "kind": event.kind, "title": event.title,
                    "subject_type": event.subject_type, "subject_id": event.subject_id,
                    "cause_type": event.cause_type, "created_at": at, "read_at": None,
                })  # fmt: skip
            case NotificationRead():
                row = rows.get(notifications, event.notification_id)
                if row is not None and row["read_at"] is None:
                    rows.update(notifications, (event.notification_id,), read_at=at)


async def _all(engine: AsyncEngine, query: sa.Select[Any]) -> list[Row]:
    async with engine.connect() as connection:
        return [row._asdict() for row in await connection.execute(query)]


async def notification(engine: AsyncEngine, owner_id: UUID, notification_id: UUID) -> Row:
    rows = await _all(
        engine,
        sa.select(notifications).where(
            (notifications.c.notification_id == notification_id)
            & (notifications.c.user_id == owner_id)
        ),
    )
    if not rows:
        raise NotFound(f"no notification {notification_id}")
    return rows[0]


async def notifications_of(
    engine: AsyncEngine,
    owner_id: UUID,
    *,
    unread: bool = False,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> list[Row]:
    """Newest first by default; with `after`, oldest first from there (for the stream)."""
    query = sa.select(notifications).where(notifications.c.user_id == owner_id)
    if unread:
        query = query.where(notifications.c.read_at.is_(None))
    if before is not None:
        query = query.where(notifications.c.seq < before)
    if after is not None:
        query = query.where(notifications.c.seq > after).order_by(notifications.c.seq)
    else:
        query = query.order_by(notifications.c.seq.desc())
    return await _all(engine, query.limit(limit))


async def unread_count(engine: AsyncEngine, owner_id: UUID) -> int:
    query = sa.select(sa.func.count()).where(
        (notifications.c.user_id == owner_id) & notifications.c.read_at.is_(None)
    )
    async with engine.connect() as connection:
        return int((await connection.execute(query)).scalar_one())


async def last_seq(engine: AsyncEngine, owner_id: UUID) -> int:
    query = sa.select(sa.func.coalesce(sa.func.max(notifications.c.seq), 0)).where(
        notifications.c.user_id == owner_id
    )
    async with engine.connect() as connection:
        return int((await connection.execute(query)).scalar_one())
