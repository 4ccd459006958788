"""Field-level precision and recall of a parsed JSON Resume against a gold one.

Field groups: name, email, phone, location (the city), employers (`work[].name`), titles
(`work[].position`), start and end dates (`work[].startDate` / `endDate`; an entry with a
start but no end ends "present"), dates (the distinct work dates, present excluded: what
the dotin corpus labels), institutions, degrees (`studyType` and `area` read together) and
skills (`skills[].name` and every keyword).

Matching is one-to-one (a predicted item counts once) and greedy by similarity. Strings
are compared normalised (case, accents, punctuation, whitespace, "&" = "and", company
suffixes such as "Corp." or "Ltd" dropped) and then fuzzily: a similarity ratio of at
least `SIMILAR` (0.9), so "Acme Corp" matches "Acme Corp." or "ACME Corporation" but not
"Acme Corp to build widgets". Dates match at the gold's granularity: a gold "2017" is
matched by "2017" or "2017-04", a gold "2017-04" only by "2017-04" (or a finer day).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

__all__ = [
    "GROUPS",
    "SIMILAR",
    "Counts",
    "Table",
    "fields_of",
    "markdown_table",
    "match_count",
    "normalise",
    "score_documents",
]

Fields = dict[str, list[str]]

GROUPS: tuple[str, ...] = (
    "name",
    "email",
    "phone",
    "location",
    "employers",
    "titles",
    "start dates",
    "end dates",
    "dates",
    "institutions",
    "degrees",
    "skills",
)
SIMILAR = 0.9
PRESENT = "present"

_SUFFIXES = frozenset(
    [
        "co",
        "company",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "pvt",
        "private",
        "pty",
        "bv",
        "nv",
    ]
)
_DEGREE_FILLERS = frozenset(["in", "of", "and", "the", "degree", "with"])
_PUNCT = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def normalise(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces, "&" read as "and"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = text.replace("&", " and ").replace("+", " plus ").replace("#", " sharp ")
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


def _organisation(text: str) -> str:
    words = normalise(text).split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def _degree(text: str) -> str:
    return " ".join(word for word in normalise(text).split() if word not in _DEGREE_FILLERS)


def _similarity(gold: str, predicted: str) -> float:
    if not gold or not predicted:
        return 0.0
    if gold == predicted or gold.replace(" ", "") == predicted.replace(" ", ""):
        return 1.0
    if min(len(gold), len(predicted)) <= 4:  # short strings must be equal
        return 0.0
    matcher = SequenceMatcher(None, gold, predicted, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _text_matcher(key: Callable[[str], str]) -> Callable[[str, str], float]:
    def score(gold: str, predicted: str) -> float:
        return _similarity(key(gold), key(predicted))

    return score


def _email(gold: str, predicted: str) -> float:
    return float(gold.strip().casefold() == predicted.strip().casefold())


def _phone(gold: str, predicted: str) -> float:
    a, b = re.sub(r"\D", "", gold), re.sub(r"\D", "", predicted)
    if len(a) < 7 or len(b) < 7:
        return 0.0
    digits = min(len(a), len(b), 10)  # a country code or trunk prefix may be left out
    return float(a[-digits:] == b[-digits:])


def _date(gold: str, predicted: str) -> float:
    gold, predicted = gold.strip().casefold(), predicted.strip().casefold()
    if gold == PRESENT or predicted == PRESENT:
        return float(gold == predicted)
    return float(predicted == gold or predicted.startswith(gold + "-"))


_MATCHERS: Mapping[str, Callable[[str, str], float]] = {
    "name": _text_matcher(normalise),
    "email": _email,
    "phone": _phone,
    "location": _text_matcher(normalise),
    "employers": _text_matcher(_organisation),
    "titles": _text_matcher(normalise),
    "start dates": _date,
    "end dates": _date,
    "dates": _date,
    "institutions": _text_matcher(_organisation),
    "degrees": _text_matcher(_degree),
    "skills": _text_matcher(normalise),
}
# How two values of a group are the same value, when a corpus scores sets of values.
_KEYS: Mapping[str, Callable[[str], str]] = {
    "employers": _organisation,
    "institutions": _organisation,
    "degrees": _degree,
    "email": str.casefold,
}


def match_count(group: str, gold: Sequence[str], predicted: Sequence[str]) -> int:
    """How many gold values are matched one-to-one by predicted values (greedy, best first)."""
    score = _MATCHERS[group]
    pairs = sorted(
        (
            (similarity, i, j)
            for i, g in enumerate(gold)
            for j, p in enumerate(predicted)
            if (similarity := score(g, p)) >= SIMILAR
        ),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    for _, i, j in pairs:
        if i not in used_gold and j not in used_predicted:
            used_gold.add(i)
            used_predicted.add(j)
    return len(used_gold)


def distinct(group: str, values: Iterable[str]) -> list[str]:
    """The values once each, by their normalised form (for corpora labelled as sets)."""
    key = _KEYS.get(group, normalise)
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(key(value) or value, value)
    return [value for value in seen.values() if value.strip()]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _iso(value: Any) -> str:
    text = _text(value)
    return text if _ISO.match(text) else ""


def fields_of(resume: Mapping[str, Any]) -> Fields:
    """The values of every field group in a JSON Resume document (gold or parsed)."""
    basics = resume.get("basics") if isinstance(resume.get("basics"), Mapping) else {}
    assert isinstance(basics, Mapping)
    location = basics.get("location") if isinstance(basics.get("location"), Mapping) else {}
    assert isinstance(location, Mapping)
    place = next(
        (_text(location.get(key)) for key in ("city", "address", "region") if location.get(key)),
        "",
    )
    fields: Fields = {group: [] for group in GROUPS}
    for group, value in (
        ("name", _text(basics.get("name"))),
        ("email", _text(basics.get("email"))),
        ("phone", _text(basics.get("phone"))),
        ("location", place.split(",")[0].strip()),
    ):
        if value:
            fields[group].append(value)
    for job in _list(resume.get("work")):
        employer = _text(job.get("name")) or _text(job.get("company"))
        if employer:
            fields["employers"].append(employer)
        if position := _text(job.get("position")):
            fields["titles"].append(position)
        start, end = _iso(job.get("startDate")), _iso(job.get("endDate"))
        if start:
            fields["start dates"].append(start)
        if end or start:
            fields["end dates"].append(end or PRESENT)
        fields["dates"].extend(date for date in (start, end) if date)
    fields["dates"] = list(dict.fromkeys(fields["dates"]))
    for school in _list(resume.get("education")):
        if institution := _text(school.get("institution")):
            fields["institutions"].append(institution)
        degree = " ".join(filter(None, (_text(school.get(k)) for k in ("studyType", "area"))))
        if degree:
            fields["degrees"].append(degree)
    for skill in _list(resume.get("skills")):
        if name := _text(skill.get("name")):
            fields["skills"].append(name)
        keywords = skill.get("keywords")
        if isinstance(keywords, list):
            fields["skills"].extend(_text(word) for word in keywords if _text(word))
    return fields


@dataclass
class Counts:
    """Matched, gold and predicted values of one field group, summed over documents."""

    matched: int = 0
    gold: int = 0
    predicted: int = 0

    @property
    def precision(self) -> float | None:
        """Matched / predicted; None when nothing was predicted."""
        return self.matched / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        """Matched / gold; None when the gold has no value."""
        return self.matched / self.gold if self.gold else None


@dataclass
class Table:
    """Micro-averaged counts per field group over a set of documents."""

    counts: dict[str, Counts] = field(default_factory=lambda: {g: Counts() for g in GROUPS})
    documents: int = 0
    failed: int = 0

    def add(self, gold: Fields, predicted: Fields | None, *, sets: bool = False) -> None:
        """Score one document; `predicted` None is a failed document (nothing found).

        With `sets`, repeated values count once per document on either side.
        """
        self.documents += 1
        if predicted is None:
            self.failed += 1
            predicted = {}
        for group in GROUPS:
            g, p = gold.get(group, []), predicted.get(group, [])
            if sets:
                g, p = distinct(group, g), distinct(group, p)
            counts = self.counts[group]
            counts.gold += len(g)
            counts.predicted += len(p)
            counts.matched += match_count(group, g, p) if g and p else 0

    def merge(self, other: Table) -> None:
        """Add another table's counts to this one."""
        self.documents += other.documents
        self.failed += other.failed
        for group, counts in other.counts.items():
            mine = self.counts[group]
            mine.matched += counts.matched
            mine.gold += counts.gold
            mine.predicted += counts.predicted


def score_documents(
    pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any] | None]], *, sets: bool = False
) -> Table:
    """Score (gold JSON Resume, parsed JSON Resume or None when it failed) pairs."""
    table = Table()
    for gold, predicted in pairs:
        table.add(fields_of(gold), None if predicted is None else fields_of(predicted), sets=sets)
    return table


def _cell(counts: Counts) -> str:
    if not counts.gold and not counts.predicted:
        return "–"
    p, r = counts.precision, counts.recall
    return f"{'–' if p is None else f'{p:.2f}'} / {'–' if r is None else f'{r:.2f}'}"


def markdown_table(
    rows: Mapping[str, Table], groups: Sequence[str] = GROUPS, first: str = "parser"
) -> str:
    """One row per table: documents, failures and "precision / recall" per field group."""
    shown = [
        g for g in groups if any(t.counts[g].gold or t.counts[g].predicted for t in rows.values())
    ]
    head = [first, "docs", "failed", *shown]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, table in rows.items():
        cells = [label, str(table.documents), str(table.failed)]
        cells += [_cell(table.counts[g]) for g in shown]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
