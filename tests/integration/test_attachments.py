"""Attachments on the running system: versions by name, types by content, owners only."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx

from tests.support.applications import new_application, parsed_resume
from tests.support.documents import resume_pdf
from tests.support.system import Caller, System

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(64))


async def attach(
    caller: Caller, target_type: str, target_id: str, filename: str, data: bytes
) -> httpx.Response:
    return await caller.post(
        "/attachments",
        data={"target_type": target_type, "target_id": target_id},
        files={"file": (filename, data)},
    )


async def downloaded(caller: Caller, attachment_id: str, **params: Any) -> bytes:
    link = await caller.get(f"/attachments/{attachment_id}/download", params=params)
    assert link.status_code == 200, link.text
    # The link needs no login (like a presigned URL); the gateway opens the sealed file.
    file = await caller.api.get(link.json()["url"])
    assert file.status_code == 200, file.text
    return file.content


async def test_the_same_name_again_is_a_new_version_and_both_stay_downloadable(
    system: System,
) -> None:
    ada = await system.user()
    application = await new_application(ada, await parsed_resume(ada))
    target = application["application_id"]
    first_bytes = b"Offer letter, first draft\n"
    second_bytes = b"Offer letter, signed\n" + uuid4().bytes.hex().encode()
    first = await attach(ada, "application", target, "offer.txt", first_bytes)
    second = await attach(ada, "application", target, "offer.txt", second_bytes)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json()["attachment_id"] == second.json()["attachment_id"]
    attachment_id = second.json()["attachment_id"]
    shown = (await ada.get(f"/attachments/{attachment_id}")).json()
    assert shown["latest_version"] == 2
    assert [(v["version"], v["size"]) for v in shown["versions"]] == [
        (1, len(first_bytes)), (2, len(second_bytes)),
    ]  # fmt: skip
    assert await downloaded(ada, attachment_id, version=1) == first_bytes
    assert await downloaded(ada, attachment_id, version=2) == second_bytes
    assert await downloaded(ada, attachment_id) == second_bytes
    missing = await ada.get(f"/attachments/{attachment_id}/download", params={"version": 3})
    assert missing.status_code == 404


async def test_another_name_on_the_same_target_is_another_attachment(system: System) -> None:
    ada = await system.user()
    resume_id = await parsed_resume(ada)
    one = await attach(ada, "resume", resume_id, "a.txt", b"one")
    two = await attach(ada, "resume", resume_id, "b.txt", b"two")
    assert one.json()["attachment_id"] != two.json()["attachment_id"]
    assert (one.json()["latest_version"], two.json()["latest_version"]) == (1, 1)
    listed = await ada.get("/attachments", params={"target_type": "resume", "target_id": resume_id})
    assert [a["filename"] for a in listed.json()] == ["a.txt", "b.txt"]


async def test_the_type_is_decided_by_the_content_not_the_name(system: System) -> None:
    ada = await system.user()
    resume_id = await parsed_resume(ada)
    cases = {"photo.pdf": PNG, "scan.png": JPEG, "cv.txt": resume_pdf({"basics": {"name": "A"}})}
    types = {}
    for name, data in cases.items():
        response = await attach(ada, "resume", resume_id, name, data)
        assert response.status_code == 201, response.text
        attachment = response.json()
        types[name] = attachment["versions"][-1]["media_type"]
    assert types == {
        "photo.pdf": "image/png",
        "scan.png": "image/jpeg",
        "cv.txt": "application/pdf",
    }


async def test_unsupported_types_empty_and_oversized_files_are_refused(system: System) -> None:
    ada = await system.user()
    resume_id = await parsed_resume(ada)
    gif = await attach(ada, "resume", resume_id, "x.gif", b"GIF89a\x01\x00\x01\x00\x00\xff\x00")
    assert gif.status_code == 415, gif.text
    assert "accepted" in gif.json()["detail"]
    empty = await attach(ada, "resume", resume_id, "e.txt", b"")
    assert empty.status_code == 422, empty.text
    too_big = await attach(ada, "resume", resume_id, "big.txt", b"a" * (2 * 1024 * 1024 + 1))
    assert too_big.status_code == 413, too_big.text
    bad_target = await attach(ada, "profile", resume_id, "x.txt", b"x")
    assert bad_target.status_code == 422


async def test_another_users_attachments_and_targets_are_never_visible(system: System) -> None:
    ada, eve = await system.user("Ada"), await system.user("Eve")
    application = await new_application(ada, await parsed_resume(ada))
    target = application["application_id"]
    mine = await attach(ada, "application", target, "notes.txt", b"private")
    attachment_id = mine.json()["attachment_id"]
    assert (await eve.get(f"/attachments/{attachment_id}")).status_code == 404
    assert (await eve.get(f"/attachments/{attachment_id}/download")).status_code == 404
    onto_theirs = await attach(eve, "application", target, "notes.txt", b"overwrite?")
    assert onto_theirs.status_code == 404, onto_theirs.text
    listed = await eve.get(
        "/attachments", params={"target_type": "application", "target_id": target}
    )
    assert listed.status_code == 404
    assert (await ada.get(f"/attachments/{attachment_id}")).json()["latest_version"] == 1
