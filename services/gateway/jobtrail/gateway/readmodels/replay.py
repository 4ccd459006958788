"""Rebuild the read models from the first event without ever destroying what serves now.

The replay builds into shadow tables (schema `gateway_replay`, each table created LIKE its
original INCLUDING ALL) while the live tables keep answering the API. The appliers still
name `gateway.<table>`: the replay's connections carry a `schema_translate_map` that sends
them to the shadow schema, its own checkpoint and failures table included. Only when the
whole log has been applied are the shadow tables swapped in, in one transaction that also
sets the live checkpoint to the replayed position (the live projector, which runs all along,
goes on from there). A replay that fails anywhere drops the shadow and leaves the old read
models as they were.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobtrail.eventlog import EventStore
from jobtrail.gateway.readmodels import projector as projecting
from jobtrail.gateway.readmodels.projection import READ_MODELS, ReadModels
from jobtrail.gateway.readmodels.projector import (
    Progress,
    Projection,
    Projector,
    _lock_checkpoint,
    _move_checkpoint,
    projection_failures,
)
from jobtrail.gateway.readmodels.tables import SCHEMA, checkpoints

log = structlog.get_logger("jobtrail.gateway.replay")

SHADOW = "gateway_replay"
_LOCK_KEY = "jobtrail-replay:gateway"
_SWAP_ATTEMPTS = 20
_INDEX_NAME = re.compile(r"INDEX (\S+) ON (\S+)\.")


class ReplayError(Exception):
    """The replay could not finish; the read models in service were not changed."""


class ReplayInProgress(ReplayError):
    """Another `jobtrail replay gateway` holds the replay lock."""


@dataclass(frozen=True)
class Skipped:
    seq: int
    type: str
    error: str


@dataclass
class ReplayReport:
    position: int
    seconds: float
    skipped: list[Skipped] = field(default_factory=list)


async def replay(
    engine: AsyncEngine,
    store: EventStore,
    projection: Projection | None = None,
    tables: Sequence[sa.Table] = READ_MODELS,
    progress: Progress | None = None,
    batch: int = 1000,
) -> ReplayReport:
    """Rebuild `tables` from sequence 1 in the shadow schema, then swap them in."""
    projection = projection or ReadModels()
    started = time.perf_counter()
    async with engine.connect() as holder:  # the session lock lives as long as this
        locked = await holder.scalar(
            sa.text("SELECT pg_try_advisory_lock(hashtext(:key))"), {"key": _LOCK_KEY}
        )
        await holder.commit()
        if not locked:
            raise ReplayInProgress("another replay of the gateway read models is running")
        try:
            await _create_shadow(engine, tables)
            shadow = engine.execution_options(schema_translate_map={SCHEMA: SHADOW})
            projector = Projector(shadow, store, projection, batch=batch)
            position = await projector.catch_up(progress)
            await _analyze(engine, tables)
            for _ in range(_SWAP_ATTEMPTS):
                if await _swap(engine, tables, projection.name, position):
                    break
                position = await projector.catch_up(progress)  # the live one got ahead
            else:
                raise ReplayError("the live projection kept moving ahead of the replay")
            skipped = [
                Skipped(row.seq, row.type, row.error)
                for row in await projecting.failures(shadow, [projection.name])
            ]
            log.info("replay.swapped", projection=projection.name, position=position,
                     skipped=len(skipped))  # fmt: skip
        finally:
            await _release(engine, holder)
    return ReplayReport(position, time.perf_counter() - started, skipped)


async def _release(engine: AsyncEngine, holder: AsyncConnection) -> None:
    """Drop the shadow and the lock; during an outage this cannot be done and need not be:
    the next replay drops a stale shadow, and the lock ends with its session."""
    try:
        await _drop_shadow(engine)
        await holder.execute(
            sa.text("SELECT pg_advisory_unlock(hashtext(:key))"), {"key": _LOCK_KEY}
        )
        await holder.commit()
    except Exception as error:
        log.warning("replay.cleanup_failed", error=f"{type(error).__name__}: {error}")


def _name(schema: str, table: str) -> str:
    return f'"{schema}"."{table}"'


def _support_tables() -> tuple[sa.Table, ...]:
    """What the replay's own projector needs in the shadow schema beside the read models."""
    return (checkpoints, projection_failures)


async def _create_shadow(engine: AsyncEngine, tables: Sequence[sa.Table]) -> None:
    async with engine.begin() as connection:
        await connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SHADOW}" CASCADE'))
        await connection.execute(sa.text(f'CREATE SCHEMA "{SHADOW}"'))
        for table in (*tables, *_support_tables()):
            await connection.execute(
                sa.text(
                    f"CREATE TABLE {_name(SHADOW, table.name)} "
                    f"(LIKE {_name(SCHEMA, table.name)} INCLUDING ALL)"
                )
            )


