"""`jobtrail audit verify` catches each way someone with database access can tamper.

Each test projects the real event log into an audit log of its own (a fresh database on
the embedded PostgreSQL, rows MAC'd with a key, the head anchored in JetStream on a
subject of its own), then tampers the way an attacker with superuser access would:
past the trigger that makes the table append-only.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import psycopg
import pytest
import sqlalchemy as sa
from nats.aio.client import Client as NATS
from psycopg.rows import dict_row
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from typer.testing import CliRunner

from jobtrail.cli.main import app
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.connection import connect_nats
from jobtrail.gateway.bootstrap import migrate
from jobtrail.gateway.readmodels.audit import AuditTrail, row_hash, verify_chain
from jobtrail.gateway.readmodels.audit_anchors import AuditAnchorer, read_anchors
from jobtrail.gateway.readmodels.projector import Projector
from tests.support.system import System, connection_settings

KEY = "audit-test-key-" + "k" * 32
BYPASS = "ALTER TABLE gateway.audit_log {} TRIGGER audit_log_append_only"


@dataclass
class Chain:
    """An audit log of its own, projected from the real event log and anchored."""

    url: str  # psycopg (sync) URL of its database
    env: dict[str, str]  # what `jobtrail` needs to check it, without the key
    rows: list[dict[str, Any]]
    projector: Projector
    anchorer: AuditAnchorer  # N = 3 rows, M = an hour
    engine: AsyncEngine
    nc: NATS

    def verify(self, *, with_key: bool) -> tuple[int, str]:
        env = {**self.env, "JOBTRAIL_AUDIT_HMAC_KEY": KEY} if with_key else self.env
        result = CliRunner().invoke(app, ["audit", "verify"], env=env)
        return result.exit_code, " ".join(result.output.split())

    @contextmanager
    def tampering(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """A superuser connection with the append-only trigger disabled."""
        with psycopg.connect(self.url, autocommit=True, row_factory=dict_row) as connection:
            connection.execute(BYPASS.format("DISABLE"))
            try:
                yield connection
            finally:
                connection.execute(BYPASS.format("ENABLE"))

    def row(self, index: int) -> dict[str, Any]:
        return self.rows[index]


@pytest.fixture
async def chain(system: System) -> AsyncIterator[Chain]:
    while await system.deps.events.last_sequence() < 5:  # a few real events, at least
        await system.user("Audit")
    admin_url = sa.make_url(system.stack.database_url)
    name = f"audit_{uuid4().hex[:12]}"
    with psycopg.connect(_sync(admin_url), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = admin_url.set(database=name)
    await asyncio.to_thread(migrate, url.render_as_string(hide_password=False))
    engine = create_async_engine(url)
    nc = await connect_nats(system.stack.nats_url, name="audit-tamper-test")
    subject = f"jobtrail.audit.anchors.test-{name}"
    try:
        projector = Projector(engine, EventStore(nc), AuditTrail(KEY.encode()))
        await projector.catch_up()
        anchorer = AuditAnchorer(
            engine, nc, key=KEY.encode(), subject=subject, every_rows=3, every_seconds=3600
        )
        assert await anchorer.anchor_once(force=True) is not None
        async with engine.connect() as connection:
            rows = [
                dict(r._mapping)
                for r in await connection.execute(
                    sa.text("SELECT * FROM gateway.audit_log ORDER BY seq")
                )
            ]
        database_url = url.render_as_string(hide_password=False)
        settings = {**connection_settings(system.stack), "database_url": database_url,
                    "audit_anchor_subject": subject}  # fmt: skip
        env = {f"JOBTRAIL_{k.upper()}": str(v) for k, v in settings.items()}
        yield Chain(_sync(url), env, rows, projector, anchorer, engine, nc)
    finally:
        await nc.close()
        await engine.dispose()
        with psycopg.connect(_sync(admin_url), autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _sync(url: sa.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def test_an_untampered_chain_verifies_with_and_without_the_key(chain: Chain) -> None:
    assert len(chain.rows) >= 4
    assert all(r["hash_version"] == 2 and r["mac"] for r in chain.rows)
    for with_key in (True, False):
        code, output = chain.verify(with_key=with_key)
        assert code == 0, output
        assert f"audit chain intact: {len(chain.rows)} rows verified" in output
        assert "1 anchors matched" in output
    assert f"{len(chain.rows)} MACs checked" in chain.verify(with_key=True)[1]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "user:mallory"),
        ("occurred_at", "2001-01-01T00:00:00+00"),
        ("owner_id", str(uuid4())),  # would hand the trail to another user
        ("type", "UserDeleted"),
        ("event", None),  # the event's data, set below
    ],
)
def test_an_edited_column_is_named_at_its_row(chain: Chain, column: str, value: Any) -> None:
    target = chain.row(len(chain.rows) // 2)
    if column == "event":
        value = json.dumps({**target["event"], "data": {"forged": True}})
    with chain.tampering() as db:
        db.execute(
            f"UPDATE gateway.audit_log SET {column} = %s WHERE seq = %s",  # noqa: S608
            (value, target["seq"]),
        )

    code, output = chain.verify(with_key=False)

    assert code == 1, output
    assert f"audit chain broken at sequence {target['seq']}" in output
    assert "content does not match its hash" in output


def test_a_chain_recomputed_after_an_edit_is_caught_by_the_key_and_by_the_anchor(
    chain: Chain,
) -> None:
    target = chain.row(1)
    with chain.tampering() as db:
        prev = target["prev_hash"]
        for row in chain.rows[1:]:  # the hash rule is public; the key is not
            row = {**row, "prev_hash": prev}
            if row["seq"] == target["seq"]:
                row["actor"] = "user:mallory"
                row["event"] = {**row["event"], "actor": "user:mallory"}
            digest = row_hash(row)
            db.execute(
                "UPDATE gateway.audit_log SET actor = %s, event = %s, prev_hash = %s, hash = %s "
                "WHERE seq = %s",
                (row["actor"], json.dumps(row["event"]), prev, digest, row["seq"]),
            )
            prev = digest

    code, output = chain.verify(with_key=True)
    assert code == 1, output
    assert f"audit chain broken at sequence {target['seq']}" in output
    assert "MAC does not match" in output

    code, output = chain.verify(with_key=False)  # the anchor still holds the old head
    assert code == 1, output
    assert f"audit chain broken at sequence {chain.rows[-1]['seq']}" in output
    assert "the chain was recomputed" in output


def test_deleting_the_last_rows_is_caught_by_the_anchor(chain: Chain) -> None:
    kept = chain.row(-3)
    with chain.tampering() as db:
        db.execute("DELETE FROM gateway.audit_log WHERE seq > %s", (kept["seq"],))

    code, output = chain.verify(with_key=False)

    assert code == 1, output
    assert f"ends at seq {kept['seq']}" in output
    assert "were deleted" in output


def test_deleting_rows_the_anchors_never_saw_is_caught_by_the_checkpoint(chain: Chain) -> None:
    kept, first_gone = chain.row(-3), chain.row(-2)
    with chain.tampering() as db:
        db.execute("DELETE FROM gateway.audit_log WHERE seq > %s", (kept["seq"],))
    unanchored = f"jobtrail.audit.anchors.none-{uuid4().hex}"

    result = CliRunner().invoke(
        app, ["audit", "verify"], env={**chain.env, "JOBTRAIL_AUDIT_ANCHOR_SUBJECT": unanchored}
    )

    output = " ".join(result.output.split())
    assert result.exit_code == 1, output
    assert "no anchors on" in output
    assert f"audit chain broken at sequence {first_gone['seq']}" in output
    assert "rows were deleted from the tail" in output


def test_a_forged_row_appended_at_the_tail_is_caught(chain: Chain) -> None:
    last = chain.row(-1)
    forged = {**last, "seq": last["seq"] + 1_000_000, "event_id": uuid4(),
              "prev_hash": last["hash"], "actor": "user:mallory"}  # fmt: skip
    forged["event"] = {**last["event"], "event_id": str(forged["event_id"]),
                       "actor": "user:mallory"}  # fmt: skip
    forged["hash"] = row_hash(forged)  # a perfect rule-2 hash, but no MAC without the key
    with chain.tampering() as db:
        _insert(db, forged)

    code, output = chain.verify(with_key=True)
    assert code == 1, output
    assert f"audit chain broken at sequence {forged['seq']}" in output
    assert "no MAC although rows before it are signed" in output

    code, output = chain.verify(with_key=False)  # the event log has no such event
    assert code == 1, output
    assert f"audit chain broken at sequence {forged['seq']}" in output
    assert "not the event the log holds" in output


def test_a_forged_row_put_inside_the_chain_is_caught(chain: Chain) -> None:
    target, following = chain.row(1), chain.row(2)
    forged = {**target, "actor": "user:mallory", "type": "RoleGranted"}
    forged["event"] = {**target["event"], "actor": "user:mallory", "type": "RoleGranted"}
    forged["hash"] = row_hash(forged)  # links to the row before it, by the public rule
    with chain.tampering() as db:
        db.execute("DELETE FROM gateway.audit_log WHERE seq = %s", (target["seq"],))
        _insert(db, forged)

    code, output = chain.verify(with_key=True)
    assert code == 1, output
    assert f"audit chain broken at sequence {target['seq']}" in output
    assert "no MAC although rows before it are signed" in output

    code, output = chain.verify(with_key=False)  # the row after it no longer links
    assert code == 1, output
    assert f"audit chain broken at sequence {following['seq']}" in output
    assert "inserted or deleted before it" in output


def _insert(db: psycopg.Connection[dict[str, Any]], row: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO gateway.audit_log (seq, event_id, type, aggregate_type, aggregate_id, "
        "owner_id, actor, occurred_at, event, prev_hash, hash, hash_version, mac) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 2, NULL)",
        (row["seq"], row["event_id"], row["type"], row["aggregate_type"], row["aggregate_id"],
         row["owner_id"], row["actor"], row["occurred_at"], json.dumps(row["event"]),
         row["prev_hash"], row["hash"]),
    )  # fmt: skip


async def test_the_head_is_anchored_once_n_rows_were_added(chain: Chain, system: System) -> None:
    assert await chain.anchorer.anchor_once() is None  # the head is anchored already
    anchored = chain.rows[-1]["seq"]
    for _ in range(3):  # each registration adds at least one row
        await system.user("Later")
        await chain.projector.catch_up()
        pending = [r for r in await _rows(chain) if r["seq"] > anchored]
        anchor = await chain.anchorer.anchor_once()
        if len(pending) < 3:  # fewer than N new rows, and the last anchor is recent
            assert anchor is None
            continue
        break
    assert anchor is not None, "3 new rows were not anchored"
    rows = await _rows(chain)
    assert (anchor.seq, anchor.hash, anchor.rows) == (rows[-1]["seq"], rows[-1]["hash"], len(rows))
    assert anchor.mac_ok(KEY.encode())

    code, output = await asyncio.to_thread(chain.verify, with_key=True)
    assert code == 0, output
    assert "2 anchors matched" in output


async def test_the_head_is_anchored_once_m_seconds_passed(chain: Chain, system: System) -> None:
    await system.user("Later")
    await chain.projector.catch_up()
    subject = chain.env["JOBTRAIL_AUDIT_ANCHOR_SUBJECT"]
    soon = AuditAnchorer(chain.engine, chain.nc, key=KEY.encode(), subject=subject,
                         every_rows=1000, every_seconds=0.01)  # fmt: skip
    await asyncio.sleep(0.05)  # the last anchor is now older than M

    anchor = await soon.anchor_once()

    assert anchor is not None
    assert anchor.seq == (await _rows(chain))[-1]["seq"]


async def _rows(chain: Chain) -> list[dict[str, Any]]:
    with psycopg.connect(chain.url, row_factory=dict_row) as db:
        return db.execute("SELECT seq, hash FROM gateway.audit_log ORDER BY seq").fetchall()


async def test_the_running_gateway_anchors_the_chain_head(system: System) -> None:
    await system.user("Anchored")
    nc = await connect_nats(system.stack.nats_url, name="audit-anchor-test")
    try:
        anchors = []
        for _ in range(600):  # the gateway anchors within seconds of its first rows
            anchors = await read_anchors(nc)
            if anchors:
                break
            await asyncio.sleep(0.05)
        assert anchors, "the gateway wrote no anchor"
        async with system.deps.engine.connect() as connection:
            stored = await connection.scalar(
                sa.text("SELECT hash FROM gateway.audit_log WHERE seq = :seq"),
                {"seq": anchors[0].seq},
            )
        assert stored == anchors[0].hash
        report = await verify_chain(system.deps.engine, anchors=anchors)
        assert report.ok, report
        assert report.anchors_checked == len(anchors)
    finally:
        await nc.close()
