"""GET /resumes/{id}/versions/{v}/parse-report: what parsing found, for its owner alone."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.support.documents import resume_pdf
from tests.support.system import System

DATA = Path(__file__).parents[1] / "data"
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / "sample.resume.json").read_text())
    return loaded


def at(document: Any, path: str) -> Any:
    """The value at a report path such as `work[0].highlights[1]`."""
    for key, index in _STEP.findall(path):
        document = document[int(index)] if index else document[key]
    return document


def leaves(value: Any, path: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leaves(v, f"{path}.{k}" if path else k)]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leaves(v, f"{path}[{i}]")]
    return [path]


async def test_a_parsed_upload_has_a_report_its_owner_alone_can_read(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await ada.upload("resume.pdf", resume_pdf(sample()))
    assert (await ada.settled_resume(resume_id))["status"] == "parsed"
    document = (await ada.get(f"/resumes/{resume_id}/versions/1")).json()["resume"]

    answer = await ada.get(f"/resumes/{resume_id}/versions/1/parse-report")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["resume_id"], body["version"], body["available"]) == (resume_id, 1, True)
    report = body["report"]
    assert report["parsed"] is True
    assert {"work", "education", "skills"} <= {s["name"] for s in report["sections"]}
    assert all(s["heading"] for s in report["sections"])

    confidence = report["confidence"]
    assert confidence.keys() == set(leaves(document))  # every field, and only fields
    assert all(0.0 <= value <= 1.0 for value in confidence.values())
    assert at(document, "basics.email") == sample()["basics"]["email"]
    assert report["unsure_below"] == 0.7
    threshold = report["unsure_below"]
    assert len(set(report["unsure"])) == len(report["unsure"])
    assert set(report["unsure"]) == {p for p, v in confidence.items() if v < threshold}
    assert isinstance(report["unplaced"], list)
    provenance = report["provenance"]
    assert provenance["parser"] == "local"
    assert provenance["file_kind"] == "pdf"
    assert provenance["parser_version"]
    assert provenance["llm"] is None
    assert provenance["ocr"] is None

    bob = await system.user("Bob")
    for caller, path in (
        (bob, f"/resumes/{resume_id}/versions/1/parse-report"),  # not his
        (ada, f"/resumes/{resume_id}/versions/2/parse-report"),  # no such version
    ):
        refused = await caller.get(path)
        assert refused.status_code == 404, refused.text
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "not_found"
    unknown = await ada.get(f"/resumes/{resume_id}/versions/2/parse-report")
    assert "no version 2" in unknown.json()["detail"]


async def test_a_json_resume_and_an_edit_say_why_they_have_no_parse(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await ada.upload("resume.json", json.dumps(sample()).encode())
    assert (await ada.settled_resume(resume_id))["status"] == "parsed"

    imported = (await ada.get(f"/resumes/{resume_id}/versions/1/parse-report")).json()
    assert imported["available"] is True
    assert imported["report"]["parsed"] is False
    assert imported["report"]["provenance"]["parser"] == "none"
    assert imported["report"]["confidence"] == {}
    assert "nothing was parsed" in imported["report"]["note"]

    edited = {**sample(), "basics": {**sample()["basics"], "label": "Staff Engineer"}}
    saved = await ada.post(
        f"/resumes/{resume_id}/versions", json={"base_version": 1, "resume": edited}
    )
    assert saved.status_code == 201, saved.text
    second = (await ada.get(f"/resumes/{resume_id}/versions/2/parse-report")).json()
    assert (second["available"], second["report"]) == (False, None)
    assert "edit" in second["reason"]
