"""What the jobs service announces of its scores: every stored score once, in events that
fit a NATS message, with the run's summary after its last score."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

from jobtrail.events import Envelope, EventContext, RecordedEvent, seal
from jobtrail.events.jobs import MAX_SCORES, JobPostingAdded, MatchesScored, PostingSummary
from jobtrail.events.registry import registry
from jobtrail.jobs.announcements import Scored, publish_scores, score_events
from jobtrail.jobs.ranking import Score

AT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
NATS_MAX_PAYLOAD = 1024 * 1024


def a_run_of(count: int, bullet: str = "Built Python services", resume_id: UUID | None = None
             ) -> list[Scored]:  # fmt: skip
    resume_id, owner = resume_id or uuid4(), uuid4()
    explanation = {"supported_requirements": [{"requirement": "Python", "bullets": [bullet] * 3}]}
    return [(resume_id, 1, owner, uuid4(), Score(score=n % 101, explanation=explanation))
            for n in range(count)]  # fmt: skip


def test_a_full_run_is_told_in_chunks_of_at_most_max_scores_with_the_run_on_the_last() -> None:
    scored = a_run_of(2 * MAX_SCORES + 1)
    resume_id, version, owner = scored[0][:3]
    told = score_events(scored, "m", "f", AT, run=(resume_id, version, owner, 500))
    assert [len(e.scores) for e in told] == [MAX_SCORES, MAX_SCORES, 1]
    assert [e.run is not None for e in told] == [False, False, True]
    last = told[-1].run
    assert last is not None
    assert (last.visible, last.candidates, last.outside) == (500, 2 * MAX_SCORES + 1, 99)
    assert [s.job_id for e in told for s in e.scores] == [job for _, _, _, job, _ in scored]


def test_long_explanations_split_chunks_so_each_event_fits_a_nats_message() -> None:
    scored = a_run_of(MAX_SCORES, bullet="x" * 3000)
    context = EventContext(actor="service:jobs", correlation_id="test")
    told = score_events(scored, "m", "f", AT)
    assert len(told) > 1
    for envelope in seal(list(told), aggregate_id=scored[0][0], base_version=0, context=context):
        assert len(envelope.to_json()) < NATS_MAX_PAYLOAD
    assert sum(len(e.scores) for e in told) == MAX_SCORES


def test_a_run_that_scored_nothing_still_says_it_is_complete() -> None:
    resume_id, owner = uuid4(), uuid4()
    [told] = score_events([], "m", "f", AT, run=(resume_id, 3, owner, 0))
    assert (told.resume_id, told.resume_version, told.owner_id, told.scores) == (
        resume_id, 3, owner, [],
    )  # fmt: skip
    assert told.run is not None
    assert told.run.candidates == 0


def test_a_posting_scored_against_many_resumes_is_one_event_per_resume_version() -> None:
    scored = [*a_run_of(1), *a_run_of(1), *a_run_of(1)]
    told = score_events(scored, "m", "f", AT)
    assert [(e.resume_id, e.owner_id) for e in told] == [(r, o) for r, _, o, _, _ in scored]
    assert all(e.run is None for e in told)


class Log:
    """A fake of the event log: keeps what is published, drops ids it holds (as the
    stream's duplicate window does)."""

    def __init__(self) -> None:
        self.envelopes: dict[UUID, Envelope] = {}

    async def publish_many(self, envelopes: Sequence[Envelope], window: int = 1000) -> list[int]:
        for envelope in envelopes:
            self.envelopes.setdefault(envelope.event_id, envelope)
        return list(range(len(envelopes)))


def a_cause() -> RecordedEvent:
    added = JobPostingAdded(job_id=uuid4(), user_id=uuid4(), document_version=1, sha256="0",
                            summary=PostingSummary(title="Python engineer"))  # fmt: skip
    context = EventContext(actor="user", correlation_id="c")
    [envelope] = seal([added], aggregate_id=added.job_id, base_version=0, context=context)
    return RecordedEvent(envelope, 7)


async def test_a_redelivered_cause_announces_nothing_twice() -> None:
    log, cause = Log(), a_cause()
    scored = a_run_of(MAX_SCORES + 1)
    run = (*scored[0][:3], MAX_SCORES + 1)
    await publish_scores(log, cause, "service:jobs", scored, "m", AT, run)
    await publish_scores(log, cause, "service:jobs", scored, "m", AT, run)
    assert len(log.envelopes) == 2  # two chunks, each once
    told = [registry.decode(e) for e in log.envelopes.values()]
    assert [type(e) for e in told] == [MatchesScored, MatchesScored]
    assert {e.owner_id for e in log.envelopes.values()} == {scored[0][2]}


async def test_scores_a_rescore_finds_are_announced_every_time() -> None:
    log = Log()
    scored = a_run_of(3)
    await publish_scores(log, None, "service:jobs", scored, "m", AT)
    await publish_scores(log, None, "service:jobs", scored, "m", AT)
    assert len(log.envelopes) == 2
