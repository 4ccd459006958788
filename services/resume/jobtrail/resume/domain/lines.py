"""Logical lines: physical lines with bullets marked and wrapped lines joined back up."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from jobtrail.resume.domain.dates import find_dates


@dataclass(frozen=True)
class Style:
    """How a line looks, where the format tells: size relative to the body text, bold."""

    size: float = 0.0  # 1.0 is the body's size; 0 where unknown
    bold: bool = False
    x0: float = 0.0  # left edge relative to the column's usual left edge, in points


BULLET = re.compile(r"^(?:[•●▪■◦‣∙·○◆◇►▶➢➤✓✔☐*+–—-]|\d{1,2}[.)])\s+")
# A lower-case word (not "eBay", "iOS" or "github.com/…") goes on with a sentence.
_LOWER_START = re.compile(r"^(?!https?:|www\.)[a-z]+(?![A-Za-z@_-]|\.\w)")
# The last word or two of a wrapped sentence, on a line of their own.
_SENTENCE_TAIL = re.compile(r"^\S+(?:\s\S+)?\.$")
_OPEN_END = re.compile(r"[|·•,;&/(–—-]$")
# PDF writers break long URLs after a hyphen or slash; the two halves belong together.
_BROKEN_URL = re.compile(r"(?:https?://|www\.)\S*[-/]$")


@dataclass(frozen=True)
class Line:
    """One logical line of the resume."""

    text: str
    bullet: bool = False
    indent: int = 0
    gap_before: bool = False
    style: Style | None = None


def logical_lines(
    text: str,
    styles: Mapping[str, Style] | None = None,
    stands_alone: Callable[[str], bool] | None = None,
) -> list[Line]:
    """The text's lines, bullets stripped of their marker, wrapped lines joined.

    `styles` maps a physical line's stripped text to its look, where extraction kept it.
    A line `stands_alone` says is one (a heading written in lower case, "work experience")
    is never joined to the line before it.
    """
    lines: list[Line] = []
    gap = False
    for raw in text.split("\n"):
        stripped = raw.strip()
        if not stripped:
            gap = True
            continue
        line = _line(raw, stripped, gap)
        gap = False
        if line is None:
            continue
        if styles and (style := styles.get(stripped)) is not None:
            line = replace(line, style=style)
        if lines and _continues(lines[-1], line) and not (stands_alone and stands_alone(stripped)):
            glue = "" if _BROKEN_URL.search(lines[-1].text) else " "
            lines[-1] = replace(lines[-1], text=f"{lines[-1].text}{glue}{line.text}")
        else:
            lines.append(line)
    return lines


# A page's running footer or header: "Page 2", "Page 1 of 6", "Jane Doe, page 2", "- 3 -".
_PAGE_MARK = re.compile(
    r"^(?:[^\d]{0,40}?[\s,|–—-]\s*)?page\s+\d{1,2}(?:\s*(?:of|/)\s*\d{1,2})?\s*$|^[-–—]\s*\d{1,2}\s*[-–—]$",
    re.IGNORECASE,
)


def _line(raw: str, stripped: str, gap: bool) -> Line | None:
    """The line with its bullet marker taken off; None for a marker with nothing after it,
    or for a page's running footer."""
    if _PAGE_MARK.match(stripped):
        return None
    indent = len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip())
    if BULLET.match(stripped + " ") and not BULLET.match(stripped):
        return None
    marker = BULLET.match(stripped)
    if marker:
        return Line(stripped[marker.end() :].strip(), True, indent, gap)
    return Line(" ".join(stripped.split(" ")), False, indent, gap)


def _continues(previous: Line, line: Line) -> bool:
    """Is `line` the wrapped rest of `previous`?"""
    if line.bullet or line.gap_before:
        return False
    if previous.bullet and line.indent > previous.indent:
        return True  # a hanging indent under a bullet
    if _OPEN_END.search(previous.text) and not previous.bullet and not find_dates(line.text):
        return len(previous.text.split()) < 13  # a contact line or header wrapped at a separator
    # Only sentences wrap; a short header line never continues into a lower-case one.
    wrapped = previous.bullet or len(previous.text.split()) >= 8
    if _SENTENCE_TAIL.match(line.text) and _unfinished_sentence(previous):
        return True  # "… worked on a CRM project in Wipro" / "Technologies."
    return wrapped and bool(_LOWER_START.match(line.text)) and not find_dates(previous.text)


def _unfinished_sentence(line: Line) -> bool:
    """Prose of eight words or more, no header's dates or separators, and no full stop."""
    words = [word for word in line.text.split() if word[:1].isalpha()]
    return (
        not line.bullet
        and len(words) >= 8
        and not line.text.endswith((".", ":", "!", "?"))
        and not _OPEN_END.search(line.text)
        and "|" not in line.text
        and find_dates(line.text) is None
    )
