"""A photo or scan of a resume goes through the gateway and comes out parsed, read by OCR."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.documents import resume_pdf
from tests.support.scans import encoded, raster_pages
from tests.support.system import System

DATA = Path(__file__).parents[1] / "data"
# Polling bound only (OCR of a page takes seconds, more on a busy machine); not a speed check.
SETTLE_SECONDS = 180.0


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "sample.resume.json").read_text())
    return loaded


@pytest.mark.timeout(SETTLE_SECONDS + 120)
async def test_a_png_scan_uploaded_through_the_gateway_is_parsed(system: System) -> None:
    ada = await system.user()
    resume = sample()
    page = raster_pages(resume_pdf(resume), 150)[0]
    scan = encoded(page)  # the first page: name, contacts, profile, the first job

    resume_id = await ada.upload("my resume.png", scan)
    settled = await ada.settled_resume(resume_id, timeout=SETTLE_SECONDS)

    assert settled["status"] == "parsed", settled
    assert (settled["media_type"], settled["file_kind"]) == ("image/png", "image")
    version = (await ada.get(f"/resumes/{resume_id}/versions/1")).json()["resume"]
    assert version["basics"]["name"] == resume["basics"]["name"]
    assert version["basics"]["email"] == resume["basics"]["email"]
    assert version["work"][0]["position"] == resume["work"][0]["position"]
    assert version["work"][0]["startDate"] == resume["work"][0]["startDate"][:7]
