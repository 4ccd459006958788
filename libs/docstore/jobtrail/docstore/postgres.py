"""PostgreSQL adapter: one JSONB row per version in an append-only table."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail.runtime.migrations import upgrade_to_head

from .base import BaseDocumentStore, Position
from .errors import DocumentStoreUnavailable
from .model import DocumentVersion

DEFAULT_SCHEMA = "docstore"
MIGRATIONS = Path(__file__).parent / "migrations"


def psycopg_url(url: str) -> str:
    """The URL with the psycopg 3 driver when it names none (postgres://, postgresql://)."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def migrate(database_url: str, schema: str = DEFAULT_SCHEMA) -> None:
    """Create or upgrade the document tables in `schema` (idempotent, safe to run concurrently)."""
    upgrade_to_head(psycopg_url(database_url), MIGRATIONS, schema)


def documents_table(schema: str = DEFAULT_SCHEMA) -> sa.Table:
    """The table as the code sees it; migrations/versions/ owns its definition."""
    return sa.Table(
        "documents",
        sa.MetaData(schema=schema),
        sa.Column("doc_id", sa.Uuid(), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("parent_version", sa.Integer()),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Uuid()),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("content", postgresql.JSONB(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("metadata", postgresql.JSONB(), nullable=False),
    )


class PostgresDocumentStore(BaseDocumentStore):
    """Documents in PostgreSQL; the database itself refuses UPDATE, DELETE and TRUNCATE."""

    def __init__(self, engine: AsyncEngine, schema: str = DEFAULT_SCHEMA) -> None:
        self._engine = engine
        self._schema = schema
        self._table = documents_table(schema)
        self._owns_engine = False

    @classmethod
    def from_url(cls, url: str, schema: str = DEFAULT_SCHEMA) -> PostgresDocumentStore:
        """A store with its own engine, disposed by `close()`; run `migrate(url)` first."""
        store = cls(create_async_engine(psycopg_url(url), pool_pre_ping=True), schema)
        store._owns_engine = True
        return store

    async def _insert_next(self, stored: DocumentVersion) -> bool:
        # One statement: the gap check and the insert see the same snapshot, and the
        # primary key makes a concurrent writer of the same version wait, then do nothing.
        async with self._engine.begin() as connection:
            result = await connection.execute(self._guarded_insert(stored))
            return result.first() is not None

    def _guarded_insert(self, stored: DocumentVersion) -> sa.Insert:
        table = self._table
        values = {column.name: getattr(stored, column.name) for column in table.columns}
        row = sa.select(*(sa.literal(v, table.c[k].type).label(k) for k, v in values.items()))
        if stored.version > 1:
            row = row.where(
                sa.exists().where(
                    table.c.doc_id == stored.doc_id, table.c.version == stored.version - 1
                )
            )
        return (
            postgresql.insert(table)
            .from_select(list(values), row)
            .on_conflict_do_nothing(index_elements=[table.c.doc_id, table.c.version])
            .returning(table.c.version)
        )

    async def _find(self, doc_id: UUID, version: int | None) -> DocumentVersion | None:
        query = sa.select(self._table).where(self._table.c.doc_id == doc_id)
        if version is None:
            query = query.order_by(self._table.c.version.desc()).limit(1)
        else:
            query = query.where(self._table.c.version == version)
        async with self._engine.connect() as connection:
            row = (await connection.execute(query)).first()
        return None if row is None else _to_version(row._mapping)

    async def _list_versions(self, doc_id: UUID) -> list[DocumentVersion]:
        query = (
            sa.select(self._table)
            .where(self._table.c.doc_id == doc_id)
            .order_by(self._table.c.version)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_to_version(row._mapping) for row in rows]

    async def _scan(self, after: Position | None, limit: int) -> list[DocumentVersion]:
        table = self._table
        query = sa.select(table).order_by(table.c.doc_id, table.c.version).limit(limit)
        if after is not None:
            query = query.where(sa.tuple_(table.c.doc_id, table.c.version) > sa.tuple_(*after))
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_to_version(row._mapping) for row in rows]

    async def latest_version(self, doc_id: UUID) -> int | None:
        """The highest version number, or None if the document does not exist."""
        query = sa.select(sa.func.max(self._table.c.version)).where(self._table.c.doc_id == doc_id)
        async with self._engine.connect() as connection:
            return cast(int | None, await connection.scalar(query))

    async def ping(self) -> None:
        """Raise DocumentStoreUnavailable unless the server answers and the table exists."""
        where = self._engine.url.render_as_string(hide_password=True)
        try:
            async with self._engine.connect() as connection:
                await connection.execute(sa.select(self._table.c.version).limit(0))
        except sa.exc.ProgrammingError as error:
            raise DocumentStoreUnavailable(
                f"cannot read {self._schema}.documents at {where} ({error.orig}); "
                "if it is missing, run jobtrail.docstore.migrate(database_url)"
            ) from error
        except (sa.exc.DBAPIError, OSError) as error:
            raise DocumentStoreUnavailable(
                f"PostgreSQL at {where} is unreachable: {error}"
            ) from error

    async def close(self) -> None:
        """Dispose of the engine if this store created it; a borrowed engine stays open."""
        if self._owns_engine:
            await self._engine.dispose()


def _to_version(row: sa.RowMapping) -> DocumentVersion:
    values: dict[str, Any] = dict(row)
    # The session time zone decides how timestamptz comes back; the port promises UTC.
    values["created_at"] = values["created_at"].astimezone(UTC)
    return DocumentVersion(**values)
