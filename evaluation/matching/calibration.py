"""Score bands against observed relevance, and the DEV pairs to fit a calibration on.

Resumes are split by `resumes.split_of` (a fixed hash of the id: ~40 % DEV, ~60 % TEST).
`dev_cases()` / `dev_pairs()` give the DEV split of the occupational layer only, for the
ranker's weights and calibration; the report's figures are computed on TEST only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from evaluation.matching import onet, postings, resumes

BANDS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 100))


@dataclass(frozen=True)
class Case:
    """One resume of the occupational layer with every posting and its grade."""

    resume_id: str
    resume: dict[str, Any]
    resume_text: str
    postings: list[dict[str, Any]]  # public fields only
    grades: dict[str, int]  # posting id → grade by O*NET code


def cases(split: str, limit: int | None = None) -> list[Case]:
    """The occupational layer's resumes of `split` ("dev" or "test") that have a grade-3 posting."""
    records = postings.load()
    occupations = {onet.occupation_key(p["onet_code"]) for p in records}
    public = [postings.public(p) for p in records]
    out = []
    for resume in resumes.load()[0]:
        if resume.split != split or onet.occupation_key(resume.onet_code) not in occupations:
            continue
        grades = {p["id"]: onet.grade(resume.onet_code, p["onet_code"]) for p in records}
        out.append(Case(resume.id, resume.document, resume.text, public, grades))
    return out[:limit] if limit else out


def dev_cases(limit: int | None = None) -> list[Case]:
    """DEV cases, for fitting weights and the calibration (never TEST)."""
    return cases("dev", limit)


def dev_pairs(
    rank: Callable[
        [dict[str, Any], str, list[dict[str, Any]], Any], Sequence[tuple[Any, float, Any]]
    ]
    | None = None,
    embedder: Any = None,
    limit: int | None = None,
) -> list[tuple[float, int]]:
    """(score, grade) of every DEV pair under `rank` (default: `jobtrail.jobs.ranking.rank`)."""
    from evaluation.matching import rankers

    if rank is None:
        module = rankers.new_ranking_module()
        if module is None:
            raise RuntimeError("jobtrail.jobs.ranking.rank is not built")
        rank = module.rank
    embedder = embedder or rankers.CachedEmbedder()
    pairs: list[tuple[float, int]] = []
    try:
        for case in dev_cases(limit):
            for pid, score, _ in rank(case.resume, case.resume_text, case.postings, embedder):
                pairs.append((float(score), case.grades[str(pid)]))
    finally:
        if hasattr(embedder, "save"):
            embedder.save()
    return pairs


def band_table(pairs: Sequence[tuple[float, float]], relevant: float = 3) -> list[dict[str, Any]]:
    """Per score band: count, mean grade, share of pairs graded ≥ `relevant`."""
    rows = []
    for low, high in BANDS:
        grades = [g for s, g in pairs if low <= s < high + 1]
        rows.append(
            {
                "band": f"{low}–{high}",
                "count": len(grades),
                "mean_grade": sum(grades) / len(grades) if grades else float("nan"),
                "share_3": sum(1 for g in grades if g >= relevant) / len(grades)
                if grades
                else float("nan"),
            }
        )
    return rows
