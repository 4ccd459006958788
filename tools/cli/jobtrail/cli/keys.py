"""`jobtrail keys`: the key ring of per-user data keys (crypto-shredding, `jobtrail.privacy`).

- `jobtrail keys rotate-master`: after putting a new master key first in
  `JOBTRAIL_MASTER_KEYS` (the old ones after it), wrap every data key under it; then the old
  master keys can be dropped from the setting.
- `jobtrail keys rotate USER`: give one account a new data key; what the older keys sealed
  still opens with them, new data is sealed with the new one.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from jobtrail.cli.erase import account_id
from jobtrail.cli.operations import connections
from jobtrail.cli.settings import CliSettings
from jobtrail.privacy import keys_for

keys_app = typer.Typer(
    help="Per-user data keys: rotate them, or the master key", no_args_is_help=True
)
out = Console()


async def _rotate_master(settings: CliSettings) -> tuple[int, str]:
    async with connections(settings) as c:
        ring = keys_for(c.nc)
        return await ring.rewrap_all(), ring.master.current


async def _rotate(settings: CliSettings, user: str) -> str:
    async with connections(settings) as c:
        return (await keys_for(c.nc).rotate(account_id(user))).kid


@keys_app.command("rotate-master")
def rotate_master() -> None:
    """Wrap every account's data keys under the first master key of JOBTRAIL_MASTER_KEYS."""
    changed, current = asyncio.run(_rotate_master(CliSettings()))
    out.print(f"{changed} accounts' keys are wrapped under master key {current!r}")


@keys_app.command("rotate")
def rotate(user: Annotated[str, typer.Argument(help="the account's email or user id")]) -> None:
    """Give one account a new data key (the older ones still open what they sealed)."""
    kid = asyncio.run(_rotate(CliSettings(), user))
    out.print(f"new data key {kid} for {account_id(user)}")
