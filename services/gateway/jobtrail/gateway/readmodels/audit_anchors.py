"""Anchors of the audit chain: its head, written now and then outside the table it protects.

Every `every_rows` new rows, or every `every_seconds` when any row was added, the gateway
publishes (seq, hash, rows, time, MAC) of the committed chain head to the append-only
JetStream stream JOBTRAIL_AUDIT_ANCHORS (deny_delete, deny_purge). Someone who can write
the database cannot take an anchor back, so `jobtrail audit verify` finds a recomputed
chain (the anchored hash changed), deleted rows (the anchor names a row that is gone, or
counts more rows) and a truncated tail (the anchor says the chain was longer).

Each gateway copy anchors; the last anchor is read back from the stream before deciding,
and `Nats-Msg-Id` = the anchored seq lets the duplicate window drop a second copy's twin.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import structlog
from nats.aio.client import Client as NATS
from nats.js.errors import NotFoundError
from prometheus_client import Counter, Gauge
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.eventlog import EventStore
from jobtrail.gateway.readmodels.audit import Anchor, head

log = structlog.get_logger("jobtrail.gateway.audit")

ANCHORS_STREAM = "JOBTRAIL_AUDIT_ANCHORS"
DEFAULT_SUBJECT = "jobtrail.audit.anchors.gateway"

ANCHORS = Counter("jobtrail_audit_anchors_total", "Audit chain heads anchored in JetStream.")
ANCHORED_SEQ = Gauge("jobtrail_audit_anchored_seq", "The audit row seq last anchored.")


class AuditAnchorer:
    """Writes the audit chain's head to the anchor stream, every N rows or M seconds."""

    def __init__(
        self,
        engine: AsyncEngine,
        nc: NATS,
        *,
        key: bytes | None,
        subject: str = DEFAULT_SUBJECT,
        every_rows: int = 1000,
        every_seconds: float = 300.0,
    ) -> None:
        self._engine = engine
        self._nc = nc
        self._js = nc.jetstream()
        self._key = key
        self._subject = subject
        self._every_rows = every_rows
        self._every_seconds = every_seconds

    async def last_anchor(self) -> Anchor | None:
        try:
            msg = await self._js.get_last_msg(ANCHORS_STREAM, self._subject)
        except NotFoundError:
            return None
        return Anchor.from_json(json.loads(msg.data or b"{}"))

    async def anchor_once(self, force: bool = False) -> Anchor | None:
        """Anchor the head if it is due (or `force`); the anchor written, else None."""
        last = await self.last_anchor()
        current = await head(self._engine, after=last.seq if last else 0)
        if current is None or (last is not None and current.seq <= last.seq):
            return None
        now = datetime.now(UTC)
        if not force and last is not None and current.rows_after < self._every_rows:
            age = (now - datetime.fromisoformat(last.at)).total_seconds()
            if age < self._every_seconds:
                return None
        rows = (last.rows if last else 0) + current.rows_after
        at = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        anchor = Anchor(current.seq, current.hash, rows, at).sign(self._key)
        await self._js.publish(
            self._subject, anchor.to_json(), stream=ANCHORS_STREAM,
            headers={"Nats-Msg-Id": f"{self._subject}:{anchor.seq}"},
        )  # fmt: skip
        ANCHORS.inc()
        ANCHORED_SEQ.set(anchor.seq)
        log.info("audit.anchored", seq=anchor.seq, rows=anchor.rows, signed=anchor.mac is not None)
        return anchor

    async def run(self, stop: asyncio.Event) -> None:
        """Anchor whenever due until `stop` is set; an outage only delays an anchor."""
        poll = max(0.2, min(5.0, self._every_seconds / 4))
        while not stop.is_set():
            try:
                await self.anchor_once()
            except Exception as error:  # NATS or PostgreSQL away: try again at the next tick
                log.warning("audit.anchor_failed", error=repr(error))
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll)
            except TimeoutError:
                continue


async def read_anchors(nc: NATS, subject: str = DEFAULT_SUBJECT) -> list[Anchor]:
    """Every anchor written on `subject`, oldest first."""
    return [anchor async for anchor in _anchors(nc, subject)]


async def _anchors(nc: NATS, subject: str) -> AsyncIterator[Anchor]:
    reader = EventStore(nc, stream=ANCHORS_STREAM)
    async for msg in reader.read_raw(subject=subject):
        yield Anchor.from_json(json.loads(msg.data))
