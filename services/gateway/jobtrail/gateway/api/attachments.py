"""Attachments: files on an application or a resume; the same name again is a new version."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status
from pydantic import BaseModel, Field

from jobtrail.events.attachments import AttachmentTarget
from jobtrail.gateway.api.dependencies import (
    CorrelationId,
    CurrentUser,
    DepsDep,
    IdempotencyKey,
)
from jobtrail.gateway.api.downloads import link_to
from jobtrail.gateway.api.inputs import Version
from jobtrail.gateway.errors import InvalidInput, NotFound, PayloadTooLarge
from jobtrail.gateway.handlers import attachments as handle
from jobtrail.gateway.handlers import deletions
from jobtrail.gateway.handlers.downloads import LinkedFile
from jobtrail.gateway.readmodels import attachments as read

router = APIRouter(prefix="/attachments", tags=["attachments"])


class AttachmentVersionOut(BaseModel):
    version: int
    media_type: str
    size: int
    sha256: str
    created_at: datetime


class AttachmentOut(BaseModel):
    attachment_id: UUID
    target_type: AttachmentTarget
    target_id: UUID
    filename: str
    latest_version: int
    versions: list[AttachmentVersionOut] = Field(description="every version, oldest first")
    created_at: datetime
    updated_at: datetime


class AttachmentDownload(BaseModel):
    url: str
    expires_in: int
    version: int


@router.post("", status_code=status.HTTP_201_CREATED)
async def upload_attachment(
    me: CurrentUser,
    deps: DepsDep,
    correlation_id: CorrelationId,
    file: Annotated[
        UploadFile, File(description=f"{handle.ACCEPTED}; the type is read from the bytes")
    ],
    target_type: Annotated[AttachmentTarget, Form(description="application or resume")],
    target_id: Annotated[UUID, Form(description="the id of your application or resume")],
    response: Response,
    key: IdempotencyKey,
) -> AttachmentOut:
    """Attach a file; a file of the same name on the same target becomes its next version."""
    data = await _read_limited(file, deps.settings.max_upload_bytes)
    attachment_id, _, repeated = await handle.upload(
        deps, me, target_type, target_id, file.filename, data, correlation_id, key
    )
    if repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return await get_attachment(attachment_id, me, deps)


@router.get("")
async def list_attachments(
    me: CurrentUser,
    deps: DepsDep,
    target_type: AttachmentTarget,
    target_id: UUID,
) -> list[AttachmentOut]:
    """The files attached to one of your applications or resumes, by name."""
    await handle.ensure_target(deps, me, target_type, target_id)
    rows = await read.attachments_of(deps.engine, me.user_id, target_type, target_id)
    return [await _out(deps, row) for row in rows]


@router.get("/{attachment_id}")
async def get_attachment(attachment_id: UUID, me: CurrentUser, deps: DepsDep) -> AttachmentOut:
    """One attachment with all its versions."""
    return await _out(deps, await read.attachment(deps.engine, me.user_id, attachment_id))


@router.get("/{attachment_id}/download")
async def download_attachment(
    attachment_id: UUID,
    me: CurrentUser,
    deps: DepsDep,
    request: Request,
    version: Annotated[Version | None, Query(description="default: the latest")] = None,
) -> AttachmentDownload:
    """A short-lived link to the file of one version (the latest unless `version` is given)."""
    row = await read.attachment(deps.engine, me.user_id, attachment_id)
    number = version or row["latest_version"]
    found = [v for v in await read.versions(deps.engine, attachment_id) if v["version"] == number]
    if not found:
        raise NotFound(
            f"attachment {attachment_id} has no version {number}; it has 1 to "
            f"{row['latest_version']}"
        )
    file = LinkedFile(found[0]["file_key"], found[0]["file_version"], row["filename"], me.user_id)
    url = link_to(request, deps, file)
    return AttachmentDownload(url=url, expires_in=deps.downloads.expires_in, version=number)


async def _out(deps: DepsDep, row: dict[str, Any]) -> AttachmentOut:
    versions = [
        AttachmentVersionOut(**{k: v[k] for k in AttachmentVersionOut.model_fields})
        for v in await read.versions(deps.engine, row["attachment_id"])
    ]
    fields = {k: v for k, v in row.items() if k in AttachmentOut.model_fields}
    return AttachmentOut(**fields, versions=versions)


async def _read_limited(file: UploadFile, limit: int) -> bytes:
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(
            f"the file is larger than {limit / (1024 * 1024):g} MiB; attach a smaller file"
        )
    if not data:
        raise InvalidInput("the file is empty; choose the file again")
    return data


@router.delete("/{attachment_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_attachment(
    attachment_id: UUID, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> Response:
    """Delete an attachment: the files of all its versions are removed."""
    await deletions.delete_attachment(deps, me, attachment_id, correlation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
