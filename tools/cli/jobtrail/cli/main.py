"""The `jobtrail` command: run the system locally and operate its event log."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jobtrail.cli import dev, ingest, operations
from jobtrail.cli.settings import CliSettings
from jobtrail.events.subjects import ALL_EVENTS
from jobtrail.stack import StackError

app = typer.Typer(help="Jobtrail operator CLI.", no_args_is_help=True, add_completion=False)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
events_app = typer.Typer(help="The event log.", no_args_is_help=True)
dlq_app = typer.Typer(help="Dead-lettered events.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(events_app, name="events")
app.add_typer(dlq_app, name="dlq")
app.command("ingest")(ingest.ingest)
out = Console()


@app.command("dev")
def dev_command(
    data_dir: Annotated[Path, typer.Option(help="where the servers keep their data")] = Path(
        ".data"
    ),
) -> None:
    """Run NATS, PostgreSQL, S3 and the five services on loopback until Ctrl-C."""
    try:
        code = dev.run(data_dir)
    except StackError as error:
        code = dev.fail(error)
    raise typer.Exit(code)


@app.command("replay")
def replay(
    projection: Annotated[str, typer.Argument(help="which read models to rebuild: gateway")],
) -> None:
    """Drop a service's read models and rebuild them from the first event."""
    if projection != "gateway":
        out.print(f"[red]unknown projection {projection!r}; known: gateway[/red]")
        raise typer.Exit(2)
    position, seconds = asyncio.run(operations.replay_gateway(CliSettings()))
    rate = position / seconds if seconds else 0.0
    out.print(
        f"gateway read models rebuilt up to sequence {position} "
        f"in {seconds:.2f} s ({rate:,.0f} events/s)"
    )


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit log's hash chain; name the first row that does not match."""
    report = asyncio.run(operations.audit_verify(CliSettings()))
    if report.ok:
        out.print(f"[green]audit chain intact[/green]: {report.rows_checked} rows verified")
        return
    out.print(
        f"[red]audit chain broken at sequence {report.first_broken_seq}[/red]: {report.reason} "
        f"({report.rows_checked} rows before it verified)"
    )
    raise typer.Exit(1)


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
