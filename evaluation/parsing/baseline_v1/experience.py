"""Work, volunteering, education and projects: entries with a role, a place and dates."""

from __future__ import annotations

import re
from typing import Any

from evaluation.parsing.baseline_v1 import lexicon
from evaluation.parsing.baseline_v1.contacts import URL, absolute, parse_location
from evaluation.parsing.baseline_v1.dates import Dates
from evaluation.parsing.baseline_v1.entries import Block, Header, blocks, header_of
from evaluation.parsing.baseline_v1.lines import Line

_AT = re.compile(r"^(?P<role>.+?)\s+(?:at|@)\s+(?P<place>\S.*)$")
_SCORE = re.compile(
    r"\b(?:c?gpa|grade|score|gpa/cgpa)\b\s*[:=-]?\s*(?P<score>[\w.]+(?:\s*/\s*[\d.]+)?)",
    re.IGNORECASE,
)
_KEYWORDS = re.compile(
    r"^(?:technologies|tech stack|stack|tools|keywords|built with|skills)\s*:\s*(?P<list>.+)$",
    re.IGNORECASE,
)


def work(lines: list[Line]) -> list[dict[str, Any]]:
    """Jobs: company as `name`, position, dates, summary and highlights."""
    return [item for block in blocks(lines) if (item := _role_item(block, "name"))]


def volunteer(lines: list[Line]) -> list[dict[str, Any]]:
    """Volunteering: like jobs, with the organisation as `organization`."""
    return [item for block in blocks(lines) if (item := _role_item(block, "organization"))]


def education(lines: list[Line]) -> list[dict[str, Any]]:
    """Degrees: institution, area, studyType, dates, score and courses."""
    return [item for block in blocks(lines) if (item := _education_item(block))]


def projects(lines: list[Line]) -> list[dict[str, Any]]:
    """Projects: name, description, keywords, dates, url and highlights."""
    return [item for block in blocks(lines) if (item := _project_item(block))]


def date_fields(dates: Dates | None, single: str = "startDate") -> dict[str, str]:
    """startDate/endDate of a range; a lone date goes to `single`."""
    if dates is None or dates.start is None:
        return {}
    if dates.single:
        return {single: dates.start}
    return {"startDate": dates.start} | ({"endDate": dates.end} if dates.end else {})


def _role_item(block: Block, organisation_key: str) -> dict[str, Any]:
    header = header_of(block)
    rest, extras = _set_aside_places(header)
    if len(rest) == 1:
        rest = _split_role(rest[0])
    item: dict[str, Any] = _role_and_organisation(rest, organisation_key) if rest else {}
    if not item:
        return {}
    item |= extras | date_fields(header.dates)
    if block.body:
        item["summary"] = " ".join(block.body)
    if block.bullets:
        item["highlights"] = list(block.bullets)
    return item


def _set_aside_places(header: Header) -> tuple[list[str], dict[str, str]]:
    """Take URLs and locations out of the header fragments."""
    rest: list[str] = []
    extras: dict[str, str] = {}
    for fragment in header.fragments:
        if URL.fullmatch(fragment):
            extras.setdefault("url", absolute(fragment))
        elif parse_location(fragment) and rest:
            extras.setdefault("location", fragment)
        else:
            rest.append(fragment)
    return rest, extras


def _split_role(fragment: str) -> list[str]:
    """Split "Engineer at Acme" or "Engineer, Acme Corp" into role and organisation."""
    if match := _AT.match(fragment):
        return [match["role"], match["place"]]
    role, comma, place = fragment.rpartition(", ")
    if comma and lexicon.title_score(role) > 0 and lexicon.title_score(place) < 0:
        return [role, place]
    return [fragment]


def _role_and_organisation(rest: list[str], organisation_key: str) -> dict[str, str]:
    """The fragment that reads more like a job title is the position; ties go to the first."""
    if len(rest) == 1:
        key = organisation_key if lexicon.title_score(rest[0]) < 0 else "position"
        return {key: rest[0]}
    first, second = rest[0], rest[1]
    if lexicon.title_score(second) > lexicon.title_score(first):
        first, second = second, first
    return {"position": first, organisation_key: second}


def _education_item(block: Block) -> dict[str, Any]:
    header = header_of(block)
    rest, extras = _set_aside_places(header)
    if len(rest) == 1 and ", " in rest[0]:
        parts = rest[0].split(", ")
        rest = parts if any(lexicon.degree(part) for part in parts) else rest
    item: dict[str, Any] = _school_and_degree(rest)
    if not item:
        return {}
    item |= {key: value for key, value in extras.items() if key == "url"}
    item |= date_fields(header.dates, single="endDate")
    if score := _score([*block.body, *header.fragments]):
        item["score"] = score
    if block.bullets:
        item["courses"] = list(block.bullets)
    return item


def _school_and_degree(rest: list[str]) -> dict[str, str]:
    degree = next((part for part in rest if lexicon.degree(part)), None)
    others = [part for part in rest if part != degree and not _score([part])]
    school = next((part for part in others if lexicon.is_school(part)), None)
    school = school or next(iter(others), None)
    item: dict[str, str] = {"institution": school} if school else {}
    if degree:
        study_type, area = lexicon.degree(degree) or ("", "")
        item |= {"studyType": study_type} | ({"area": area} if area else {})
    elif field := next((part for part in others if part != school), None):
        item["area"] = field
    return item


def _score(texts: list[str]) -> str | None:
    for text in texts:
        if match := _SCORE.search(text):
            return match["score"]
    return None


def _project_item(block: Block) -> dict[str, Any]:
    header = header_of(block)
    rest, extras = _set_aside_places(header)
    if not rest:
        return {}
    item: dict[str, Any] = {"name": rest[0]} | {k: v for k, v in extras.items() if k == "url"}
    item |= date_fields(header.dates)
    description = []
    for line in block.body:
        if keywords := _KEYWORDS.match(line):
            item["keywords"] = [
                word.strip() for word in keywords["list"].split(",") if word.strip()
            ]
        elif URL.fullmatch(line) and "url" not in item:
            item["url"] = absolute(line)
        else:
            description.append(line)
    if description:
        item["description"] = " ".join(description)
    if block.bullets:
        item["highlights"] = list(block.bullets)
    return item
