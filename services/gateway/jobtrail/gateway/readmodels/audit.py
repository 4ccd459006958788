"""The audit store: every event, hash-chained, append-only; and the check of the chain.

A row's hash covers every stored column, the previous row's hash included (hash rule 2):

    hash(n) = sha256("jobtrail-audit-v2\\n" || canonical_row(n))

`canonical_row` is the canonical JSON (sorted keys, no white space, UTF-8) of
{hash_version, seq, event_id, type, aggregate_type, aggregate_id, owner_id, actor,
occurred_at (UTC, RFC 3339 with microseconds), event, prev_hash}, with 64 zeros as the
prev_hash of the first row. With an HMAC key (kept outside the database), each row also
gets mac = HMAC-SHA256(key, "jobtrail-audit-row\\n" || hash): whoever edits a row and
recomputes the chain without the key cannot make the MACs agree.

Rows written before rule 2 keep `hash_version = 1` (sha256(prev_hash || canonical_json(event)))
and are verified under that rule: the table is append-only, so they are never re-chained;
their columns are checked against the event JSON the old hash covers instead.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobtrail.events import RecordedEvent
from jobtrail.events.canonical import canonical_json
from jobtrail.gateway.readmodels.rows import event_columns
from jobtrail.gateway.readmodels.tables import audit_log, checkpoints

NAME = "audit"
GENESIS = "0" * 64
HASH_VERSION = 2
_ROW_DOMAIN = b"jobtrail-audit-v2\n"
_MAC_DOMAIN = b"jobtrail-audit-row\n"
# The columns hash rule 2 covers, besides hash_version; `hash` and `mac` are its output.
HASHED_COLUMNS = (
    "seq", "event_id", "type", "aggregate_type", "aggregate_id", "owner_id", "actor",
    "occurred_at", "event", "prev_hash",
)  # fmt: skip


def chain_hash(prev_hash: str, event: dict[str, Any]) -> str:
    """Hash rule 1 (rows written before rule 2): the event JSON only."""
    return hashlib.sha256(prev_hash.encode() + canonical_json(event)).hexdigest()


def canonical_row(row: Mapping[str, Any]) -> bytes:
    """The one byte string hash rule 2 covers: every stored column of the row."""
    values: dict[str, Any] = {"hash_version": HASH_VERSION}
    for name in HASHED_COLUMNS:
        values[name] = _canonical_value(row[name])
    return canonical_json(values)


def row_hash(row: Mapping[str, Any]) -> str:
    """Hash rule 2."""
    return hashlib.sha256(_ROW_DOMAIN + canonical_row(row)).hexdigest()


def row_mac(key: bytes, digest: str) -> str:
    """The row's MAC: HMAC-SHA256 over its hash, which covers every column."""
    return hmac.new(key, _MAC_DOMAIN + digest.encode(), hashlib.sha256).hexdigest()


def load_key(secret: SecretStr | None, path: Path | None) -> bytes | None:
    """The HMAC key from a setting or a file (stripped of its line end); None if neither."""
    if secret is not None and secret.get_secret_value():
        return secret.get_secret_value().encode()
    if path is not None:
        try:
            text = path.read_text().strip()
        except OSError as error:
            raise ValueError(f"the audit HMAC key file {path} cannot be read: {error}") from error
        if not text:
            raise ValueError(f"the audit HMAC key file {path} is empty")
        return text.encode()
    return None


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if value is None or isinstance(value, int | str | dict | list):
        return value
    return str(value)  # UUIDs


class AuditTrail:
    """Appends each event to the audit log, chained to the row before it (and MAC'd)."""

    name = NAME

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key

    async def apply(self, connection: AsyncConnection, batch: list[RecordedEvent]) -> None:
        prev = await connection.scalar(
            sa.select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        )
        prev_hash = prev or GENESIS
        rows = []
        for recorded in batch:
            event = recorded.as_stored.model_dump(mode="json")
            row = {**event_columns(recorded), "event": event, "prev_hash": prev_hash}
            digest = row_hash(row)
            mac = row_mac(self._key, digest) if self._key else None
            rows.append({**row, "hash_version": HASH_VERSION, "hash": digest, "mac": mac})
            prev_hash = digest
        await connection.execute(audit_log.insert(), rows)


@dataclass(frozen=True)
class Anchor:
    """A chain head written outside the table: (last row's seq, its hash, rows up to it)."""

    seq: int
    hash: str
    rows: int
    at: str
    mac: str | None = None

    def signed_fields(self) -> bytes:
        return canonical_json({"seq": self.seq, "hash": self.hash, "rows": self.rows,
                               "at": self.at})  # fmt: skip

    def sign(self, key: bytes | None) -> Anchor:
        if key is None:
            return self
        mac = hmac.new(key, b"jobtrail-audit-anchor\n" + self.signed_fields(), hashlib.sha256)
        return Anchor(self.seq, self.hash, self.rows, self.at, mac.hexdigest())

    def mac_ok(self, key: bytes) -> bool:
        return self.mac is not None and hmac.compare_digest(self.sign(key).mac or "", self.mac)

    def to_json(self) -> bytes:
        return canonical_json({"seq": self.seq, "hash": self.hash, "rows": self.rows,
                               "at": self.at, "mac": self.mac})  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Anchor:
        return cls(int(data["seq"]), str(data["hash"]), int(data["rows"]), str(data["at"]),
                   data.get("mac"))  # fmt: skip


