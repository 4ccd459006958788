"""Passwords and reset tokens in PostgreSQL: `gateway.credentials`, `gateway.password_resets`.

Write-side state of the gateway, kept out of the event log on purpose: a password hash in
an append-only log could never be removed. Reset tokens are stored as sha256 only; taking
one marks it used in the same statement, so a token works once however often it is sent.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.gateway.handlers.passwords import ResetRefused
from jobtrail.gateway.readmodels.tables import metadata

credentials = sa.Table(
    "credentials",
    metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
)

password_resets = sa.Table(
    "password_resets",
    metadata,
    sa.Column("token_hash", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True)),
    sa.Index("password_resets_user", "user_id", "created_at"),
)


class PostgresCredentials:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def password_hash(self, user_id: UUID) -> str | None:
        async with self._engine.connect() as connection:
            found = await connection.scalar(
                sa.select(credentials.c.password_hash).where(credentials.c.user_id == user_id)
            )
        return str(found) if found is not None else None

    async def set_password(
        self, user_id: UUID, password_hash: str, now: datetime, *, replace: bool = True
    ) -> None:
        statement = insert(credentials).values(
            user_id=user_id, password_hash=password_hash, changed_at=now
        )
        if replace:
            statement = statement.on_conflict_do_update(
                index_elements=[credentials.c.user_id],
                set_={"password_hash": password_hash, "changed_at": now},
            )
        else:
            statement = statement.on_conflict_do_nothing(index_elements=[credentials.c.user_id])
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def add_reset(
        self, token_hash: str, user_id: UUID, now: datetime, expires_at: datetime
    ) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                password_resets.insert().values(
                    token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
                )
            )

    async def resets_since(self, user_id: UUID, since: datetime) -> int:
        async with self._engine.connect() as connection:
            count = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(password_resets)
                .where(password_resets.c.user_id == user_id, password_resets.c.created_at >= since)
            )
        return int(count or 0)

    async def take_reset(self, token_hash: str, now: datetime) -> UUID | ResetRefused:
        async with self._engine.begin() as connection:
            taken = await connection.scalar(
                password_resets.update()
                .where(
                    password_resets.c.token_hash == token_hash,
                    password_resets.c.used_at.is_(None),
                    password_resets.c.expires_at > now,
                )
                .values(used_at=now)
                .returning(password_resets.c.user_id)
            )
            if taken is not None:
                # Every other outstanding link of the account stops working too.
                await connection.execute(
                    password_resets.update()
                    .where(password_resets.c.user_id == taken, password_resets.c.used_at.is_(None))
                    .values(used_at=now)
                )
                return UUID(str(taken))
            row = (
                await connection.execute(
                    sa.select(password_resets.c.used_at, password_resets.c.expires_at).where(
                        password_resets.c.token_hash == token_hash
                    )
                )
            ).first()
        if row is None:
            return ResetRefused.UNKNOWN
        return ResetRefused.USED if row.used_at is not None else ResetRefused.EXPIRED
