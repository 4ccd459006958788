"""`jobtrail ingest SOURCE`: run one job feed now, here, with progress."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from jobtrail.jobs.ops import JobsSettings, RunResult, connected

out = Console()


async def run_source(settings: JobsSettings, source: str) -> RunResult | None:
    """Run `source` with the jobs service's own adapters (waits for a run in progress)."""

    def progress(feed: str, done: int, total: int) -> None:
        out.print(f"  {feed}: {done}/{total} postings stored")

    async with connected(settings) as parts:
        return await parts.ingestion.run(source, progress=progress)


def ingest(
    source: Annotated[
        str, typer.Argument(help="a configured feed: adzuna, greenhouse, lever, file")
    ],
) -> None:
    """Fetch one job feed now (configured by JOBS_* settings) and store its postings."""
    result = asyncio.run(run_source(JobsSettings(), source))
    if result is None:
        out.print("[yellow]another copy is running this feed; nothing done[/yellow]")
        return
    out.print(
        f"{source}: fetched {result.fetched}, added {result.added}, updated {result.updated}, "
        f"unchanged {result.unchanged}, duplicates {result.duplicates}, skipped {result.skipped}"
    )
    if result.error:
        out.print(f"[red]{result.error}[/red]")
        raise typer.Exit(1)
