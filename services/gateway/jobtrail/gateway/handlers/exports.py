"""Requesting an export of a resume version or cover letter; the exporter renders it."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any
from uuid import UUID

from jobtrail.docstore import DocumentNotFound
from jobtrail.domain.exports import Export, ExportOrder
from jobtrail.events import uuid7
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.errors import Conflict, InvalidInput, NotFound
from jobtrail.gateway.handlers import idempotency, resumes
from jobtrail.gateway.readmodels import applications
from jobtrail.gateway.security import Principal


async def request(
    deps: Deps,
    principal: Principal,
    order: ExportOrder,
    correlation_id: str,
    idempotency_key: str | None = None,
) -> UUID:
    """Check the caller may read what is to be exported, then record the request.

    With an `Idempotency-Key`, a repeat answers with the export its first try recorded.
    """
    await _check_resume_version(deps, principal, order.resume_id, order.version)
    if order.document == "cover_letter" and order.cover_letter_id is not None:
        await _check_cover_letter(
            deps, principal, order.cover_letter_id, order.cover_letter_version
        )
    export_id = uuid7()
    if idempotency_key is not None:
        claim = await idempotency.claim(
            deps.engine, principal.user_id, "POST exports", idempotency_key, asdict(order)
        )
        export_id = claim.resource_id
    # A repeat of the key finds its export requested already: nothing new is recorded, and
    # the answer waits until the read models show the first request.
    await deps.execute(
        Export,
        export_id,
        lambda export: export.request(principal.user_id, order),
        principal,
        correlation_id,
    )
    return export_id


async def request_for_application(
    deps: Deps,
    principal: Principal,
    application_id: UUID,
    order: ExportOrder,
    correlation_id: str,
    idempotency_key: str | None = None,
) -> UUID:
    """Export the resume version (or the cover letter) an application was made with."""
    row = await applications.application(deps.engine, principal.user_id, application_id)
    if order.document == "cover_letter" and row["cover_letter_id"] is None:
        raise InvalidInput(
            f"application {application_id} has no cover letter; export its resume instead"
        )
    linked = replace(
        order,
        application_id=application_id,
        resume_id=row["resume_id"],
        version=row["resume_version"],
        cover_letter_id=row["cover_letter_id"],
        cover_letter_version=None,
    )
    return await request(deps, principal, linked, correlation_id, idempotency_key)


async def application_exists(deps: Deps, principal: Principal, application_id: UUID) -> None:
    """404 unless the application is the caller's."""
    await applications.application(deps.engine, principal.user_id, application_id)


async def resume_document(
    deps: Deps, principal: Principal, resume_id: UUID, version: int
) -> dict[str, Any]:
    """The JSON Resume document of one of the caller's resume versions."""
    await _check_resume_version(deps, principal, resume_id, version)
    try:
        return (await deps.documents.get(resume_id, version)).content
    except DocumentNotFound:
        raise NotFound(f"resume {resume_id} has no version {version}") from None


async def _check_resume_version(
    deps: Deps, principal: Principal, resume_id: UUID, version: int
) -> None:
    resume = await resumes.load(deps, principal, resume_id)  # another user's: 404
    if version not in resume.versions:
        if not resume.versions:
            raise Conflict(
                f"resume {resume_id} has no version yet (it is {resume.status}); "
                "wait until it is parsed, then export it"
            )
        raise NotFound(
            f"resume {resume_id} has no version {version}; its versions are "
            f"{', '.join(map(str, sorted(resume.versions)))}"
        )


async def _check_cover_letter(
    deps: Deps, principal: Principal, letter_id: UUID, version: int | None
) -> None:
    try:
        letter = await deps.documents.get(letter_id, version)
    except DocumentNotFound:
        letter = None
    if letter is None or letter.owner_id != principal.user_id or letter.kind != "cover_letter":
        which = f"{letter_id}" + (f" version {version}" if version else "")
        raise InvalidInput(
            f"you have no cover letter {which}; name one of your cover letter documents"
        )