@dataclass(frozen=True)
class ChainReport:
    rows_checked: int
    first_broken_seq: int | None = None
    reason: str | None = None
    anchors_checked: int = 0
    macs_checked: int = 0
    unsigned_rows: int = 0  # rows without a MAC (written before the key was set, or rule 1)
    keyed: bool = False

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


class ChainBroken(Exception):
    """The first row (or anchor) that does not hold, and why."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


class ChainVerifier:
    """Walks the rows in order; raises ChainBroken at the first one that does not hold."""

    def __init__(self, key: bytes | None, anchors: Iterable[Anchor]) -> None:
        self.key = key
        self.anchors = sorted(anchors, key=lambda a: a.seq)
        self.next_anchor = 0
        self.prev_hash = GENESIS
        self.rows = 0
        self.last_seq = 0
        self.macs = 0
        self.unsigned = 0
        self.signed_seen = False

    def check_anchor_macs(self) -> None:
        if self.key is None:
            return
        signed_seen = False
        for anchor in self.anchors:
            if anchor.mac is None and not signed_seen:
                continue  # written before the key was set
            if not anchor.mac_ok(self.key):
                raise ChainBroken(anchor.seq, f"the anchor written at {anchor.at} for seq "
                              f"{anchor.seq} has no valid MAC: it is forged, or was written "
                              "with another key")  # fmt: skip
            signed_seen = True

    def row(self, row: Mapping[str, Any]) -> None:
        seq = row["seq"]
        self._anchors_before(seq)
        if row["prev_hash"] != self.prev_hash:
            raise ChainBroken(seq, "its prev_hash is not the hash of the row before: a row was "
                          "inserted or deleted before it, or the chain was rewritten")  # fmt: skip
        version = row["hash_version"]
        if version == 1:
            expected = chain_hash(self.prev_hash, row["event"])
        elif version == HASH_VERSION:
            expected = row_hash(row)
        else:
            raise ChainBroken(seq, f"its hash_version {version!r} is not a known hash rule")
        if not hmac.compare_digest(expected, row["hash"]):
            raise ChainBroken(seq, "its content does not match its hash: a column was edited")
        if (column := _column_disagreeing_with_event(row)) is not None:
            raise ChainBroken(seq, f"its {column} column does not match its event")
        self._mac(row)
        self.rows += 1
        self._anchors_at(row)
        self.prev_hash = row["hash"]
        self.last_seq = seq

    def end(self) -> None:
        if self.next_anchor < len(self.anchors):
            anchor = self.anchors[-1]
            raise ChainBroken(anchor.seq, f"the audit log ends at seq {self.last_seq} with "
                          f"{self.rows} rows, but the anchor written at {anchor.at} says it "
                          f"reached seq {anchor.seq} with {anchor.rows} rows: rows after seq "
                          f"{self.last_seq} were deleted")  # fmt: skip

    def _mac(self, row: Mapping[str, Any]) -> None:
        mac = row["mac"]
        if self.key is None or row["hash_version"] == 1:
            self.unsigned += mac is None
            return
        if mac is None:
            if self.signed_seen:
                raise ChainBroken(row["seq"], "it has no MAC although rows before it are signed: "
                              "it was forged or rewritten without the key")  # fmt: skip
            self.unsigned += 1
            return
        if not hmac.compare_digest(row_mac(self.key, row["hash"]), mac):
            raise ChainBroken(row["seq"], "its MAC does not match: the row was forged, or the "
                          "chain recomputed, by someone without the HMAC key")  # fmt: skip
        self.signed_seen = True
        self.macs += 1

    def _anchors_before(self, seq: int) -> None:
        if self.next_anchor < len(self.anchors) and self.anchors[self.next_anchor].seq < seq:
            anchor = self.anchors[self.next_anchor]
            raise ChainBroken(anchor.seq, f"the anchor written at {anchor.at} names row "
                              f"{anchor.seq}, which is missing: it was deleted")  # fmt: skip

    def _anchors_at(self, row: Mapping[str, Any]) -> None:
        while (
            self.next_anchor < len(self.anchors)
            and self.anchors[self.next_anchor].seq == row["seq"]
        ):
            anchor = self.anchors[self.next_anchor]
            if anchor.hash != row["hash"]:
                raise ChainBroken(row["seq"], f"the anchor written at {anchor.at} says this row's "
                              f"hash was {anchor.hash[:16]}…, it is now {row['hash'][:16]}…: "
                              "the chain was recomputed")  # fmt: skip
            if anchor.rows != self.rows:
                raise ChainBroken(row["seq"], f"the anchor written at {anchor.at} counts "
                              f"{anchor.rows} rows up to here, there are {self.rows}: rows "
                              "were inserted or deleted before it")  # fmt: skip
            self.next_anchor += 1


def _column_disagreeing_with_event(row: Mapping[str, Any]) -> str | None:
    """The first column that says something other than the event JSON it was taken from."""
    event = row["event"]
    owner = row["owner_id"]
    expected = {
        "event_id": str(row["event_id"]),
        "type": row["type"],
        "aggregate_type": row["aggregate_type"],
        "aggregate_id": row["aggregate_id"],
        "owner_id": None if owner is None else str(owner),
        "actor": row["actor"],
    }
    for name, value in expected.items():
        if event.get(name) != value:
            return name
    try:
        occurred = datetime.fromisoformat(str(event.get("occurred_at")))
    except ValueError:
        return "occurred_at"
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=UTC)
    return None if occurred == row["occurred_at"] else "occurred_at"


async def verify_chain(
    engine: AsyncEngine,
    batch: int = 5000,
    *,
    key: bytes | None = None,
    anchors: Iterable[Anchor] = (),
) -> ChainReport:
    """Recompute every hash (and MAC, with the key) in order, check the chain against its
    anchors, and name the first row that does not hold."""
    verifier = ChainVerifier(key, anchors)
    try:
        verifier.check_anchor_macs()
        async for row in _rows(engine, batch):
            verifier.row(row._mapping)
        verifier.end()
    except ChainBroken as broken:
        return _report(verifier, broken.seq, broken.reason)
    return _report(verifier)


def _report(v: ChainVerifier, seq: int | None = None, reason: str | None = None) -> ChainReport:
    return ChainReport(v.rows, seq, reason, anchors_checked=v.next_anchor, macs_checked=v.macs,
                       unsigned_rows=v.unsigned, keyed=v.key is not None)  # fmt: skip


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    rows_after: int  # rows after the seq asked about, up to and including this one


async def head(engine: AsyncEngine, after: int) -> Head | None:
    """The chain's last row and how many rows follow `after`, from one snapshot."""
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="REPEATABLE READ")
        async with connection.begin():
            last = (
                await connection.execute(
                    sa.select(audit_log.c.seq, audit_log.c.hash)
                    .order_by(audit_log.c.seq.desc())
                    .limit(1)
                )
            ).first()
            if last is None:
                return None
            count = await connection.scalar(
                sa.select(sa.func.count())
                .select_from(audit_log)
                .where(audit_log.c.seq > after, audit_log.c.seq <= last.seq)
            )
    return Head(int(last.seq), str(last.hash), int(count or 0))


