"""Scoring a resume version against a posting: 0–100, and why (formula `coverage-v1`).

The service now scores with `ranking.py` (the hybrid ranking); it still uses this module's
`resume_profile` and `posting_text` (what is embedded), and `score` stays as the previous
formula's reference (the evaluation compares against a frozen copy).

score = 100 × (0.55 × semantic + 0.45 × coverage), where semantic is the cosine
similarity of the two embeddings rescaled from [0.15, 0.75] to [0, 1] (sentence
embeddings of related texts rarely leave that band) and coverage is the share of the
posting's skills the resume shows. A posting that names no skills is scored on
similarity alone. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jobtrail.jobs import vocabulary

SEMANTIC_WEIGHT = 0.55
LOW, HIGH = 0.15, 0.75
MAX_BULLETS_PER_SKILL = 3


@dataclass(frozen=True)
class PostingProfile:
    """What matching needs of a posting: its skills (canonical) and requirement lines."""

    skills: list[str]
    requirements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ResumeProfile:
    skills: list[str]
    bullets: list[str]


@dataclass(frozen=True)
class Score:
    score: int
    explanation: dict[str, Any]


def posting_profile(posting: dict[str, Any]) -> PostingProfile:
    """Skills listed, plus the vocabulary's skills the title and description name."""
    description = str(posting.get("description") or "")
    listed = [vocabulary.canonical(s) for s in posting.get("skills") or [] if str(s).strip()]
    named = vocabulary.skills_in(f"{posting.get('title') or ''}\n{description}")
    skills = list(dict.fromkeys([*listed, *named]))
    return PostingProfile(skills=skills, requirements=_requirement_lines(description))


def posting_text(posting: dict[str, Any]) -> str:
    """The text a posting is embedded as."""
    parts = [posting.get("title"), posting.get("company"), posting.get("location"),
             ", ".join(posting.get("skills") or []), posting.get("description")]  # fmt: skip
    return "\n".join(str(p) for p in parts if p)[:4000]


def resume_profile(resume: dict[str, Any]) -> tuple[ResumeProfile, str]:
    """The skills and bullets of a JSON Resume, and the text it is embedded as."""
    basics = resume.get("basics") or {}
    bullets: list[str] = []
    for entry in [*(resume.get("work") or []), *(resume.get("projects") or []),
                  *(resume.get("volunteer") or [])]:  # fmt: skip
        if entry.get("summary"):
            bullets.append(str(entry["summary"]))
        bullets.extend(str(h) for h in entry.get("highlights") or [] if h)
    listed: list[str] = []
    for skill in resume.get("skills") or []:
        if skill.get("name"):
            listed.append(str(skill["name"]))
        listed.extend(str(k) for k in skill.get("keywords") or [])
    named = vocabulary.skills_in("\n".join([str(basics.get("summary") or ""), *bullets]))
    skills = list(dict.fromkeys(vocabulary.canonical(s) for s in [*listed, *named] if s.strip()))
    titles = [str(w.get("position") or "") for w in resume.get("work") or []]
    text = "\n".join(
        p
        for p in [
            str(basics.get("label") or ""),
            str(basics.get("summary") or ""),
            *titles,
            ", ".join(skills),
            *bullets,
        ]
        if p
    )
    return ResumeProfile(skills=skills, bullets=bullets), text[:4000]


def score(posting: PostingProfile, resume: ResumeProfile, similarity: float) -> Score:
    """Combine similarity and skill coverage; explain which bullets back which skill."""
    semantic = min(1.0, max(0.0, (similarity - LOW) / (HIGH - LOW)))
    have = {vocabulary.key(s) for s in resume.skills}
    matched = [s for s in posting.skills if vocabulary.key(s) in have]
    missing = [s for s in posting.skills if vocabulary.key(s) not in have]
    if posting.skills:
        coverage = len(matched) / len(posting.skills)
        combined = SEMANTIC_WEIGHT * semantic + (1 - SEMANTIC_WEIGHT) * coverage
    else:
        coverage, combined = 0.0, semantic
    support = []
    for skill in matched:
        bullets = [b for b in resume.bullets if skill in vocabulary.skills_in(b)
                   or vocabulary.key(skill) in b.lower()][:MAX_BULLETS_PER_SKILL]  # fmt: skip
        if bullets:
            support.append({"requirement": skill, "bullets": bullets})
    for line in posting.requirements:
        needed = vocabulary.skills_in(line)
        bullets = [b for b in resume.bullets if set(needed) & set(vocabulary.skills_in(b))]
        if needed and bullets:
            support.append({"requirement": line, "bullets": bullets[:MAX_BULLETS_PER_SKILL]})
    return Score(
        score=round(100 * combined),
        explanation={
            "semantic": round(semantic, 3),
            "similarity": round(similarity, 4),
            "coverage": round(coverage, 3),
            "matched_skills": matched,
            "missing_skills": missing,
            "supported_requirements": support,
        },
    )


def _requirement_lines(description: str) -> list[str]:
    lines = [re.sub(r"^\s*[-*•\d.)]+\s*", "", line).strip() for line in description.splitlines()]
    return [line for line in lines if 10 <= len(line) <= 300 and vocabulary.skills_in(line)][:20]
