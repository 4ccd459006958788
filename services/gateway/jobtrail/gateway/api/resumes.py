"""Resumes: upload a file, follow its parsing, edit it as JSON Resume, choose a version."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import structlog
from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from pydantic import BaseModel, Field, ValidationError

from jobtrail.events.parse_reports import REPORT_KEY, ParseReport
from jobtrail.gateway.api.dependencies import (
    CorrelationId,
    CurrentUser,
    DepsDep,
    IdempotencyKey,
)
from jobtrail.gateway.api.downloads import link_to
from jobtrail.gateway.api.inputs import INT32_MAX, Version
from jobtrail.gateway.errors import InvalidInput, PayloadTooLarge
from jobtrail.gateway.handlers import deletions
from jobtrail.gateway.handlers import resumes as handle
from jobtrail.gateway.handlers.downloads import LinkedFile
from jobtrail.gateway.readmodels import queries

router = APIRouter(prefix="/resumes", tags=["resumes"])
log = structlog.get_logger("jobtrail.gateway.api")


class Rejection(BaseModel):
    code: str
    reason: str


class ResumeOut(BaseModel):
    resume_id: UUID
    filename: str
    media_type: str
    size: int
    sha256: str
    status: Literal["processing", "parsed", "rejected"]
    file_kind: str | None
    rejection: Rejection | None
    current_version: int | None
    latest_version: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: dict[str, Any]) -> ResumeOut:
        rejection = (
            Rejection(code=row["reject_code"], reason=row["reject_reason"])
            if row["status"] == "rejected"
            else None
        )
        return cls(**row, rejection=rejection)


class ResumePage(BaseModel):
    items: list[ResumeOut]
    next_before: UUID | None = Field(description="pass as `before` for the next page")


class Accepted(BaseModel):
    resume_id: UUID
    status: str
    status_url: str


class VersionOut(BaseModel):
    version: int
    parent_version: int | None
    source: Literal["user", "ai", "import"]
    sha256: str
    proposal: bool
    current: bool
    created_by: str
    created_at: datetime
    accepted_at: datetime | None


class VersionDetail(VersionOut):
    resume: dict[str, Any] = Field(description="the JSON Resume document of this version")


class ParseReportOut(BaseModel):
    """A version's parse report, or why it has none (`available: false`)."""

    resume_id: UUID
    version: int
    available: bool = Field(description="false when this version has no parse report")
    reason: str | None = Field(
        default=None,
        description="why there is no report: a version written by the user or the AI, or one "
        "parsed before parse reports existed (upload the file again for one)",
    )
    report: ParseReport | None = None


class NewVersion(BaseModel):
    base_version: int = Field(
        ge=1, le=INT32_MAX, description="the version this edit was made on: the current one"
    )
    resume: dict[str, Any] = Field(description="the whole edited JSON Resume document")


class DownloadLink(BaseModel):
    url: str
    expires_in: int


@router.post("", status_code=status.HTTP_202_ACCEPTED)
async def upload_resume(
    me: CurrentUser,
    deps: DepsDep,
    correlation_id: CorrelationId,
    file: Annotated[
        UploadFile,
        File(description="PDF, DOCX, TXT, Markdown, JSON Resume, or a PNG/JPEG/TIFF scan"),
    ],
    response: Response,
    key: IdempotencyKey,
) -> Accepted:
    """Upload a resume file; it is parsed in the background (poll `status_url`)."""
    data = await _read_limited(file, deps.settings.max_upload_bytes)
    resume_id, repeated = await handle.upload(
        deps, me, file.filename or "resume", data, correlation_id, key
    )
    if repeated:
        response.headers["Idempotent-Replayed"] = "true"
    return Accepted(resume_id=resume_id, status="processing", status_url=f"/resumes/{resume_id}")


@router.get("")
async def list_resumes(
    me: CurrentUser,
    deps: DepsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: UUID | None = None,
) -> ResumePage:
    """The caller's resumes, newest first."""
    rows = await queries.resumes_of(deps.engine, me.user_id, limit, before)
    items = [ResumeOut.of(r) for r in rows]
    return ResumePage(items=items, next_before=items[-1].resume_id if len(items) == limit else None)


@router.get("/{resume_id}")
async def get_resume(resume_id: UUID, me: CurrentUser, deps: DepsDep) -> ResumeOut:
    """One resume: processing, parsed, or rejected with the reason."""
    return ResumeOut.of(await queries.resume(deps.engine, me.user_id, resume_id))


