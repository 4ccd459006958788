"""Uploading files to an application or a resume: each name on a target is versioned."""

from __future__ import annotations

from uuid import UUID

from jobtrail.events.attachments import AttachmentTarget
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.attachments import (
    Attachment,
    StoredFile,
    attachment_id_for,
    clean_filename,
)
from jobtrail.gateway.errors import ConcurrentChange, UnsupportedMediaType
from jobtrail.gateway.readmodels import applications, queries
from jobtrail.gateway.security import Principal
from jobtrail.gateway.uploads import DOCX, JSON, MARKDOWN, PDF, TEXT, sniff

PNG = "image/png"
JPEG = "image/jpeg"
ACCEPTED = "PDF, DOCX, PNG, JPEG, plain text or Markdown"
ALLOWED = frozenset({PDF, DOCX, PNG, JPEG, TEXT, MARKDOWN})
ATTEMPTS = 3


def attachment_media_type(data: bytes) -> str:
    """The media type decided by the bytes; UnsupportedMediaType for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    try:
        media_type = sniff(data)
    except UnsupportedMediaType:
        raise UnsupportedMediaType(
            f"this file type cannot be attached; accepted: {ACCEPTED}"
        ) from None
    if media_type == JSON:
        return TEXT
    if media_type not in ALLOWED:
        raise UnsupportedMediaType(f"this file type cannot be attached; accepted: {ACCEPTED}")
    return media_type


async def ensure_target(
    deps: Deps, principal: Principal, target_type: AttachmentTarget, target_id: UUID
) -> None:
    """The target must be the caller's (another user's is answered as missing)."""
    if target_type == "application":
        await applications.application(deps.engine, principal.user_id, target_id)
    else:
        await queries.resume(deps.engine, principal.user_id, target_id)


async def upload(
    deps: Deps,
    principal: Principal,
    target_type: AttachmentTarget,
    target_id: UUID,
    raw_filename: str | None,
    data: bytes,
    correlation_id: str,
) -> tuple[UUID, int]:
    """Store the file under its sha256, then record it as the next version of its name."""
    filename = clean_filename(raw_filename)
    media_type = attachment_media_type(data)
    await ensure_target(deps, principal, target_type, target_id)
    stored = await deps.files.put(data, media_type)
    attachment_id = attachment_id_for(target_type, target_id, filename)
    file = StoredFile(media_type, stored.size, stored.sha256, stored.key, stored.version_id)
    for attempt in range(1, ATTEMPTS + 1):
        history = await deps.events.load("attachment", attachment_id)
        attachment = Attachment.fold(attachment_id, history.events)
        decided = attachment.upload(principal.user_id, target_type, target_id, filename, file)
        try:
            await deps.record(history, decided, principal, correlation_id)
        except ConcurrentChange:
            # Another upload of the same name won this version number: take the next one.
            if attempt == ATTEMPTS:
                raise
            continue
        return attachment_id, decided[0].version
    raise AssertionError("unreachable: the last attempt returns or raises")
