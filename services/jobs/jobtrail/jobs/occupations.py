"""Job titles → O*NET-SOC occupations, and how close two occupations are.

The index (`data/onet_titles.json.gz`, built by `evaluation/training/onet_titles.py` from
O*NET 27.0's occupation and alternate titles, CC BY 4.0: see `data/ONET-LICENSE.md`) maps a
normalised title to its occupation. A title is looked up whole first, then by the
IDF-weighted overlap of its words with the indexed titles; an unsure answer is None.
Pure apart from reading the packaged index once.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

INDEX = Path(__file__).parent / "data" / "onet_titles.json.gz"
MIN_OVERLAP = 0.55

# Words that say the level or the contract, not the occupation.
_LEVELS = "senior sr snr junior jr lead head trainee entry level mid middle principal staff "
_LEVELS += "experienced intern internship freelance contract contractor graduate remote "
LEVEL_WORDS = frozenset((_LEVELS + "i ii iii iv 1 2 3 fulltime full time part").split())
SHORT_FORMS = {
    "dev": "developer", "devs": "developer", "eng": "engineer", "engr": "engineer",
    "mgr": "manager", "admin": "administrator", "sys": "systems", "qa": "quality assurance",
    "hr": "human resources", "swe": "software engineer", "sde": "software developer",
    "engineers": "engineer", "developers": "developer", "programme": "program",
    "ui": "user interface", "ux": "user experience", "rn": "registered nurse",
    "frontend": "front end", "backend": "back end", "fullstack": "full stack",
    "devops": "dev ops", "ml": "machine learning", "ai": "artificial intelligence",
}  # fmt: skip
_STOP = frozenset({"and", "of", "the", "in", "for", "at", "a", "an", "to", "with", "m", "f", "d"})
_WORD = re.compile(r"[a-z0-9+#]+")


def words(title: str) -> tuple[str, ...]:
    """The occupation words of a title: lower case, short forms expanded, level words off."""
    text = re.sub(r"\([^)]*\)", " ", title.lower()).replace("&", " and ")
    out: list[str] = []
    for word in _WORD.findall(text):
        out.extend(_singular(w) for w in SHORT_FORMS.get(word, word).split())
    core = [w for w in out if w not in LEVEL_WORDS and w not in _STOP]
    return tuple(core or [w for w in out if w not in _STOP])


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Index:
    codes: list[str]
    names: dict[str, str]  # code -> occupation title
    exact: dict[str, int]  # normalised title -> index into codes
    postings: dict[str, list[int]]  # word -> ids of titles holding it
    titles: list[tuple[tuple[str, ...], int]]  # (words, code index)
    idf: dict[str, float]


@cache
def index() -> Index:
    """The packaged title index, loaded once."""
    with gzip.open(INDEX, "rt", encoding="utf-8") as handle:
        raw = json.load(handle)
    codes: list[str] = raw["codes"]
    exact: dict[str, int] = raw["titles"]
    titles = [(tuple(t.split()), c) for t, c in exact.items()]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, (ws, _) in enumerate(titles):
        for w in set(ws):
            postings[w].append(i)
    n = len(titles)
    idf = {w: math.log(1 + n / len(ids)) for w, ids in postings.items()}
    return Index(codes, raw["names"], exact, dict(postings), titles, idf)


@lru_cache(maxsize=20_000)
def occupation(title: str) -> str | None:
    """The O*NET-SOC code a job title names, or None when the index is not sure."""
    for piece in re.split(r"\s*(?:/|\||,|;|\s[-–]\s|\bat\b|@)\s*", title or ""):
        found = _lookup(words(piece))
        if found is not None:
            return found
    return None


def name(code: str | None) -> str | None:
    """The occupation's O*NET title."""
    return index().names.get(code) if code else None


def _lookup(key: tuple[str, ...]) -> str | None:
    if not key:
        return None
    idx = index()
    hit = idx.exact.get(" ".join(key))
    if hit is not None:
        return idx.codes[hit]
    weight = {w: idx.idf.get(w, 0.0) for w in key}
    total = sum(weight.values())
    if total <= 0:
        return None
    # Candidates share the title's rarest word (its most telling one).
    rarest = max(key, key=lambda w: weight[w])
    best: dict[int, float] = {}
    for i in idx.postings.get(rarest, [])[:5000]:
        ws, code = idx.titles[i]
        shared = sum(weight[w] for w in set(key) & set(ws))
        union = total + sum(idx.idf.get(w, 0.0) for w in set(ws) - set(key))
        best[code] = max(best.get(code, 0.0), shared / union)
    if not best:
        return None
    ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
    code, overlap = ranked[0]
    if overlap < MIN_OVERLAP or (len(ranked) > 1 and ranked[1][1] >= overlap - 1e-9):
        return None
    return idx.codes[code]


def closeness(a: str | None, b: str | None) -> float:
    """1 for one occupation, less for the same detailed, broad, minor or major group."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    for length, value in ((7, 0.9), (6, 0.65), (4, 0.45), (2, 0.3)):
        if a[:length] == b[:length]:
            return value
    return 0.0
