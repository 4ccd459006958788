"""`jobtrail replay | events tail | dlq list | dlq retry` (audit and docs: integrity.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from nats.aio.client import Client as NATS
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail import privacy
from jobtrail.cli.declarations import CLI
from jobtrail.cli.settings import CliSettings
from jobtrail.domain.retries import RETRYABLE
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.aggregates import Repository
from jobtrail.eventlog.connection import connect_nats
from jobtrail.events import Envelope, EventContext
from jobtrail.events.subjects import (
    DLQ_STREAM,
    ORIGINAL_SEQUENCE,
    ORIGINAL_SUBJECT,
    RETRY_STREAM,
    retry_subject,
)
from jobtrail.gateway.ops import ReplayReport, failures, replay
from jobtrail.jobs import ops as jobs_ops
from jobtrail.notifier import ops as notifier_ops

console = Console(stderr=True)


@dataclass
class Connections:
    nc: NATS
    engine: AsyncEngine
    events: EventStore


@asynccontextmanager
async def connections(settings: CliSettings) -> AsyncIterator[Connections]:
    privacy.configure(settings.master())
    nc = await connect_nats(settings.nats_url, name="jobtrail-cli")
    engine = create_async_engine(settings.database_url)
    try:
        yield Connections(nc, engine, EventStore(nc, declared=CLI))
    finally:
        await engine.dispose()
        await nc.close()


async def replay_gateway(settings: CliSettings) -> ReplayReport:
    """Rebuild the gateway's read models from sequence 1 in shadow tables, then swap them in.

    The read models in service keep serving until the swap; a failed replay leaves them.
    """
    async with connections(settings) as c:
        with _progress() as bar:
            task = bar.add_task("replaying", total=await c.events.last_sequence() or None)
            return await replay(
                c.engine, c.events,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip


async def replay_notifier(settings: CliSettings) -> notifier_ops.Rebuilt:
    """Rebuild the notifier's follow-up table from every application's events."""
    async with connections(settings) as c:
        with _progress() as bar:
            task = bar.add_task("replaying", total=await c.events.last_sequence() or None)
            return await notifier_ops.rebuild(
                c.events, c.engine,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip


async def replay_jobs(settings: jobs_ops.JobsSettings) -> jobs_ops.Rebuilt:
    """Rebuild the jobs service's tables (postings, vectors, scores, thresholds) from the log,
    with the service's own adapters (its embedder included)."""
    async with jobs_ops.connected(settings) as parts:
        with _progress() as bar:
            task = bar.add_task("replaying", total=await parts.deps.events.last_sequence() or None)
            return await jobs_ops.rebuild(
                parts.deps,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )  # fmt: skip


async def projection_failures(settings: CliSettings) -> list[Any]:
    """Events a gateway projection could not apply and passed over, oldest first."""
    async with connections(settings) as c:
        async with c.engine.connect() as connection:
            found = await connection.scalar(
                sa.text("SELECT to_regclass('gateway.projection_failures')")
            )
        return await failures(c.engine) if found else []  # none before the gateway migrated


async def tail_events(settings: CliSettings, start: int, subject: str, follow: bool) -> None:
    """Print events as JSON lines, oldest first; with `follow`, keep printing new ones."""

    def undecodable(seq: int, error: Exception) -> None:
        console.print(
            f"[yellow]seq {seq}: not a Jobtrail event ({error.__class__.__name__})[/yellow]"
        )

    async with connections(settings) as c:
        position = start
        while True:
            chunks = c.events.read_chunks(
                subject=subject, start_seq=position, on_undecodable=undecodable
            )
            async for chunk, through in chunks:
                for recorded in chunk:
                    line = {"seq": recorded.seq, **recorded.envelope.model_dump(mode="json")}
                    print(json.dumps(line, ensure_ascii=False), flush=True)
                position = through + 1
            if not follow:
                return
            await asyncio.sleep(0.5)


@dataclass(frozen=True)
class DeadLetter:
    seq: int
    subject: str
    consumer: str
    error: str
    original_subject: str
    original_seq: int
    deliveries: str
    data: bytes


async def dead_letters(settings: CliSettings) -> list[DeadLetter]:
    async with connections(settings) as c:
        store = EventStore(c.nc, stream=DLQ_STREAM)
        found = []
        async for msg in store.read_raw(subject="jobtrail.dlq.>"):
            h = msg.headers or {}
            found.append(
                DeadLetter(
                    seq=int(h["Nats-Sequence"]), subject=h.get("Nats-Subject", msg.subject),
                    consumer=h.get("Jobtrail-Consumer", "?"), error=h.get("Jobtrail-Error", ""),
                    original_subject=h.get("Jobtrail-Original-Subject", ""),
                    original_seq=int(h.get("Jobtrail-Original-Sequence", "0")),
                    deliveries=h.get("Jobtrail-Deliveries", "?"), data=msg.data,
                )
            )  # fmt: skip
        return found


async def retry_dead_letters(settings: CliSettings, seqs: set[int] | None) -> list[DeadLetter]:
    """Send dead letters (all, or those at `seqs`) back to their consumer; drop them from DLQ.

    A failure the dead letter left in the log (`ResumeRejected`, `ExportFailed`,
    `AIJobFailed`) is superseded first by a `…RetryRequested` event on the same aggregate,
    so the handler decides again and its new outcome replaces the failure in the read
    models; the failure itself stays in the log untouched.
    """
    chosen = [d for d in await dead_letters(settings) if seqs is None or d.seq in seqs]
    async with connections(settings) as c:
        js = c.nc.jetstream()
        for letter in chosen:
            await _supersede_failure(c.events, letter)
            event_type = letter.subject.rsplit(".", 1)[-1]
            await js.publish(
                retry_subject(letter.consumer, event_type),
                letter.data,
                stream=RETRY_STREAM,
                headers={
                    "Nats-Msg-Id": f"retry:{letter.seq}",
                    ORIGINAL_SUBJECT: letter.original_subject,
                    ORIGINAL_SEQUENCE: str(letter.original_seq),
                },
            )
            await js.delete_msg(DLQ_STREAM, letter.seq)
    return chosen


async def _supersede_failure(events: EventStore, letter: DeadLetter) -> None:
    """Append the `…RetryRequested` that supersedes the letter's recorded failure, if any."""
    try:
        trigger = Envelope.model_validate_json(letter.data)
    except ValueError:
        return  # not an event: nothing in the log to supersede
    kind = RETRYABLE.get(trigger.type)
    if kind is None:
        return
    context = EventContext(
        actor="operator:jobtrail-cli", correlation_id=trigger.correlation_id,
        causation_id=str(trigger.event_id), owner_id=trigger.owner_id,
    )  # fmt: skip
    reason = f"dlq retry of {letter.seq}"
    await Repository(events).execute(
        kind, UUID(trigger.aggregate_id), lambda work: work.retry(reason), context
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=console,
    )  # fmt: skip
