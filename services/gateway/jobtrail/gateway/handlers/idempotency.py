"""Idempotency-Key: one key of one user on one route names one request and its resource.

The first request with a key reserves a UUIDv7 for what it creates, stored in PostgreSQL
with the request's sha256, so every gateway copy, before or after a restart, finds the
same id for a repeat. Whether the creation itself happened is then read from the log (the
aggregate with that id exists or not), so a request that failed midway is finished by its
repeat, and two racing repeats are settled by the log's own concurrency check.

A key is kept for `KEPT_FOR` (24 hours, as payment APIs do): a repeat after that is a new
request. Every claim deletes a bounded batch of expired keys, so the table stays the size
of one day's keyed requests without a separate job.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobtrail.domain.applications import IdempotencyKeyReused
from jobtrail.events import uuid7
from jobtrail.gateway.readmodels.tables import metadata

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("user_id", sa.Uuid, primary_key=True),
    sa.Column("scope", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("request_sha256", sa.Text, nullable=False),
    sa.Column("resource_id", sa.Uuid, nullable=False),
    sa.Column("result", sa.Integer),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


KEPT_FOR = timedelta(hours=24)
_PRUNED_PER_CLAIM = 100


@dataclass(frozen=True)
class Claim:
    """A key's reservation: the id its request creates, and what it is known to have made."""

    scope: str
    key: str
    user_id: UUID
    resource_id: UUID
    repeated: bool
    created_at: Any = None
    result: int | None = None


def request_sha256(request: dict[str, Any]) -> str:
    canonical = json.dumps(request, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def claim(
    engine: AsyncEngine,
    user_id: UUID,
    scope: str,
    key: str,
    request: dict[str, Any],
    *,
    kept_for: timedelta = KEPT_FOR,
) -> Claim:
    """Reserve an id for (user, scope, key), or find the one reserved before.

    The same key with a different request is refused (422): it would otherwise answer the
    new request with the old one's resource.
    """
    digest = request_sha256(request)
    values = {
        "user_id": user_id, "scope": scope, "key": key, "request_sha256": digest,
        "resource_id": uuid7(), "created_at": sa.func.now(),
    }  # fmt: skip
    async with engine.begin() as connection:
        await _forget_expired(connection, kept_for)
        inserted = (
            await connection.execute(
                insert(idempotency_keys)
                .values(**values)
                .on_conflict_do_nothing()
                .returning(idempotency_keys.c.resource_id, idempotency_keys.c.created_at)
            )
        ).first()
        if inserted is not None:
            return Claim(scope, key, user_id, inserted.resource_id, False, inserted.created_at)
        row = (
            await connection.execute(
                sa.select(idempotency_keys).where(
                    (idempotency_keys.c.user_id == user_id)
                    & (idempotency_keys.c.scope == scope)
                    & (idempotency_keys.c.key == key)
                )
            )
        ).one()
    if row.request_sha256 != digest:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was already used for a different request; send the "
            "original request again, or use a new key for a new one"
        )
    return Claim(scope, key, user_id, row.resource_id, True, row.created_at, row.result)


async def _forget_expired(connection: AsyncConnection, kept_for: timedelta) -> None:
    """Delete up to a batch of keys older than `kept_for` (this request's own included)."""
    expired = (
        sa.select(idempotency_keys.c.user_id, idempotency_keys.c.scope, idempotency_keys.c.key)
        .where(idempotency_keys.c.created_at < sa.func.now() - kept_for)
        .limit(_PRUNED_PER_CLAIM)
    )
    columns = sa.tuple_(
        idempotency_keys.c.user_id, idempotency_keys.c.scope, idempotency_keys.c.key
    )
    await connection.execute(sa.delete(idempotency_keys).where(columns.in_(expired)))


async def settle(engine: AsyncEngine, claim: Claim, result: int) -> None:
    """Remember what the keyed request made (for creations that are not a new aggregate)."""
    async with engine.begin() as connection:
        await connection.execute(
            sa.update(idempotency_keys)
            .where(
                (idempotency_keys.c.user_id == claim.user_id)
                & (idempotency_keys.c.scope == claim.scope)
                & (idempotency_keys.c.key == claim.key)
            )
            .values(result=result)
        )
