"""Files that cannot be a resume are accepted for upload, then rejected with a stable code and
a reason a job seeker can act on, and the resume service keeps running after each of them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support import bad_files, documents
from tests.support.system import System

DATA = Path(__file__).parents[1] / "data"


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "sample.resume.json").read_text())
    return loaded


def too_few_words() -> bytes:
    return b"Ada Lovelace\nProgrammer\nada@example.com\n"


# (file name, how to make it, the rejection code the resume service gives it)
BAD_FILES: list[tuple[str, Callable[[], bytes], str]] = [
    ("scanned.pdf", bad_files.scanned_pdf, "no_text_layer"),
    ("encrypted.pdf", lambda: bad_files.encrypted_pdf(sample()), "encrypted_pdf"),
    ("corrupt.pdf", bad_files.corrupt_pdf, "corrupt_pdf"),
    ("truncated.pdf", lambda: bad_files.truncated_pdf(sample()), "corrupt_pdf"),
    ("corrupt.docx", bad_files.corrupt_docx, "corrupt_docx"),
    ("zip-bomb.docx", bad_files.docx_zip_bomb, "docx_zip_bomb"),
    ("few-words.txt", too_few_words, "too_little_text"),
]


@pytest.mark.parametrize(
    ("filename", "make", "code"), [pytest.param(*case, id=case[0]) for case in BAD_FILES]
)
async def test_a_bad_file_ends_rejected_with_its_code_and_a_reason(
    system: System, filename: str, make: Callable[[], bytes], code: str
) -> None:
    ada = await system.user()
    resume_id = await ada.upload(filename, make())

    settled = await ada.settled_resume(resume_id)

    assert settled["status"] == "rejected", settled
    assert settled["rejection"]["code"] == code, settled["rejection"]
    assert len(settled["rejection"]["reason"]) > 20, settled["rejection"]
    assert (settled["current_version"], settled["latest_version"]) == (None, None)
    assert (await ada.get(f"/resumes/{resume_id}/versions")).json() == []
    trail = (await ada.get(f"/audit/{resume_id}")).json()["entries"]
    assert [(e["type"], e["actor"]) for e in trail] == [
        ("ResumeUploaded", f"user:{ada.user_id}"),
        ("ResumeRejected", "service:resume"),
    ]
    assert trail[1]["data"]["code"] == code


async def test_after_the_bad_files_a_good_pdf_still_parses_and_the_gateway_is_ready(
    system: System,
) -> None:
    ada = await system.user()
    resume_id = await ada.upload("resume.pdf", documents.resume_pdf(sample()))

    settled = await ada.settled_resume(resume_id)

    assert (settled["status"], settled["file_kind"], settled["current_version"]) == (
        "parsed", "pdf", 1,
    )  # fmt: skip
    version = (await ada.get(f"/resumes/{resume_id}/versions/1")).json()
    assert version["resume"]["basics"]["name"] == sample()["basics"]["name"]
    ready = await system.api.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert set(ready.json()["checks"].values()) == {"ok"}
