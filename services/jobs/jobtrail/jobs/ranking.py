"""Hybrid ranking: how well a resume fits a posting, as a calibrated 0–100 and why.

Features of a (resume, posting) pair, each in [0, 1]:
- `lexical`: BM25 (bm25s) of the posting's text with the resume's text as the query,
  divided by the best score among the postings it is ranked with (so comparable across
  resumes whatever their length);
- `dense`: cosine similarity of the two embeddings (the `Embedder` port);
- `coverage`: the share of the posting's required skills the resume shows, each weighted by
  its importance (required section, listed, in the title, stressed by repetition; a
  nice-to-have counts little) and by the recency of its evidence, shrunk towards a prior so
  a posting that names 3 skills is not favoured over one that names 17;
- `depth`: how much required-skill evidence there is (saturating in the matched weight);
- `title`: the posting's title against the resume's titles, as O*NET occupations;
- `seniority`, `years`: the level and years the posting asks against what the work shows;
- `recency`: how recent the evidence of the matched skills is.

They combine linearly into a logit (weights fitted on the evaluation's DEV split by
`evaluation/training/match_weights.py`, never on TEST) and the probability is mapped to
0–100 by a monotone calibration fitted on the same DEV pairs, so a band means something
(≥ 80: mostly same-occupation fits). Pure: no I/O (the O*NET index is package data).
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import bm25s
import numpy as np

from jobtrail.jobs import occupations, vocabulary
from jobtrail.jobs.embedding import Embedder

# The formula version and requirement extraction are part of the ranking's interface.
from jobtrail.jobs.requirements import FORMULA as FORMULA
from jobtrail.jobs.requirements import LEVELS, level_from_years, seniority_of
from jobtrail.jobs.requirements import requirements as requirements

MAX_BULLETS_PER_SKILL = 3
SHRINK = 2.0  # prior weight of the coverage shrinkage, in "skills"
PRIOR = 0.35  # coverage assumed before any skill is seen
MISSING_CAP = 3.0  # missing required skills (by weight) that coverage counts at most

# Fitted by evaluation/training/match_weights.py on the DEV split of the occupational layer
# (68 resumes × 384 postings; never TEST). Its grades are by occupation alone, so they cannot
# see level, years or recency: the fit gives those 0, and they keep fixed weights (FLOORS,
# DEV NDCG@5 0.612 with them) so that, all else equal, the posting at the
# resume's level ranks first.
FLOORS = {"seniority": 1.5, "years": 1.0, "recency": 0.3}
WEIGHTS: dict[str, float] = {
    "lexical": 3.135, "dense": 4.175, "coverage": 1.449, "depth": 0.741, "title": 3.205,
    "seniority": 0.0, "years": 0.0, "recency": 0.0,
}  # fmt: skip
WEIGHTS = {k: max(v, FLOORS.get(k, 0.0)) for k, v in WEIGHTS.items()}
BIAS = -7.632  # refitted with the floors in place
# Calibration: (logit, score) knots, piecewise linear and non-decreasing: isotonic
# regression of 100 × grade / 3 on the logit (DEV pairs), so score × 3 / 100 is the
# expected grade; its top is stretched to logit 12 so the best matches keep their order.
CALIBRATION: tuple[tuple[float, float], ...] = (
    (-12.0, 0.0), (-6.8495, 0.0), (-4.66, 1.3), (-4.2368, 2.1), (-3.9084, 2.2),
    (-3.6244, 2.7), (-3.3392, 3.1), (-3.0319, 5.6), (-2.6105, 8.0), (-1.9849, 16.5),
    (-0.9249, 32.5), (-0.1885, 37.2), (0.7018, 50.1), (1.5433, 69.3), (2.0745, 78.8),
    (2.6018, 85.3), (12.0, 100.0),
)  # fmt: skip


@dataclass(frozen=True)
class Fit:
    """Weights, bias and calibration fitted for one embedding model (cosines of different
    models are not on one scale)."""

    weights: dict[str, float]
    bias: float
    calibration: tuple[tuple[float, float], ...]


# The above: fitted with all-MiniLM-L6-v2 (`--embedder minilm`), also used for models no
# fit exists for. Below: the service's default static table (DEV NDCG@5 0.599).
FITS: dict[str, Fit] = {
    "sentence-transformers/all-MiniLM-L6-v2": Fit(WEIGHTS, BIAS, CALIBRATION),
    "jobtrail/minilm-static-256": Fit(
        {k: max(v, FLOORS.get(k, 0.0)) for k, v in {
            "lexical": 3.540, "dense": 1.787, "coverage": 1.040, "depth": 0.838,
            "title": 3.412, "seniority": 0.0, "years": 0.0, "recency": 0.0,
        }.items()},
        -6.599,
        (
            (-12.0, 0.0), (-6.2098, 0.0), (-4.5864, 1.4), (-4.1111, 2.0), (-3.7728, 2.5),
            (-3.5203, 2.5), (-3.2738, 3.0), (-2.9939, 4.3), (-2.6181, 6.8), (-2.0108, 16.0),
            (-0.9539, 29.4), (-0.2653, 38.1), (0.7198, 48.7), (1.4819, 64.6),
            (2.1427, 80.3), (2.5933, 82.2), (12.0, 100.0),
        ),
    ),
}  # fmt: skip


def fit_for(model: str | None) -> Fit:
    """The fit for an embedding model (MiniLM's when none was made for it)."""
    return FITS.get(model or "", FITS["sentence-transformers/all-MiniLM-L6-v2"])


@dataclass(frozen=True)
class Score:
    score: int
    explanation: dict[str, Any]


# --- the resume's facts ------------------------------------------------------------------


def resume_facts(resume: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    """What ranking needs of a JSON Resume: skills with the recency of their evidence,
    titles (latest first) and their occupations, years of experience, level, bullets.
    JSON-serialisable, so the service stores it with the resume's vector."""
    today = today or date.today()
    basics = resume.get("basics") or {}
    evidence: dict[str, float] = {}
    bullets: list[str] = []
    spans: list[tuple[float, float]] = []
    titles: list[tuple[float, str]] = []
    for entry in [*(resume.get("work") or []), *(resume.get("projects") or []),
                  *(resume.get("volunteer") or [])]:  # fmt: skip
        start, end = _when(entry.get("startDate"), today), _when(entry.get("endDate"), today)
        if end is None and start is not None:
            end = _year(today)  # no end date: still there
        recency = 0.6 if end is None else math.exp(-max(0.0, _year(today) - end) / 6)
        texts = [str(entry.get("summary") or ""), *(str(h) for h in entry.get("highlights") or [])]
        bullets.extend(t for t in texts if t)
        position = str(entry.get("position") or entry.get("name") or "")
        for skill in vocabulary.skills_in("\n".join([position, *texts])):
            evidence[skill] = max(evidence.get(skill, 0.0), recency)
        if entry.get("position"):
            titles.append((end if end is not None else 0.0, str(entry["position"])))
            if start is not None and end is not None and end >= start:
                spans.append((start, end))
    for skill in resume.get("skills") or []:
        for name in [skill.get("name"), *(skill.get("keywords") or [])]:
            if name and str(name).strip():
                canonical = vocabulary.canonical(str(name))
                evidence.setdefault(canonical, 0.6)  # listed, no dated evidence
    for skill in vocabulary.skills_in(str(basics.get("summary") or "")):
        evidence.setdefault(skill, 0.6)
    ordered = [t for _, t in sorted(titles, key=lambda pair: -pair[0])]
    label = str(basics.get("label") or "")
    all_titles = list(dict.fromkeys([*([label] if label else []), *ordered]))[:6]
    years = round(_covered(spans), 1)
    level = seniority_of(label or (ordered[0] if ordered else ""))
    if level is None or (level >= 3 and years and years < 3):
        level = level_from_years(years) if spans else None
    listed_names = [str(n) for sk in resume.get("skills") or []
                    for n in [sk.get("name"), *(sk.get("keywords") or [])] if n]  # fmt: skip
    text = "\n".join([label, str(basics.get("summary") or ""), *ordered, *listed_names, *bullets])
    return {
        "text": " ".join(text.lower().split())[:8000],
        "skills": {s: round(w, 3) for s, w in evidence.items()},
        "titles": all_titles,
        "occupations": [occupations.occupation(t) for t in all_titles],
        "years": years if spans else None,
        "seniority": level,
        "bullets": bullets[:200],
    }


def _year(day: date) -> float:
    return day.year + (day.month - 1) / 12


def _when(value: Any, today: date) -> float | None:
    text = str(value or "").strip().lower()
    if text in ("present", "current", "now", "today"):
        return _year(today)
    found = re.match(r"(\d{4})(?:-(\d{1,2}))?", text)
    if not found:
        return None
    year = int(found.group(1))
    if not 1950 <= year <= today.year + 1:
        return None
    return year + (int(found.group(2) or 1) - 1) / 12


def _covered(spans: list[tuple[float, float]]) -> float:
    """Years covered by the union of the spans (overlapping jobs count once)."""
    total, last_end = 0.0, -math.inf
    for start, end in sorted(spans):
        start = max(start, last_end)
        if end > start:
            total += end - start
        last_end = max(last_end, end)
    return total


# --- features, score, explanation ---------------------------------------------------------


class Lexicon:
    """BM25 (bm25s) over a set of posting texts, queried with resume texts."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.size = len(texts)
        corpus = bm25s.tokenize(list(texts), stopwords="en", show_progress=False,
                                return_ids=False) if texts else []  # fmt: skip
        self._retriever = bm25s.BM25()
        if texts:  # an empty document still takes its slot
            self._retriever.index([doc or ["\u2205"] for doc in corpus], show_progress=False)

    def relative(self, query: str) -> list[float]:
        """Each text's BM25 for the query divided by the best (all 0 when none matches)."""
        if not self.size:
            return []
        [tokens] = bm25s.tokenize([query], stopwords="en", show_progress=False, return_ids=False)
        if not tokens:
            return [0.0] * self.size
        scores = np.asarray(self._retriever.get_scores(tokens), dtype=np.float64)
        best = float(scores.max())
        if best <= 1e-9:
            return [0.0] * self.size
        return [float(v) / best for v in scores]


def lexical_scores(query: str, texts: Sequence[str]) -> list[float]:
    """BM25 of each text for the query, divided by the best (0 when nothing matches)."""
    return Lexicon(texts).relative(query)


def features(
    facts: dict[str, Any], wanted: dict[str, Any], similarity: float, lexical: float
) -> dict[str, float]:
    """The pair's features, each in [0, 1]."""
    weights: dict[str, float] = wanted.get("weights") or {}
    required = list(wanted.get("required") or [])
    keyed = _keyed(facts)
    wants = [*required, *(wanted.get("nice_to_have") or [])]
    shown = {s: evidence_of(facts, s, keyed) for s in wants}
    need = sum(weights.get(s, 1.0) for s in required)
    got = sum(weights.get(s, 1.0) * _strength(shown[s]) for s in required)
    nice = list(wanted.get("nice_to_have") or [])
    bonus = sum(0.3 * _strength(shown[s]) for s in nice)
    # Missing skills count up to MISSING_CAP: past a few, a long list says no more.
    counted = got + min(need - got, MISSING_CAP)
    coverage = (got + 0.5 * bonus + SHRINK * PRIOR) / (counted + 0.5 * 0.3 * len(nice) + SHRINK)
    matched = [e for s in required if (e := shown[s]) is not None]
    return {
        "lexical": max(0.0, min(1.0, lexical)),
        "dense": max(0.0, min(1.0, similarity)),
        "coverage": coverage,
        "depth": 1 - math.exp(-got / 3),
        "title": title_fit(facts, wanted)[0],
        "seniority": seniority_fit(facts.get("seniority"), wanted.get("seniority")),
        "years": years_fit(facts.get("years"), wanted.get("years_min")),
        "recency": sum(matched) / len(matched) if matched else 0.0,
    }


def evidence_of(
    facts: dict[str, Any], skill: str, keyed: dict[str, float] | None = None
) -> float | None:
    """How recent the resume's evidence of a skill is (None: not shown). A skill the
    vocabulary does not know counts when the resume names it word for word. `keyed`:
    the resume's skills by `vocabulary.key`, when the caller has them already."""
    if keyed is None:
        keyed = _keyed(facts)
    found = keyed.get(vocabulary.key(skill))
    if found is not None:
        return float(found)
    phrase = skill.lower()
    text = str(facts.get("text") or "")
    if (
        len(phrase) >= 3
        and phrase in text
        and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
    ):
        return 0.4
    return None


def _keyed(facts: dict[str, Any]) -> dict[str, float]:
    return {vocabulary.key(s): float(w) for s, w in (facts.get("skills") or {}).items()}


def _strength(evidence: float | None) -> float:
    """A skill shown counts by how recent its evidence is, never less than half."""
    return 0.0 if evidence is None else 0.5 + 0.5 * min(1.0, evidence)


def title_fit(facts: dict[str, Any], wanted: dict[str, Any]) -> tuple[float, str | None]:
    """How close the posting's title is to the resume's titles (latest weighs most), and
    which resume title is closest."""
    code = wanted.get("occupation")
    asked = set(occupations.words(str(wanted.get("title") or "")))
    best, which = 0.0, None
    for rank_, (title, theirs) in enumerate(
        zip(facts.get("titles") or [], facts.get("occupations") or [], strict=False)
    ):
        mine = set(occupations.words(title))
        overlap = len(asked & mine) / len(asked | mine) if asked and mine else 0.0
        value = max(occupations.closeness(code, theirs), overlap) * (0.85**rank_)
        if value > best:
            best, which = value, title
    return best, which


def seniority_fit(shown: int | None, asked: str | None) -> float:
    """1 at the level asked; lower below it (steeply) and above it (gently)."""
    if asked is None or shown is None:
        return 0.5
    gap = shown - LEVELS.index(asked)
    return max(0.0, 1 - (0.35 * -gap if gap < 0 else 0.15 * gap))


def years_fit(shown: float | None, asked: int | None) -> float:
    if asked is None:
        return 0.5 if shown is None else 0.75
    if shown is None:
        return 0.3
    return min(1.0, shown / asked)


def combine(values: dict[str, float], model: str | None = None) -> tuple[float, int]:
    """The features' fitted logit as a probability, and its calibrated 0–100 score."""
    fit = fit_for(model)
    z = fit.bias + sum(fit.weights[k] * values[k] for k in fit.weights)
    p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
    return p, calibrate(p, model)


def calibrate(p: float, model: str | None = None) -> int:
    """Map a probability to 0–100 through the fitted, non-decreasing knots (on the logit,
    where the best matches are still apart)."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    z = math.log(p / (1 - p))
    knots = fit_for(model).calibration
    xs = [x for x, _ in knots]
    ys = [y for _, y in knots]
    return round(float(np.interp(z, xs, ys)))


def score_pair(
    facts: dict[str, Any], wanted: dict[str, Any], similarity: float, lexical: float,
    model: str | None = None,
) -> Score:  # fmt: skip
    """Score one (resume, posting) pair and explain it; `model` is the embedding model
    `similarity` comes from (each has its own fit)."""
    values = features(facts, wanted, similarity, lexical)
    probability, score = combine(values, model)
    required = list(wanted.get("required") or [])
    nice = list(wanted.get("nice_to_have") or [])
    keyed = _keyed(facts)
    shown = {s for s in [*required, *nice] if evidence_of(facts, s, keyed) is not None}
    matched = [s for s in required if s in shown]
    bullets = list(facts.get("bullets") or [])
    support = []
    for skill in matched:
        backing = [b for b in bullets if skill in vocabulary.skills_in(b)
                   or vocabulary.key(skill) in b.lower()][:MAX_BULLETS_PER_SKILL]  # fmt: skip
        if backing:
            support.append({"requirement": skill, "bullets": backing})
    for line in wanted.get("lines") or []:
        needed = set(vocabulary.skills_in(line))
        backing = [b for b in bullets if needed & set(vocabulary.skills_in(b))]
        if needed and backing:
            support.append({"requirement": line, "bullets": backing[:MAX_BULLETS_PER_SKILL]})
    fit, closest = title_fit(facts, wanted)
    level = facts.get("seniority")
    return Score(
        score=score,
        explanation={
            "formula": FORMULA,
            "similarity": round(similarity, 4),
            "semantic": round(values["dense"], 3),
            "coverage": round(values["coverage"], 3),
            "matched_skills": matched,
            "missing_skills": [s for s in required if s not in shown],
            "nice_to_have_matched": [s for s in nice if s in shown],
            "nice_to_have_missing": [s for s in nice if s not in shown],
            "supported_requirements": support,
            "title_fit": {
                "score": round(fit, 3),
                "posting_title": wanted.get("title"),
                "posting_occupation": wanted.get("occupation_title"),
                "closest_resume_title": closest,
            },
            "seniority_fit": {
                "score": round(values["seniority"], 3),
                "asked": wanted.get("seniority"),
                "shown": LEVELS[level] if level is not None else None,
            },
            "years": {
                "score": round(values["years"], 3),
                "asked": wanted.get("years_min"),
                "shown": facts.get("years"),
            },
            "components": {k: round(v, 3) for k, v in values.items()},
            "probability": round(probability, 4),
        },
    )


def posting_text(posting: dict[str, Any]) -> str:
    """The text a posting is embedded and searched as."""
    parts = [
        posting.get("title"),
        posting.get("company"),
        posting.get("location"),
        ", ".join(str(s) for s in posting.get("skills") or []),
        posting.get("description"),
    ]
    return "\n".join(str(p) for p in parts if p)[:4000]


def rank(
    resume: dict[str, Any], resume_text: str, postings: list[dict[str, Any]], embedder: Embedder
) -> list[tuple[str, int, dict[str, Any]]]:
    """Score every posting for a resume, best first: (posting id, 0–100, explanation).

    A posting's id is its `id` or `job_id` (else its position). The embedder is awaited
    here (call from synchronous code); wrap it in a cache when ranking many resumes
    against the same postings."""
    texts = [posting_text(p) for p in postings]
    vectors = asyncio.run(embedder.embed([resume_text, *texts]))
    similarities = [float(v) for v in vectors[1:] @ vectors[0]] if postings else []
    lexical = lexical_scores(resume_text, texts)
    facts = resume_facts(resume)
    model = getattr(embedder, "model", None)
    out = []
    for i, posting in enumerate(postings):
        wanted = _requirements_of(posting, texts[i])
        result = score_pair(facts, wanted, similarities[i], lexical[i], model)
        ident = str(posting.get("id") or posting.get("job_id") or i)
        out.append((ident, result.score, result.explanation))
    out.sort(key=lambda item: (-item[2]["probability"], item[0]))
    return out


_SEEN: dict[tuple[str, str], dict[str, Any]] = {}


def _requirements_of(posting: dict[str, Any], text: str) -> dict[str, Any]:
    """`requirements`, remembered by the posting's title and text (ranking many resumes
    against one set of postings reads each posting once)."""
    key = (str(posting.get("title") or ""), text)
    if key not in _SEEN:
        if len(_SEEN) > 20_000:
            _SEEN.clear()
        _SEEN[key] = requirements(posting)
    return _SEEN[key]
