"""The posting, AI job, export and ingestion aggregates, as every writer folds them."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import pytest

from jobtrail.domain.ai_jobs import AIJob
from jobtrail.domain.errors import Conflict, NotFound
from jobtrail.domain.exports import Export
from jobtrail.domain.ingestions import IngestionRun
from jobtrail.domain.postings import Posting
from jobtrail.domain.retries import RETRYABLE
from jobtrail.events import EventContext, RecordedEvent, registry, seal
from jobtrail.events.ai import AIJobFailed, AIJobQueued, AIJobRetryRequested, AIOutputReady
from jobtrail.events.envelope import Event
from jobtrail.events.exports import ExportFailed, ExportReady, ExportRequested
from jobtrail.events.jobs import (
    IngestionCompleted,
    JobMatched,
    JobPostingAdded,
    JobPostingIngested,
    PostingSummary,
)

OWNER = UUID("0190b8a4-0000-7000-8000-000000000001")


def history(aggregate_id: UUID, *events: Event) -> list[RecordedEvent]:
    context = EventContext(actor="test", correlation_id="test", owner_id=OWNER)
    envelopes = seal(list(events), aggregate_id=aggregate_id, base_version=0, context=context)
    return [RecordedEvent(envelope, seq) for seq, envelope in enumerate(envelopes, start=1)]


def ingested(job_id: UUID, sha: str) -> JobPostingIngested:
    summary = PostingSummary(title="Engineer", company="Acme")
    return JobPostingIngested(
        job_id=job_id, source="feed", source_id="1", document_version=1, sha256=sha,
        summary=summary,
    )  # fmt: skip


def test_a_posting_records_the_same_feed_content_and_the_same_match_once() -> None:
    job_id, resume_id = uuid4(), uuid4()
    matched = JobMatched(
        job_id=job_id, user_id=OWNER, resume_id=resume_id, resume_version=2, score=80, model="m"
    )
    posting = Posting.fold(job_id, history(job_id, ingested(job_id, "a" * 64), matched))

    assert posting.ingest(ingested(job_id, "a" * 64)) == []
    assert len(posting.ingest(ingested(job_id, "b" * 64))) == 1
    assert posting.match(matched) == []
    assert len(posting.match(matched.model_copy(update={"resume_version": 3}))) == 1


def queued(ai_job_id: UUID) -> AIJobQueued:
    return AIJobQueued(
        ai_job_id=ai_job_id, user_id=OWNER, kind="summarize_resume", resume_id=uuid4(),
        resume_version=1,
    )  # fmt: skip


def test_an_ai_job_ends_once_and_only_a_failed_one_runs_again() -> None:
    ai_job_id = uuid4()
    failed = AIJobFailed(ai_job_id=ai_job_id, code="processing_failed", reason="503")
    job = AIJob.fold(ai_job_id, history(ai_job_id, queued(ai_job_id), failed))
    assert (job.owner_id, job.ended) == (OWNER, "FAILURE")
    with pytest.raises(Conflict):
        job.cancel()

    retry = job.retry("dlq retry of 3")
    again = AIJob.fold(ai_job_id, history(ai_job_id, queued(ai_job_id), failed, *retry))
    assert [type(e) for e in retry] == [AIJobRetryRequested]
    assert again.ended is None
    assert len(again.cancel()) == 1


def test_a_finished_ai_job_is_not_sent_back() -> None:
    ai_job_id = uuid4()
    ready = AIOutputReady(
        ai_job_id=ai_job_id, kind="summarize_resume", document_id=uuid4(), document_version=1,
        sha256="c" * 64, based_on_version=1, latest_resume_version=1, cached=False, model="m",
    )  # fmt: skip
    job = AIJob.fold(ai_job_id, history(ai_job_id, queued(ai_job_id), ready))
    assert (job.ended, job.retry("again")) == ("SUCCESS", [])


def requested(export_id: UUID) -> ExportRequested:
    return ExportRequested(
        export_id=export_id, user_id=OWNER, resume_id=uuid4(), version=1, document="resume",
        format="pdf", template="classic",
    )  # fmt: skip


def test_an_export_waits_for_its_render_until_ready_or_failed_and_a_failure_can_be_retried() -> (
    None
):
    export_id = uuid4()
    pending = Export.fold(export_id, history(export_id, requested(export_id)))
    failed = ExportFailed(
        export_id=export_id, user_id=OWNER, resume_id=uuid4(), version=1, document="resume",
        format="pdf", template="classic", reason="gone",
    )  # fmt: skip
    lost = Export.fold(export_id, history(export_id, requested(export_id), failed))
    retry = lost.retry("dlq retry of 9")
    again = Export.fold(export_id, history(export_id, requested(export_id), failed, *retry))

    assert (pending.awaiting_render, lost.awaiting_render, again.awaiting_render) == (
        True, False, True,
    )  # fmt: skip
    assert pending.retry("not failed") == []
    assert ExportReady.type != failed.type


def test_an_ingestion_run_ends_once() -> None:
    ingestion_id = uuid4()
    completed = IngestionCompleted(
        ingestion_id=ingestion_id, source="feed", fetched=1, added=1, updated=0, duplicates=0
    )
    run = IngestionRun.fold(ingestion_id, [])
    assert run.complete(completed) == [completed]
    done = IngestionRun.fold(ingestion_id, history(ingestion_id, completed))
    assert done.complete(completed) == []


def test_every_retryable_aggregate_is_started_by_its_trigger_event() -> None:
    for trigger, kind in RETRYABLE.items():
        assert registry.class_for(trigger).aggregate_type == kind.aggregate_type


def test_a_posting_comes_back_from_its_snapshot_unchanged() -> None:
    job_id, resume_id = uuid4(), uuid4()
    matched = JobMatched(
        job_id=job_id, user_id=OWNER, resume_id=resume_id, resume_version=2, score=80, model="m"
    )
    posting = Posting.fold(job_id, history(job_id, ingested(job_id, "a" * 64), matched))
    posting.mark(OWNER, True, None, "call Tuesday")
    posting.apply(posting.mark(OWNER, True, None, "call Tuesday")[0])

    again = Posting.from_snapshot(job_id, json.loads(json.dumps(posting.to_snapshot())))

    assert again == posting
    assert again.marks[OWNER].notes == "call Tuesday"


def test_a_feeds_posting_cannot_be_deleted_and_an_own_one_once_by_its_owner() -> None:
    job_id = uuid4()
    shared = Posting.fold(job_id, history(job_id, ingested(job_id, "a" * 64)))
    with pytest.raises(Conflict, match="dismiss it instead"):
        shared.delete(OWNER)

    summary = PostingSummary(title="Engineer", company="Acme")
    added = JobPostingAdded(job_id=job_id, user_id=OWNER, document_version=1, sha256="a" * 64,
                            summary=summary)  # fmt: skip
    own = Posting.fold(job_id, history(job_id, added))
    with pytest.raises(NotFound):
        own.delete(uuid4())
    [deleted] = own.delete(OWNER)
    gone = Posting.fold(job_id, history(job_id, added, deleted))
    assert not gone.exists
    with pytest.raises(NotFound):
        gone.delete(OWNER)
    matched = JobMatched(job_id=job_id, user_id=OWNER, resume_id=uuid4(), resume_version=1,
                         score=90, model="m")  # fmt: skip
    assert gone.match(matched) == []  # a score that arrives late is not recorded


def test_an_ai_output_is_deleted_once_and_only_when_there_is_one() -> None:
    job_id = uuid4()
    queued = AIJobQueued(ai_job_id=job_id, user_id=OWNER, kind="summarize_resume",
                         resume_id=uuid4(), resume_version=1)  # fmt: skip
    with pytest.raises(Conflict, match="no output"):
        AIJob.fold(job_id, history(job_id, queued)).delete_output(OWNER)
    ready = AIOutputReady(ai_job_id=job_id, kind="summarize_resume", document_id=job_id,
                          document_version=1, sha256="a" * 64, based_on_version=1,
                          latest_resume_version=1, model="m", cached=False)  # fmt: skip
    job = AIJob.fold(job_id, history(job_id, queued, ready))
    [deleted] = job.delete_output(OWNER)
    assert AIJob.fold(job_id, history(job_id, queued, ready, deleted)).delete_output(OWNER) == []
