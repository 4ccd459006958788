"""Deleting one's own resumes, applications, attachments, postings and AI outputs.

Each deletion is an event on its aggregate that names what went and nothing of what it
held (`ResumeDeleted`, `ApplicationDeleted`, …), so the audit trail records that it
happened. The read models drop the rows when they apply it (`readmodels/deletions.py`), the
jobs service drops the vectors and scores (`jobs-match`, `jobs-postings`), and the files no
remaining row points to are removed from S3 in every version. What the log and the document
store keep of it stays sealed with the owner's key (both are append-only) until the account
is erased.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol
from uuid import UUID

from jobtrail.domain.ai_jobs import AIJob
from jobtrail.domain.resumes import Resume
from jobtrail.eventlog.aggregates import Aggregate
from jobtrail.events import Event
from jobtrail.events.resumes import ResumeUploaded
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.domain.attachments import Attachment
from jobtrail.gateway.security import Principal


class Deletable(Aggregate, Protocol):
    def delete(self, user_id: UUID) -> Sequence[Event]:
        """The events of the owner's deletion (NotFound for anyone else)."""
        ...


async def delete_owned(
    deps: Deps, kind: type[Deletable], aggregate_id: UUID, principal: Principal,
    correlation_id: str,
) -> None:  # fmt: skip
    """Delete an aggregate whose only rule is "its owner may" (an application, a posting)."""
    await deps.execute(
        kind, aggregate_id, lambda state: state.delete(principal.user_id), principal,
        correlation_id,
    )  # fmt: skip


async def delete_resume(
    deps: Deps, principal: Principal, resume_id: UUID, correlation_id: str
) -> None:
    loaded = await deps.repository.load(Resume, resume_id)
    files = [r.event.file_key for r in loaded.history.events if isinstance(r.event, ResumeUploaded)]
    await delete_owned(deps, Resume, resume_id, principal, correlation_id)
    await remove_unused_files(deps, files)


async def delete_attachment(
    deps: Deps, principal: Principal, attachment_id: UUID, correlation_id: str
) -> None:
    attachment = await deps.load(Attachment, attachment_id)
    files = [version.file_key for version in attachment.versions.values()]
    await delete_owned(deps, Attachment, attachment_id, principal, correlation_id)
    await remove_unused_files(deps, files)


async def delete_ai_output(
    deps: Deps, principal: Principal, ai_job_id: UUID, correlation_id: str
) -> None:
    await deps.execute(
        AIJob, ai_job_id, lambda job: job.delete_output(principal.user_id), principal,
        correlation_id,
    )  # fmt: skip


async def remove_unused_files(deps: Deps, keys: Iterable[str]) -> int:
    """Remove, in every version, the files of `keys` that no read-model row points to any
    more (the same file uploaded twice by one person is one object)."""
    wanted = set(keys)
    removed = 0
    for key in sorted(wanted - await deps.erasure.records.referenced_files(wanted)):
        removed += await deps.files.delete(key)
    return removed
