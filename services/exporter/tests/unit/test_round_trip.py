"""Exported PDFs and DOCX files read back by the resume service's parser to what was exported.

The resume service is imported here, in a test only: the exporter itself never imports it.
The fake corpus has names, emails, locations and jobs but no phones or skills; each sample
is completed with some picked deterministically, so every checked field is present.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jobtrail.exporter.render import TEMPLATES, render_resume
from jobtrail.resume.adapters.formats import extract_text
from jobtrail.resume.domain.parsing import parse_resume

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"
SAMPLES = sorted((DATA / "jsonresume-fake").glob("*.json"))[:6]
PHONES = ("(912) 555-4321", "+1 415 555 0199", "+44 20 7946 0958", "555-123-4567")
SKILLS = (
    ("Programming Languages", ["Python", "Go", "TypeScript"]),
    ("Databases", ["PostgreSQL", "MongoDB", "Redis"]),
    ("Cloud", ["AWS", "Kubernetes", "Terraform"]),
)


def completed(resume: dict[str, Any], key: str) -> dict[str, Any]:
    pick = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    full = copy.deepcopy(resume)
    full["basics"].setdefault("phone", PHONES[pick % len(PHONES)])
    if not full.get("skills"):
        full["skills"] = [{"name": n, "keywords": list(k)} for n, k in SKILLS[: 1 + pick % 3]]
    return full


def samples() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in SAMPLES:
        yield path.stem, completed(json.loads(path.read_text(encoding="utf-8")), path.name)
    yield "sample", json.loads((DATA / "sample.resume.json").read_text(encoding="utf-8"))


def month(iso: str | None) -> str | None:
    return iso[:7] if iso else None


def misses(expected: dict[str, Any], parsed: dict[str, Any]) -> list[str]:
    """What the parser did not recover: name, contacts, employers, titles, dates, skills."""
    out = []
    want, got = expected["basics"], parsed.get("basics", {})
    for key in ("name", "email", "phone"):
        if want.get(key) and got.get(key) != want[key]:
            out.append(f"basics.{key}: {got.get(key)!r} != {want[key]!r}")
    jobs = parsed.get("work", [])
    for index, job in enumerate(expected.get("work", [])):
        found = jobs[index] if index < len(jobs) else {}
        for key, value in (
            ("name", job.get("name") or job.get("company") or None),
            ("position", job.get("position")),
            ("startDate", month(job.get("startDate"))),
            ("endDate", month(job.get("endDate"))),
        ):
            # "Acme, Sydney" may be read as the employer and its location: both recovered.
            placed = ", ".join(filter(None, (found.get("name"), found.get("location"))))
            if found.get(key) != value and not (key == "name" and placed == value):
                out.append(f"work[{index}].{key}: {found.get(key)!r} != {value!r}")
    skills = {s.get("name"): s.get("keywords") for s in parsed.get("skills", [])}
    for skill in expected.get("skills", []):
        name = f"{skill['name']} ({skill['level']})" if skill.get("level") else skill["name"]
        if skills.get(name, skills.get(skill["name"])) != skill.get("keywords"):
            out.append(f"skill {skill['name']}: {skills}")
    return out


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_parser_recovers_what_was_exported(fmt: str, template: str) -> None:
    failures = {}
    for name, resume in samples():
        rendered = render_resume(resume, fmt, template, 1)  # type: ignore[arg-type]
        parsed = parse_resume(extract_text(rendered.data).text)
        if missed := misses(resume, parsed):
            failures[name] = missed
    assert not failures, json.dumps(failures, indent=1, ensure_ascii=False)
