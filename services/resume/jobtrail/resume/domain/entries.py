"""Entries of a section (a job, a degree, a project): header lines, prose and bullets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from jobtrail.resume.domain import lexicon
from jobtrail.resume.domain.contacts import parse_location
from jobtrail.resume.domain.dates import Dates, find_dates, is_present
from jobtrail.resume.domain.lines import Line

LineKind = Literal["bullet", "dated", "header", "body"]

_SPLIT = re.compile(r"\t+|\s{3,}|\s+[|·•◦▪]\s+|\s+[–—]\s+|\s+-\s+|\s*\|\s*")
_FIELD = re.compile(r"^[A-Z][\w /&+.-]{1,30}:\s+\S")
_QUOTED = re.compile(r"^[“\"‘'«]")
# Lines inside an entry that are never an entry's header: course lists, sub-headings of
# a job's duties, and notes such as "Recommendations are available upon request".
NOT_A_HEADER = re.compile(
    r"^(?:(?:relevant\s+|selected\s+)?course(?:s|work)?\b|areas?\s+of\s+responsibilit"
    r"|(?:roles?\s*(?:and|&|/)\s*)?(?:key\s+|main\s+)?(?:responsibilities|duties|tasks|achievements)\b"
    r"|(?:technologies|environment|tech stack|tools)\s*(?::|used\b)"
    # A duty's sub-heading alone on its line: "Description", "Project Summary:".
    r"|(?:project\s+)?(?:description|summary|overview|details|highlights|profile)\s*:?\s*$)",
    re.IGNORECASE,
)
ON_REQUEST = re.compile(
    r"\b(?:available|provided|furnished|given|supplied)\s+(?:up)?on\s+request\b", re.IGNORECASE
)
# Up to ten capitalised words (and the small words names use) with commas between.
_NAME_CASED = re.compile(
    r"^\s*(?:(?:[A-Z0-9][\w.&'/-]*|of|and|for|the|in|at|de|&)[,\s]+){0,9}[A-Z0-9][\w.&'/-]*\s*$"
)
_ABBREVIATION = re.compile(
    r"\b(?:inc|ltd|co|corp|llc|jr|sr|st|dr|s\.a|b\.v|n\.v|u\.s|e\.g)\.$", re.I
)


@dataclass
class Block:
    """The lines of one entry, sorted into header, prose and bullets."""

    header: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    header_lines: list[Line] = field(default_factory=list)
    # The line classifier's chance that each header line is one (None without the model).
    header_chances: list[float | None] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        """Prose or bullets have begun, so any new header line starts the next entry."""
        return bool(self.body or self.bullets)


@dataclass(frozen=True)
class Header:
    """An entry's header: its dates, and the rest cut into fragments."""

    fragments: tuple[str, ...]
    dates: Dates | None


def blocks(lines: list[Line], *, learned: bool = False) -> list[Block]:
    """Cut a section into entries: each starts at a header line after prose or bullets.

    With `learned`, the line classifier may turn undated "header" lines into prose.
    """
    found: list[Block] = []
    lines = join_split_ranges(lines)
    kinds, chances = _classified(lines, learned=learned)
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        current = found[-1] if found else None
        following = kinds[index + 1 : index + 3]
        if current is None or _starts_entry(current, line, kind, following):
            current = Block()
            found.append(current)
        if kind == "body" and (lead := _title_lead(current, line)):
            current.header.append(lead)
            current.header_lines.append(replace(line, text=lead))
            current.header_chances.append(None)
            current.body.append(line.text[len(lead) :].strip(" -–—:"))
        elif kind == "bullet":
            current.bullets.append(line.text)
        elif kind == "body" or (kind == "header" and _is_complete(current)):
            current.body.append(line.text)
        else:
            current.header.append(line.text)
            current.header_lines.append(line)
            current.header_chances.append(chances[index])
    return found


def join_split_ranges(lines: list[Line]) -> list[Line]:
    """A range written over two lines ("January 2012" over "November 2012", or "…;
    January 2013" over "May 2013") joined into one line with a dash."""
    joined: list[Line] = []
    for line in lines:
        previous = joined[-1] if joined else None
        if previous is not None and not line.bullet and _ends_range(previous.text, line.text):
            joined[-1] = replace(previous, text=f"{previous.text.rstrip(' ,;–—-')} - {line.text}")
        else:
            joined.append(line)
    return joined


def _ends_range(first: str, second: str) -> bool:
    """`first` ends with a lone date and `second` is only a later date or "Present"."""
    start = find_dates(first)
    if start is None or not start.single or first[start.span[1] :].strip(" ,;–—-"):
        return False
    if is_present(second.strip(" .")):
        return True
    end = find_dates(second)
    if end is None or not end.single or end.start is None or start.start is None:
        return False
    rest = second[: end.span[0]] + second[end.span[1] :]
    return not rest.strip(" .") and start.start <= end.start


def line_kinds(lines: list[Line], *, learned: bool = False) -> list[LineKind]:
    """Each line's kind by the rules, corrected by the line classifier where it is sure."""
    return _classified(lines, learned=learned)[0]


