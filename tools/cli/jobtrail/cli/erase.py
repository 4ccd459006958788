"""`jobtrail erase USER`: erase an account for good, as an operator (by email or user id).

The same erasure as `DELETE /users/me`: `AccountErased` in the log, the account's data keys
destroyed (crypto-shredding), its sessions and password dropped, aggregate snapshots purged.
It can be run again to finish an erasure that was interrupted.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated
from uuid import UUID

import typer
from rich.console import Console

from jobtrail.blobs import BlobStore
from jobtrail.cli.operations import connections
from jobtrail.cli.settings import CliSettings
from jobtrail.eventlog.aggregates import Repository
from jobtrail.gateway.ops import ErasureDeps, SqlAccountRecords, erase_as_operator, user_id_for
from jobtrail.privacy import keys_for

out = Console()


def account_id(user: str) -> UUID:
    """A user id as given, or the id an email's account has."""
    try:
        return UUID(user)
    except ValueError:
        if "@" not in user:
            raise typer.BadParameter("give the account's email or its user id") from None
        return user_id_for(user)


async def erase_account(settings: CliSettings, user_id: UUID) -> bool:
    async with connections(settings) as c:
        files = await BlobStore.open(settings)
        parts = ErasureDeps(SqlAccountRecords(c.engine), keys_for(c.nc), c.events.snapshots, files)
        return await erase_as_operator(
            Repository(c.events), parts, user_id, f"cli-erase-{uuid.uuid4()}"
        )


def erase(
    user: Annotated[str, typer.Argument(help="the account's email or user id")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Erase an account and everything kept for it. This cannot be undone."""
    user_id = account_id(user)
    if not yes:
        typer.confirm(f"Erase account {user_id} for good?", abort=True)
    if not asyncio.run(erase_account(CliSettings(), user_id)):
        out.print(f"[red]no account {user_id}[/red]")
        raise typer.Exit(1)
    out.print(f"account {user_id} erased: its data keys are destroyed")
