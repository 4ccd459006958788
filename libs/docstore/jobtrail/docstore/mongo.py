"""MongoDB adapter (pymongo's native async client): one BSON document per version."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from uuid import UUID

from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions
from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from .base import BaseDocumentStore, Position
from .errors import DocumentStoreUnavailable
from .model import DocumentVersion

DEFAULT_DATABASE = "jobtrail"
COLLECTION = "documents"
UNIQUE_INDEX = "doc_id_version_unique"

Bson = dict[str, Any]

# Set on the collection, not trusted to the client: a client built elsewhere with the
# legacy UUID encoding or naive datetimes would otherwise store or return something else.
_CODEC: CodecOptions[Bson] = CodecOptions(
    document_class=dict,
    tz_aware=True,
    tzinfo=UTC,
    uuid_representation=UuidRepresentation.STANDARD,
)
_NO_ID = {"_id": False}


class MongoDocumentStore(BaseDocumentStore):
    """Documents in MongoDB; a unique index on (doc_id, version) settles concurrent writers."""

    def __init__(self, client: AsyncMongoClient[Bson], database: str) -> None:
        self._client = client
        self._documents: AsyncCollection[Bson] = client.get_database(
            database, codec_options=_CODEC
        )[COLLECTION]
        self._owns_client = False

    @classmethod
    def from_url(cls, url: str, database: str | None = None) -> MongoDocumentStore:
        """A store with its own client, closed by `close()`; the database defaults to the URL's."""
        client: AsyncMongoClient[Bson] = AsyncMongoClient(
            url, uuidRepresentation="standard", tz_aware=True
        )
        name = database or client.get_default_database(DEFAULT_DATABASE).name
        store = cls(client, name)
        store._owns_client = True
        return store

    async def ensure_indexes(self) -> None:
        """Create the indexes the store relies on (idempotent); run once before use."""
        await self._documents.create_index(
            [("doc_id", ASCENDING), ("version", ASCENDING)], unique=True, name=UNIQUE_INDEX
        )
        await self._documents.create_index("owner_id", name="owner_id")
        await self._documents.create_index("kind", name="kind")

    async def _insert_next(self, stored: DocumentVersion) -> bool:
        # Versions are never deleted, so once version-1 is seen it stays; the unique
        # index then lets exactly one of several concurrent inserts through.
        if stored.version > 1 and not await self._exists(stored.doc_id, stored.version - 1):
            return False
        try:
            await self._documents.insert_one(_to_bson(stored))
        except DuplicateKeyError:
            return False
        return True

    async def _exists(self, doc_id: UUID, version: int) -> bool:
        found = await self._documents.find_one(
            {"doc_id": doc_id, "version": version}, projection={"_id": True}
        )
        return found is not None

    async def _find(self, doc_id: UUID, version: int | None) -> DocumentVersion | None:
        query: Bson = (
            {"doc_id": doc_id} if version is None else {"doc_id": doc_id, "version": version}
        )
        found = await self._documents.find_one(
            query, projection=_NO_ID, sort=[("version", DESCENDING)]
        )
        return None if found is None else DocumentVersion(**found)

    async def _list_versions(self, doc_id: UUID) -> list[DocumentVersion]:
        cursor = self._documents.find({"doc_id": doc_id}, projection=_NO_ID).sort(
            "version", ASCENDING
        )
        return [DocumentVersion(**found) for found in await cursor.to_list()]

    async def _scan(self, after: Position | None, limit: int) -> list[DocumentVersion]:
        query: Bson = {}
        if after is not None:
            doc_id, version = after
            query = {"$or": [{"doc_id": {"$gt": doc_id}},
                             {"doc_id": doc_id, "version": {"$gt": version}}]}  # fmt: skip
        cursor = (
            self._documents.find(query, projection=_NO_ID)
            .sort([("doc_id", ASCENDING), ("version", ASCENDING)])
            .limit(limit)
        )
        return [DocumentVersion(**found) for found in await cursor.to_list()]

    async def latest_version(self, doc_id: UUID) -> int | None:
        """The highest version number, or None if the document does not exist."""
        found = await self._documents.find_one(
            {"doc_id": doc_id}, projection={"_id": False, "version": True}, sort=[("version", -1)]
        )
        return None if found is None else int(found["version"])

    async def ping(self) -> None:
        """Raise DocumentStoreUnavailable unless the server answers and the indexes exist."""
        where = f"{self._documents.database.name}.{COLLECTION}"
        try:
            await self._client.admin.command("ping")
            indexes = await self._documents.index_information()
        except PyMongoError as error:
            raise DocumentStoreUnavailable(
                f"MongoDB for {where} is unreachable: {error}"
            ) from error
        if UNIQUE_INDEX not in indexes:
            raise DocumentStoreUnavailable(
                f"{where} lacks the unique index {UNIQUE_INDEX!r}: "
                "call MongoDocumentStore.ensure_indexes() (open_document_store does)"
            )

    async def close(self) -> None:
        """Close the client if this store created it; a borrowed client stays open."""
        if self._owns_client:
            await self._client.close()


def _to_bson(stored: DocumentVersion) -> Bson:
    # A fresh dict each time: insert_one adds "_id" to the mapping it is given.
    return {
        "doc_id": stored.doc_id,
        "version": stored.version,
        "parent_version": stored.parent_version,
        "kind": stored.kind,
        "owner_id": stored.owner_id,
        "source": stored.source,
        "content": stored.content,
        "sha256": stored.sha256,
        "created_at": stored.created_at,
        "metadata": stored.metadata,
    }
