"""Read models of attachments and their versions, and the reads the API answers from them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.attachments import AttachmentUploaded
from jobtrail.gateway.errors import NotFound
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import metadata

Row = dict[str, Any]

attachments = sa.Table(
    "attachments",
    metadata,
    sa.Column("attachment_id", sa.Uuid, primary_key=True),
    sa.Column("user_id", sa.Uuid, nullable=False),
    sa.Column("target_type", sa.Text, nullable=False),
    sa.Column("target_id", sa.Uuid, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("latest_version", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_attachments_target", "target_type", "target_id"),
)

attachment_versions = sa.Table(
    "attachment_versions",
    metadata,
    sa.Column("attachment_id", sa.Uuid, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("media_type", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("file_key", sa.Text, nullable=False),
    sa.Column("file_version", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


class Attachments:
    tables: tuple[sa.Table, ...] = (attachments, attachment_versions)

    def want(self, rows: BatchRows, event: Event) -> None:
        if isinstance(event, AttachmentUploaded):
            rows.want(attachments, event.attachment_id)
            rows.want(attachment_versions, event.attachment_id, event.version)

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        if not isinstance(event, AttachmentUploaded):
            return
        at = recorded.envelope.occurred_at
        rows.insert(attachments, {
            "attachment_id": event.attachment_id, "user_id": event.user_id,
            "target_type": event.target_type, "target_id": event.target_id,
            "filename": event.filename, "latest_version": event.version,
            "created_at": at, "updated_at": at,
        })  # fmt: skip
        rows.update(attachments, (event.attachment_id,), latest_version=event.version,
                    updated_at=at)  # fmt: skip
        rows.insert(attachment_versions, {
            "attachment_id": event.attachment_id, "version": event.version,
            "media_type": event.media_type, "size": event.size, "sha256": event.sha256,
            "file_key": event.file_key, "file_version": event.file_version, "created_at": at,
        })  # fmt: skip


async def _all(engine: AsyncEngine, query: sa.Select[Any]) -> list[Row]:
    async with engine.connect() as connection:
        return [row._asdict() for row in await connection.execute(query)]


async def attachment(engine: AsyncEngine, owner_id: UUID, attachment_id: UUID) -> Row:
    rows = await _all(
        engine,
        sa.select(attachments).where(
            (attachments.c.attachment_id == attachment_id) & (attachments.c.user_id == owner_id)
        ),
    )
    if not rows:
        raise NotFound(f"no attachment {attachment_id}")
    return rows[0]


async def versions(engine: AsyncEngine, attachment_id: UUID) -> list[Row]:
    query = (
        sa.select(attachment_versions)
        .where(attachment_versions.c.attachment_id == attachment_id)
        .order_by(attachment_versions.c.version)
    )
    return await _all(engine, query)


async def attachments_of(
    engine: AsyncEngine, owner_id: UUID, target_type: str, target_id: UUID
) -> list[Row]:
    query = (
        sa.select(attachments)
        .where(attachments.c.user_id == owner_id)
        .where((attachments.c.target_type == target_type) & (attachments.c.target_id == target_id))
        .order_by(attachments.c.filename)
    )
    return await _all(engine, query)
