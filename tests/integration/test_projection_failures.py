"""No single event stops a projection; an outage never makes it skip one; replay never
destroys the read models it replaces."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from typer.testing import CliRunner

from jobtrail.cli.main import app as cli
from jobtrail.events import Event, EventContext, RecordedEvent, seal
from jobtrail.events.subjects import EVENTS_STREAM
from jobtrail.events.users import UserRegistered
from jobtrail.gateway.readmodels import projection
from jobtrail.gateway.readmodels.projection import APPLIERS, READ_MODELS, ReadModels
from jobtrail.gateway.readmodels.projector import Projector, checkpoint, projection_failures
from jobtrail.gateway.readmodels.replay import SHADOW, replay
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import SCHEMA, checkpoints, users
from tests.support.system import System, connection_settings


class RefusesOneUser:
    """An applier with a bug that shows on one event only."""

    tables: tuple[sa.Table, ...] = ()

    def __init__(self, user_id: UUID) -> None:
        self.user_id = user_id

    def want(self, rows: BatchRows, event: Event) -> None:
        return None

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        if isinstance(event, UserRegistered) and event.user_id == self.user_id:
            raise ValueError(f"this applier refuses user {self.user_id}")


class LosesItsConnectionOnce:
    """Read models whose database connection is cut (by the server) the first time the
    batch holds `seq`: a real outage, as a restart of PostgreSQL would cause."""

    name = projection.NAME

    def __init__(self, seq: int, times: int = 1) -> None:
        self.seq = seq
        self.left = times
        self.inner = ReadModels()

    async def apply(self, connection: AsyncConnection, batch: list[RecordedEvent]) -> None:
        if self.left and any(e.seq == self.seq for e in batch):
            self.left -= 1
            await connection.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))
        await self.inner.apply(connection, batch)


@pytest.fixture
async def shadow(system: System) -> AsyncIterator[AsyncEngine]:
    """The read-model tables copied empty into a schema of this test's own, with the live
    projection's checkpoint: a projector there sees only the events this test appends."""
    engine = system.engines["admin"]  # an operator's connection (replay, test schemas)
    schema = f"test_{uuid4().hex[:12]}"
    async with engine.begin() as connection:
        await connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        for table in (*READ_MODELS, checkpoints, projection_failures):
            await connection.execute(
                sa.text(
                    f'CREATE TABLE "{schema}"."{table.name}" '
                    f'(LIKE "{SCHEMA}"."{table.name}" INCLUDING ALL)'
                )
            )
    translated = engine.execution_options(schema_translate_map={SCHEMA: schema})
    async with translated.begin() as connection:
        last = await system.deps.events.last_sequence()
        await connection.execute(checkpoints.insert().values(name=projection.NAME, last_seq=last))
    try:
        yield translated
    finally:
        async with engine.begin() as connection:
            await connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def failures_counted(name: str = projection.NAME) -> float:
    labels = {"projection": name}
    return REGISTRY.get_sample_value("jobtrail_projection_failures_total", labels) or 0.0


async def registered_seq(system: System, user_id: str, after: int) -> int:
    async for recorded in system.deps.events.read(start_seq=after + 1):
        envelope = recorded.envelope
        if envelope.type == "UserRegistered" and envelope.aggregate_id == user_id:
            return recorded.seq
    raise AssertionError(f"no UserRegistered for {user_id} after {after}")


