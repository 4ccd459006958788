"""MongoDB-only details: the BSON shape of a version and the readiness check."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import bson
import pytest
from pymongo import AsyncMongoClient

from jobtrail.docstore import DocumentStoreUnavailable, DocumentVersion, NewDocumentVersion
from jobtrail.docstore.model import utc_now
from jobtrail.docstore.mongo import _CODEC, MongoDocumentStore, _to_bson


def test_a_version_survives_the_bson_codec_unchanged() -> None:
    stored = NewDocumentVersion(
        doc_id=uuid4(),
        version=2,
        parent_version=1,
        kind="resume",
        source="ai",
        owner_id=uuid4(),
        content={"skills": ["python", 1.5, None], "$odd": {"dotted.key": "é"}},
        metadata={"proposal": True, "based_on": 1},
    ).stored_at(utc_now())

    raw = bson.encode(_to_bson(stored), codec_options=_CODEC)

    assert DocumentVersion(**bson.decode(raw, _CODEC)) == stored
    assert bson.decode(raw)["doc_id"].subtype == 4  # the standard UUID representation


@pytest.mark.mongo
async def test_ping_tells_to_create_the_indexes(mongo_url: str) -> None:
    database = f"jobtrail_docstore_test_{uuid4().hex[:12]}"
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        with pytest.raises(DocumentStoreUnavailable, match=r"ensure_indexes\(\)"):
            await MongoDocumentStore(client, database).ping()
    finally:
        await client.drop_database(database)
        await client.close()


async def test_ping_reports_an_unreachable_server() -> None:
    store = MongoDocumentStore.from_url(
        "mongodb://127.0.0.1:9/jobtrail?serverSelectionTimeoutMS=200"
    )
    try:
        with pytest.raises(DocumentStoreUnavailable, match=r"MongoDB for jobtrail\.documents"):
            await store.ping()
    finally:
        await store.close()
