"""Resumes rendered to text, Markdown, PDF and DOCX read back to what was written.

The fake corpus holds names, emails, locations and jobs but no phones, schools or skills;
each resume is completed with some picked deterministically from small pools, so every
field the parser must recover is present in every document.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from jobtrail.resume.adapters.formats import extract_text
from jobtrail.resume.domain.parsing import parse_resume, validate_json_resume
from tests.support.documents import (
    photo_png,
    resume_docx,
    resume_markdown,
    resume_pdf,
    resume_text,
)

DATA = Path(__file__).resolve().parents[4] / "tests" / "data"
CORPUS = sorted((DATA / "jsonresume-fake").glob("*.json"))
BAR = 0.95

RENDERERS: Mapping[str, Callable[[Mapping[str, Any]], bytes]] = {
    "txt": lambda resume: resume_text(resume).encode(),
    "markdown": lambda resume: resume_markdown(resume).encode(),
    "pdf": resume_pdf,
    "docx": resume_docx,
}

PHONES = ("(912) 555-4321", "+1 415 555 0199", "+44 20 7946 0958", "555-123-4567", "+49 30 1234567")
SCHOOLS = (
    ("Stanford University", "Master", "Computer Science"),
    ("University of Toronto", "Bachelor of Science", "Mathematics"),
    ("Georgia Institute of Technology", "Bachelor", "Electrical Engineering"),
    ("Delft University of Technology", "MSc", "Embedded Systems"),
    ("Boston College", "Bachelor of Arts", "Economics"),
    ("Indian Institute of Technology Bombay", "B.Tech", "Computer Science"),
    ("Universidad de Buenos Aires", "Licenciatura", "Physics"),
)
SKILLS = (
    ("Programming Languages", ("Python", "Go", "TypeScript")),
    ("Databases", ("PostgreSQL", "MongoDB", "Redis")),
    ("Cloud", ("AWS", "Kubernetes", "Terraform")),
    ("Frontend", ("React", "CSS", "HTML")),
    ("Data", ("Pandas", "Spark", "SQL")),
)
FIELDS = (
    "name",
    "email",
    "phone",
    "employer",
    "position",
    "startDate",
    "endDate",
    "institution",
    "skill",
)


def completed(resume: dict[str, Any], key: str) -> dict[str, Any]:
    """The resume with a phone, a profile, schools and skills picked by `key`."""
    pick = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    full = copy.deepcopy(resume)
    basics = full.setdefault("basics", {})
    basics.setdefault("phone", PHONES[pick % len(PHONES)])
    slug = key.removesuffix(".json")
    basics.setdefault("profiles", [{"url": f"https://www.linkedin.com/in/{slug}"}])
    if not full.get("education"):
        full["education"] = [
            _school(SCHOOLS[(pick >> n) % len(SCHOOLS)], 2006 + 4 * n) for n in (0, 1)
        ][: 1 + pick % 2]
    if not full.get("skills"):
        picked = {SKILLS[(pick >> n) % len(SKILLS)] for n in range(3)}
        full["skills"] = [{"name": name, "keywords": list(words)} for name, words in picked]
    return full


def _school(school: tuple[str, str, str], start: int) -> dict[str, str]:
    institution, study_type, area = school
    return {
        "institution": institution,
        "studyType": study_type,
        "area": area,
        "startDate": f"{start}-09",
        "endDate": f"{start + 4}-06",
    }


def corpus() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every copied fake resume, completed, then the JSON Resume sample as it is."""
    for path in CORPUS:
        yield path.name, completed(json.loads(path.read_text(encoding="utf-8")), path.name)
    yield "sample.resume.json", json.loads((DATA / "sample.resume.json").read_text())


def month(iso: str | None) -> str | None:
    """Resumes print dates to the month, so that is what a round trip can recover."""
    return iso[:7] if iso else None


def comparisons(
    expected: Mapping[str, Any], parsed: Mapping[str, Any]
) -> Iterator[tuple[str, bool]]:
    """(field, recovered?) for every checked value of one resume."""
    want, got = expected.get("basics", {}), parsed.get("basics", {})
    for key in ("name", "email", "phone"):
        if want.get(key):
            yield key, got.get(key) == want[key]
    parsed_work = parsed.get("work", [])
    for index, job in enumerate(expected.get("work", [])):
        found = parsed_work[index] if index < len(parsed_work) else {}
        employer = job.get("name") or job.get("company") or None
        # "Acme, Sydney" is read as the employer and its location: both are recovered.
        placed = ", ".join(filter(None, (found.get("name"), found.get("location"))))
        yield "employer", employer in (found.get("name"), placed or None)
        yield "position", found.get("position") == job.get("position")
        yield "startDate", found.get("startDate") == month(job.get("startDate"))
        yield "endDate", found.get("endDate") == month(job.get("endDate"))
    parsed_schools = [school.get("institution") for school in parsed.get("education", [])]
    for school in expected.get("education", []):
        yield "institution", school["institution"] in parsed_schools
    parsed_skills = {skill.get("name"): skill.get("keywords") for skill in parsed.get("skills", [])}
    for skill in expected.get("skills", []):
        yield "skill", parsed_skills.get(skill["name"], ()) == skill.get("keywords")