async def _drop_shadow(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{SHADOW}" CASCADE'))


async def _analyze(engine: AsyncEngine, tables: Sequence[sa.Table]) -> None:
    """Give the planner statistics for the new tables before they serve queries."""
    async with engine.connect() as connection:
        for table in tables:
            await connection.execute(sa.text(f"ANALYZE {_name(SHADOW, table.name)}"))
        await connection.commit()


async def _swap(engine: AsyncEngine, tables: Sequence[sa.Table], name: str, position: int) -> bool:
    """Replace the live tables with the shadow ones and set the checkpoint, atomically.

    The checkpoint row is locked first, so the live projector waits (it locks the same
    row for every batch) and then goes on from `position` in the new tables. If it has
    already applied events after `position`, nothing is swapped (False): the shadow must
    catch up first, or those events would never reach the new tables.
    """
    async with engine.begin() as connection:
        if await _lock_checkpoint(connection, name) > position:
            return False
        for table in tables:
            await _replace(connection, table.name)
        await _move_checkpoint(connection, name, position)
        failed = projection_failures.c
        await connection.execute(
            projection_failures.delete().where(failed.projection == name, failed.seq <= position)
        )
        live, shadow = _name(SCHEMA, "projection_failures"), _name(SHADOW, "projection_failures")
        await connection.execute(
            sa.text(  # the names are constants of this module
                f"INSERT INTO {live} SELECT * FROM {shadow} WHERE projection = :name "  # noqa: S608
                "ON CONFLICT (projection, seq) DO UPDATE "
                "SET error = excluded.error, failed_at = excluded.failed_at"
            ),
            {"name": name},
        )
    return True


async def _replace(connection: AsyncConnection, table: str) -> None:
    """Drop the live `table`, move the shadow one in, and give it the old one's index
    names, owner and grants, so later migrations and roles find what they expect."""
    old_indexes = await _indexes(connection, SCHEMA, table)
    new_indexes = await _indexes(connection, SHADOW, table)
    owner, grants = await _owner_and_grants(connection, table)
    await connection.execute(sa.text(f"DROP TABLE {_name(SCHEMA, table)}"))
    await connection.execute(sa.text(f'ALTER TABLE {_name(SHADOW, table)} SET SCHEMA "{SCHEMA}"'))
    renames = [
        (new, old_indexes[shape])
        for shape, new in new_indexes.items()
        if shape in old_indexes and old_indexes[shape] != new
    ]
    for i, (new, _) in enumerate(renames):  # two steps: a new name may be another's old one
        await connection.execute(
            sa.text(f'ALTER INDEX {_name(SCHEMA, new)} RENAME TO "replay_swap_{i}"')
        )
    for i, (_, old) in enumerate(renames):
        await connection.execute(
            sa.text(f'ALTER INDEX {_name(SCHEMA, f"replay_swap_{i}")} RENAME TO "{old}"')
        )
    current = await connection.scalar(
        sa.text("SELECT tableowner FROM pg_tables WHERE schemaname = :s AND tablename = :t"),
        {"s": SCHEMA, "t": table},
    )
    if owner and current != owner:
        await connection.execute(sa.text(f'ALTER TABLE {_name(SCHEMA, table)} OWNER TO "{owner}"'))
    for grantee, privilege in grants:
        await connection.execute(
            sa.text(f"GRANT {privilege} ON {_name(SCHEMA, table)} TO {grantee}")
        )


async def _indexes(connection: AsyncConnection, schema: str, table: str) -> dict[str, str]:
    """Index name by its definition with the names taken out (its shape)."""
    rows = await connection.execute(
        sa.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = :s AND tablename = :t"
        ),
        {"s": schema, "t": table},
    )
    return {_INDEX_NAME.sub("INDEX ON ", definition, count=1): name for name, definition in rows}


async def _owner_and_grants(
    connection: AsyncConnection, table: str
) -> tuple[str | None, list[tuple[str, str]]]:
    row = (
        await connection.execute(
            sa.text(
                "SELECT pg_get_userbyid(c.relowner) AS owner "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = :s AND c.relname = :t"
            ),
            {"s": SCHEMA, "t": table},
        )
    ).one_or_none()
    if row is None:
        return None, []
    grants = await connection.execute(
        sa.text(
            "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
            "ELSE quote_ident(pg_get_userbyid(a.grantee)) END, a.privilege_type "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, "
            "LATERAL aclexplode(c.relacl) a "
            "WHERE n.nspname = :s AND c.relname = :t AND a.grantee <> c.relowner"
        ),
        {"s": SCHEMA, "t": table},
    )
    return row.owner, [(str(g), str(p)) for g, p in grants]
