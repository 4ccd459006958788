"""`jobtrail rescore`: re-score every resume in the background, and follow its progress."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from jobtrail.cli.operations import connections
from jobtrail.cli.settings import CliSettings
from jobtrail.events import EventContext, uuid7
from jobtrail.events.jobs import RescoreRequested
from jobtrail.jobs import ops as jobs_ops

out = Console()


async def request_rescore(settings: CliSettings, reason: str | None) -> UUID:
    """Append RescoreRequested; the jobs service works through it in batches."""
    rescore_id = uuid7()
    async with connections(settings) as c:
        history = await c.events.load("rescore", rescore_id)
        context = EventContext(actor="cli", correlation_id=f"rescore-{rescore_id}")
        await c.events.append(history, [RescoreRequested(rescore_id=rescore_id, reason=reason)],
                              context)  # fmt: skip
    return rescore_id


async def rescore_status(settings: CliSettings, rescore_id: UUID | None) -> dict[str, Any] | None:
    """A run's progress (the latest run when no id is given); None before the service has
    picked the request up."""
    async with connections(settings) as c:
        return await jobs_ops.rescore_status(c.engine, rescore_id)


async def follow(settings: CliSettings, rescore_id: UUID, poll_seconds: float) -> dict[str, Any]:
    """Show the run's progress until it is done."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=out, transient=False) as bar:
        postings = bar.add_task("postings re-read", total=None)
        resumes = bar.add_task("resumes re-scored", total=None)
        while True:
            run = await rescore_status(settings, rescore_id)
            if run is not None:
                bar.update(postings, completed=run["postings_done"], total=run["postings_total"])
                bar.update(resumes, completed=run["resumes_done"], total=run["resumes_total"])
                if run["status"] == "done":
                    return run
            await asyncio.sleep(poll_seconds)


def rescore(
    reason: Annotated[str | None, typer.Option(help="why (kept in the event)")] = None,
    wait: Annotated[bool, typer.Option(help="follow the progress until done")] = True,
    status: Annotated[
        bool, typer.Option("--status", help="only show the latest run's progress")
    ] = False,
    poll: Annotated[float, typer.Option(help="seconds between progress reads")] = 1.0,
) -> None:
    """Re-score every resume's latest version against its postings with the current
    formula and model, in the background (after changing either)."""
    settings = CliSettings()
    if status:
        run = asyncio.run(rescore_status(settings, None))
        if run is None:
            out.print("no re-scoring run yet")
            return
        out.print(_summary(run))
        return
    rescore_id = asyncio.run(request_rescore(settings, reason))
    out.print(f"re-scoring requested: {rescore_id}")
    if not wait:
        out.print("follow it with `jobtrail rescore --status` (or jobtrail_rescore_* in /metrics)")
        return
    out.print(_summary(asyncio.run(follow(settings, rescore_id, poll))))


def _summary(run: dict[str, Any]) -> str:
    return (
        f"rescore {run['rescore_id']} ({run['formula']}): {run['status']}, "
        f"postings {run['postings_done']} of {run['postings_total']}, "
        f"resumes {run['resumes_done']} of {run['resumes_total']}"
    )
