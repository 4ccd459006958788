"""Adding postings by hand, marking them, and asking for a feed to run now."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

from jsonschema import Draft4Validator
from pydantic import ValidationError

from jobtrail.docstore import NewDocumentVersion
from jobtrail.domain.ingestions import IngestionRun
from jobtrail.domain.postings import (
    Posting,
    looks_like_json_resume_job,
    posting_from_json_resume_job,
)
from jobtrail.events import uuid7
from jobtrail.events.jobs import IngestionRequested, JobPostingAdded, PostingSummary
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.errors import ConcurrentChange, Forbidden, InvalidInput, NotFound
from jobtrail.gateway.handlers import idempotency
from jobtrail.gateway.readmodels import jobs as read
from jobtrail.gateway.security import Principal

SCHEMA = Path(__file__).parent.parent / "schemas" / "job-schema.json"


@cache
def _job_schema() -> Draft4Validator:
    return Draft4Validator(json.loads(SCHEMA.read_text()))


def normalise(body: dict[str, Any]) -> tuple[PostingSummary, str, str]:
    """Our fields, or the JSON Resume job schema: (summary, description, format)."""
    posting, form = body, "jobtrail"
    if looks_like_json_resume_job(body):
        problems = [
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in _job_schema().iter_errors(body)
        ]
        if not body.get("title"):
            problems.append("title: a posting needs a title")
        if problems:
            raise InvalidInput(
                "the posting is not a valid JSON Resume job: " + "; ".join(problems[:10])
            )
        posting, form = posting_from_json_resume_job(body), "jsonresume-job"
    fields = {k: v for k, v in posting.items() if k in PostingSummary.model_fields}
    try:
        summary = PostingSummary.model_validate(fields)
    except ValidationError as invalid:
        details = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in invalid.errors()[:10]
        )
        raise InvalidInput(f"the posting is not valid: {details}") from None
    return summary, str(posting.get("description") or ""), form


async def add(
    deps: Deps,
    principal: Principal,
    body: dict[str, Any],
    correlation_id: str,
    idempotency_key: str | None = None,
) -> tuple[UUID, bool]:
    """Store the posting's raw JSON as version 1 of its document, then record it.

    Returns (job id, whether this repeated an earlier request with the same key).
    """
    summary, description, form = normalise(body)
    job_id = uuid7()
    if idempotency_key is not None:
        claim = await idempotency.claim(
            deps.engine, principal.user_id, "POST /jobs", idempotency_key, body
        )
        job_id = claim.resource_id
        if claim.repeated and await _settled_existing(deps, job_id):
            return job_id, True
    document = NewDocumentVersion(
        doc_id=job_id,
        version=1,
        kind="job_posting",
        source="user",
        owner_id=principal.user_id,
        content={
            "posting": {**summary.model_dump(mode="json"), "description": description},
            "raw": body,
            "format": form,
        },
    )
    stored = await deps.documents.put(document)
    event = JobPostingAdded(
        job_id=job_id, user_id=principal.user_id, document_version=1,
        sha256=stored.sha256, summary=summary,
    )  # fmt: skip
    try:
        await deps.create(Posting, job_id, [event], principal, correlation_id)
    except ConcurrentChange:
        if idempotency_key is None:
            raise
        # A repeat of the same key won the race: answer with the posting it created.
        await _settled_existing(deps, job_id)
        return job_id, True
    return job_id, False


async def _settled_existing(deps: Deps, job_id: UUID) -> bool:
    """Whether the posting exists; if so, once the read models show it."""
    history = (await deps.repository.load(Posting, job_id)).history
    await deps.settled(history.events)
    return bool(history.events)


async def mark(
    deps: Deps,
    principal: Principal,
    job_id: UUID,
    changes: dict[str, Any],
    correlation_id: str,
) -> None:
    saved, dismissed, notes = changes.get("saved"), changes.get("dismissed"), changes.get("notes")
    await deps.execute(
        Posting,
        job_id,
        lambda posting: posting.mark(principal.user_id, saved, dismissed, notes),
        principal,
        correlation_id,
    )


async def request_ingestion(
    deps: Deps, principal: Principal, source: str, correlation_id: str
) -> UUID:
    """Run a shared feed now: its postings are everyone's, so only an admin may start it."""
    if not principal.is_admin:
        raise Forbidden(
            "only an admin can start an ingestion of the shared job feeds (they run on their "
            "own schedule); ask an operator, or add a posting of your own with POST /jobs"
        )
    ingestion_id = uuid7()
    event = IngestionRequested(ingestion_id=ingestion_id, source=source)
    await deps.create(IngestionRun, ingestion_id, [event], principal, correlation_id)
    return ingestion_id


async def ingestion(deps: Deps, principal: Principal, ingestion_id: UUID) -> dict[str, Any]:
    """A run, shown to the user who started it and to admins; to anyone else it is missing
    (404, not 403: ids must not be probed)."""
    row = await read.ingestion(deps.engine, ingestion_id)
    if not principal.is_admin and row["requested_by"] != principal.user_id:
        raise NotFound(f"no ingestion {ingestion_id}")
    return dict(row)
