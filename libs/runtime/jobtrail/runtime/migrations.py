"""Alembic migrations, one script folder per component, each in its own PostgreSQL schema.

A component (a service, the document store) keeps its migrations inside its package and
calls `upgrade_to_head` at start-up; its `env.py` is two lines that call `run_env()`.
Concurrent starts are serialised by a transaction-scoped advisory lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config


def upgrade_to_head(
    database_url: str, script_location: Path, schema: str, role: str | None = None
) -> None:
    """Bring `schema` up to the newest revision in `script_location` (idempotent).

    `role`: run the migrations as that role (`SET LOCAL ROLE`, for an admin connection that
    provisions a schema for the role owning it, see `jobtrail.runtime.roles`). A service
    connected as its own role finds its schema created by provisioning: it creates a schema
    only where none exists, because CREATE SCHEMA needs a privilege on the database that
    service roles do not hold, even with IF NOT EXISTS.
    """
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["schema"] = schema
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                {"key": f"jobtrail-migrations:{schema}"},
            )
            if role is not None:
                connection.execute(sa.text(f'SET LOCAL ROLE "{role}"'))
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :schema"), {"schema": schema}
            )
            if not exists:
                connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            config.attributes["connection"] = connection
            # Features add migrations on their own branches off 0001; "heads" applies them all.
            command.upgrade(config, "heads")
    finally:
        engine.dispose()


def new_revision(
    database_url: str, script_location: Path, schema: str, metadata: sa.MetaData, message: str
) -> Path | None:
    """Write the next migration of `schema` from the difference between `metadata` and the
    schema migrated to head on `database_url` (Alembic autogenerate); None when they agree.

    The database must be a scratch or development one: the schema is first brought to head.
    Review what it writes (autogenerate does not see renames) before committing it.
    """
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["schema"] = schema
    config.attributes["target_metadata"] = metadata
    upgrade_to_head(database_url, script_location, schema)
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            if not differences(connection, schema, metadata):
                return None
            config.attributes["connection"] = connection
            script = command.revision(config, message=message, autogenerate=True)
    finally:
        engine.dispose()
    if script is None or isinstance(script, list):  # one head, one revision: not expected
        raise RuntimeError(f"alembic wrote no single revision for {schema}")
    path = Path(script.path)
    # Like the hand-written ones, the revision migrates whichever schema it is run for.
    text = path.read_text(encoding="utf-8").replace(f"schema={schema!r}", "schema=_schema()")
    path.write_text(text, encoding="utf-8")
    return path


def differences(connection: sa.Connection, schema: str, metadata: sa.MetaData) -> list[Any]:
    """What `alembic check` reports: how `schema` differs from the tables in `metadata`."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(connection, opts=_compare_options(schema))
    return list(compare_metadata(context, metadata))


def _compare_options(schema: str) -> dict[str, Any]:
    def include_name(name: str | None, type_: str, parent: Any) -> bool:
        return name == schema if type_ == "schema" else name != "alembic_version"

    return {"include_schemas": True, "include_name": include_name, "compare_type": True}


def run_env() -> None:
    """The body of every component's alembic `env.py`."""
    from alembic import context

    connection = context.config.attributes["connection"]
    schema = context.config.attributes["schema"]
    # Set only when generating a revision (`new_revision`): what the tables should be.
    metadata = context.config.attributes.get("target_metadata")
    comparing = _compare_options(schema) if metadata is not None else {}
    context.configure(
        connection=connection,
        version_table_schema=schema,
        transaction_per_migration=False,
        target_metadata=metadata,
        **comparing,
    )
    with context.begin_transaction():
        context.run_migrations()
