"""The `jobtrail` command: run the system locally and operate its event log."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jobtrail.cli import dev, erase, ingest, integrity, keys, mail, operations, rescore, revisions
from jobtrail.cli.settings import CliSettings
from jobtrail.events.subjects import ALL_EVENTS
from jobtrail.jobs.ops import JobsSettings, Rebuilt
from jobtrail.stack import StackError

app = typer.Typer(help="Jobtrail operator CLI.", no_args_is_help=True, add_completion=False)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
events_app = typer.Typer(help="The event log.", no_args_is_help=True)
dlq_app = typer.Typer(help="Dead-lettered events.", no_args_is_help=True)
docs_app = typer.Typer(help="The document store.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(events_app, name="events")
app.add_typer(dlq_app, name="dlq")
app.add_typer(docs_app, name="docs")
app.add_typer(revisions.db_app, name="db")
app.add_typer(keys.keys_app, name="keys")
app.command("ingest")(ingest.ingest)
app.command("rescore")(rescore.rescore)
app.command("mail")(mail.mail)
app.command("erase")(erase.erase)
out = Console()


@app.command("dev")
def dev_command(
    data_dir: Annotated[
        Path, typer.Option(help="where the servers keep their data")
    ] = dev.DATA_DIR,
) -> None:
    """Run NATS, PostgreSQL, S3, an SMTP sink and the six services on loopback until Ctrl-C."""
    try:
        code = dev.run(data_dir)
    except StackError as error:
        code = dev.fail(error)
    raise typer.Exit(code)


@app.command("replay")
def replay(
    projection: Annotated[
        str, typer.Argument(help="whose projections to rebuild: gateway, jobs or notifier")
    ],
) -> None:
    """Rebuild a service's projections from the first event without losing what serves
    meanwhile: the gateway's read models in shadow tables swapped in when done, the jobs
    service's postings, vectors, scores and thresholds upserted, the notifier's follow-up
    table merged so that nothing newer is overwritten. (The AI worker's result cache is a
    cache, not a projection, and the exporter keeps no tables: neither has anything to
    rebuild.)"""
    if projection not in REPLAYABLE:
        out.print(f"[red]unknown projection {projection!r}; known: {', '.join(REPLAYABLE)}[/red]")
        raise typer.Exit(2)
    try:
        if projection == "notifier":
            rebuilt = asyncio.run(operations.replay_notifier(CliSettings()))
            out.print(
                f"notifier follow-ups rebuilt from {rebuilt.applications} applications up to "
                f"sequence {rebuilt.position} in {rebuilt.seconds:.2f} s "
                f"({rebuilt.dropped} stale rows dropped)"
            )
            return
        if projection == "jobs":
            _print_jobs_replay(asyncio.run(operations.replay_jobs(JobsSettings())))
            return
        report = asyncio.run(operations.replay_gateway(CliSettings()))
    except Exception as error:
        kept = (
            "rows rebuilt so far stay, nothing was deleted; run it again"
            if projection == "jobs"
            else "the read models in service were not changed"
        )
        out.print(f"[red]replay failed ({type(error).__name__}: {error}); {kept}[/red]")
        raise typer.Exit(1) from error
    rate = report.position / report.seconds if report.seconds else 0.0
    out.print(
        f"gateway read models rebuilt up to sequence {report.position} "
        f"in {report.seconds:.2f} s ({rate:,.0f} events/s)"
    )
    for skipped in report.skipped:
        out.print(f"[yellow]skipped seq {skipped.seq} ({skipped.type}):[/yellow] {skipped.error}")
    if report.skipped:
        out.print(f"{len(report.skipped)} event(s) skipped; see `jobtrail dlq list`")


REPLAYABLE = ("gateway", "jobs", "notifier")


def _print_jobs_replay(rebuilt: Rebuilt) -> None:
    out.print(
        f"jobs tables rebuilt up to sequence {rebuilt.position} from {rebuilt.events} events "
        f"in {rebuilt.seconds:.2f} s: {rebuilt.postings} postings ({rebuilt.postings_indexed} "
        f"indexed again), {rebuilt.versions} resume versions ({rebuilt.versions_embedded} "
        f"embedded again), {rebuilt.scores} scores "
        f"({rebuilt.runs} runs), {rebuilt.thresholds} thresholds"
    )
    for missing in rebuilt.missing:
        out.print(f"[yellow]passed over:[/yellow] {missing}")


@audit_app.command("verify")
def audit_verify(
    key_file: Annotated[
        Path | None, typer.Option(help="file holding the audit HMAC key (else the settings')")
    ] = None,
) -> None:
    """Check the audit log: every row's hash and MAC, its anchors, its tail; name the first
    row that does not hold."""
    try:
        verdict = asyncio.run(integrity.audit_verify(CliSettings(), key_file))
    except ValueError as error:  # an unreadable or empty key file
        out.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    for warning in verdict.warnings:
        out.print(f"[yellow]warning:[/yellow] {warning}")
    report = verdict.report
    if report.ok:
        out.print(
            f"[green]audit chain intact[/green]: {report.rows_checked} rows verified, "
            f"{report.macs_checked} MACs checked, {report.anchors_checked} anchors matched"
        )
        return
    out.print(
        f"[red]audit chain broken at sequence {report.first_broken_seq}[/red]: {report.reason} "
        f"({report.rows_checked} rows before it verified)"
    )
    raise typer.Exit(1)


@docs_app.command("verify")
def docs_verify() -> None:
    """Check every stored document version against its sha256; list those that differ."""
    checked, bad = asyncio.run(integrity.docs_verify(CliSettings()))
    for check in bad:
        out.print(
            f"[red]document {check.doc_id} version {check.version}[/red]: content hashes to "
            f"{check.actual_sha256}, stored sha256 is {check.stored_sha256}"
        )
    if bad:
        out.print(f"[red]{len(bad)} of {checked} document versions failed their integrity check")
        raise typer.Exit(1)
    out.print(f"[green]documents intact[/green]: {checked} versions verified")


@events_app.command("tail")
def events_tail(
    from_seq: Annotated[int, typer.Option("--from", help="first stream sequence")] = 1,
    subject: Annotated[str, typer.Option(help="subject filter")] = ALL_EVENTS,
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="keep printing new events")
    ] = False,
) -> None:
    """Print events as JSON lines."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(operations.tail_events(CliSettings(), from_seq, subject, follow))


