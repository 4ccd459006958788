"""Exports: PDF and DOCX files of resume versions and cover letters, and JSON Resume."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from jobtrail.domain.exports import ExportOrder
from jobtrail.events.exports import ExportTemplate
from jobtrail.gateway.api.dependencies import CorrelationId, CurrentUser, DepsDep, IdempotencyKey
from jobtrail.gateway.api.downloads import link_to
from jobtrail.gateway.api.inputs import INT32_MAX, Version
from jobtrail.gateway.errors import Conflict
from jobtrail.gateway.handlers import exports as handle
from jobtrail.gateway.handlers.downloads import LinkedFile
from jobtrail.gateway.readmodels import exports as read

router = APIRouter(tags=["exports"])

DOWNLOAD_SECONDS = 900


class ExportRequest(BaseModel):
    document: Literal["resume", "cover_letter"] = "resume"
    format: Literal["pdf", "docx"] = "pdf"
    template: ExportTemplate = Field(default="classic", description="the look of the file")
    cover_letter_id: UUID | None = Field(
        default=None, description="the cover letter document, when `document` is cover_letter"
    )
    cover_letter_version: int | None = Field(
        default=None, ge=1, le=INT32_MAX, description="its version; the latest when left out"
    )


class ExportAccepted(BaseModel):
    export_id: UUID
    status: str
    status_url: str


class ExportOut(BaseModel):
    export_id: UUID
    status: Literal["pending", "ready", "failed"]
    document: Literal["resume", "cover_letter"]
    format: Literal["pdf", "docx"]
    template: str
    resume_id: UUID
    version: int
    application_id: UUID | None
    cover_letter_id: UUID | None
    cover_letter_version: int | None
    filename: str | None
    size: int | None
    sha256: str | None
    reason: str | None = Field(description="why it failed, and what to do")
    download_url: str | None = Field(description="where to get a download link once ready")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> ExportOut:
        fields = {k: v for k, v in row.items() if k in cls.model_fields}
        ready = row["status"] == "ready"
        link = f"/exports/{row['export_id']}/download" if ready else None
        return cls(**fields, download_url=link)


class DownloadLink(BaseModel):
    url: str
    filename: str
    expires_in: int


def _accepted(export_id: UUID) -> ExportAccepted:
    return ExportAccepted(export_id=export_id, status="pending", status_url=f"/exports/{export_id}")


@router.post(
    "/resumes/{resume_id}/versions/{version}/exports", status_code=status.HTTP_202_ACCEPTED
)
async def export_resume_version(
    resume_id: UUID,
    version: Version,
    body: ExportRequest,
    me: CurrentUser,
    deps: DepsDep,
    correlation_id: CorrelationId,
    key: IdempotencyKey,
) -> ExportAccepted:
    """Ask for a PDF or DOCX of a resume version (or of a cover letter signed with it)."""
    order = ExportOrder(
        resume_id=resume_id, version=version, document=body.document, format=body.format,
        template=body.template, cover_letter_id=body.cover_letter_id,
        cover_letter_version=body.cover_letter_version,
    )  # fmt: skip
    return _accepted(await handle.request(deps, me, order, correlation_id, key))


class ApplicationExportRequest(BaseModel):
    document: Literal["resume", "cover_letter"] = "resume"
    format: Literal["pdf", "docx"] = "pdf"
    template: ExportTemplate = Field(default="classic", description="the look of the file")


@router.post("/applications/{application_id}/exports", status_code=status.HTTP_202_ACCEPTED)
async def export_application_document(
    application_id: UUID,
    body: ApplicationExportRequest,
    me: CurrentUser,
    deps: DepsDep,
    correlation_id: CorrelationId,
    key: IdempotencyKey,
) -> ExportAccepted:
    """Ask for a PDF or DOCX of the resume version or cover letter sent with an application."""
    order = ExportOrder(
        resume_id=application_id, version=1, document=body.document, format=body.format,
        template=body.template,
    )  # fmt: skip
    export_id = await handle.request_for_application(
        deps, me, application_id, order, correlation_id, key
    )
    return _accepted(export_id)


@router.get("/applications/{application_id}/exports")
async def list_application_exports(
    application_id: UUID, me: CurrentUser, deps: DepsDep
) -> list[ExportOut]:
    """Every export made for one of the caller's applications, newest first."""
    await handle.application_exists(deps, me, application_id)
    rows = await read.exports_of_application(deps.engine, me.user_id, application_id)
    return [ExportOut.of(row) for row in rows]


@router.get("/resumes/{resume_id}/versions/{version}/jsonresume")
async def export_json_resume(
    resume_id: UUID, version: Version, me: CurrentUser, deps: DepsDep
) -> JSONResponse:
    """The version as a JSON Resume file (https://jsonresume.org/schema)."""
    document = await handle.resume_document(deps, me, resume_id, version)
    return JSONResponse(
        document,
        headers={
            "content-disposition": f'attachment; filename="resume-{resume_id}-v{version}.json"'
        },
    )


@router.get("/exports/{export_id}")
async def get_export(export_id: UUID, me: CurrentUser, deps: DepsDep) -> ExportOut:
    """One export: pending, ready (with its file) or failed (with the reason)."""
    return ExportOut.of(await read.export(deps.engine, me.user_id, export_id))


@router.get("/exports/{export_id}/download")
async def download_export(
    export_id: UUID, me: CurrentUser, deps: DepsDep, request: Request
) -> DownloadLink:
    """A short-lived link to the exported file (409 while it is still being made)."""
    row = await read.export(deps.engine, me.user_id, export_id)
    if row["status"] != "ready":
        detail = f": {row['reason']}" if row["status"] == "failed" else "; poll it and retry"
        raise Conflict(f"export {export_id} is {row['status']}{detail}")
    file = LinkedFile(row["file_key"], row["file_version"], row["filename"], me.user_id)
    url = link_to(request, deps, file)
    return DownloadLink(url=url, filename=row["filename"], expires_in=deps.downloads.expires_in)
