"""O*NET 27.0 as the evaluation reads it: occupations, technologies and a title → code mapper.

The mapper turns a job title as people write it ("Sr. Java Developer", "PHP developer /
team lead") into an O*NET-SOC code through the Alternate Titles (plus the occupation
titles and the Sample of Reported Titles), first by exact match of the normalised title,
then by IDF-weighted token overlap. It only answers when it is confident: one occupation
must hold at least half of the evidence and twice as much as the next one.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from html import unescape
from pathlib import Path

ONET = Path(__file__).resolve().parents[1] / "data" / "onet"

# Words that say the level, not the occupation (kept when nothing else is left).
LEVEL_WORDS = frozenset(
    [
        "senior",
        "sr",
        "snr",
        "junior",
        "jr",
        "lead",
        "head",
        "trainee",
        "entry",
        "level",
        "mid",
        "principal",
        "staff",
        "chief",
        "experienced",
        "i",
        "ii",
        "iii",
        "iv",
        "v",
        "1",
        "2",
        "3",
        "intern",
        "internship",
        "freelance",
        "contract",
        "contractor",
        "assistant",
        "associate",
        "apprentice",
    ]
)
# Short forms people write in titles.
ABBREVIATIONS = {
    "dev": "developer",
    "devs": "developer",
    "develop": "developer",
    "eng": "engineer",
    "engg": "engineer",
    "engr": "engineer",
    "mgr": "manager",
    "asst": "assistant",
    "admin": "administrator",
    "exec": "executive",
    "sys": "systems",
    "prof": "professor",
    "qa": "quality assurance",
    "hr": "human resources",
    "ui": "user interface",
    "ux": "user experience",
    "programme": "program",
    "engineering": "engineer",
    "developers": "developer",
    "engineers": "engineer",
    "teachers": "teacher",
}
# Titles that name no occupation on their own.
NOT_OCCUPATIONS = frozenset(
    [
        "volunteer",
        "intern",
        "summer",
        "student",
        "member",
        "staff",
        "team",
        "team",
        "leader",
        "manager",
        "director",
        "deputy",
        "director",
        "consultant",
        "executive",
        "officer",
        "test",
        "development",
        "support",
        "software",
        "technology",
        "information",
        "technology",
        "professional",
    ]
) | {"team leader", "deputy director", "information technology", "professional"}
_SPLIT = re.compile(r"\s*(?:/|\||,|;|\s-\s|\s–\s|\bat\b|\bfor\b|@)\s*", re.I)
_NON_WORD = re.compile(r"[^a-z0-9+#.]+")


@dataclass(frozen=True)
class Occupation:
    """One O*NET-SOC occupation: code, title, description, technologies."""

    code: str
    title: str
    description: str
    technologies: tuple[str, ...]
    hot: tuple[str, ...]


@dataclass(frozen=True)
class Mapping:
    """A confident title → occupation answer and how it was found."""

    code: str
    method: str  # "exact" or "overlap"
    share: float  # the chosen code's share of the evidence


def _rows(name: str) -> Iterable[dict[str, str]]:
    with (ONET / name).open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


@cache
def occupations() -> dict[str, Occupation]:
    """Every occupation by code, with its technologies (hot technologies first)."""
    techs: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for row in _rows("Technology Skills.txt"):
        techs[row["O*NET-SOC Code"]].append((row["Example"], row["Hot Technology"] == "Y"))
    result = {}
    for row in _rows("Occupation Data.txt"):
        code = row["O*NET-SOC Code"]
        examples = techs.get(code, [])
        result[code] = Occupation(
            code=code,
            title=row["Title"],
            description=row["Description"],
            technologies=tuple(t for t, _ in examples),
            hot=tuple(t for t, hot in examples if hot),
        )
    return result


@cache
def alternate_titles() -> dict[str, list[str]]:
    """Alternate titles (and short titles) of each occupation, as O*NET writes them."""
    titles: dict[str, list[str]] = defaultdict(list)
    for row in _rows("Alternate Titles.txt"):
        titles[row["O*NET-SOC Code"]].append(row["Alternate Title"])
        if row["Short Title"] not in ("", "n/a"):
            titles[row["O*NET-SOC Code"]].append(row["Short Title"])
    return dict(titles)


def tokens(title: str) -> tuple[str, ...]:
    """The occupation words of a title: lower case, abbreviations expanded, level words off."""
    text = unescape(title).lower()
    text = re.sub(r"\([^)]*\)", " ", text).replace("&", " and ")
    words: list[str] = []
    for raw in _NON_WORD.sub(" ", text).split():
        word = raw.strip(".")
        if not word:
            continue
        words.extend(ABBREVIATIONS.get(word, word).split())
    core = [w for w in words if w not in LEVEL_WORDS and w not in {"and", "of", "the", "in"}]
    return tuple(core or words)


def normalise(title: str) -> str:
    """The key titles are matched on."""
    return " ".join(tokens(title))


def pieces(title: str) -> list[str]:
    """The title and, when it names several roles ("Developer / Team Lead"), each role."""
    parts = [p for p in _SPLIT.split(unescape(title)) if p and p.strip()]
    return [title, *parts] if len(parts) > 1 else [title]


class TitleMapper:
    """Job title → O*NET-SOC code, answering only when confident."""

    def __init__(self, min_share: float = 0.5, min_ratio: float = 2.0, min_overlap: float = 0.7):
        self.min_share = min_share
        self.min_ratio = min_ratio
        self.min_overlap = min_overlap
        self._exact: dict[str, Counter[str]] = defaultdict(Counter)
        for row in _rows("Alternate Titles.txt"):
            weight = len(row["Source(s)"].split(","))
            for name in (row["Alternate Title"], row["Short Title"]):
                if name and name != "n/a":
                    self._exact[normalise(name)][row["O*NET-SOC Code"]] += weight
        for row in _rows("Sample of Reported Titles.txt"):
            self._exact[normalise(row["Reported Job Title"])][row["O*NET-SOC Code"]] += 2
        for code, occupation in occupations().items():
            self._exact[normalise(occupation.title)][code] += 3
            singular = re.sub(r"s\b", "", occupation.title.split(",")[0])
            self._exact[normalise(singular)][code] += 3
        self._exact.pop("", None)
        frequency: Counter[str] = Counter()
        for key in self._exact:
            frequency.update(set(key.split()))
        total = len(self._exact)
        self._idf = {w: math.log(total / (1 + n)) for w, n in frequency.items()}
        self._by_word: dict[str, list[str]] = defaultdict(list)
        for key in self._exact:
            for word in set(key.split()):
                self._by_word[word].append(key)
        self._unknown_idf = math.log(total)

    def map(self, title: str) -> Mapping | None:
        """The confident mapping of `title`, or None."""
        keys = []
        for index, piece in enumerate(pieces(title)):
            key = normalise(piece)
            # A one-word part of a longer title ("Development, Testing") is too vague.
            if key in NOT_OCCUPATIONS or (index > 0 and " " not in key):
                continue
            keys.append(key)
        for key in keys:
            if key in self._exact:
                return self._decide(self._exact[key], "exact")
        for key in keys:
            found = self._overlap(key) if " " in key else None
            if found:
                return found
        return None

    def _weight(self, word: str) -> float:
        return self._idf.get(word, self._unknown_idf)

    def _overlap(self, key: str) -> Mapping | None:
        query = set(key.split())
        if not query:
            return None
        scored: dict[str, float] = {}
        for word in query:
            for candidate in self._by_word.get(word, ()):
                if candidate in scored:
                    continue
                other = set(candidate.split())
                shared = sum(self._weight(w) for w in query & other)
                union = sum(self._weight(w) for w in query | other)
                scored[candidate] = shared / union if union else 0.0
        if not scored:
            return None
        best = max(scored.values())
        if best < self.min_overlap:
            return None
        evidence: Counter[str] = Counter()
        for candidate, value in scored.items():
            if value >= best - 0.05:
                evidence.update(self._exact[candidate])
        return self._decide(evidence, "overlap")

    def _decide(self, evidence: Counter[str], method: str) -> Mapping | None:
        # A specialisation (15-1241.01) is the same occupation as its parent for grading,
        # so evidence is pooled per 7-character occupation before deciding.
        pooled: Counter[str] = Counter()
        for code, weight in evidence.items():
            pooled[occupation_key(code)] += weight
        ranked = pooled.most_common()
        total = sum(pooled.values())
        occupation, top = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0
        share = top / total
        if share < self.min_share or top < self.min_ratio * second:
            return None
        code = max(
            (c for c in evidence if c.startswith(occupation)),
            key=lambda c: (evidence[c], c.endswith(".00")),
        )
        return Mapping(code=code, method=method, share=round(share, 3))


@cache
def mapper() -> TitleMapper:
    """The shared mapper (building it reads ~60k titles)."""
    return TitleMapper()


def occupation_key(code: str) -> str:
    """The part of an O*NET-SOC code that names the occupation, for grading.

    Usually the SOC code (7 characters): 15-1241.01 is a specialisation of 15-1241.00. But
    under a residual "All Other" SOC code (ending in 9) the O*NET codes are unrelated
    occupations (15-1299.08 Computer Systems Engineers, 15-1299.09 IT Project Managers),
    so there the whole code counts.
    """
    return code if code[6:7] == "9" else code[:7]


def grade(resume_code: str, posting_code: str) -> int:
    """Relevance by O*NET-SOC code: 3 same occupation, 2 same broad group, 1 same major group."""
    if occupation_key(resume_code) == occupation_key(posting_code):
        return 3
    if resume_code[:6] == posting_code[:6]:
        return 2
    if resume_code[:3] == posting_code[:3]:
        return 1
    return 0
