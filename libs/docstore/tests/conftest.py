"""Stores for the contract suite: PostgreSQL from the shared stack, MongoDB when reachable."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from pymongo import AsyncMongoClient

from jobtrail.docstore import (
    DocumentStore,
    MongoDocumentStore,
    PostgresDocumentStore,
    open_document_store,
)
from jobtrail.stack.endpoints import StackEndpoints

MONGO_URL_VARIABLE = "JOBTRAIL_TEST_MONGO_URL"
MONGO_IMAGE = "mongo:7.0"
MONGO_SKIP_REASON = (
    "MongoDB tests skipped: no MongoDB available "
    f"({MONGO_URL_VARIABLE} is not set and no Docker daemon is reachable). "
    f"To run them, set {MONGO_URL_VARIABLE}=mongodb://HOST:27017 or start Docker "
    f"so testcontainers can run {MONGO_IMAGE}."
)

ADAPTERS = [
    pytest.param("postgres", marks=pytest.mark.integration, id="postgres"),
    pytest.param("mongo", marks=pytest.mark.mongo, id="mongo"),
]


@pytest.fixture(scope="session")
def database_url(stack: StackEndpoints) -> str:
    """The PostgreSQL database of the shared embedded stack (jobtrail.stack.pytest_plugin)."""
    return stack.database_url


@pytest.fixture(scope="session")
async def postgres_store(database_url: str) -> AsyncIterator[DocumentStore]:
    """A migrated PostgreSQL store, opened the way services open it."""
    store = await open_document_store(database_url)
    assert isinstance(store, PostgresDocumentStore)
    yield store
    await store.close()


@pytest.fixture(scope="session")
def mongo_url() -> Iterator[str]:
    """JOBTRAIL_TEST_MONGO_URL, else a throwaway container, else a visible skip."""
    if url := os.environ.get(MONGO_URL_VARIABLE):
        yield url
        return
    if not _docker_reachable():
        pytest.skip(MONGO_SKIP_REASON)
    with _mongo_container() as container:
        yield container.get_connection_url()


@pytest.fixture(scope="session")
async def mongo_store(mongo_url: str) -> AsyncIterator[DocumentStore]:
    """A store in a database of its own, dropped at the end of the session."""
    database = f"jobtrail_docstore_test_{uuid4().hex[:12]}"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    store = MongoDocumentStore(client, database)
    await store.ensure_indexes()
    yield store
    await client.drop_database(database)
    await client.close()


@pytest.fixture(params=ADAPTERS)
def store(request: pytest.FixtureRequest) -> DocumentStore:
    """Each available adapter in turn: the contract suite runs once per adapter."""
    adapter: DocumentStore = request.getfixturevalue(f"{request.param}_store")
    return adapter


AlterContent = Callable[[DocumentStore, UUID, int, dict[str, Any]], Awaitable[None]]


@pytest.fixture
def alter_content() -> AlterContent:
    """Change a stored version's content behind the store's back, as someone with direct
    database access would (in PostgreSQL: past the trigger that refuses UPDATE)."""

    async def alter(store: DocumentStore, doc_id: UUID, version: int, content: Any) -> None:
        if isinstance(store, PostgresDocumentStore):
            table = f'"{store._schema}".documents'
            async with store._engine.begin() as connection:  # one transaction: no one else
                await connection.execute(  # ever sees the trigger disabled
                    sa.text(f"ALTER TABLE {table} DISABLE TRIGGER documents_immutable")
                )
                await connection.execute(
                    sa.text(
                        f"UPDATE {table} SET content = CAST(:content AS jsonb) "  # noqa: S608
                        "WHERE doc_id = :doc_id AND version = :version"
                    ),
                    {"content": json.dumps(content), "doc_id": doc_id, "version": version},
                )
                await connection.execute(
                    sa.text(f"ALTER TABLE {table} ENABLE TRIGGER documents_immutable")
                )
        else:
            assert isinstance(store, MongoDocumentStore)
            await store._documents.update_one(
                {"doc_id": doc_id, "version": version}, {"$set": {"content": content}}
            )

    return alter


def _docker_reachable() -> bool:
    try:
        import docker

        docker.from_env().ping()
    except Exception:  # any failure means "no Docker here", which only decides a skip
        return False
    return True


def _mongo_container() -> Any:
    try:
        from testcontainers.community.mongodb import MongoDbContainer
    except ImportError:  # testcontainers before the community/ split
        from testcontainers.mongodb import MongoDbContainer
    return MongoDbContainer(MONGO_IMAGE)
