"""Reading the facts of a JSON Resume: employers, titles, dates, degrees, skills, evidence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def entries(resume: dict[str, Any], section: str) -> list[dict[str, Any]]:
    value = resume.get(section)
    return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def texts(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (keys excluded)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield str(value)


@dataclass(frozen=True)
class Facts:
    """The checkable facts of a resume, normalised (lower case, single spaces)."""

    employers: frozenset[str]
    titles: frozenset[str]
    dates: frozenset[str]
    degrees: frozenset[str]
    certificates: frozenset[str]
    skills: frozenset[str]

    @classmethod
    def of(cls, resume: dict[str, Any]) -> Facts:
        work = entries(resume, "work")
        education = entries(resume, "education")
        dated = [*work, *education, *entries(resume, "volunteer"), *entries(resume, "projects")]
        return cls(
            employers=_set(
                [w.get("name") for w in work]
                + [v.get("organization") for v in entries(resume, "volunteer")]
                + [e.get("institution") for e in education]
            ),
            titles=_set([w.get("position") for w in work]),
            dates=_set(
                [d.get(k) for d in dated for k in ("startDate", "endDate")]
                + [c.get("date") for c in entries(resume, "certificates")]
            ),
            degrees=_set([e.get(k) for e in education for k in ("studyType", "area")]),
            certificates=_set([c.get("name") for c in entries(resume, "certificates")]),
            skills=frozenset(skill_names(resume)),
        )


def skill_names(resume: dict[str, Any]) -> list[str]:
    """Skill names and keywords, normalised, in the resume's order."""
    names: list[str] = []
    for skill in entries(resume, "skills"):
        for name in [skill.get("name"), *(skill.get("keywords") or [])]:
            if isinstance(name, str) and norm(name) and norm(name) not in names:
                names.append(norm(name))
    return names


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def _set(values: list[Any]) -> frozenset[str]:
    return frozenset(norm(v) for v in values if isinstance(v, str) and v.strip())
