"""Uploading files to an application or a resume: each name on a target is versioned."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any
from uuid import UUID

from jobtrail.events.attachments import AttachmentTarget, AttachmentUploaded
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.attachments import (
    Attachment,
    StoredFile,
    attachment_id_for,
    clean_filename,
)
from jobtrail.gateway.errors import UnsupportedMediaType
from jobtrail.gateway.handlers import idempotency
from jobtrail.gateway.readmodels import applications, queries
from jobtrail.gateway.security import Principal
from jobtrail.gateway.uploads import DOCX, JSON, MARKDOWN, PDF, TEXT, sniff

PNG = "image/png"
JPEG = "image/jpeg"
ACCEPTED = "PDF, DOCX, PNG, JPEG, plain text or Markdown"
ALLOWED = frozenset({PDF, DOCX, PNG, JPEG, TEXT, MARKDOWN})
# The key's time is PostgreSQL's clock, an event's the gateway's: allow them to differ.
CLOCK_SKEW = timedelta(seconds=60)


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
    idempotency_key: str | None = None,
) -> tuple[UUID, int, bool]:
    """Store the file under its sha256, then record it as the next version of its name.

    Returns (attachment id, version, whether this repeated an earlier keyed request).
    """
    filename = clean_filename(raw_filename)
    media_type = attachment_media_type(data)
    await ensure_target(deps, principal, target_type, target_id)
    attachment_id = attachment_id_for(target_type, target_id, filename)
    claim = None
    if idempotency_key is not None:
        request = {
            "target_type": target_type, "target_id": target_id, "filename": filename,
            "sha256": hashlib.sha256(data).hexdigest(),
        }  # fmt: skip
        claim = await idempotency.claim(
            deps.engine, principal.user_id, "POST /attachments", idempotency_key, request
        )
        if claim.repeated:
            version = claim.result or await _made_since(deps, claim, attachment_id, request)
            if version is not None:
                return attachment_id, version, True
    stored = await deps.files.put(data, media_type, principal.user_id)
    file = StoredFile(media_type, stored.size, stored.sha256, stored.key, stored.version_id)
    # Another upload of the same name may win a version number meanwhile: the decision
    # then runs again and takes the next one.
    recorded = await deps.execute(
        Attachment,
        attachment_id,
        lambda attachment: attachment.upload(
            principal.user_id, target_type, target_id, filename, file
        ),
        principal,
        correlation_id,
    )
    uploaded = recorded[0].event
    assert isinstance(uploaded, AttachmentUploaded)
    if claim is not None:
        await idempotency.settle(deps.engine, claim, uploaded.version)
    return attachment_id, uploaded.version, False


async def _made_since(
    deps: Deps, claim: idempotency.Claim, attachment_id: UUID, request: dict[str, Any]
) -> int | None:
    """The version a keyed upload added before it could note so (it failed after the append).

    That is a version of this user with the same bytes, recorded after the key was claimed.
    """
    history = (await deps.repository.load(Attachment, attachment_id)).history
    for recorded in history.events:
        event = recorded.event
        if (
            isinstance(event, AttachmentUploaded)
            and event.user_id == claim.user_id
            and event.sha256 == request["sha256"]
            and recorded.envelope.occurred_at >= claim.created_at - CLOCK_SKEW
        ):
            await idempotency.settle(deps.engine, claim, event.version)
            await deps.settled([recorded])
            return event.version
    return None
