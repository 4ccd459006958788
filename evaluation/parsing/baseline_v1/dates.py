"""Dates as resumes write them, read into JSON Resume's partial ISO-8601 form."""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d{2}"
_DATE = (
    rf"{_MONTH}\s*,?\s*'?{_YEAR}"  # Jan 2020, January 2020, Sept. 2019
    rf"|{_YEAR}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?"  # 2020-01, 2020-01-08
    rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"  # 01/2020, 1/2020, 01.2020
    rf"|{_YEAR}"  # 2020
)
_PRESENT = r"present|current|currently|now|today|ongoing|till date|to date"
_DASH = r"\s*(?:[–—−-]+|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b)\s*"
_EDGE_BEFORE = r"(?<![\w/.-])"
_EDGE_AFTER = r"(?![\w/-])"

_RANGE = re.compile(
    rf"{_EDGE_BEFORE}(?P<start>{_DATE}){_DASH}(?:(?P<end>{_DATE})|(?P<present>{_PRESENT})){_EDGE_AFTER}",
    re.IGNORECASE,
)
_MONTHS_OF_YEAR = re.compile(
    rf"{_EDGE_BEFORE}(?P<first>{_MONTH}){_DASH}(?P<last>{_MONTH})\s*,?\s*(?P<year>{_YEAR}){_EDGE_AFTER}",
    re.IGNORECASE,
)
_SINCE = re.compile(rf"\b(?:since|from)\s+(?P<start>{_DATE}){_EDGE_AFTER}", re.IGNORECASE)
_SINGLE = re.compile(rf"{_EDGE_BEFORE}(?P<date>{_DATE}){_EDGE_AFTER}", re.IGNORECASE)
_PRESENT_ONLY = re.compile(rf"^(?:{_PRESENT})$", re.IGNORECASE)


@dataclass(frozen=True)
class Dates:
    """Dates found in a line: a range, an open range, or a single date."""

    start: str | None
    end: str | None
    single: bool
    span: tuple[int, int]


def find_dates(text: str) -> Dates | None:
    """The first date range in `text`, else its first single date."""
    if match := _MONTHS_OF_YEAR.search(text):
        year = match["year"]
        start, end = to_iso(f"{match['first']} {year}"), to_iso(f"{match['last']} {year}")
        return Dates(start, end, single=False, span=match.span())
    if match := _RANGE.search(text):
        ended = None if match["present"] else to_iso(match["end"])
        return Dates(to_iso(match["start"]), ended, single=False, span=match.span())
    if match := _SINCE.search(text):
        return Dates(to_iso(match["start"]), None, single=False, span=match.span())
    if match := _SINGLE.search(text):
        return Dates(to_iso(match["date"]), None, single=True, span=match.span())
    return None


def is_present(text: str) -> bool:
    """Words like "Present" and "Current": the entry has not ended."""
    return bool(_PRESENT_ONLY.match(text.strip()))


def to_iso(text: str) -> str:
    """One written date as YYYY, YYYY-MM or YYYY-MM-DD."""
    text = text.strip().lower().replace("'", "")
    year = re.search(_YEAR, text)
    assert year is not None, text  # callers only pass text the patterns matched
    if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", text):
        return text
    if numeric := re.fullmatch(r"(\d{1,2})\s*[/.]\s*\d{4}", text):
        return f"{year.group()}-{int(numeric.group(1)):02d}"
    if name := re.match(r"[a-z]+", text):
        return f"{year.group()}-{MONTHS[name.group()]:02d}"
    return year.group()
