"""PostgreSQL-only guarantees: the database itself keeps versions immutable."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail.docstore import (
    DocumentStore,
    DocumentStoreUnavailable,
    NewDocumentVersion,
    PostgresDocumentStore,
    migrate,
)
from jobtrail.docstore.postgres import psycopg_url

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A plain engine, to try what the store's API never offers."""
    engine = create_async_engine(psycopg_url(database_url))
    yield engine
    await engine.dispose()


async def a_stored_document(store: DocumentStore) -> UUID:
    doc_id = uuid4()
    new = NewDocumentVersion(
        doc_id=doc_id, version=1, kind="resume", source="user", content={"v": 1}
    )
    await store.put(new)
    return doc_id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE docstore.documents SET content = '{\"v\": 2}' WHERE doc_id = :doc_id",
        "UPDATE docstore.documents SET metadata = '{}' WHERE doc_id = :doc_id",
        "DELETE FROM docstore.documents WHERE doc_id = :doc_id",
    ],
    ids=["update-content", "update-metadata", "delete"],
)
async def test_the_database_refuses_to_change_a_stored_version(
    postgres_store: DocumentStore, engine: AsyncEngine, statement: str
) -> None:
    doc_id = await a_stored_document(postgres_store)

    with pytest.raises(sa.exc.DBAPIError, match="append-only") as caught:
        async with engine.begin() as connection:
            await connection.execute(sa.text(statement), {"doc_id": doc_id})

    assert getattr(caught.value.orig, "sqlstate", None) == "23001"  # restrict_violation
    assert (await postgres_store.get(doc_id)).content == {"v": 1}


async def test_the_database_refuses_truncate(
    postgres_store: DocumentStore, engine: AsyncEngine
) -> None:
    doc_id = await a_stored_document(postgres_store)

    with pytest.raises(sa.exc.DBAPIError, match="TRUNCATE refused"):
        async with engine.begin() as connection:
            await connection.execute(sa.text("TRUNCATE docstore.documents"))

    assert await postgres_store.latest_version(doc_id) == 1


async def test_migrate_is_idempotent(database_url: str, postgres_store: DocumentStore) -> None:
    doc_id = await a_stored_document(postgres_store)

    migrate(database_url)

    assert await postgres_store.latest_version(doc_id) == 1


async def test_migrate_into_another_schema_gives_an_independent_store(
    database_url: str, engine: AsyncEngine
) -> None:
    schema = f"docstore_test_{uuid4().hex[:8]}"
    migrate(database_url, schema=schema)
    store = PostgresDocumentStore(engine, schema=schema)
    try:
        doc_id = await a_stored_document(store)
        assert await store.latest_version(doc_id) == 1
    finally:
        await store.close()  # a borrowed engine must survive this
        async with engine.begin() as connection:
            await connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


async def test_ping_tells_to_migrate_when_the_table_is_missing(engine: AsyncEngine) -> None:
    store = PostgresDocumentStore(engine, schema=f"never_migrated_{uuid4().hex[:8]}")

    with pytest.raises(DocumentStoreUnavailable, match=r"run jobtrail\.docstore\.migrate"):
        await store.ping()


async def test_ping_reports_an_unreachable_server_without_its_password() -> None:
    store = PostgresDocumentStore.from_url("postgresql://app:s3cret@127.0.0.1:9/nowhere")
    try:
        with pytest.raises(DocumentStoreUnavailable, match="unreachable") as caught:
            await store.ping()
        assert "s3cret" not in str(caught.value)
    finally:
        await store.close()
