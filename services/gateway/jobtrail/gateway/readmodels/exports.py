"""Read model of exports: one row per requested file, pending, ready or failed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.exports import (
    ExportFailed,
    ExportReady,
    ExportRequested,
    ExportRetryRequested,
)
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import metadata

Row = dict[str, Any]

exports = sa.Table(
    "exports",
    metadata,
    sa.Column("export_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("application_id", sa.Uuid),
    sa.Column("resume_id", sa.Uuid, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("cover_letter_id", sa.Uuid),
    sa.Column("cover_letter_version", sa.Integer),
    sa.Column("format", sa.Text, nullable=False),
    sa.Column("template", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("filename", sa.Text),
    sa.Column("size", sa.BigInteger),
    sa.Column("sha256", sa.Text),
    sa.Column("file_key", sa.Text),
    sa.Column("file_version", sa.Text),
    sa.Column("reason", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_exports_user", "user_id", "export_id"),
    sa.Index("ix_exports_application", "application_id", "export_id"),
)


class Exports:
    tables: tuple[sa.Table, ...] = (exports,)

    def want(self, rows: BatchRows, event: Event) -> None:
        if isinstance(event, ExportRequested | ExportReady | ExportFailed | ExportRetryRequested):
            rows.want(exports, event.export_id)

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        at = recorded.envelope.occurred_at
        match event:
            case ExportRequested():
                rows.insert(exports, {
                    "export_id": event.export_id, "user_id": event.user_id,
                    "application_id": event.application_id, "resume_id": event.resume_id,
                    "version": event.version, "document": event.document,
                    "cover_letter_id": event.cover_letter_id,
                    "cover_letter_version": event.cover_letter_version,
                    "format": event.format, "template": event.template, "status": "pending",
                    "filename": None, "size": None, "sha256": None, "file_key": None,
                    "file_version": None, "reason": None, "created_at": at, "updated_at": at,
                })  # fmt: skip
            case ExportReady():
                rows.update(exports, (event.export_id,), status="ready",
                            filename=event.filename, size=event.size, sha256=event.sha256,
                            file_key=event.file_key, file_version=event.file_version,
                            updated_at=at)  # fmt: skip
            case ExportFailed():
                rows.update(exports, (event.export_id,), status="failed", reason=event.reason,
                            updated_at=at)  # fmt: skip
            case ExportRetryRequested():
                # A retry supersedes the failure: the export is being rendered again.
                rows.update(exports, (event.export_id,), status="pending", reason=None,
                            updated_at=at)  # fmt: skip


async def _all(engine: AsyncEngine, query: sa.Select[Any]) -> list[Row]:
    async with engine.connect() as connection:
        return [row._asdict() for row in await connection.execute(query)]


async def export(engine: AsyncEngine, owner_id: UUID, export_id: UUID) -> Row:
    rows = await _all(
        engine,
        sa.select(exports).where(
            (exports.c.export_id == export_id) & (exports.c.user_id == owner_id)
        ),
    )
    if not rows:
        raise NotFound(f"no export {export_id}")
    return rows[0]


async def exports_of_application(
    engine: AsyncEngine, owner_id: UUID, application_id: UUID
) -> list[Row]:
    """Newest first; export ids are UUIDv7, so they sort by request time."""
    query = (
        sa.select(exports)
        .where((exports.c.application_id == application_id) & (exports.c.user_id == owner_id))
        .order_by(exports.c.export_id.desc())
    )
    return await _all(engine, query)
