"""Resume text to a JSON Resume document, by rules alone: nothing is guessed or invented."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from evaluation.parsing.baseline_v1 import experience, recognition, skills
from evaluation.parsing.baseline_v1.contacts import parse_basics
from evaluation.parsing.baseline_v1.lines import Line, logical_lines
from evaluation.parsing.baseline_v1.plaintext import looks_like_markdown, markdown_to_text, tidy
from evaluation.parsing.baseline_v1.sections import split_sections

__all__ = ["parse_resume"]

Reader = Callable[[list[Line]], list[dict[str, Any]]]

# In the order JSON Resume lists its sections.
READERS: Mapping[str, Reader] = {
    "work": experience.work,
    "volunteer": experience.volunteer,
    "education": experience.education,
    "awards": recognition.awards,
    "certificates": recognition.certificates,
    "publications": recognition.publications,
    "skills": skills.skills,
    "languages": skills.languages,
    "interests": skills.interests,
    "references": recognition.references,
    "projects": experience.projects,
}


def parse_resume(text: str) -> dict[str, Any]:
    """A JSON Resume document holding only what the text states; absent fields are left out."""
    text = tidy(text)
    if looks_like_markdown(text):
        text = markdown_to_text(text)
    header, sections = split_sections(logical_lines(text))
    resume: dict[str, Any] = {}
    basics = parse_basics(header, sections.get("contact", []), sections.get("summary", []))
    if basics:
        resume["basics"] = basics
    for key, read in READERS.items():
        if items := read(sections.get(key, [])):
            resume[key] = items
    return resume
