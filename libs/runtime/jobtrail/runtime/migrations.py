"""Alembic migrations, one script folder per component, each in its own PostgreSQL schema.

A component (a service, the document store) keeps its migrations inside its package and
calls `upgrade_to_head` at start-up; its `env.py` is two lines that call `run_env()`.
Concurrent starts are serialised by a transaction-scoped advisory lock.
"""

from __future__ import annotations

from pathlib import Path

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


def run_env() -> None:
    """The body of every component's alembic `env.py`."""
    from alembic import context

    connection = context.config.attributes["connection"]
    schema = context.config.attributes["schema"]
    context.configure(
        connection=connection,
        version_table_schema=schema,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()
