"""Read models of what the jobs service computes: match scores, complete scoring runs and
the requirements read from postings, projected from its events (`MatchesScored`,
`PostingRequirementsRead`) so the gateway never reads the `jobs` schema.

A score replaces the one held for the same (resume, version, posting) unless that one was
computed later, so redelivered, replayed or reordered events leave the table as the jobs
service's own `jobs.matches` is: the latest computation of each pair.
"""

from __future__ import annotations

import sqlalchemy as sa

from jobtrail.events import Event, RecordedEvent
from jobtrail.events.jobs import MatchesScored, PostingRequirementsRead
from jobtrail.gateway.readmodels.rows import BatchRows
from jobtrail.gateway.readmodels.tables import job_requirements, match_runs, match_scores


class Matches:
    tables: tuple[sa.Table, ...] = (match_scores, match_runs, job_requirements)

    def want(self, rows: BatchRows, event: Event) -> None:
        match event:
            case MatchesScored():
                for score in event.scores:
                    rows.want(match_scores, event.resume_id, event.resume_version, score.job_id)
                if event.run is not None:
                    rows.want(match_runs, event.resume_id, event.resume_version)
            case PostingRequirementsRead():
                rows.want(job_requirements, event.job_id)

    def apply(self, rows: BatchRows, event: Event, recorded: RecordedEvent) -> None:
        match event:
            case MatchesScored():
                self._scores(rows, event)
            case PostingRequirementsRead():
                at = recorded.envelope.occurred_at
                held = rows.get(job_requirements, event.job_id)
                if held is None or held["read_at"] <= at:
                    rows.upsert(job_requirements, {
                        "job_id": event.job_id, "formula": event.formula,
                        "requirements": event.requirements, "read_at": at,
                    })  # fmt: skip

    def _scores(self, rows: BatchRows, event: MatchesScored) -> None:
        at = event.computed_at
        key = (event.resume_id, event.resume_version)
        for score in event.scores:
            held = rows.get(match_scores, *key, score.job_id)
            if held is not None and held["computed_at"] > at:
                continue  # computed later than this one: the later one stands
            rows.upsert(match_scores, {
                "resume_id": event.resume_id, "resume_version": event.resume_version,
                "job_id": score.job_id, "owner_id": event.owner_id, "score": score.score,
                "explanation": score.explanation, "model": event.model,
                "formula": event.formula, "computed_at": at,
            })  # fmt: skip
        if event.run is None:
            return
        held = rows.get(match_runs, *key)
        if held is None or held["finished_at"] <= at:
            rows.upsert(match_runs, {
                "resume_id": event.resume_id, "version": event.resume_version,
                "owner_id": event.owner_id, "visible": event.run.visible,
                "candidates": event.run.candidates, "outside": event.run.outside,
                "formula": event.formula, "finished_at": at,
            })  # fmt: skip
