"""The migrations build exactly the tables the code reads and writes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from jobtrail.gateway.bootstrap import MIGRATIONS
from jobtrail.gateway.readmodels.tables import metadata
from jobtrail.runtime.migrations import upgrade_to_head
from jobtrail.stack import StackEndpoints

pytestmark = pytest.mark.integration


def test_migrations_match_the_table_definitions_and_run_twice(stack: StackEndpoints) -> None:
    upgrade_to_head(stack.database_url, MIGRATIONS, "gateway")
    upgrade_to_head(stack.database_url, MIGRATIONS, "gateway")  # idempotent
    engine = sa.create_engine(stack.database_url)
    try:
        inspector = sa.inspect(engine)
        for table in metadata.sorted_tables:
            columns = {c["name"]: c for c in inspector.get_columns(table.name, schema="gateway")}
            assert set(columns) == {c.name for c in table.columns}, table.name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, (
                    table.name,
                    column.name,
                )
    finally:
        engine.dispose()
