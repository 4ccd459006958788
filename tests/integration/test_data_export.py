"""GET /users/me/export on the running system: a ZIP with everything of the caller's and
nothing of anyone else's."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from tests.support.api import assert_problem
from tests.support.applications import SAMPLE_RESUME, new_application, parsed_resume, patch
from tests.support.system import System


async def test_the_export_holds_resumes_applications_with_their_stages_and_events(
    system: System,
) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    resume_id = await parsed_resume(ada)
    created = await new_application(ada, resume_id)
    application_id = created["application_id"]
    moved = await patch(ada, f"/applications/{application_id}", {"status": "applied"})
    assert moved.status_code == 200, moved.text
    await new_application(bob, await parsed_resume(bob))

    response = await ada.get("/users/me/export")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert "jobtrail-export-" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"README.txt", "account.json", "applications.csv", "events.jsonl"} <= names

    account = json.loads(archive.read("account.json"))
    assert account["account"]["email"] == ada.email
    version = json.loads(archive.read(f"resumes/{resume_id}/v1.json"))
    assert version["basics"]["name"] == json.loads(SAMPLE_RESUME)["basics"]["name"]
    assert archive.read(f"resumes/{resume_id}/original.json") == SAMPLE_RESUME

    [row] = list(csv.DictReader(io.StringIO(archive.read("applications.csv").decode())))
    assert (row["application_id"], row["company"], row["status"]) == (
        application_id,
        "Initech",
        "applied",
    )
    history = list(csv.DictReader(io.StringIO(archive.read("application_history.csv").decode())))
    assert [(h["application_id"], h["stage"]) for h in history] == [
        (application_id, "saved"),
        (application_id, "applied"),
    ]
    assert all(h["date"] for h in history)

    events = [json.loads(line) for line in archive.read("events.jsonl").splitlines()]
    types = [event["type"] for event in events]
    assert {"UserRegistered", "ResumeUploaded", "ApplicationCreated"} <= set(types)
    assert all(event["owner_id"] == ada.user_id for event in events if event.get("owner_id"))
    everything = b"".join(archive.read(name) for name in names)
    assert bob.email.encode() not in everything
    assert b"password_hash" not in everything


async def test_the_export_needs_a_login(system: System) -> None:
    assert_problem(await system.api.get("/users/me/export"), 401, "unauthorized")
