"""Resume text to a JSON Resume document: nothing is guessed or invented.

Sections are found by their headings (in many wordings, split over two lines, or with the
first entry on the heading's line); entries by their header lines and dates. Which piece
of an entry's header is the employer, the position or the location is decided by a small
field tagger (a linear-chain CRF, `fields.py`) where its model is shipped, by word lists
otherwise. Every value is a piece of the text (dates normalised to ISO 8601).

Confidence. `parse()` gives every leaf field a confidence in [0, 1]: the tagger's marginal
probability where it decided, else a prior calibrated on held-out data (`confidence.py`),
lowered for ambiguous date forms ("04.2017", "2019 2021"). Low confidence is never silently
filled in:

- below `DROP_BELOW` (0.35) a field is left out of the document and its text is listed in
  `Parsed.unplaced`, so nothing the parser doubts that much ends up in a field;
- from `DROP_BELOW` up to `UNSURE_BELOW` (0.7) the field is kept with its confidence and
  `Parsed.unsure()` names it, for a front end to ask the user to check exactly those fields.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jobtrail.jsonresume import validate_json_resume
from jobtrail.resume.domain import confidence, experience, recognition, skills
from jobtrail.resume.domain.contacts import EMAIL, parse_basics
from jobtrail.resume.domain.layout import StyledLine
from jobtrail.resume.domain.lines import Line, Style, logical_lines
from jobtrail.resume.domain.plaintext import looks_like_markdown, markdown_to_text, tidy, unflatten
from jobtrail.resume.domain.sections import Section, find_sections, is_listed_heading

__all__ = ["DROP_BELOW", "UNSURE_BELOW", "Parsed", "parse", "parse_resume", "validate_json_resume"]

# Fields below this are left out and their text reported as unplaced.
DROP_BELOW = 0.35
# Fields below this are kept, with their confidence, and reported as unsure.
UNSURE_BELOW = 0.7

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

    def unsure(self, below: float = UNSURE_BELOW) -> list[str]:
        """The paths of the fields whose confidence is below `below`, in document order."""
        return [path for path, value in self.confidence.items() if value < below]


def parse(text: str, lines: Sequence[StyledLine] = ()) -> Parsed:
    """Parse text (with its styled lines, where the format has them) and report on it."""
    text = unflatten(tidy(text))
    if looks_like_markdown(text):
        text = markdown_to_text(text)
    logical = logical_lines(text, styles_of(lines), is_listed_heading)
    header, found = find_sections(logical)
    sections: dict[str, list[Line]] = {}
    for section in found:
        sections.setdefault(section.key, []).extend(section.lines)
    resume: dict[str, Any] = {}
    basics = parse_basics(header, sections.get("contact", []), sections.get("summary", []))
    if "email" not in basics and (email := _stray_email(found)):
        basics["email"] = email
    if basics:
        resume["basics"] = basics
    for key, read in READERS.items():
        if items := read(sections.get(key, [])):
            resume[key] = items
    dropped = _drop_doubtful(resume)
    hints = confidence.take_hints(resume)
    body = [*header, *(line for section in found for line in section.lines)]
    return Parsed(
        document=resume,
        confidence=confidence.confidences(resume, hints),
        sections=[{"name": section.key, "heading": section.heading} for section in found],
        unplaced=confidence.unplaced(body, resume, dropped),
    )


def parse_resume(text: str) -> dict[str, Any]:
    """A JSON Resume document holding only what the text states; absent fields are left out."""
    return parse(text).document


def styles_of(lines: Sequence[StyledLine]) -> dict[str, Style]:
    """Each styled line's look by its text, its size relative to the body's (the commonest)."""
    sizes: dict[float, int] = {}
    lefts: dict[tuple[int, int], float] = {}
    for line in lines:
        if line.size > 0:
            sizes[round(line.size, 1)] = sizes.get(round(line.size, 1), 0) + len(line.text)
        key = (line.page, line.column)
        lefts[key] = min(lefts.get(key, line.x0), line.x0)
    body = max(sizes, key=sizes.__getitem__) if sizes else 0.0
    styles: dict[str, Style] = {}
    for line in lines:
        relative = round(line.size / body, 2) if body and line.size else 0.0
        left = line.x0 - lefts.get((line.page, line.column), line.x0)
        styles.setdefault(line.text.strip(), Style(relative, line.bold, round(left, 1)))
    return styles


def _stray_email(found: Sequence[Section]) -> str | None:
    """The one email address written under another section (a sidebar's contact block
    read after a heading), but never a referee's."""
    emails = {
        match.group()
        for section in found
        if section.key != "references"
        for line in section.lines
        for match in EMAIL.finditer(line.text)
    }
    return emails.pop() if len(emails) == 1 else None


def _drop_doubtful(resume: dict[str, Any]) -> list[str]:
    """Take out the fields a reader is less sure of than `DROP_BELOW`; return their text."""
    dropped: list[str] = []
    for key, items in resume.items():
        for item in items if isinstance(items, list) else [items]:
            hints = item.get(confidence.HINTS, {}) if isinstance(item, dict) else {}
            for name, value in list(hints.items()):
                if value < DROP_BELOW and name in item:
                    dropped.append(str(item.pop(name)))
                    del hints[name]
        if isinstance(items, list):
            resume[key] = [item for item in items if set(item) - {confidence.HINTS}]
    return dropped
