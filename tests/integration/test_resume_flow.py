"""The first end-to-end flow, a behaviour a test: upload, parse, version, edit, accept,
audit, replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from jobtrail.gateway.readmodels import projection
from jobtrail.gateway.readmodels.audit import verify_chain
from jobtrail.gateway.readmodels.projection import READ_MODELS, ReadModels
from jobtrail.gateway.readmodels.projector import Projector, reset
from tests.support.documents import resume_docx, resume_pdf
from tests.support.readmodels import changed_rows, quiet_dump
from tests.support.system import Caller, System

DATA = Path(__file__).parents[1] / "data"
RESTORE = "UPDATE gateway.audit_log SET event = %s WHERE seq = %s"


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "sample.resume.json").read_text())
    return loaded


async def parsed_pdf(system: System) -> tuple[Caller, str, dict[str, Any]]:
    """A new user with a PDF resume parsed into version 1, and that version."""
    ada = await system.user("Ada")
    resume_id = await ada.upload("resume.pdf", resume_pdf(sample()))
    await ada.settled_resume(resume_id)
    first = (await ada.get(f"/resumes/{resume_id}/versions/1")).json()
    return ada, resume_id, first


def relabelled(version: dict[str, Any]) -> dict[str, Any]:
    document = version["resume"]
    return {**document, "basics": {**document["basics"], "label": "Staff Engineer"}}


async def edited_to_version_2(system: System) -> tuple[Caller, str, dict[str, Any]]:
    ada, resume_id, first = await parsed_pdf(system)
    saved = await ada.post(
        f"/resumes/{resume_id}/versions", json={"base_version": 1, "resume": relabelled(first)}
    )
    assert saved.status_code == 201, saved.text
    return ada, resume_id, saved.json()


async def test_pdf_and_docx_uploads_are_parsed_into_a_current_version_1(system: System) -> None:
    ada = await system.user("Ada")
    pdf_id = await ada.upload("resume.pdf", resume_pdf(sample()))
    docx_id = await ada.upload("resume.docx", resume_docx(sample()))
    for resume_id, kind in ((pdf_id, "pdf"), (docx_id, "docx")):
        parsed = await ada.settled_resume(resume_id)
        assert parsed["status"] == "parsed", parsed
        assert parsed["file_kind"] == kind
        assert parsed["current_version"] == 1


async def test_version_1_is_the_only_version_and_holds_the_files_name_and_email(
    system: System,
) -> None:
    ada, resume_id, first = await parsed_pdf(system)
    versions = (await ada.get(f"/resumes/{resume_id}/versions")).json()
    assert [(v["version"], v["source"], v["current"]) for v in versions] == [(1, "import", True)]
    assert first["resume"]["basics"]["name"] == sample()["basics"]["name"]
    assert first["resume"]["basics"]["email"] == sample()["basics"]["email"]


async def test_an_edit_on_the_current_version_is_version_2_and_current(system: System) -> None:
    _, _, saved = await edited_to_version_2(system)
    assert (saved["version"], saved["current"]) == (2, True)


async def test_an_edit_on_a_stale_base_is_refused_and_names_the_current_version(
    system: System,
) -> None:
    ada, resume_id, _ = await edited_to_version_2(system)
    first = (await ada.get(f"/resumes/{resume_id}/versions/1")).json()
    stale = await ada.post(
        f"/resumes/{resume_id}/versions", json={"base_version": 1, "resume": relabelled(first)}
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert "current version is 2" in stale.json()["detail"]


async def test_accepting_an_older_version_makes_it_current_again(system: System) -> None:
    ada, resume_id, _ = await edited_to_version_2(system)
    accepted = await ada.post(f"/resumes/{resume_id}/versions/1/accept")
    assert accepted.status_code == 200
    assert accepted.json()["current_version"] == 1
    versions = (await ada.get(f"/resumes/{resume_id}/versions")).json()
    assert [v["current"] for v in versions] == [True, False]


async def test_the_audit_trail_names_each_change_its_actor_and_its_diff(system: System) -> None:
    ada, resume_id, _ = await edited_to_version_2(system)
    trail = (await ada.get(f"/audit/{resume_id}")).json()["entries"]
    assert [e["type"] for e in trail] == [
        "ResumeUploaded", "ResumeParsed", "ResumeVersionCreated", "ResumeVersionAccepted",
        "ResumeVersionCreated", "ResumeVersionAccepted",
    ]  # fmt: skip
    assert trail[0]["actor"] == f"user:{ada.user_id}"
    assert trail[1]["actor"] == "service:resume"
    edit = trail[4]
    assert edit["actor"] == f"user:{ada.user_id}"
    assert [(c["path"], c["value"]) for c in edit["changes"]] == [
        ("/basics/label", "Staff Engineer")
    ]


async def test_a_user_edit_that_is_not_json_resume_is_refused_and_nothing_changes(
    system: System,
) -> None:
    ada = await system.user()
    resume_id = await ada.upload("resume.pdf", resume_pdf(sample()))
    await ada.settled_resume(resume_id)
    bad = await ada.post(
        f"/resumes/{resume_id}/versions",
        json={"base_version": 1, "resume": {"basics": {"email": 7}}},
    )
    assert bad.status_code == 422
    assert "$.basics.email" in bad.json()["detail"]
    assert len((await ada.get(f"/resumes/{resume_id}/versions")).json()) == 1


async def test_replay_rebuilds_identical_read_models(system: System) -> None:
    ada = await system.user()
    await ada.settled_resume(await ada.upload("resume.pdf", resume_pdf(sample())))
    engine = system.deps.engine
    for _ in range(20):  # background work (match scoring) may append meanwhile: try again
        before, position = await quiet_dump(system)
        await reset(engine, projection.NAME, READ_MODELS)
        async with engine.connect() as connection:
            assert (await connection.execute(sa.text("SELECT count(*) FROM gateway.users"))
                    ).scalar() == 0  # fmt: skip
        await Projector(engine, system.deps.events, ReadModels()).catch_up()
        after, again = await quiet_dump(system)
        if again == position:
            break
    else:
        raise AssertionError("the log never stood still long enough to compare")
    assert changed_rows(before, after) == {}


async def test_audit_verify_names_the_row_altered_behind_its_back(system: System) -> None:
    ada = await system.user()
    await ada.settled_resume(await ada.upload("resume.pdf", resume_pdf(sample())))
    assert (await verify_chain(system.deps.engine)).ok

    url = system.stack.database_url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(url, autocommit=True) as privileged:
        refused = _try(privileged, "UPDATE gateway.audit_log SET actor = 'mallory' WHERE seq = 1")
        assert "append-only" in refused
        seq, original = privileged.execute(
            "SELECT seq, event FROM gateway.audit_log ORDER BY seq DESC LIMIT 1 OFFSET 1"
        ).fetchone()  # type: ignore[misc]
        tampered = {**original, "actor": "user:mallory"}
        _bypassing_triggers(privileged, "UPDATE gateway.audit_log SET event = %s WHERE seq = %s",
                            (json.dumps(tampered), seq))  # fmt: skip
        try:
            report = await verify_chain(system.deps.engine)
            assert not report.ok
            assert report.first_broken_seq == seq
            assert "content does not match" in (report.reason or "")
        finally:
            _bypassing_triggers(privileged, RESTORE, (json.dumps(original), seq))
    assert (await verify_chain(system.deps.engine)).ok


def _try(connection: psycopg.Connection[Any], statement: str) -> str:
    try:
        connection.execute(statement)
    except psycopg.Error as error:
        return str(error)
    raise AssertionError(f"the database allowed: {statement}")


def _bypassing_triggers(
    connection: psycopg.Connection[Any], statement: str, params: tuple[Any, ...]
) -> None:
    with connection.transaction():
        connection.execute("SET LOCAL session_replication_role = replica")
        connection.execute(statement, params)