async def user_ids(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return {str(u) for u in await connection.scalars(sa.select(users.c.user_id))}


async def recorded_failures(engine: AsyncEngine, name: str) -> list[Any]:
    async with engine.connect() as connection:
        query = sa.select(projection_failures).where(projection_failures.c.projection == name)
        return list(await connection.execute(query.order_by(projection_failures.c.seq)))


async def test_an_applier_that_raises_on_one_event_does_not_stop_the_projection(
    system: System, shadow: AsyncEngine
) -> None:
    start = await checkpoint(shadow, projection.NAME)
    ada, bob, cyd = [await system.user(name) for name in ("Ada", "Bob", "Cyd")]
    poison = await registered_seq(system, bob.user_id, start)
    counted = failures_counted()
    appliers = (*APPLIERS, RefusesOneUser(UUID(bob.user_id)))
    projector = Projector(shadow, system.deps.events, ReadModels(appliers), batch=1000)

    position = await projector.catch_up()

    assert position >= await registered_seq(system, cyd.user_id, start)
    assert await checkpoint(shadow, projection.NAME) == position
    assert await user_ids(shadow) >= {ada.user_id, cyd.user_id}
    assert bob.user_id not in await user_ids(shadow)
    [failure] = await recorded_failures(shadow, projection.NAME)
    assert (failure.seq, failure.type) == (poison, "UserRegistered")
    assert f"this applier refuses user {bob.user_id}" in failure.error
    assert failures_counted() == counted + 1
    # Passed over for good: a second run neither retries it nor records it twice.
    assert await projector.catch_up() >= position
    assert len(await recorded_failures(shadow, projection.NAME)) == 1


async def test_a_lost_database_connection_is_retried_and_skips_nothing(
    system: System, shadow: AsyncEngine
) -> None:
    start = await checkpoint(shadow, projection.NAME)
    dee = await system.user("Dee")
    target = await registered_seq(system, dee.user_id, start)
    retries = REGISTRY.get_sample_value(
        "jobtrail_projection_retries_total", {"projection": projection.NAME}
    )
    projector = Projector(shadow, system.deps.events, LosesItsConnectionOnce(target))
    stop = asyncio.Event()
    running = asyncio.create_task(projector.run(stop, idle_poll=0.05))
    try:
        await _until(lambda: _applied(shadow, target), timeout=30)
    finally:
        stop.set()
        await running

    assert dee.user_id in await user_ids(shadow)
    assert await recorded_failures(shadow, projection.NAME) == []
    after = REGISTRY.get_sample_value(
        "jobtrail_projection_retries_total", {"projection": projection.NAME}
    )
    assert (after or 0) >= (retries or 0) + 1


async def test_an_event_postgres_cannot_store_does_not_freeze_the_read_side(
    system: System,
) -> None:
    seq = await append_hostile_registration(system)

    # Every later write still reaches the read side, through both projections.
    eve = await system.user("Eve")
    assert (await eve.get("/users/me")).status_code == 200
    engine = system.engines["admin"]  # an operator's connection (replay, test schemas)
    await _until(lambda: _failed_in(engine, seq, {projection.NAME}), timeout=30)
    [failure] = [f for f in await recorded_failures(engine, projection.NAME) if f.seq == seq]
    assert failure.type == "UserRegistered"
    assert "0000" in failure.error  # PostgreSQL names the character it refused
    # The audit trail went past it too (recorded or stored, but not stuck on it).
    await _until(lambda: _passed(engine, "audit", seq), timeout=30)

    metrics = (await system.api.get("/metrics")).text
    assert 'jobtrail_projection_failures_total{projection="read-models"}' in metrics
    assert 'jobtrail_projection_lag{projection="read-models"}' in metrics
    ready = await system.api.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["projections"]["read-models"]["failures"] >= 1
    assert ready.json()["projections"]["read-models"]["checkpoint"] >= seq

    env = {f"JOBTRAIL_{k.upper()}": str(v) for k, v in connection_settings(system.stack).items()}
    env["COLUMNS"] = "400"
    listed = await asyncio.to_thread(CliRunner().invoke, cli, ["dlq", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "projection failures" in listed.output
    rows = [line for line in listed.output.splitlines() if f" {seq} " in line]
    assert any("read-models" in line and "UserRegistered" in line for line in rows), rows


async def test_a_replay_that_fails_midway_leaves_the_old_read_models_serving(
    system: System,
) -> None:
    ada = await system.user()
    engine = system.engines["admin"]  # an operator's connection (replay, test schemas)
    last = await _settled(system)
    before, tables = await _dump(engine), await _table_ids(engine)

    with pytest.raises(sa.exc.OperationalError):
        await replay(engine, system.deps.events, LosesItsConnectionOnce(last // 2 + 1), batch=50)

    assert await _dump(engine) == before
    assert await _table_ids(engine) == tables  # the very tables that served before
    assert ada.user_id in await user_ids(engine)
    assert (await ada.get("/users/me")).status_code == 200
    assert not await _schema_exists(engine, SHADOW)


async def test_a_replay_builds_aside_and_swaps_in_identical_read_models(system: System) -> None:
    poison = await append_hostile_registration(system)
    ada = await system.user()
    engine = system.engines["admin"]  # an operator's connection (replay, test schemas)
    await _settled(system)
    before, indexes = await _dump(engine), await _index_names(engine)
    tables = await _table_ids(engine)

    progress: list[tuple[int, int]] = []
    report = await replay(
        engine, system.deps.events, progress=lambda done, total: progress.append((done, total))
    )

    await _settled(system)
    assert await _dump(engine) == before
    assert await _index_names(engine) == indexes
    swapped = await _table_ids(engine)
    assert all(swapped[name] != tables[name] for name in tables)  # new tables, built aside
    assert report.position >= poison
    assert poison in {s.seq for s in report.skipped}
    assert progress
    assert progress[-1][0] == report.position
    assert await checkpoint(engine, projection.NAME) >= report.position
    assert not await _schema_exists(engine, SHADOW)
    # The live projector goes on in the swapped-in tables.
    bea = await system.user("Bea")
    assert (await bea.get("/users/me")).status_code == 200
    assert (await ada.get("/users/me")).status_code == 200


async def append_hostile_registration(system: System) -> int:
    """Append, straight to the log, a registration whose name holds a NUL: what an old
    gateway or an intruder with stream access could have written. Returns its sequence."""
    user_id = uuid4()
    event = UserRegistered(
        user_id=user_id, email=f"nul-{user_id.hex[:10]}@example.com", display_name="x",
        password_hash="not-a-hash",
    )  # fmt: skip
    context = EventContext(actor=f"user:{user_id}", correlation_id="hostile", owner_id=user_id)
    [envelope] = seal([event], aggregate_id=user_id, base_version=0, context=context)
    hostile = envelope.model_copy(update={"data": {**envelope.data, "display_name": "x\x00"}})
    ack = await system.deps.events._js.publish(
        hostile.subject, hostile.to_json(), stream=EVENTS_STREAM,
        headers={"Nats-Msg-Id": str(hostile.event_id)},
    )  # fmt: skip
    return int(ack.seq)


async def _applied(engine: AsyncEngine, seq: int) -> bool:
    return await checkpoint(engine, projection.NAME) >= seq


async def _passed(engine: AsyncEngine, name: str, seq: int) -> bool:
    return await checkpoint(engine, name) >= seq


async def _settled(system: System) -> int:
    """Wait until the live read models hold every event in the log; return its last seq."""
    last = await system.deps.events.last_sequence()
    await _until(lambda: _applied(system.deps.engine, last), timeout=30)
    return last


async def _failed_in(engine: AsyncEngine, seq: int, names: set[str]) -> bool:
    async with engine.connect() as connection:
        found = await connection.scalars(
            sa.select(projection_failures.c.projection).where(projection_failures.c.seq == seq)
        )
        return names <= set(found)


async def _until(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "the state was not reached in time"
        await asyncio.sleep(0.05)


async def _dump(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    dump = {}
    async with engine.connect() as connection:
        for table in READ_MODELS:
            ordered = sa.select(table).order_by(*table.primary_key.columns)
            dump[table.name] = [tuple(row) for row in await connection.execute(ordered)]
    return dump


async def _index_names(engine: AsyncEngine) -> set[tuple[str, str]]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            sa.text("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = :s"),
            {"s": SCHEMA},
        )
        return {(t, i) for t, i in rows}


async def _table_ids(engine: AsyncEngine) -> dict[str, int]:
    """Each read-model table's PostgreSQL object id: it changes only if the table is replaced."""
    async with engine.connect() as connection:
        return {
            table.name: int(
                await connection.scalar(
                    sa.text("SELECT to_regclass(:name)::oid"), {"name": f"{SCHEMA}.{table.name}"}
                )
            )
            for table in READ_MODELS
        }


async def _schema_exists(engine: AsyncEngine, schema: str) -> bool:
    async with engine.connect() as connection:
        found = await connection.scalar(
            sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        )
        return bool(found)


async def test_writes_made_during_a_replay_are_in_the_read_models_after_the_swap(
    system: System,
) -> None:
    registering: list[asyncio.Task[Any]] = []

    def progress(done: int, total: int) -> None:
        if not registering:  # while the replay builds aside, users keep writing
            registering.append(asyncio.ensure_future(system.user("Meanwhile")))

    report = await replay(system.engines["admin"], system.deps.events, progress=progress, batch=20)
    meanwhile = await registering[0]

    await _settled(system)
    assert report.position > 0
    assert meanwhile.user_id in await user_ids(system.deps.engine)
    assert (await meanwhile.get("/users/me")).status_code == 200
