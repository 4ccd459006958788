"""Entries written as labelled lines: "Designation: …", "Organization: …", "Duration: …".

Many CVs (common in India, and in templates from form-based builders) write each job as
a small form instead of a header line:

    Designation: Digital Advertising Executive
    Organization: Violet Advertisers, Phoenix, AZ
    Duration: May 2010 - till date
    • Devised advertising strategies …

The label says which field the value is, so nothing is guessed from the words. A label
met again starts the next entry; lines between forms are the entry's prose and bullets.
"""

from __future__ import annotations

import re
from typing import Any

from jobtrail.resume.domain import confidence
from jobtrail.resume.domain.contacts import parse_location
from jobtrail.resume.domain.dates import Dates, find_dates
from jobtrail.resume.domain.lines import Line

# Label (lower case, single spaces) → the field it names; the organisation is "employer".
LABELS: dict[str, str] = {
    **dict.fromkeys(
        (
            "designation",
            "current designation",
            "position",
            "position held",
            "current position",
            "role",
            "current role",
            "job title",
            "title",
            "post",
            "post held",
        ),
        "position",
    ),
    **dict.fromkeys(
        (
            "organization",
            "organisation",
            "organization name",
            "organisation name",
            "company",
            "company name",
            "current company",
            "current organization",
            "current organisation",
            "employer",
            "current employer",
            "previous employer",
            "past organization",
            "firm",
        ),
        "employer",
    ),
    **dict.fromkeys(
        (
            "duration",
            "period",
            "dates",
            "date",
            "tenure",
            "working period",
            "time period",
            "from",
            "since",
            "employment period",
        ),
        "dates",
    ),
    **dict.fromkeys(("location", "place", "city", "work location", "job location"), "location"),
}
_LABELLED = re.compile(
    r"^\s*(?P<label>[A-Za-z][A-Za-z ]{1,24}?)\s*(?::|\s[-–—|]\s)\s*(?P<value>\S.*)$"
)
# A value is a name or a title, not a sentence: at most this many words.
_MOST_WORDS = 16
# The label names its field: more certain than any header the words had to be read from.
SURE = 0.9


def labelled_field(line: Line) -> tuple[str, str] | None:
    """(field, value) of a labelled line, or None."""
    if line.bullet and not line.text[:1].isupper():
        return None
    match = _LABELLED.match(line.text)
    if not match:
        return None
    field = LABELS.get(" ".join(match["label"].lower().split()))
    value = match["value"].strip(" ,;")
    if field is None or not value or len(value.split()) > _MOST_WORDS:
        return None
    return field, value


def is_labelled_section(lines: list[Line]) -> bool:
    """Jobs are written as forms: labelled lines name two fields or more, one of them the
    position or the employer."""
    named = [found[0] for line in lines if (found := labelled_field(line))]
    return len(set(named)) >= 2 and bool({"position", "employer"} & set(named))


def labelled_entries(lines: list[Line], organisation_key: str) -> list[dict[str, Any]]:
    """The entries of a section written as forms, in order."""
    items: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for line in lines:
        found = labelled_field(line)
        if found is None:
            if current is not None:
                _add_text(current, line)
            continue
        field, value = found
        key = organisation_key if field == "employer" else field
        if current is None or key in current or (field == "dates" and "startDate" in current):
            current = {}
            items.append(current)
        _add_field(current, field, key, value)
    return [item for item in items if set(item) & {"position", organisation_key, "startDate"}]


def _add_field(item: dict[str, Any], field: str, key: str, value: str) -> None:
    dates = find_dates(value)
    if field == "dates":
        if dates is not None:
            _add_dates(item, dates)
        return
    if dates is not None and "startDate" not in item:
        _add_dates(item, dates)  # "Position: Engineer (2019 - 2021)"
        start, end = dates.span
        value = (value[:start] + value[end:]).strip(" ,;:()–—-")
    if field in ("position", "employer"):
        value, place = _place_after(value)
        if place and "location" not in item:
            item["location"] = place
            confidence.note(item, "location", SURE)
    if value:
        item[key] = value
        confidence.note(item, key, SURE)


def _place_after(value: str) -> tuple[str, str | None]:
    """ "Violet Advertisers, Phoenix, AZ" → the name and its place."""
    parts = [part.strip() for part in value.split(",")]
    for cut in range(1, len(parts)):
        place = ", ".join(parts[cut:])
        if parse_location(place):
            return ", ".join(parts[:cut]), place
    return value, None


def _add_dates(item: dict[str, Any], dates: Dates) -> None:
    if dates.start is None:
        return
    if dates.single:
        item["startDate"] = dates.start
    else:
        item["startDate"] = dates.start
        if dates.end:
            item["endDate"] = dates.end
    for key in ("startDate", "endDate"):
        if key in item:
            confidence.note(item, key, dates.confidence)


def _add_text(item: dict[str, Any], line: Line) -> None:
    if line.bullet:
        item.setdefault("highlights", []).append(line.text)
    else:
        item["summary"] = f"{item['summary']} {line.text}" if "summary" in item else line.text
