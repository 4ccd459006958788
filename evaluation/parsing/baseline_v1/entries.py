"""Entries of a section (a job, a degree, a project): header lines, prose and bullets."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from evaluation.parsing.baseline_v1.dates import Dates, find_dates
from evaluation.parsing.baseline_v1.lines import Line

LineKind = Literal["bullet", "dated", "header", "body"]

_SPLIT = re.compile(r"\t+|\s{3,}|\s+[|·•◦▪]\s+|\s+[–—]\s+|\s+-\s+|\s*\|\s*")
_FIELD = re.compile(r"^[A-Z][\w /&+.-]{1,30}:\s+\S")
_QUOTED = re.compile(r"^[“\"‘'«]")
_ABBREVIATION = re.compile(
    r"\b(?:inc|ltd|co|corp|llc|jr|sr|st|dr|s\.a|b\.v|n\.v|u\.s|e\.g)\.$", re.I
)


@dataclass
class Block:
    """The lines of one entry, sorted into header, prose and bullets."""

    header: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        """Prose or bullets have begun, so any new header line starts the next entry."""
        return bool(self.body or self.bullets)


@dataclass(frozen=True)
class Header:
    """An entry's header: its dates, and the rest cut into fragments."""

    fragments: tuple[str, ...]
    dates: Dates | None


def blocks(lines: list[Line]) -> list[Block]:
    """Cut a section into entries: each starts at a header line after prose or bullets."""
    found: list[Block] = []
    kinds = [line_kind(line) for line in lines]
    for index, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
        current = found[-1] if found else None
        following = kinds[index + 1] if index + 1 < len(kinds) else None
        if current is None or _starts_entry(current, kind, following):
            current = Block()
            found.append(current)
        if kind == "bullet":
            current.bullets.append(line.text)
        elif kind == "body" or (kind == "header" and _is_complete(current)):
            current.body.append(line.text)
        else:
            current.header.append(line.text)
    return found


def line_kind(line: Line) -> LineKind:
    """Bullet, header line with dates, other header line, or prose."""
    if line.bullet:
        return "bullet"
    dates = find_dates(line.text)
    rest = line.text[: dates.span[0]] + "\t" + line.text[dates.span[1] :] if dates else line.text
    if _is_prose(rest):
        return "body"
    return "dated" if dates else "header"


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


def _starts_entry(current: Block, kind: LineKind, following: LineKind | None) -> bool:
    if kind == "dated":
        return current.has_content or header_of(current).dates is not None
    if kind != "header":
        return False
    # After a whole header, a header line is prose unless the next line dates a new entry.
    return current.has_content or (following == "dated" and _is_complete(current))


def _is_complete(block: Block) -> bool:
    """Dates and two more fragments (or three lines) make a whole header; more is prose."""
    header = header_of(block)
    return header.dates is not None and (len(header.fragments) >= 2 or len(block.header) >= 3)


def _is_prose(text: str) -> bool:
    """Sentences, quotes and "Label: value" lines; not the parts of a header."""
    text = text.strip()
    if _QUOTED.match(text) or _FIELD.match(text):
        return True
    if max((len(piece.split()) for piece in _SPLIT.split(text)), default=0) >= 13:
        return True
    return text.endswith((".", "!", "?")) and not _ABBREVIATION.search(text)
