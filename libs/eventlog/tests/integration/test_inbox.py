"""The inbox on real PostgreSQL: an event is claimed once per consumer, with the transaction."""

from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail.eventlog.inbox import claim, inbox_table
from jobtrail.stack.endpoints import StackEndpoints

pytestmark = pytest.mark.integration


@pytest.fixture
async def engine(stack: StackEndpoints) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(stack.database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def inbox(engine: AsyncEngine) -> AsyncIterator[sa.Table]:
    """An inbox table in a schema of its own, dropped afterwards."""
    schema = f"test_inbox_{uuid4().hex[:12]}"
    metadata = sa.MetaData()
    table = inbox_table(metadata, schema=schema)
    async with engine.begin() as connection:
        await connection.execute(sa.schema.CreateSchema(schema))
        await connection.run_sync(metadata.create_all)
    yield table
    async with engine.begin() as connection:
        await connection.execute(sa.schema.DropSchema(schema, cascade=True))


async def test_an_event_is_claimed_once_and_refused_after(
    engine: AsyncEngine, inbox: sa.Table
) -> None:
    event_id = uuid4()
    async with engine.begin() as connection:
        assert await claim(connection, inbox, "jobs-match", event_id, stream_seq=7) is True
    async with engine.begin() as connection:
        assert await claim(connection, inbox, "jobs-match", event_id, stream_seq=7) is False
        assert await claim(connection, inbox, "jobs-match", event_id, stream_seq=8) is False


async def test_each_consumer_claims_an_event_for_itself(
    engine: AsyncEngine, inbox: sa.Table
) -> None:
    event_id = uuid4()
    async with engine.begin() as connection:
        assert await claim(connection, inbox, "jobs-match", event_id, stream_seq=7) is True
        assert await claim(connection, inbox, "gateway-projector", event_id, stream_seq=7) is True


async def test_a_claim_in_a_rolled_back_transaction_is_gone(
    engine: AsyncEngine, inbox: sa.Table
) -> None:
    event_id = uuid4()
    async with engine.connect() as connection:
        transaction = await connection.begin()
        assert await claim(connection, inbox, "jobs-match", event_id, stream_seq=3) is True
        assert await claim(connection, inbox, "jobs-match", event_id, stream_seq=3) is False
        await transaction.rollback()
    async with engine.begin() as connection:
        assert await claim(connection, inbox, "jobs-match", event_id, stream_seq=3) is True
        rows = await connection.execute(sa.select(inbox.c.consumer, inbox.c.stream_seq))
        assert rows.all() == [("jobs-match", 3)]