def source_values(parsed: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, value) of the parsed fields that must be copied verbatim from the text."""
    basics = parsed.get("basics", {})
    for key in ("name", "label", "email", "phone"):
        if key in basics:
            yield f"basics.{key}", basics[key]
    for section, keys in (
        ("work", ("name", "position", "location")),
        ("education", ("institution", "area", "studyType", "score")),
        ("projects", ("name",)),
        ("awards", ("title", "awarder")),
        ("certificates", ("name", "issuer")),
        ("publications", ("name", "publisher")),
        ("languages", ("language", "fluency")),
        ("references", ("name",)),
    ):
        for index, item in enumerate(parsed.get(section, [])):
            for key in keys:
                if key in item:
                    yield f"{section}[{index}].{key}", item[key]
            for keyword in item.get("highlights", []):
                yield f"{section}[{index}].highlights[]", keyword
    for index, skill in enumerate(parsed.get("skills", [])):
        for value in [skill["name"], *skill.get("keywords", [])]:
            yield f"skills[{index}]", value


@pytest.fixture(scope="module")
def round_trips() -> list[tuple[str, str, dict[str, Any], str, dict[str, Any]]]:
    """(resume, format, expected, extracted text, parsed) for the whole corpus."""
    trips = []
    for name, resume in corpus():
        for kind, render in RENDERERS.items():
            text = extract_text(render(resume)).text
            trips.append((name, kind, resume, text, parse_resume(text)))
    return trips


def test_corpus_is_copied_with_its_licence() -> None:
    assert len(CORPUS) >= 25
    assert (DATA / "jsonresume-fake" / "LICENSE").is_file()


def test_every_field_is_recovered_from_every_format(round_trips: list[Any]) -> None:
    tally: dict[tuple[str, str], list[bool]] = defaultdict(list)
    misses: list[str] = []
    for name, kind, expected, _, parsed in round_trips:
        for field, ok in comparisons(expected, parsed):
            tally[field, kind].append(ok)
            if not ok:
                misses.append(f"{kind:8} {name:32} {field}")
    accuracy = {key: sum(oks) / len(oks) for key, oks in tally.items()}
    _print_table(accuracy, tally)
    print("\n".join(["misses:", *misses]))
    low = {key: round(value, 3) for key, value in accuracy.items() if value < BAR}
    assert not low, f"fields below {BAR}: {low}"


def test_parsed_documents_are_valid_json_resume(round_trips: list[Any]) -> None:
    invalid = {
        (name, kind): errors
        for name, kind, _, _, parsed in round_trips
        if (errors := validate_json_resume(parsed))
    }
    assert not invalid


def test_nothing_is_invented(round_trips: list[Any]) -> None:
    invented = [
        f"{kind} {name} {path}: {value!r}"
        for name, kind, _, text, parsed in round_trips
        for path, value in source_values(parsed)
        if value not in text
    ]
    assert not invented


@pytest.mark.parametrize(
    ("jobs", "photo"), [(1, photo_png(side=230)), (90, None)], ids=["photo", "long"]
)
def test_a_200_kib_pdf_is_read_quickly(jobs: int, photo: bytes | None) -> None:
    """Measured, not asserted: timings belong in reports, not in flaky tests."""
    resume = json.loads((DATA / "sample.resume.json").read_text())
    resume["work"] = [{**resume["work"][0], "name": f"Pied Piper {n}"} for n in range(jobs)]
    pdf = resume_pdf(resume, photo=photo)
    started = time.perf_counter()
    extracted = extract_text(pdf)
    extracted_at = time.perf_counter()
    parsed = parse_resume(extracted.text)
    parsed_at = time.perf_counter()
    print(
        f"\n{len(pdf) / 1024:.0f} KiB, {extracted.pages} pages: extract "
        f"{extracted_at - started:.3f} s, parse {parsed_at - extracted_at:.3f} s"
    )
    assert len(pdf) > 190_000
    assert [job["name"] for job in parsed["work"]] == [job["name"] for job in resume["work"]]


def _print_table(
    accuracy: Mapping[tuple[str, str], float], tally: Mapping[Any, list[bool]]
) -> None:
    kinds = list(RENDERERS)
    print(f"\n{'field':12}" + "".join(f"{kind:>10}" for kind in kinds) + f"{'n':>6}")
    for field in FIELDS:
        row = "".join(f"{accuracy.get((field, kind), float('nan')):>10.3f}" for kind in kinds)
        print(f"{field:12}{row}{len(tally.get((field, kinds[0]), [])):>6}")
