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
from jobtrail.events import AggregateHistory, uuid7
from jobtrail.events.jobs import IngestionRequested, JobPostingAdded, PostingSummary
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.jobs import (
    Job,
    looks_like_json_resume_job,
    posting_from_json_resume_job,
)
from jobtrail.gateway.errors import InvalidInput
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


async def add(deps: Deps, principal: Principal, body: dict[str, Any], correlation_id: str) -> UUID:
    """Store the posting's raw JSON as version 1 of its document, then record it."""
    summary, description, form = normalise(body)
    job_id = uuid7()
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
    await deps.record(AggregateHistory("job", str(job_id)), [event], principal, correlation_id)
    return job_id


async def mark(
    deps: Deps,
    principal: Principal,
    job_id: UUID,
    changes: dict[str, Any],
    correlation_id: str,
) -> None:
    history = await deps.events.load("job", job_id)
    job = Job.fold(job_id, history.events)
    decided = job.mark(
        principal.user_id, changes.get("saved"), changes.get("dismissed"), changes.get("notes")
    )
    await deps.record(history, decided, principal, correlation_id)


async def request_ingestion(
    deps: Deps, principal: Principal, source: str, correlation_id: str
) -> UUID:
    ingestion_id = uuid7()
    event = IngestionRequested(ingestion_id=ingestion_id, source=source)
    await deps.record(
        AggregateHistory("ingestion", str(ingestion_id)), [event], principal, correlation_id
    )
    return ingestion_id
