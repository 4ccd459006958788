"""Tables are declared once: each schema, migrated to head, matches the service's metadata.

Alembic's own comparison (what `alembic check` runs) of every service's SQLAlchemy tables
against its schema on a database the migrations built; one head per migration folder; and
the next migration is generated from the tables (`jobtrail db revision`).
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

import jobtrail.gateway.handlers.idempotency
import jobtrail.gateway.handlers.login_throttle
import jobtrail.gateway.readmodels.audit
import jobtrail.gateway.readmodels.projection  # noqa: F401 - these modules declare the tables
from jobtrail.ai_worker.cache import metadata as ai
from jobtrail.ai_worker.ops import MIGRATIONS as AI_MIGRATIONS
from jobtrail.gateway.ops import MIGRATIONS as GATEWAY_MIGRATIONS
from jobtrail.gateway.readmodels.tables import metadata as gateway
from jobtrail.jobs.ops import MIGRATIONS as JOBS_MIGRATIONS
from jobtrail.jobs.tables import metadata as jobs
from jobtrail.notifier.ops import MIGRATIONS as NOTIFIER_MIGRATIONS
from jobtrail.notifier.tables import metadata as notifier
from jobtrail.runtime.migrations import differences as schema_differences
from jobtrail.runtime.migrations import new_revision, upgrade_to_head
from jobtrail.stack.endpoints import StackEndpoints
from tests.support.system import provisioned

pytestmark = pytest.mark.integration

SCHEMAS: dict[str, tuple[sa.MetaData, Path]] = {
    "gateway": (gateway, GATEWAY_MIGRATIONS),
    "jobs": (jobs, JOBS_MIGRATIONS),
    "ai": (ai, AI_MIGRATIONS),
    "notifier": (notifier, NOTIFIER_MIGRATIONS),
}


def differences(url: str, schema: str, metadata: sa.MetaData) -> list[Any]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return schema_differences(connection, schema, metadata)
    finally:
        engine.dispose()


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
async def test_the_migrated_schema_is_what_the_tables_declare(
    stack: StackEndpoints, schema: str
) -> None:
    await asyncio.to_thread(provisioned, stack.database_url)  # every schema at head
    metadata, _ = SCHEMAS[schema]
    found = await asyncio.to_thread(differences, stack.database_url, schema, metadata)
    brief = [d[0] if isinstance(d, tuple) else [x[0] for x in d] for d in found]
    named = [str(d)[:160] for d in found]
    assert found == [], f"{schema}: the migrations and the tables disagree: {brief} {named}"


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
def test_each_migration_folder_has_one_head(schema: str) -> None:
    _, folder = SCHEMAS[schema]
    config = Config()
    config.set_main_option("script_location", str(folder))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_the_next_migration_is_generated_from_the_tables_and_brings_the_schema_to_them(
    stack: StackEndpoints, tmp_path: Path
) -> None:
    schema = f"jobs_scratch_{uuid4().hex[:8]}"
    try:
        generate_and_apply(stack.database_url, schema, tmp_path / "migrations")
    finally:
        engine = sa.create_engine(stack.database_url, poolclass=sa.pool.NullPool)
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def generate_and_apply(database_url: str, schema: str, folder: Path) -> None:
    """The jobs migrations, copied, run for a scratch schema; its tables declared there."""
    shutil.copytree(JOBS_MIGRATIONS, folder, ignore=shutil.ignore_patterns("__pycache__"))
    declared = sa.MetaData()
    for table in jobs.tables.values():
        table.to_metadata(declared, schema=schema)

    # The tables as the migrations leave them: nothing to generate.
    assert new_revision(database_url, folder, schema, declared, "nothing") is None

    # A column added to a table: the generated revision adds it, after the one head.
    postings = declared.tables[f"{schema}.postings"]
    postings.append_column(sa.Column("shortlisted_at", sa.DateTime(timezone=True)))
    written = new_revision(database_url, folder, schema, declared, "postings shortlist")
    assert written is not None
    source = written.read_text()
    assert "op.add_column('postings', sa.Column('shortlisted_at'" in source
    assert "schema=_schema()" in source
    assert f"down_revision: str | None = {head_of(JOBS_MIGRATIONS)!r}" in source
    upgrade_to_head(database_url, folder, schema)
    assert differences(database_url, schema, declared) == []


def head_of(folder: Path) -> str:
    config = Config()
    config.set_main_option("script_location", str(folder))
    [head] = ScriptDirectory.from_config(config).get_heads()
    return head
