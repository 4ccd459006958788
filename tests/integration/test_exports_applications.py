"""Exports of what an application was sent with: its resume version and cover letter."""

from __future__ import annotations

from uuid import UUID

from jobtrail.docstore import NewDocumentVersion
from jobtrail.events import uuid7
from jobtrail.resume.adapters.formats import extract_text
from tests.support.applications import new_application, parsed_resume
from tests.support.exports import download, settled_export
from tests.support.system import System


async def test_an_applications_resume_and_cover_letter_export_and_are_listed(
    system: System,
) -> None:
    ada = await system.user("Ada")
    resume_id = await parsed_resume(ada)
    letter_id = uuid7()
    await system.deps.documents.put(
        NewDocumentVersion(
            doc_id=letter_id, version=1, kind="cover_letter", source="ai",
            owner_id=UUID(ada.user_id),
            content={"body": "Dear team,\n\nPied Piper taught me to ship under pressure."},
        )
    )  # fmt: skip
    application = await new_application(ada, resume_id, cover_letter_id=str(letter_id))
    path = f"/applications/{application['application_id']}/exports"

    asked = [
        await ada.post(path, json={"document": "resume", "format": "docx"}),
        await ada.post(path, json={"document": "cover_letter", "template": "modern"}),
    ]
    assert [r.status_code for r in asked] == [202, 202], [r.text for r in asked]
    resume_export, letter_export = (r.json()["export_id"] for r in asked)
    for export_id in (resume_export, letter_export):
        assert (await settled_export(ada, export_id))["status"] == "ready"

    listed = (await ada.get(path)).json()
    assert [e["export_id"] for e in listed] == [letter_export, resume_export]
    assert {e["application_id"] for e in listed} == {application["application_id"]}
    assert (listed[1]["resume_id"], listed[1]["version"]) == (resume_id, 1)
    letter_text = extract_text(await download(ada, letter_export)).text
    assert "Pied Piper taught me to ship under pressure." in letter_text


async def test_an_application_without_a_cover_letter_exports_only_its_resume(
    system: System,
) -> None:
    ada = await system.user("Ada")
    application = await new_application(ada, await parsed_resume(ada))
    path = f"/applications/{application['application_id']}/exports"

    refused = await ada.post(path, json={"document": "cover_letter"})

    assert refused.status_code == 422
    assert "no cover letter" in refused.json()["detail"]


async def test_another_users_application_exports_are_never_visible(system: System) -> None:
    ada, eve = await system.user("Ada"), await system.user("Eve")
    application = await new_application(ada, await parsed_resume(ada))
    path = f"/applications/{application['application_id']}/exports"
    assert (await ada.post(path, json={})).status_code == 202

    assert (await eve.get(path)).status_code == 404
    assert (await eve.post(path, json={})).status_code == 404
