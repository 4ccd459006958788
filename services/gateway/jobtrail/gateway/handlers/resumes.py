"""Uploading a resume, editing it as JSON Resume, and choosing its current version."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from jobtrail.docstore import NewDocumentVersion
from jobtrail.domain.resumes import Resume
from jobtrail.events import uuid7
from jobtrail.events.resumes import (
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.errors import ConcurrentChange, InvalidInput
from jobtrail.gateway.handlers import idempotency
from jobtrail.gateway.security import Principal
from jobtrail.gateway.uploads import sniff
from jobtrail.jsonresume import validate_json_resume


async def upload(
    deps: Deps,
    principal: Principal,
    filename: str,
    data: bytes,
    correlation_id: str,
    idempotency_key: str | None = None,
) -> tuple[UUID, bool]:
    """Store the file under its sha256, then record that it was uploaded.

    Returns (resume id, whether this repeated an earlier request with the same key).
    """
    media_type = sniff(data)
    resume_id = uuid7()
    if idempotency_key is not None:
        request = {"filename": filename, "sha256": hashlib.sha256(data).hexdigest()}
        claim = await idempotency.claim(
            deps.engine, principal.user_id, "POST /resumes", idempotency_key, request
        )
        resume_id = claim.resource_id
        if claim.repeated and (await deps.load(Resume, resume_id)).exists:
            return resume_id, True
    stored = await deps.files.put(data, media_type, principal.user_id)
    event = ResumeUploaded(
        resume_id=resume_id,
        user_id=principal.user_id,
        filename=filename,
        media_type=media_type,
        size=stored.size,
        sha256=stored.sha256,
        file_key=stored.key,
        file_version=stored.version_id,
    )
    try:
        await deps.create(Resume, resume_id, [event], principal, correlation_id)
    except ConcurrentChange:
        if idempotency_key is None:
            raise
        return resume_id, True  # a repeat of the same key won the race: the same resume
    return resume_id, False


async def edit(
    deps: Deps,
    principal: Principal,
    resume_id: UUID,
    base_version: int,
    content: dict[str, Any],
    correlation_id: str,
) -> int:
    """A user's edit becomes a new version on top of `base_version`, current at once."""
    problems = validate_json_resume(content)
    if problems:
        raise InvalidInput("the resume is not valid JSON Resume: " + "; ".join(problems[:10]))

    async def decide(resume: Resume) -> list[ResumeVersionCreated | ResumeVersionAccepted]:
        resume.ensure_owned_by(principal.user_id)
        resume.check_base(base_version)  # refuses a stale base before anything is stored
        document = NewDocumentVersion(
            doc_id=resume_id,
            version=resume.next_version(await deps.documents.latest_version(resume_id)),
            parent_version=base_version,
            kind="resume",
            source="user",
            owner_id=principal.user_id,
            content=content,
        )
        await deps.documents.put(document)
        return resume.edit(base_version, document.version, document.sha256)

    recorded = await deps.execute(Resume, resume_id, decide, principal, correlation_id)
    created = recorded[0].event
    assert isinstance(created, ResumeVersionCreated)
    return created.version


async def accept(
    deps: Deps, principal: Principal, resume_id: UUID, version: int, correlation_id: str
) -> None:
    def decide(resume: Resume) -> list[ResumeVersionAccepted]:
        resume.ensure_owned_by(principal.user_id)
        return resume.accept(version)

    await deps.execute(Resume, resume_id, decide, principal, correlation_id)


async def load(deps: Deps, principal: Principal, resume_id: UUID) -> Resume:
    resume = await deps.load(Resume, resume_id)
    resume.ensure_owned_by(principal.user_id)
    return resume
