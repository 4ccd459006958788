"""The first end-to-end flow: register, upload, parse, version, edit, accept, audit, replay."""

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
from tests.support.system import System

DATA = Path(__file__).parents[1] / "data"
RESTORE = "UPDATE gateway.audit_log SET event = %s WHERE seq = %s"


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "sample.resume.json").read_text())
    return loaded


async def test_a_resume_goes_from_upload_to_audited_versions(system: System) -> None:
    ada = await system.user("Ada")
    resume = sample()

    pdf_id = await ada.upload("resume.pdf", resume_pdf(resume))
    docx_id = await ada.upload("resume.docx", resume_docx(resume))
    for resume_id, kind in ((pdf_id, "pdf"), (docx_id, "docx")):
        parsed = await ada.settled_resume(resume_id)
        assert parsed["status"] == "parsed", parsed
        assert parsed["file_kind"] == kind
        assert parsed["current_version"] == 1

    versions = (await ada.get(f"/resumes/{pdf_id}/versions")).json()
    assert [(v["version"], v["source"], v["current"]) for v in versions] == [(1, "import", True)]
    first = (await ada.get(f"/resumes/{pdf_id}/versions/1")).json()
    assert first["resume"]["basics"]["name"] == resume["basics"]["name"]
    assert first["resume"]["basics"]["email"] == resume["basics"]["email"]

    edited = {**first["resume"], "basics": {**first["resume"]["basics"], "label": "Staff Engineer"}}
    saved = await ada.post(
        f"/resumes/{pdf_id}/versions", json={"base_version": 1, "resume": edited}
    )
    assert saved.status_code == 201, saved.text
    assert (saved.json()["version"], saved.json()["current"]) == (2, True)

    stale = await ada.post(
        f"/resumes/{pdf_id}/versions", json={"base_version": 1, "resume": edited}
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert "current version is 2" in stale.json()["detail"]

    accepted = await ada.post(f"/resumes/{pdf_id}/versions/1/accept")
    assert accepted.status_code == 200
    assert accepted.json()["current_version"] == 1
    assert [v["current"] for v in (await ada.get(f"/resumes/{pdf_id}/versions")).json()] == [
        True,
        False,
    ]

    trail = (await ada.get(f"/audit/{pdf_id}")).json()["entries"]
    assert [e["type"] for e in trail] == [
        "ResumeUploaded", "ResumeParsed", "ResumeVersionCreated", "ResumeVersionAccepted",
        "ResumeVersionCreated", "ResumeVersionAccepted", "ResumeVersionAccepted",
    ]  # fmt: skip
    edit_entry = trail[4]
    assert edit_entry["actor"] == f"user:{ada.user_id}"
    assert [(c["path"], c["value"]) for c in edit_entry["changes"]] == [
        ("/basics/label", "Staff Engineer")
    ]
    assert trail[0]["actor"] == f"user:{ada.user_id}"
    assert trail[1]["actor"] == "service:resume"


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
    before = await _dump(engine)

    await reset(engine, projection.NAME, READ_MODELS)
    assert (await _dump(engine))["users"] == []
    await Projector(engine, system.deps.events, ReadModels()).catch_up()

    assert await _dump(engine) == before


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


async def _dump(engine: sa.ext.asyncio.AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    dump = {}
    async with engine.connect() as connection:
        for table in READ_MODELS:
            ordered = sa.select(table).order_by(*table.primary_key.columns)
            dump[table.name] = [tuple(row) for row in await connection.execute(ordered)]
    return dump
