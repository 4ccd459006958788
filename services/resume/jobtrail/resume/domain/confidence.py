"""How sure the parser is of each field it fills, and which text it could not place.

Readers may attach what they know to an item under `HINTS` (field → confidence), e.g. the
field tagger's marginal probability for a position or the certainty of a date's written
form. Every other leaf gets the calibrated prior of its field below: the share of such
values the rules got right on the held-out dev split of the dotin training CVs
(`python -m evaluation.training.resume_parser` prints them), rounded down.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from jobtrail.resume.domain.dates import find_dates
from jobtrail.resume.domain.lines import Line

HINTS = "__confidence__"

# Field path with list indices removed ("work[].name") → prior confidence.
PRIORS: Mapping[str, float] = {
    "basics.email": 0.99,
    "basics.phone": 0.92,
    "basics.url": 0.95,
    "basics.profiles[].network": 0.97,
    "basics.profiles[].url": 0.97,
    "basics.profiles[].username": 0.9,
    "basics.name": 0.85,
    "basics.label": 0.7,
    "basics.summary": 0.8,
    "basics.location.city": 0.8,
    "basics.location.region": 0.8,
    "basics.location.countryCode": 0.85,
    "basics.location.postalCode": 0.9,
    "work[].name": 0.7,
    "work[].position": 0.75,
    "work[].location": 0.7,
    "work[].url": 0.9,
    "work[].summary": 0.75,
    "work[].highlights[]": 0.85,
    "education[].institution": 0.75,
    "education[].studyType": 0.85,
    "education[].area": 0.7,
    "education[].score": 0.85,
    "education[].courses[]": 0.8,
    "skills[].name": 0.8,
    "skills[].level": 0.8,
    "skills[].keywords[]": 0.85,
    "languages[].language": 0.85,
    "languages[].fluency": 0.8,
}
DEFAULT_PRIOR = 0.75
_INDEX = re.compile(r"\[\d+\]")


def note(item: dict[str, Any], field: str, confidence: float) -> None:
    """Record how sure a reader is of one of the item's fields."""
    item.setdefault(HINTS, {})[field] = round(min(max(confidence, 0.0), 1.0), 3)


def take_hints(value: Any, path: str = "") -> dict[str, float]:
    """Remove the readers' hints from the document; return them by full leaf path."""
    found: dict[str, float] = {}
    if isinstance(value, dict):
        hints = value.pop(HINTS, {})
        for key, item in value.items():
            inner = f"{path}.{key}" if path else key
            found |= take_hints(item, inner)
            if key in hints:
                for leaf, _ in leaves(item, inner):
                    found[leaf] = hints[key]
    elif isinstance(value, list):
        for number, item in enumerate(value):
            found |= take_hints(item, f"{path}[{number}]")
    return found


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of the document with its JSON path ("work[0].highlights[1]")."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from leaves(item, f"{path}[{number}]")
    else:
        yield path, value


def prior(path: str) -> float:
    """The calibrated confidence of a field the rules filled."""
    generic = _INDEX.sub("[]", path)
    if generic.endswith(("startDate", "endDate", ".date", "releaseDate")):
        return 0.9
    return PRIORS.get(generic, DEFAULT_PRIOR)


def confidences(document: dict[str, Any], hints: Mapping[str, float]) -> dict[str, float]:
    """Every leaf's confidence: the reader's own where it gave one, else the prior."""
    return {path: hints.get(path, prior(path)) for path, _ in leaves(document)}


def unplaced(lines: list[Line], document: dict[str, Any], extra: list[str]) -> list[str]:
    """Lines whose words are mostly in no field of the document (dates count as placed)."""
    values = [str(value) for _, value in leaves(document) if len(str(value)) >= 2]
    joined = "\n".join(values)
    found = list(extra)
    for line in lines:
        text = line.text
        if text in joined or _covered(text, values) >= 0.5:
            continue
        found.append(text)
    return found


def _covered(text: str, values: list[str]) -> float:
    mask = [not char.isalnum() for char in text]
    if dates := find_dates(text):
        mask[dates.span[0] : dates.span[1]] = [True] * (dates.span[1] - dates.span[0])
    for value in values:
        start = text.find(value)
        if start >= 0:
            mask[start : start + len(value)] = [True] * len(value)
    letters = sum(char.isalnum() for char in text)
    if not letters:
        return 1.0
    covered = sum(1 for char, done in zip(text, mask, strict=True) if done and char.isalnum())
    return covered / letters
