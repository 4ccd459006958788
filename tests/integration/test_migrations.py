"""Tables are declared once: each schema, migrated to head, matches the service's metadata.

Alembic's own comparison (what `alembic check` runs) of every service's SQLAlchemy tables
against its schema on a database the migrations built; and one head per migration folder.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
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
    engine = sa.create_engine(url.replace("+psycopg", "+psycopg"), poolclass=sa.pool.NullPool)

    def include_name(name: str | None, type_: str, parent: Any) -> bool:
        return name == schema if type_ == "schema" else name != "alembic_version"

    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"include_schemas": True, "include_name": include_name, "compare_type": True},
            )
            return list(compare_metadata(context, metadata))
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
