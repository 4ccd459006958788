"""Applications on the running system: create (idempotently), move, annotate, follow up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa

from jobtrail.docstore import NewDocumentVersion
from jobtrail.eventlog.aggregates import Repository
from jobtrail.events import uuid7
from jobtrail.notifier.declarations import SERVICE as NOTIFIER
from jobtrail.notifier.follow_ups import remind_due
from jobtrail.notifier.tables import follow_ups
from tests.support.applications import (
    eventually,
    new_application,
    new_posting,
    notifications,
    parsed_resume,
    patch,
)
from tests.support.system import System

PROBLEM = "application/problem+json"


async def test_an_application_is_created_saved_with_its_timeline(system: System) -> None:
    ada = await system.user()
    resume_id = await parsed_resume(ada)
    job_id = await new_posting(ada)
    created = await new_application(ada, resume_id, job_id=job_id)
    assert created["status"] == "saved"
    assert created["job_id"] == job_id
    assert created["allowed_moves"] == ["applied", "withdrawn"]
    assert [e["type"] for e in created["timeline"]] == ["ApplicationCreated"]

    shown = await ada.get(f"/applications/{created['application_id']}")
    assert shown.status_code == 200, shown.text
    assert shown.json()["application_id"] == created["application_id"]


async def test_a_repeated_idempotency_key_with_the_same_body_answers_the_same_application(
    system: System,
) -> None:
    ada = await system.user()
    resume_id = await parsed_resume(ada)
    body = {"job_id": await new_posting(ada), "resume_id": resume_id, "resume_version": 1}
    key = {"idempotency-key": f"apply-{uuid4().hex}"}
    first = await ada.api.post("/applications", json=body, headers={**ada.auth, **key})
    again = await ada.api.post("/applications", json=body, headers={**ada.auth, **key})
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.headers["idempotent-replayed"] == "true"
    assert first.json()["application_id"] == again.json()["application_id"]
    history = await system.deps.events.load("application", first.json()["application_id"])
    assert [e.envelope.type for e in history.events] == ["ApplicationCreated"]
    listed = await ada.get("/applications")
    assert [a["application_id"] for a in listed.json()["items"]] == [first.json()["application_id"]]


async def test_a_repeated_idempotency_key_with_another_body_is_refused(system: System) -> None:
    ada = await system.user()
    resume_id = await parsed_resume(ada)
    key = {"idempotency-key": f"apply-{uuid4().hex}"}
    body = {"job_id": await new_posting(ada), "resume_id": resume_id, "resume_version": 1}
    first = await ada.api.post("/applications", json=body, headers={**ada.auth, **key})
    assert first.status_code == 201, first.text
    other = {**body, "job_id": await new_posting(ada, "Other")}
    refused = await ada.api.post("/applications", json=other, headers={**ada.auth, **key})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["code"] == "idempotency_key_reused"
    assert "new key" in refused.json()["detail"]


async def test_an_application_needs_a_resume_version_of_the_caller(system: System) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    resume_id = await parsed_resume(ada)
    job_id = await new_posting(ada)
    missing_version = await ada.post(
        "/applications", json={"job_id": job_id, "resume_id": resume_id, "resume_version": 9}
    )
    assert missing_version.status_code == 422, missing_version.text
    assert "version 9" in missing_version.json()["detail"]
    someone_elses = await bob.post(
        "/applications",
        json={"job_id": await new_posting(bob), "resume_id": resume_id, "resume_version": 1},
    )
    assert someone_elses.status_code == 422, someone_elses.text
    not_a_uuid = await ada.post(
        "/applications", json={"job_id": "x", "resume_id": resume_id, "resume_version": 1}
    )
    assert not_a_uuid.status_code == 422


async def test_an_application_needs_a_job_posting_the_caller_can_see(system: System) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    resume_id = await parsed_resume(ada)
    for job_id in (str(uuid4()), await new_posting(bob)):
        refused = await ada.post(
            "/applications", json={"job_id": job_id, "resume_id": resume_id, "resume_version": 1}
        )
        assert refused.status_code == 422, refused.text
        assert f"no job posting {job_id}" in refused.json()["detail"]


async def test_moving_notes_next_step_and_follow_up_are_recorded_in_the_timeline(
    system: System,
) -> None:
    ada = await system.user()
    created = await new_application(ada, await parsed_resume(ada))
    path = f"/applications/{created['application_id']}"
    moved = await patch(ada, path, {
        "status": "applied", "note": "sent through the careers page",
        "next_step": "wait for recruiter", "follow_up_on": "2031-05-04",
    })  # fmt: skip
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["status"], body["next_step"], body["follow_up_on"], body["notes"]) == (
        "applied", "wait for recruiter", "2031-05-04", 1,
    )  # fmt: skip
    assert [e["type"] for e in body["timeline"]] == [
        "ApplicationCreated", "ApplicationStatusChanged", "ApplicationNoteAdded",
        "ApplicationNextStepSet", "ApplicationFollowUpScheduled",
    ]  # fmt: skip
    assert body["timeline"][2]["data"]["text"] == "sent through the careers page"
    cleared = await patch(ada, path, {"next_step": None, "follow_up_on": None})
    assert (cleared.json()["next_step"], cleared.json()["follow_up_on"]) == (None, None)


async def test_an_illegal_move_is_409_naming_the_allowed_moves(system: System) -> None:
    ada = await system.user()
    created = await new_application(ada, await parsed_resume(ada))
    refused = await patch(ada, f"/applications/{created['application_id']}", {"status": "offer"})
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "illegal_transition"
    assert "applied, withdrawn" in refused.json()["detail"]
    shown = await ada.get(f"/applications/{created['application_id']}")
    assert shown.json()["status"] == "saved"


async def test_the_list_filters_by_status_and_the_board_groups_by_status(system: System) -> None:
    ada = await system.user()
    resume_id = await parsed_resume(ada)
    saved = await new_application(ada, resume_id)
    applied = await new_application(ada, resume_id, status="applied")
    listed = await ada.get("/applications", params={"status": "applied"})
    assert [a["application_id"] for a in listed.json()["items"]] == [applied["application_id"]]
    board = (await ada.get("/applications", params={"view": "board"})).json()
    assert set(board) == {
        "saved", "applied", "interviewing", "offer", "accepted", "rejected", "withdrawn",
        "no_response",
    }  # fmt: skip
    assert [a["application_id"] for a in board["saved"]] == [saved["application_id"]]
    assert [a["application_id"] for a in board["applied"]] == [applied["application_id"]]
    assert board["offer"] == []


async def test_another_users_applications_are_never_visible(system: System) -> None:
    ada, eve = await system.user("Ada"), await system.user("Eve")
    created = await new_application(ada, await parsed_resume(ada))
    path = f"/applications/{created['application_id']}"
    assert (await eve.get(path)).status_code == 404
    assert (await patch(eve, path, {"status": "applied"})).status_code == 404
    assert (await eve.get("/applications")).json()["items"] == []
    board = (await eve.get("/applications", params={"view": "board"})).json()
    assert all(column == [] for column in board.values())
    assert (await ada.get(path)).json()["status"] == "saved"


async def test_a_follow_up_date_that_has_passed_reminds_exactly_once(system: System) -> None:
    ada = await system.user()
    created = await new_application(ada, await parsed_resume(ada))
    application_id = created["application_id"]
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    scheduled = await patch(
        ada, f"/applications/{application_id}", {"follow_up_on": yesterday.isoformat()}
    )
    assert scheduled.status_code == 200, scheduled.text

    today = datetime.now(UTC).date()
    await tracked(system, application_id, yesterday)
    await remind(system, today)
    await remind(system, today)  # a second sweep, or copy

    reminders = await eventually(
        lambda: notifications(ada), lambda items: any(n["kind"] == "follow_up" for n in items)
    )
    assert [(n["kind"], n["subject_id"]) for n in reminders] == [("follow_up", application_id)]
    history = await system.deps.events.load("application", application_id)
    due = [e for e in history.events if e.envelope.type == "ApplicationFollowUpDue"]
    assert len(due) == 1
    assert due[0].envelope.data["follow_up_on"] == yesterday.isoformat()
    assert due[0].envelope.owner_id == UUID(ada.user_id)
    await remind(system, today + timedelta(days=3))
    assert len(await notifications(ada)) == 1


async def test_a_future_follow_up_date_does_not_remind_yet(system: System) -> None:
    ada = await system.user()
    created = await new_application(ada, await parsed_resume(ada))
    application_id = created["application_id"]
    tomorrow = date.today() + timedelta(days=2)
    await patch(ada, f"/applications/{application_id}", {"follow_up_on": tomorrow.isoformat()})
    await tracked(system, application_id, tomorrow)
    assert await remind(system, datetime.now(UTC).date()) == 0
    history = await system.deps.events.load("application", application_id)
    assert "ApplicationFollowUpDue" not in [e.envelope.type for e in history.events]


async def test_a_cover_letter_must_be_a_document_of_the_caller(system: System) -> None:
    ada, eve = await system.user("Ada"), await system.user("Eve")
    letter_id = uuid7()
    await system.deps.documents.put(
        NewDocumentVersion(
            doc_id=letter_id, version=1, kind="cover_letter", source="ai",
            owner_id=UUID(eve.user_id), content={"body": "Dear team,"},
        )
    )  # fmt: skip
    resume_id = await parsed_resume(ada)
    for cover_letter_id in (str(letter_id), str(uuid4())):
        refused = await ada.post(
            "/applications",
            json={
                "job_id": await new_posting(ada), "resume_id": resume_id, "resume_version": 1,
                "cover_letter_id": cover_letter_id,
            },
        )  # fmt: skip
        assert refused.status_code == 422, refused.text
        assert "cover letter" in refused.json()["detail"]


async def remind(system: System, today: date) -> int:
    """One follow-up sweep of the notifier, as its own role, after any sweep running now."""
    engine = system.engines["notifier"]
    return await remind_due(Repository(system.events_of(NOTIFIER)), engine, today, wait=True)


async def tracked(system: System, application_id: str, on: date) -> None:
    """Wait until the notifier's tracker has seen the application's follow-up date."""

    async def row() -> Any:
        async with system.engines["notifier"].connect() as connection:
            query = sa.select(follow_ups).where(follow_ups.c.application_id == UUID(application_id))
            return (await connection.execute(query)).first()

    found = await eventually(row, lambda r: r is not None and r.follow_up_on == on)
    assert found.open
    assert not found.reminded
