"""`jobtrail audit verify` and `jobtrail docs verify`: is what we keep what was written?"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from jobtrail.cli.operations import Connections, connections
from jobtrail.cli.settings import CliSettings
from jobtrail.docstore import IntegrityCheck, open_document_store
from jobtrail.events import RecordedEvent
from jobtrail.events.canonical import canonical_json
from jobtrail.events.errors import EventLogError
from jobtrail.gateway.ops import (
    ChainReport,
    events_after,
    load_key,
    passed_over,
    read_anchors,
    tail,
    verify_chain,
)

Chunk = tuple[list[RecordedEvent], int]


@dataclass(frozen=True)
class AuditVerdict:
    report: ChainReport
    warnings: list[str]


async def audit_verify(settings: CliSettings, key_file: Path | None = None) -> AuditVerdict:
    """Check every row's hash (and MAC, with the key), the anchors, and the tail."""
    key = load_key(settings.audit_hmac_key, key_file or settings.audit_hmac_key_file)
    warnings: list[str] = []
    if key is None:
        warnings.append(
            "no HMAC key given (JOBTRAIL_AUDIT_HMAC_KEY, JOBTRAIL_AUDIT_HMAC_KEY_FILE or "
            "--key-file): a chain recomputed after its last anchor would go unnoticed"
        )
    async with connections(settings) as c:
        try:
            anchors = await read_anchors(c.nc, settings.audit_anchor_subject)
        except EventLogError as error:
            anchors = []
            warnings.append(f"the anchors could not be read ({error}); checked without them")
        if not anchors:
            warnings.append(f"no anchors on {settings.audit_anchor_subject}: a truncated tail "
                            "or recomputed chain can only be caught with the key")  # fmt: skip
        report = await verify_chain(c.engine, key=key, anchors=anchors)
        if report.ok:
            report = await _check_tail(c, report)
        if report.ok:
            report = await _check_unanchored(c, report, max((a.seq for a in anchors), default=0))
    return AuditVerdict(report, warnings)


async def _check_tail(c: Connections, report: ChainReport) -> ChainReport:
    """The projector's checkpoint says which events it applied: each must have its row."""
    last_row, applied = await tail(c.engine)
    if applied <= last_row:
        return report
    failed = await passed_over(c.engine, last_row, applied)
    chunks = _closable(
        c.events.read_chunks(start_seq=last_row + 1, batch=100, on_undecodable=_ignore)
    )
    async with aclosing(chunks):
        async for chunk, _ in chunks:
            for recorded in chunk:
                if recorded.seq > applied:
                    return report
                if recorded.seq in failed:
                    continue
                reason = (
                    f"the audit projector applied the event log up to seq {applied}, but the "
                    f"audit log ends at seq {last_row}: the row for event seq {recorded.seq} "
                    "is missing (rows were deleted from the tail)"
                )
                return replace(report, first_broken_seq=recorded.seq, reason=reason)
    return report


async def _check_unanchored(c: Connections, report: ChainReport, anchored: int) -> ChainReport:
    """Rows after the last anchor have no witness but the event log: each must be the event
    stored at its seq (a row forged at the tail, keyed or not, is not in the log)."""
    rows = await events_after(c.engine, anchored)
    if not rows:
        return report
    logged: dict[int, bytes] = {}
    chunks = _closable(
        c.events.read_chunks(start_seq=rows[0][0], batch=500, on_undecodable=_ignore)
    )
    async with aclosing(chunks):
        async for chunk, through in chunks:
            logged.update(
                (r.seq, canonical_json(r.as_stored.model_dump(mode="json"))) for r in chunk
            )
            if through >= rows[-1][0]:
                break
    for seq, event in rows:
        if logged.get(seq) != canonical_json(event):
            reason = (
                "it is not the event the log holds at that seq: it was forged or altered "
                f"after the last anchor (seq {anchored})"
            )
            return replace(report, first_broken_seq=seq, reason=reason)
    return report


def _closable(chunks: AsyncIterator[Chunk]) -> AsyncGenerator[Chunk, None]:
    """read_chunks is an async generator: close it (and its subscription) when we stop early."""
    return cast(AsyncGenerator[Chunk, None], chunks)


def _ignore(_: int, __: Exception) -> None:
    """Undecodable messages have no audit row: the projector passes over them too."""


async def docs_verify(settings: CliSettings) -> tuple[int, list[IntegrityCheck]]:
    """Check every stored document version against its sha256: (versions, mismatches)."""
    store = await open_document_store(settings.effective_docstore_url)
    try:
        checked, bad = 0, []
        async for check in store.verify_all():
            checked += 1
            if not check.ok:
                bad.append(check)
        return checked, bad
    finally:
        await store.close()