def _classified(lines: list[Line], *, learned: bool) -> tuple[list[LineKind], list[float | None]]:
    """Kinds, and the classifier's chance that each line belongs to an entry's header."""
    kinds = [line_kind(line) for line in lines]
    none: list[float | None] = [None] * len(lines)
    if not learned:
        return kinds, none
    from jobtrail.resume.domain import linekinds  # the classifier reads this module's rules

    body = linekinds.body_probabilities(lines, kinds)
    if body is None:
        return kinds, none
    # A place after a template's icon is a header line by the rules above; the classifier,
    # which reads the icon as a bullet, does not overrule them.
    corrected: list[LineKind] = [
        "body" if kind == "header" and chance > linekinds.BODY_ABOVE and not line.bullet else kind
        for line, kind, chance in zip(lines, kinds, body, strict=True)
    ]
    return corrected, [1.0 - chance for chance in body]


def line_kind(line: Line) -> LineKind:
    """Bullet, header line with dates, other header line, or prose."""
    if line.bullet:
        # A template's icon before the place or the dates of a header ("• New York, NY",
        # "• June 2016 - present") is extracted as a bullet; such a line is no duty.
        return _decorated_header(line.text) or "bullet"
    if NOT_A_HEADER.search(line.text) or ON_REQUEST.search(line.text):
        return "body"
    dates = find_dates(line.text)
    rest = line.text
    if dates:  # a full stop right after the dates ends the line, not a sentence: "2022."
        after = line.text[dates.span[1] :]
        rest = line.text[: dates.span[0]] + "\t" + ("" if after.strip() == "." else after)
    if _is_prose(rest):
        return "body"
    return "dated" if dates else "header"


def _decorated_header(text: str) -> LineKind | None:
    """ "dated" for a line of dates alone, "header" for a place alone, else None."""
    if (dates := find_dates(text)) is not None:
        start, end = dates.span
        return None if any(char.isalnum() for char in text[:start] + text[end:]) else "dated"
    return "header" if len(text.split()) <= 5 and parse_location(text) else None


def header_of(block: Block) -> Header:
    """The block's first dates, and its header text cut at separators."""
    dates: Dates | None = None
    parts: list[str] = []
    for line in block.header:
        found = find_dates(line) if dates is None else None
        if found:
            dates = found
            start, end = found.span
            parts += fragments(line[:start]) + fragments(line[end:])
        else:
            parts += fragments(line)
    return Header(tuple(parts), dates)


def fragments(text: str) -> list[str]:
    """The pieces of a header line between "|", "·", spaced dashes, tabs and wide gaps."""
    pieces = (piece.strip(" ,;:|–—-(") for piece in _SPLIT.split(text))
    return [piece for piece in pieces if piece and any(char.isalnum() for char in piece)]


def _starts_entry(current: Block, line: Line, kind: LineKind, following: list[LineKind]) -> bool:
    if kind == "dated":
        dates = header_of(current).dates
        if dates is not None and not current.has_content and _same_dates(dates, line.text):
            return False  # the same dates written twice ("June 2016 to Present" / "- Till date")
        return current.has_content or dates is not None
    if kind != "header":
        return False
    if current.has_content:
        return True
    # A dated header is done when the next line dates another entry ("Title at Employer"
    # over its dates, twice), or, after a blank line, when one of the next two lines does.
    dated = header_of(current).dates is not None
    if dated and following[:1] == ["dated"] and (len(current.header) >= 2 or _is_complete(current)):
        return True
    return bool(dated and line.gap_before and "dated" in following)


def _same_dates(dates: Dates, text: str) -> bool:
    """The line holds nothing but the dates the entry already has."""
    again = find_dates(text)
    if again is None or (again.start, again.end) != (dates.start, dates.end):
        return False
    start, end = again.span
    return not any(char.isalnum() for char in text[:start] + text[end:])


_LEAD = re.compile(r"^(?P<lead>[^:;.!?]{3,70}?)\s+[-–—]\s+(?P<rest>\S.*)$")


def _title_lead(block: Block, line: Line) -> str | None:
    """ "Vice President of Operations - Promoted to …": the position that opens the prose
    of an entry whose header names none, or None."""
    if block.body or block.bullets or line.bullet or not block.header:
        return None
    match = _LEAD.match(line.text)
    if not match or len(match["lead"].split()) > 7 or len(match["rest"].split()) < 6:
        return None
    header = header_of(block)
    parts = [part for fragment in header.fragments for part in re.split(r",\s*", fragment)]
    if not parts or any(lexicon.title_score(part) > 0 for part in parts):
        return None
    return match["lead"] if lexicon.title_score(match["lead"]) > 0 else None


def _is_complete(block: Block) -> bool:
    """Dates and two more fragments (or three lines) make a whole header; more is prose.

    A place does not count: "Employer" / "City, ST" / "2008 - Present" still lacks its
    title, which often follows on the next line.
    """
    header = header_of(block)
    if header.dates is None:
        return False
    named = [fragment for fragment in header.fragments if not parse_location(fragment)]
    placed = len(named) < len(header.fragments)
    return len(named) >= 2 or len(block.header) >= (4 if placed else 3)


def _is_prose(text: str) -> bool:
    """Sentences, quotes and "Label: value" lines; not the parts of a header."""
    text = text.strip()
    if _QUOTED.match(text) or _FIELD.match(text):
        return True
    if max((len(piece.split()) for piece in _SPLIT.split(text)), default=0) >= 13:
        return True
    if text.endswith(".") and _NAME_CASED.match(text[:-1]):
        return False  # "Systems Programmer, MIT Media Lab.": names, not a sentence
    return text.endswith((".", "!", "?")) and not _ABBREVIATION.search(text)