@dlq_app.command("list")
def dlq_list() -> None:
    """Dead-lettered events with the consumer that gave up and why."""
    letters = asyncio.run(operations.dead_letters(CliSettings()))
    table = Table("seq", "consumer", "event", "original seq", "deliveries", "error")
    for d in letters:
        table.add_row(str(d.seq), d.consumer, d.subject.rsplit(".", 1)[-1], str(d.original_seq),
                      d.deliveries, d.error)  # fmt: skip
    out.print(table if letters else "no dead letters")
    failed = asyncio.run(operations.projection_failures(CliSettings()))
    passed = Table("seq", "projection", "event", "event id", "failed at", "error",
                   title="projection failures (events a read model passed over)")  # fmt: skip
    for f in failed:
        passed.add_row(str(f.seq), f.projection, f.type, str(f.event_id or "-"),
                       f.failed_at.isoformat(timespec="seconds"), f.error)  # fmt: skip
    out.print(passed if failed else "no projection failures")


@dlq_app.command("retry")
def dlq_retry(
    seqs: Annotated[list[int] | None, typer.Argument(help="DLQ sequences (see `dlq list`)")] = None,
    all_: Annotated[bool, typer.Option("--all", help="retry every dead letter")] = False,
) -> None:
    """Send dead letters back to the consumer that gave up on them."""
    if not seqs and not all_:
        out.print("[red]name the DLQ sequences to retry, or pass --all[/red]")
        raise typer.Exit(2)
    sent = asyncio.run(
        operations.retry_dead_letters(CliSettings(), None if all_ else set(seqs or []))
    )
    out.print(f"sent {len(sent)} dead letter(s) back to their consumers")


if __name__ == "__main__":
    app()
