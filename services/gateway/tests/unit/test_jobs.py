"""The job aggregate's rules and the JSON Resume job conversion (pure, no I/O)."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import uuid4

import pytest

from jobtrail.domain.postings import (
    Posting,
    looks_like_json_resume_job,
    posting_from_json_resume_job,
)
from jobtrail.events.jobs import JobPostingAdded, JobPostingIngested, PostingSummary
from jobtrail.gateway.errors import InvalidInput, NotFound
from jobtrail.gateway.handlers.jobs import normalise

SAMPLE = json.loads((Path(__file__).parents[4] / "tests" / "data" / "sample.job.json").read_text())
SUMMARY = PostingSummary(title="Engineer")


def added(owner: object) -> Posting:
    job = Posting(uuid4())
    job.apply(JobPostingAdded(job_id=job.job_id, user_id=owner, document_version=1,
                              sha256="x", summary=SUMMARY))  # fmt: skip
    return job


def test_the_json_resume_sample_becomes_our_fields() -> None:
    assert looks_like_json_resume_job(SAMPLE)
    posting = posting_from_json_resume_job(SAMPLE)
    assert posting["location"] == "Berlin, Berlin, DE"
    assert posting["remote"] is True  # "Hybrid"
    assert posting["skills"][:3] == ["HTML", "CSS", "JavaScript"]
    assert posting["posted_on"] == "2024-07-01"
    assert posting["url"] == "http://example.com/jobs/web-developer"


def test_a_plain_posting_is_not_mistaken_for_json_resume() -> None:
    assert not looks_like_json_resume_job({"title": "x", "skills": ["Python"], "location": "Oslo"})


def test_an_invalid_json_resume_job_names_the_field() -> None:
    with pytest.raises(InvalidInput, match="location/city"):
        normalise({"title": "x", "location": {"city": 3}})


def test_marking_records_only_changes() -> None:
    owner = uuid4()
    job = added(owner)
    [saved] = job.mark(owner, saved=True, dismissed=None, notes=None)
    job.apply(saved)
    assert job.mark(owner, saved=True, dismissed=None, notes=None) == []
    [dismissed] = job.mark(owner, saved=True, dismissed=True, notes=None)
    assert (dismissed.saved, dismissed.dismissed) == (None, True)


def test_another_users_posting_is_not_found_but_a_shared_one_is_markable() -> None:
    job = added(uuid4())
    with pytest.raises(NotFound):
        job.mark(uuid4(), saved=True, dismissed=None, notes=None)
    shared = Posting(uuid4())
    shared.apply(JobPostingIngested(job_id=shared.job_id, source="lever", source_id="1",
                                    document_version=1, sha256="x", summary=SUMMARY))  # fmt: skip
    stranger = uuid4()
    assert shared.mark(stranger, saved=None, dismissed=True, notes="no")[0].user_id == stranger