@router.get("/{resume_id}/versions")
async def list_versions(resume_id: UUID, me: CurrentUser, deps: DepsDep) -> list[VersionOut]:
    """Every version of the resume's document, oldest first."""
    resume = await queries.resume(deps.engine, me.user_id, resume_id)
    rows = await queries.versions(deps.engine, resume_id)
    return [_version_out(r, resume["current_version"]) for r in rows]


@router.get("/{resume_id}/versions/{version}")
async def get_version(
    resume_id: UUID, version: Version, me: CurrentUser, deps: DepsDep
) -> VersionDetail:
    """One version with its JSON Resume document."""
    resume = await queries.resume(deps.engine, me.user_id, resume_id)
    row = await queries.version(deps.engine, resume_id, version)
    document = await deps.documents.get(resume_id, version)
    summary = _version_out(row, resume["current_version"])
    return VersionDetail(**summary.model_dump(), resume=document.content)


@router.get("/{resume_id}/versions/{version}/parse-report")
async def get_parse_report(
    resume_id: UUID, version: Version, me: CurrentUser, deps: DepsDep
) -> ParseReportOut:
    """What parsing found: sections, each field's confidence, fields to check, unplaced text."""
    await queries.resume(deps.engine, me.user_id, resume_id)
    row = await queries.version(deps.engine, resume_id, version)
    document = await deps.documents.get(resume_id, version)
    stored = document.metadata.get(REPORT_KEY)
    if stored is None:
        return ParseReportOut(
            resume_id=resume_id, version=version, available=False, reason=_no_report(row)
        )
    try:
        report = ParseReport.model_validate(stored)
    except ValidationError:
        log.error("parse_report.unreadable", resume_id=str(resume_id), version=version)
        return ParseReportOut(
            resume_id=resume_id, version=version, available=False,
            reason="the stored report cannot be read; the operators were told",
        )  # fmt: skip
    return ParseReportOut(resume_id=resume_id, version=version, available=True, report=report)


@router.post("/{resume_id}/versions", status_code=status.HTTP_201_CREATED)
async def create_version(
    resume_id: UUID, body: NewVersion, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> VersionDetail:
    """Save an edit as a new version on top of `base_version` (409 if that is not current)."""
    number = await handle.edit(deps, me, resume_id, body.base_version, body.resume, correlation_id)
    return await get_version(resume_id, number, me, deps)


@router.post("/{resume_id}/versions/{version}/accept")
async def accept_version(
    resume_id: UUID, version: Version, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> ResumeOut:
    """Make a version (an older one, or an AI proposal) the current one."""
    await handle.accept(deps, me, resume_id, version, correlation_id)
    return await get_resume(resume_id, me, deps)


@router.get("/{resume_id}/file")
async def download_file(
    resume_id: UUID, me: CurrentUser, deps: DepsDep, request: Request
) -> DownloadLink:
    """A short-lived link to download the file as uploaded."""
    row = await queries.resume(deps.engine, me.user_id, resume_id)
    file = LinkedFile(row["file_key"], row["file_version"], row["filename"], me.user_id)
    return DownloadLink(url=link_to(request, deps, file), expires_in=deps.downloads.expires_in)


def _no_report(row: dict[str, Any]) -> str:
    if row["source"] == "user":
        return f"version {row['version']} was saved as an edit, not read from a file"
    if row["source"] == "ai":
        return f"version {row['version']} was written by the AI, not read from a file"
    return (
        f"version {row['version']} was read before parse reports existed; "
        "upload the file again to get one"
    )


def _version_out(row: dict[str, Any], current: int | None) -> VersionOut:
    return VersionOut(
        **{k: v for k, v in row.items() if k != "resume_id"}, current=row["version"] == current
    )


async def _read_limited(file: UploadFile, limit: int) -> bytes:
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(
            f"the file is larger than {limit // (1024 * 1024)} MiB; upload a smaller file"
        )
    if not data:
        raise InvalidInput("the file is empty; choose the resume file again")
    return data


@router.delete("/{resume_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_resume(
    resume_id: UUID, me: CurrentUser, deps: DepsDep, correlation_id: CorrelationId
) -> Response:
    """Delete a resume: its versions, matches and uploaded file go (the log keeps, sealed,
    that it existed and that it was deleted)."""
    await deletions.delete_resume(deps, me, resume_id, correlation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
