"""Exports end to end: request → the exporter renders → S3 → ExportReady → download."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from jobtrail.docstore import NewDocumentVersion
from jobtrail.eventlog import AggregateHistory
from jobtrail.events import EventContext, uuid7
from jobtrail.events.exports import ExportRequested
from jobtrail.resume.adapters.formats import extract_text
from jobtrail.resume.domain.parsing import parse_resume
from tests.support.exports import download, settled_export
from tests.support.system import Caller, System

DATA = Path(__file__).parents[1] / "data"
CYRILLIC = "Анна Кузнецова"
CHINESE = "王小明"


def sample(name: str | None = None) -> dict[str, Any]:
    resume: dict[str, Any] = json.loads((DATA / "sample.resume.json").read_text("utf-8"))
    if name:
        resume["basics"]["name"] = name
    return resume


async def parsed_resume(caller: Caller, resume: dict[str, Any]) -> str:
    """A resume uploaded as JSON Resume, with `resume` saved as its version 2."""
    resume_id = await caller.upload("resume.json", json.dumps(resume).encode())
    assert (await caller.settled_resume(resume_id))["status"] == "parsed"
    saved = await caller.post(
        f"/resumes/{resume_id}/versions", json={"base_version": 1, "resume": resume}
    )
    assert saved.status_code == 201, saved.text
    return resume_id


async def export(caller: Caller, resume_id: str, version: int, **body: Any) -> str:
    response = await caller.post(f"/resumes/{resume_id}/versions/{version}/exports", json=body)
    assert response.status_code == 202, response.text
    return str(response.json()["export_id"])


@pytest.mark.parametrize(
    ("fmt", "template", "name"),
    [("pdf", "classic", CYRILLIC), ("pdf", "modern", CHINESE),
     ("docx", "classic", CHINESE), ("docx", "modern", CYRILLIC)],
)  # fmt: skip
async def test_an_exported_resume_downloads_and_parses_back(
    system: System, fmt: str, template: str, name: str
) -> None:
    ada = await system.user("Ada")
    resume = sample(name)
    resume_id = await parsed_resume(ada, resume)

    export_id = await export(ada, resume_id, 2, format=fmt, template=template)
    done = await settled_export(ada, export_id)

    assert done["status"] == "ready", done
    assert (done["format"], done["template"], done["version"]) == (fmt, template, 2)
    assert done["filename"].endswith(f"resume-v2.{fmt}")
    data = await download(ada, export_id)
    assert hashlib.sha256(data).hexdigest() == done["sha256"]
    assert len(data) == done["size"]
    parsed = parse_resume(extract_text(data).text)
    assert parsed["basics"]["name"] == name
    assert parsed["basics"]["email"] == resume["basics"]["email"]
    assert parsed["basics"]["phone"] == resume["basics"]["phone"]
    assert [(w["name"], w["position"], w["startDate"]) for w in parsed["work"]] == [
        (w["name"], w["position"], w["startDate"][:7]) for w in resume["work"]
    ]
    assert [(s["name"], s["keywords"]) for s in parsed["skills"]] == [
        (s["name"], s["keywords"]) for s in resume["skills"]
    ]


async def test_export_events_are_owned_and_named_for_notifications(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await parsed_resume(ada, sample())
    export_id = await export(ada, resume_id, 2)
    await settled_export(ada, export_id)

    history = await system.deps.events.load("export", UUID(export_id))
    envelopes = [e.envelope for e in history.events]
    assert [e.type for e in envelopes] == ["ExportRequested", "ExportReady"]
    assert {str(e.owner_id) for e in envelopes} == {ada.user_id}
    ready = envelopes[1].data
    assert ready["document"] == "resume"
    # Stored sealed with Ada's key: the object's name is the hash of what S3 holds, and the
    # event's sha256 is that of the file she downloads.
    assert ready["file_key"].startswith("sha256/")
    assert ready["file_key"] != f"sha256/{ready['sha256']}"
    assert hashlib.sha256(await download(ada, export_id)).hexdigest() == ready["sha256"]
    assert envelopes[1].causation_id == str(envelopes[0].event_id)


async def test_a_cover_letter_exports_with_the_resume_letterhead(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await parsed_resume(ada, sample(CYRILLIC))
    letter_id = uuid7()
    await system.deps.documents.put(
        NewDocumentVersion(
            doc_id=letter_id, version=1, kind="cover_letter", source="ai",
            owner_id=UUID(ada.user_id),
            content={"greeting": "Dear Hooli team,", "company": "Hooli",
                     "paragraphs": ["I have compressed everything worth compressing."]},
        )
    )  # fmt: skip

    export_id = await export(
        ada, resume_id, 2, document="cover_letter", cover_letter_id=str(letter_id), format="pdf"
    )
    done = await settled_export(ada, export_id)

    assert done["status"] == "ready", done
    assert done["document"] == "cover_letter"
    assert done["filename"].endswith("cover-letter-v1.pdf")
    text = extract_text(await download(ada, export_id)).text
    for expected in (CYRILLIC, "Dear Hooli team,", "I have compressed everything"):
        assert expected in text


async def test_a_version_exports_as_json_resume(system: System) -> None:
    ada = await system.user("Ada")
    resume = sample()
    resume_id = await parsed_resume(ada, resume)

    response = await ada.get(f"/resumes/{resume_id}/versions/2/jsonresume")

    assert response.status_code == 200
    assert response.json() == resume
    assert "attachment" in response.headers["content-disposition"]


async def test_requests_that_cannot_render_are_refused_with_what_to_do(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await parsed_resume(ada, sample())
    path = f"/resumes/{resume_id}/versions"

    unknown = await ada.post(f"{path}/2/exports", json={"template": "fancy"})
    assert unknown.status_code == 422
    assert "'classic' or 'modern'" in unknown.json()["detail"]  # the choices, named
    no_letter = await ada.post(f"{path}/2/exports", json={"document": "cover_letter"})
    assert no_letter.status_code == 422
    assert "cover_letter_id" in no_letter.json()["detail"]
    not_mine = await ada.post(
        f"{path}/2/exports", json={"document": "cover_letter", "cover_letter_id": str(uuid7())}
    )
    assert not_mine.status_code == 422
    missing = await ada.post(f"{path}/9/exports", json={})
    assert missing.status_code == 404
    assert "versions are 1, 2" in missing.json()["detail"]
    bad_format = await ada.post(f"{path}/2/exports", json={"format": "odt"})
    assert bad_format.status_code == 422


async def test_an_export_that_cannot_render_fails_with_a_reason(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await parsed_resume(ada, sample())
    export_id = uuid7()
    # A request naming a version that was never stored (the gateway would refuse it).
    request = ExportRequested(
        export_id=export_id, user_id=UUID(ada.user_id), resume_id=UUID(resume_id), version=7,
        document="resume", format="pdf", template="classic",
    )  # fmt: skip
    context = EventContext(actor=f"user:{ada.user_id}", correlation_id="export-gone",
                           owner_id=UUID(ada.user_id))  # fmt: skip
    history = AggregateHistory("export", str(export_id))
    await system.deps.settled(await system.deps.events.append(history, [request], context))

    done = await settled_export(ada, str(export_id))

    assert done["status"] == "failed"
    assert "gone" in done["reason"]
    refused = await ada.get(f"/exports/{export_id}/download")
    assert refused.status_code == 409
    assert "failed" in refused.json()["detail"]


async def test_another_users_exports_are_never_visible(system: System) -> None:
    ada, eve = await system.user("Ada"), await system.user("Eve")
    resume_id = await parsed_resume(ada, sample())
    export_id = await export(ada, resume_id, 2)
    await settled_export(ada, export_id)

    assert (await eve.get(f"/exports/{export_id}")).status_code == 404
    assert (await eve.get(f"/exports/{export_id}/download")).status_code == 404
    assert (await eve.post(f"/resumes/{resume_id}/versions/2/exports", json={})).status_code == 404
    assert (await eve.get(f"/resumes/{resume_id}/versions/2/jsonresume")).status_code == 404