async def tail(engine: AsyncEngine) -> tuple[int, int]:
    """(the last row's seq, the seq the audit projector has applied), from one snapshot."""
    last = sa.select(sa.func.coalesce(sa.func.max(audit_log.c.seq), 0)).scalar_subquery()
    applied = (
        sa.select(sa.func.coalesce(sa.func.max(checkpoints.c.last_seq), 0))
        .where(checkpoints.c.name == NAME)
        .scalar_subquery()
    )
    async with engine.connect() as connection:
        row = (await connection.execute(sa.select(last, applied))).one()
    return int(row[0]), int(row[1])


async def events_after(engine: AsyncEngine, after: int) -> list[tuple[int, dict[str, Any]]]:
    """(seq, event JSON) of every row after `after`, oldest first."""
    query = sa.select(audit_log.c.seq, audit_log.c.event).where(audit_log.c.seq > after)
    async with engine.connect() as connection:
        rows = await connection.execute(query.order_by(audit_log.c.seq))
        return [(int(r.seq), r.event) for r in rows]


async def passed_over(engine: AsyncEngine, after: int, through: int) -> set[int]:
    """Seqs in (after, through] the audit projector recorded as failed and moved past."""
    query = sa.text(
        "SELECT seq FROM gateway.projection_failures "
        "WHERE projection = :name AND seq > :after AND seq <= :through"
    )
    async with engine.connect() as connection:
        if await connection.scalar(sa.text("SELECT to_regclass('gateway.projection_failures')")):
            rows = await connection.execute(query, {"name": NAME, "after": after,
                                                    "through": through})  # fmt: skip
            return {int(r[0]) for r in rows}
    return set()


async def _rows(engine: AsyncEngine, batch: int) -> AsyncIterator[Any]:
    async with engine.connect() as connection:
        result = await connection.stream(
            sa.select(audit_log).order_by(audit_log.c.seq).execution_options(yield_per=batch)
        )
        async for row in result:
            yield row
