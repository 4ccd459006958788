"""Sessions in PostgreSQL (`gateway.sessions`), shared by every gateway copy.

Write-side state of the gateway like login failures, not a projection: replay never
touches it. A change runs under the row's lock, so two refreshes with the same token
cannot both rotate it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.gateway.domain.sessions import Ended, Session
from jobtrail.gateway.handlers.sessions import Change
from jobtrail.gateway.readmodels.tables import metadata

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("session_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_agent", sa.Text, nullable=False),
    sa.Column("address", sa.Text, nullable=False),
    sa.Column("refresh_hash", sa.Text, nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True)),
    sa.Column("ended_reason", sa.Text),
    sa.Index("sessions_user", "user_id", "ended_at"),
)


def _row(session: Session) -> dict[str, Any]:
    return {column.name: getattr(session, column.name) for column in sessions.columns}


def _session(row: sa.Row[Any]) -> Session:
    return Session(**row._mapping)


class PostgresSessionStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, session: Session) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(sessions.insert().values(_row(session)))

    async def change(self, session_id: UUID, change: Change) -> Session | None:
        async with self._engine.begin() as connection:
            row = (
                await connection.execute(
                    sa.select(sessions).where(sessions.c.session_id == session_id).with_for_update()
                )
            ).first()
            before = _session(row) if row is not None else None
            after = change(before)
            if after is not None and after != before:
                values = _row(after)
                await connection.execute(
                    sessions.update().where(sessions.c.session_id == session_id).values(values)
                )
            return after

    async def end_all(
        self, user_id: UUID, reason: Ended, now: datetime, keep: UUID | None = None
    ) -> list[UUID]:
        kept = sessions.c.session_id != keep if keep is not None else sa.true()
        async with self._engine.begin() as connection:
            ended = await connection.execute(
                sessions.update()
                .where(sessions.c.user_id == user_id, sessions.c.ended_at.is_(None), kept)
                .values(ended_at=now, ended_reason=reason.value)
                .returning(sessions.c.session_id)
            )
            return list(ended.scalars())

    async def get(self, session_id: UUID) -> Session | None:
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    sa.select(sessions).where(sessions.c.session_id == session_id)
                )
            ).first()
        return _session(row) if row is not None else None

    async def active(self, user_id: UUID) -> list[Session]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                sa.select(sessions)
                .where(sessions.c.user_id == user_id, sessions.c.ended_at.is_(None))
                .order_by(sessions.c.last_used_at.desc())
            )
        return [_session(row) for row in rows]
