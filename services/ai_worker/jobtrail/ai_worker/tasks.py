"""What each kind of AI job needs, asks for, and must answer (a JSON Schema per kind).

`PROMPT_VERSION` is part of the cache key: change it whenever a prompt or schema changes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

PROMPT_VERSION = "2026-11-22.1"

_WORD = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")


def words(text: str) -> set[str]:
    """Lower-case word tokens, keeping names such as `c++`, `c#` and `node.js` whole."""
    return set(_WORD.findall(text.lower()))


@dataclass(frozen=True)
class Posting:
    """A job posting as the worker reads it, whatever shape its document has."""

    title: str = ""
    company: str = ""
    description: str = ""
    skills: tuple[str, ...] = ()

    @classmethod
    def from_document(cls, content: dict[str, Any]) -> Posting:
        inner = content.get("posting") if isinstance(content.get("posting"), dict) else content
        assert isinstance(inner, dict)
        company = inner.get("company") or inner.get("hiringOrganization") or ""
        if isinstance(company, dict):
            company = company.get("name", "")
        skills = inner.get("skills") or inner.get("requirements") or []
        if isinstance(skills, str):
            skills = [s.strip() for s in skills.split(",")]
        return cls(
            title=str(inner.get("title") or ""),
            company=str(company),
            description=str(inner.get("description") or ""),
            skills=tuple(str(s) for s in skills if str(s).strip()),
        )

    @property
    def text(self) -> str:
        return " ".join([self.title, self.description, *self.skills])


@dataclass(frozen=True)
class TaskInput:
    """Everything a provider may use: nothing else may appear in the output as a fact."""

    kind: str
    resume: dict[str, Any]
    posting: Posting | None = None
    preferences: dict[str, Any] = field(default_factory=dict)
    tone: str = "professional"
    length: str = "medium"


def render_prompt(task: TaskInput) -> tuple[str, str]:
    """The (system, user) messages for a chat model."""
    system = (
        "You are a careful career assistant. Use ONLY facts present in the resume JSON: "
        "never add employers, job titles, dates, degrees, certificates, numbers or skills "
        "that the resume does not contain. Answer with JSON matching the schema. "
        + INSTRUCTIONS[task.kind]
    )
    parts: dict[str, Any] = {"resume": task.resume}
    if task.posting is not None:
        parts["job_posting"] = task.posting.__dict__
    if task.kind == "research_prompt":
        parts["preferences"] = task.preferences
    if task.kind == "cover_letter":
        parts["tone"], parts["length"] = task.tone, task.length
    return system, json.dumps(parts, ensure_ascii=False, sort_keys=True, default=list)


INSTRUCTIONS = {
    "tailor_resume": "Return the resume as JSON Resume, with the same entries, reordered and "
    "with highlights and skills emphasised by relevance to the job posting.",
    "cover_letter": "Write a cover letter for the posting from the resume's evidence, in the "
    "given tone and length (short ~120 words, medium ~250, long ~400).",
    "summarize_resume": "Write a short professional summary (2-4 sentences).",
    "research_prompt": "Write a ready-to-use prompt for a deep-research agent that finds "
    "matching openings: roles, seniority, locations, must-haves, companies, sources.",
    "interview_prep": "List likely interview questions for the posting, each with the resume "
    "evidence to answer it.",
}

_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}


def _object(**properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


SCHEMAS: dict[str, dict[str, Any]] = {
    # JSON Resume is open-ended: the schema pins the sections the check reads.
    "tailor_resume": {
        "type": "object",
        "properties": {
            "basics": {"type": "object"},
            "work": {"type": "array", "items": {"type": "object"}},
            "education": {"type": "array", "items": {"type": "object"}},
            "skills": {"type": "array", "items": {"type": "object"}},
        },
        "required": ["basics", "work", "skills"],
    },
    "cover_letter": _object(subject=_TEXT, body=_TEXT),
    "summarize_resume": _object(summary=_TEXT),
    "research_prompt": _object(prompt=_TEXT, roles=_TEXTS, locations=_TEXTS, sources=_TEXTS),
    "interview_prep": _object(
        questions={"type": "array", "items": _object(question=_TEXT, evidence=_TEXTS)}
    ),
}
