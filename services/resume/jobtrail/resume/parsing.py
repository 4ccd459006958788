"""Resume text to a JSON Resume document, by rules alone: nothing is guessed or invented."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jobtrail.jsonresume import validate_json_resume
from jobtrail.resume import experience, recognition, skills
from jobtrail.resume.contacts import parse_basics
from jobtrail.resume.layout import StyledLine
from jobtrail.resume.lines import Line, logical_lines
from jobtrail.resume.plaintext import looks_like_markdown, markdown_to_text, tidy
from jobtrail.resume.sections import split_sections

__all__ = ["Parsed", "parse", "parse_resume", "validate_json_resume"]

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


@dataclass(frozen=True)
class Parsed:
    """A parse and what the parser knows about it, for the version's parse report."""

    document: dict[str, Any]
    # JSON path of every leaf field in `document` ("basics.email", "work[0].name",
    # "skills[1].keywords[0]") → confidence in [0, 1].
    confidence: dict[str, float] = field(default_factory=dict)
    # The sections found, in document order: {"name": "work", "heading": "Experience"}.
    sections: list[dict[str, Any]] = field(default_factory=list)
    # Lines of text the parser could not place in any field.
    unplaced: list[str] = field(default_factory=list)


def parse(text: str, lines: Sequence[StyledLine] = ()) -> Parsed:
    """Parse text (with its styled lines, where the format has them) and report on it.

    TODO(issue 9): confidences, sections and unplaced text are not filled in yet.
    """
    return Parsed(parse_resume(text))


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
