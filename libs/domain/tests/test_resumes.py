"""The resume aggregate: who owns it, and how versions are edited and accepted."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from jobtrail.domain.errors import Conflict, NotFound, StaleVersion
from jobtrail.domain.resumes import Resume, VersionInfo
from jobtrail.events import EventContext, RecordedEvent, seal
from jobtrail.events.envelope import Event
from jobtrail.events.resumes import (
    ResumeParsed,
    ResumeRejected,
    ResumeRetryRequested,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)

OWNER = UUID("0190b8a4-0000-7000-8000-000000000001")


def history(resume_id: UUID, *events: Event) -> list[RecordedEvent]:
    context = EventContext(actor="test", correlation_id="test", owner_id=OWNER)
    envelopes = seal(list(events), aggregate_id=resume_id, base_version=0, context=context)
    return [RecordedEvent(envelope, seq) for seq, envelope in enumerate(envelopes, start=10)]


def uploaded(resume_id: UUID) -> ResumeUploaded:
    return ResumeUploaded(
        resume_id=resume_id, user_id=OWNER, filename="cv.pdf", media_type="application/pdf",
        size=100, sha256="a" * 64, file_key="files/aaa",
    )  # fmt: skip


def parsed(resume_id: UUID) -> list[Event]:
    return [
        ResumeParsed(resume_id=resume_id, file_kind="pdf", document_version=1, sha256="b" * 64,
                     text_chars=1200),
        ResumeVersionCreated(resume_id=resume_id, version=1, parent_version=None,
                             source="import", sha256="b" * 64),
        ResumeVersionAccepted(resume_id=resume_id, version=1),
    ]  # fmt: skip


def a_parsed_resume(*more: Event) -> Resume:
    resume_id = uuid4()
    return Resume.fold(
        resume_id, history(resume_id, uploaded(resume_id), *parsed(resume_id), *more)
    )


def test_a_resume_without_events_does_not_exist() -> None:
    resume = Resume.fold(uuid4(), [])
    assert (resume.exists, resume.status, resume.latest_version) == (False, "new", 0)


def test_folding_an_upload_and_its_parse_gives_a_parsed_resume_at_version_one() -> None:
    resume = a_parsed_resume()
    assert resume.exists
    assert (resume.owner_id, resume.status, resume.current_version, resume.latest_version) == (
        OWNER, "parsed", 1, 1,
    )  # fmt: skip
    assert resume.versions[1] == VersionInfo(1, None, "import", "b" * 64, proposal=False)


def test_an_uploaded_resume_is_processing_until_parsed_or_rejected() -> None:
    resume_id = uuid4()
    assert Resume.fold(resume_id, history(resume_id, uploaded(resume_id))).status == "processing"
    rejected = ResumeRejected(resume_id=resume_id, code="corrupt_pdf", reason="damaged")
    folded = Resume.fold(resume_id, history(resume_id, uploaded(resume_id), rejected))
    assert (folded.status, folded.current_version) == ("rejected", None)


def test_an_edit_before_any_version_is_a_conflict() -> None:
    resume_id = uuid4()
    resume = Resume.fold(resume_id, history(resume_id, uploaded(resume_id)))
    with pytest.raises(Conflict, match="no version yet") as raised:
        resume.edit(base_version=1, new_version=1, sha256="c" * 64)
    assert not isinstance(raised.value, StaleVersion)


def test_an_edit_on_a_stale_base_names_the_current_version() -> None:
    resume_id = uuid4()
    resume = Resume.fold(
        resume_id,
        history(
            resume_id, uploaded(resume_id), *parsed(resume_id),
            ResumeVersionCreated(resume_id=resume_id, version=2, parent_version=1,
                                 source="user", sha256="c" * 64),
            ResumeVersionAccepted(resume_id=resume_id, version=2),
        ),
    )  # fmt: skip
    with pytest.raises(StaleVersion) as raised:
        resume.edit(base_version=1, new_version=3, sha256="d" * 64)
    assert "based on version 1" in raised.value.message
    assert "the current version is 2" in raised.value.message
    assert raised.value.status == 409
    assert raised.value.code == "stale_version"


def test_an_edit_on_the_current_version_creates_and_accepts_a_user_version() -> None:
    resume = a_parsed_resume()
    created, accepted = resume.edit(base_version=1, new_version=2, sha256="e" * 64)
    assert created == ResumeVersionCreated(
        resume_id=resume.resume_id, version=2, parent_version=1, source="user", sha256="e" * 64
    )
    assert not created.proposal
    assert accepted == ResumeVersionAccepted(resume_id=resume.resume_id, version=2)


def test_accepting_an_unknown_version_is_not_found() -> None:
    with pytest.raises(NotFound, match="no version 7"):
        a_parsed_resume().accept(7)


def test_accepting_the_current_version_emits_nothing() -> None:
    assert a_parsed_resume().accept(1) == []


def test_accepting_an_older_version_makes_it_current() -> None:
    resume_id = uuid4()
    resume = Resume.fold(
        resume_id,
        history(
            resume_id, uploaded(resume_id), *parsed(resume_id),
            ResumeVersionCreated(resume_id=resume_id, version=2, parent_version=1,
                                 source="ai", sha256="f" * 64, proposal=True),
        ),
    )  # fmt: skip
    assert resume.current_version == 1, "an AI proposal never becomes current by itself"
    assert resume.accept(2) == [ResumeVersionAccepted(resume_id=resume_id, version=2)]


def test_another_owners_resume_is_answered_as_not_found() -> None:
    resume = a_parsed_resume()
    resume.ensure_owned_by(OWNER)
    with pytest.raises(NotFound) as raised:
        resume.ensure_owned_by(uuid4())
    assert raised.value.message == f"no resume {resume.resume_id}"


def test_a_missing_resume_is_not_found_even_for_nobody() -> None:
    with pytest.raises(NotFound):
        Resume.fold(uuid4(), []).ensure_owned_by(OWNER)


def test_a_rejected_upload_sent_back_waits_for_the_parser_again() -> None:
    resume_id = uuid4()
    rejected = ResumeRejected(resume_id=resume_id, code="internal_error", reason="our fault")
    failed = Resume.fold(resume_id, history(resume_id, uploaded(resume_id), rejected))

    retry = failed.retry("dlq retry of 7")
    again = Resume.fold(resume_id, history(resume_id, uploaded(resume_id), rejected, *retry))

    assert (failed.awaiting_parse, [type(e) for e in retry]) == (False, [ResumeRetryRequested])
    assert again.awaiting_parse
    assert a_parsed_resume().retry("nothing failed") == []


def test_a_new_version_number_follows_every_recorded_and_every_stored_version() -> None:
    resume = a_parsed_resume()
    assert resume.next_version(None) == 2
    assert resume.next_version(4) == 5  # a stored version no event names is never reused
    assert resume.latest_version_except(1) == 0
