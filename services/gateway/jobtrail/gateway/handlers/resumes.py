"""Uploading a resume, editing it as JSON Resume, and choosing its current version."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from jobtrail.docstore import NewDocumentVersion
from jobtrail.eventlog import AggregateHistory
from jobtrail.events import uuid7
from jobtrail.events.resumes import ResumeUploaded
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.resumes import Resume
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
        if claim.repeated:
            history = await deps.events.load("resume", resume_id)
            if Resume.fold(resume_id, history.events).exists:
                return resume_id, True
    stored = await deps.files.put(data, media_type)
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
        await deps.record(
            AggregateHistory("resume", str(resume_id)), [event], principal, correlation_id
        )
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
    resume, history = await load(deps, principal, resume_id)
    # A failed append can leave a stored version no event names; never reuse its number.
    stored_latest = await deps.documents.latest_version(resume_id) or 0
    new_version = max(resume.latest_version, stored_latest) + 1
    document = NewDocumentVersion(
        doc_id=resume_id,
        version=new_version,
        parent_version=base_version,
        kind="resume",
        source="user",
        owner_id=principal.user_id,
        content=content,
    )
    decided = resume.edit(base_version, new_version, document.sha256)  # refuses stale bases
    await deps.documents.put(document)
    await deps.record(history, decided, principal, correlation_id)
    return new_version


async def accept(
    deps: Deps, principal: Principal, resume_id: UUID, version: int, correlation_id: str
) -> None:
    resume, history = await load(deps, principal, resume_id)
    await deps.record(history, resume.accept(version), principal, correlation_id)


async def load(
    deps: Deps, principal: Principal, resume_id: UUID
) -> tuple[Resume, AggregateHistory]:
    history = await deps.events.load("resume", resume_id)
    resume = Resume.fold(resume_id, history.events)
    resume.ensure_owned_by(principal.user_id)
    return resume, history
