"""The hand-judged gold set: 30+ TEST resumes × 10 postings each, judged 0–3 twice.

`pairs()` chooses the pairs (seeded, deterministic): resumes of the TEST split whose
occupation has postings, spread over occupations; for each, postings near and far in the
O*NET hierarchy (so judges see every kind of pair), in a shuffled order. The codes choose
which pairs are judged, never their grades: judges read the resume and posting texts
(`excerpt`, the first ~1,500 characters of each) and grade by GUIDELINES.md.

gold.jsonl holds one line per judgement: {resume_id, posting_id, judge, grade}.
Judge "a" judged pairs grouped by resume; judge "b" judged every pair again in a fresh
shuffled order without the first grades. The grade used for NDCG is the mean of the two.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from evaluation.matching import metrics, onet, postings, resumes

GOLD = Path(__file__).resolve().parents[1] / "data" / "matching" / "gold.jsonl"
SEED = 7
RESUMES = 32
PER_RESUME = 10
EXCERPT = 1500


def excerpt_posting(record: dict[str, Any]) -> str:
    """The posting as judged: title, company, listed skills and description, cut to size."""
    skills = f"\nSkills: {', '.join(record['skills'])}" if record.get("skills") else ""
    return f"{record['title']} at {record['company']}{skills}\n{record['description']}"[:EXCERPT]


def excerpt_resume(resume: resumes.Resume) -> str:
    return (
        " ".join(resume.text.split())[:EXCERPT]
        if resume.source == "dotin"
        else resume.text[:EXCERPT]
    )


@cache
def pairs() -> tuple[tuple[str, str], ...]:
    """(resume id, posting id) pairs to judge, grouped by resume."""
    rng = random.Random(SEED)
    all_postings = postings.load()
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in all_postings:
        by_code[record["onet_code"][:7]].append(record)
    candidates = [
        r
        for r in resumes.load()[0]
        if r.split == "test" and r.onet_code[:7] in by_code and len(r.text) > 400
    ]
    # Spread over occupations: at most 6 resumes of one occupation, round-robin.
    by_occupation: dict[str, list[resumes.Resume]] = defaultdict(list)
    for resume in sorted(candidates, key=lambda r: r.id):
        by_occupation[resume.onet_code[:7]].append(resume)
    for group in by_occupation.values():
        rng.shuffle(group)
    chosen: list[resumes.Resume] = []
    while len(chosen) < RESUMES and any(by_occupation.values()):
        for code in sorted(by_occupation):
            if by_occupation[code] and len(chosen) < RESUMES:
                if sum(1 for c in chosen if c.onet_code[:7] == code) < 6:
                    chosen.append(by_occupation[code].pop())
                else:
                    by_occupation[code].clear()
    result: list[tuple[str, str]] = []
    for resume in chosen:
        code = resume.onet_code
        tiers = [
            [p for p in all_postings if p["onet_code"][:7] == code[:7]],
            [
                p
                for p in all_postings
                if p["onet_code"][:6] == code[:6] and p["onet_code"][:7] != code[:7]
            ],
            [
                p
                for p in all_postings
                if p["onet_code"][:3] == code[:3] and p["onet_code"][:6] != code[:6]
            ],
            [p for p in all_postings if p["onet_code"][:3] != code[:3]],
        ]
        wanted = [3, 2, 2, 3]
        picked: list[dict[str, Any]] = []
        for tier, count in zip(tiers, wanted, strict=True):
            picked.extend(rng.sample(tier, min(count, len(tier))))
        rest = [p for p in all_postings if p not in picked]
        picked.extend(rng.sample(rest, PER_RESUME - len(picked)))
        rng.shuffle(picked)
        result.extend((resume.id, p["id"]) for p in picked)
    return tuple(result)


def load() -> list[dict[str, Any]]:
    """Every judgement stored."""
    if not GOLD.exists():
        return []
    with GOLD.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def grades() -> dict[tuple[str, str], float]:
    """The grade of each judged pair: the mean over its judges."""
    by_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in load():
        by_pair[(row["resume_id"], row["posting_id"])].append(int(row["grade"]))
    return {pair: sum(g) / len(g) for pair, g in by_pair.items()}


def agreement() -> dict[str, float]:
    """Agreement of judges a and b over the pairs both judged."""
    by_judge: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in load():
        by_judge[row["judge"]][(row["resume_id"], row["posting_id"])] = int(row["grade"])
    shared = sorted(set(by_judge["a"]) & set(by_judge["b"]))
    a = [by_judge["a"][p] for p in shared]
    b = [by_judge["b"][p] for p in shared]
    n = len(shared) or 1
    return {
        "pairs": len(shared),
        "exact": sum(x == y for x, y in zip(a, b, strict=True)) / n,
        "within_1": sum(abs(x - y) <= 1 for x, y in zip(a, b, strict=True)) / n,
        "kappa": metrics.weighted_kappa(a, b),
    }


def versus_codes(resume_codes: dict[str, str], posting_codes: dict[str, str]) -> dict[str, float]:
    """Agreement of the gold grade (mean of judges, rounded half up) with the O*NET-code grade."""
    judged = grades()
    pairs = sorted(judged)
    a = [int(judged[p] + 0.5) for p in pairs]
    b = [onet.grade(resume_codes[r], posting_codes[q]) for r, q in pairs]
    n = len(pairs) or 1
    return {
        "pairs": len(pairs),
        "exact": sum(x == y for x, y in zip(a, b, strict=True)) / n,
        "within_1": sum(abs(x - y) <= 1 for x, y in zip(a, b, strict=True)) / n,
        "kappa": metrics.weighted_kappa(a, b),
    }
