"""`jobtrail db revision SERVICE MESSAGE`: generate a service's next migration from its tables.

Tables are declared once, as SQLAlchemy `Table`s in the service; this writes the Alembic
revision that brings its schema to them (autogenerate), after migrating that schema to head
on the configured database (a development one: `make run`'s). A test proves the committed
migrations leave every schema as its tables say (`tests/integration/test_migrations.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from rich.console import Console

from jobtrail.ai_worker import ops as ai_worker_ops
from jobtrail.cli.settings import CliSettings
from jobtrail.gateway import ops as gateway_ops
from jobtrail.jobs import ops as jobs_ops
from jobtrail.notifier import ops as notifier_ops
from jobtrail.runtime.migrations import new_revision

out = Console()


@dataclass(frozen=True)
class Schema:
    name: str
    metadata: sa.MetaData
    migrations: Path


SCHEMAS = {
    "gateway": Schema(gateway_ops.SCHEMA, gateway_ops.metadata, gateway_ops.MIGRATIONS),
    "jobs": Schema(jobs_ops.SCHEMA, jobs_ops.metadata, jobs_ops.MIGRATIONS),
    "ai_worker": Schema(ai_worker_ops.SCHEMA, ai_worker_ops.metadata, ai_worker_ops.MIGRATIONS),
    "notifier": Schema(notifier_ops.SCHEMA, notifier_ops.metadata, notifier_ops.MIGRATIONS),
}

db_app = typer.Typer(help="Service schemas and their migrations.", no_args_is_help=True)


@db_app.command("revision")
def revision(
    service: Annotated[str, typer.Argument(help="gateway, jobs, ai_worker or notifier")],
    message: Annotated[str, typer.Argument(help="what the migration does, in a few words")],
) -> None:
    """Write the service's next migration from the difference between its tables and its
    schema at head; nothing when they agree. Review the file before committing it."""
    if service not in SCHEMAS:
        out.print(f"[red]unknown service {service!r}; known: {', '.join(SCHEMAS)}[/red]")
        raise typer.Exit(2)
    schema = SCHEMAS[service]
    url = CliSettings().database_url
    written = new_revision(url, schema.migrations, schema.name, schema.metadata, message)
    if written is None:
        out.print(f"{service}: the schema already is what the tables declare; nothing written")
        return
    out.print(f"{service}: wrote {written}")
