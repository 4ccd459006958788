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
# A season names no month: "Summer 2010" is read as the year.
_SEASON = r"(?:spring|summer|fall|autumn|winter)(?:\s+(?:term|semester|quarter))?\s*,?\s*(?:of\s+)?"
_DATE = (
    rf"{_MONTH}\s*,?\s*'?{_YEAR}"  # Jan 2020, January 2020, Sept. 2019
    rf"|{_SEASON}'?{_YEAR}"  # Summer 2010, Fall of 2009
    rf"|{_YEAR}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?"  # 2020-01, 2020-01-08
    rf"|{_YEAR}\s?[/.]\s?(?:0[1-9]|1[0-2])(?!\d)"  # 2017/04, 2017.04
    rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"  # 01/2020, 1/2020, 01.2020
    rf"|{_YEAR}"  # 2020
)
_PRESENT = (
    r"present|current|currently|today|ongoing|till date|to date|(?:till|until|up to|to)\s+now"
    r"|(?:till|until|to)\s+(?:the\s+)?present|now"
)
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
# A range whose dash was lost in extraction: "2019 2021", "Jan 2019 Dec 2021".
_BARE_RANGE = re.compile(
    rf"{_EDGE_BEFORE}(?P<start>{_DATE})\s+(?:(?P<end>{_DATE})|(?P<present>{_PRESENT})){_EDGE_AFTER}",
    re.IGNORECASE,
)
# A line that is only a range whose dash was lost with no space left: "2012Present",
# "20102011" (a line of its own, so an account or phone number is never read as one).
_GLUED_RANGE = re.compile(
    rf"^\s*(?P<start>{_YEAR})(?:(?P<end>{_YEAR})|(?P<present>present|current|now))\s*$",
    re.IGNORECASE,
)
# A range whose end year is cut to two digits: "1984-86", "1995–96", "2010 – 11" (with a
# hyphen and no spaces, "2010-11" is November 2010).
_SHORT_END = re.compile(
    rf"{_EDGE_BEFORE}(?P<start>{_YEAR})(?:\s*[–—]\s*|\s+-\s+|-(?=[2-9]\d|1[3-9]))(?P<end>\d{{2}})(?![\w/-])"
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
    # How sure the reading is: month names are plain, numbers and lost dashes less so.
    confidence: float = 0.95


def find_dates(text: str) -> Dates | None:
    """The first date range in `text`, else its first single date."""
    if match := _MONTHS_OF_YEAR.search(text):
        year = match["year"]
        start, end = to_iso(f"{match['first']} {year}"), to_iso(f"{match['last']} {year}")
        return Dates(start, end, single=False, span=match.span())
    if match := _RANGE.search(text):
        ended = None if match["present"] else to_iso(match["end"])
        sure = min(_certainty(match["start"]), _certainty(match["end"] or "present"))
        return Dates(to_iso(match["start"]), ended, False, match.span(), sure)
    if (match := _SHORT_END.search(text)) and match["end"] > match["start"][2:]:
        end = match["start"][:2] + match["end"]
        return Dates(match["start"], end, False, match.span(), 0.85)
    if (match := _BARE_RANGE.search(text)) and _in_order(match):
        ended = None if match["present"] else to_iso(match["end"])
        return Dates(to_iso(match["start"]), ended, False, match.span(), 0.75)
    if (match := _GLUED_RANGE.match(text)) and _in_order(match):
        ended = None if match["present"] else to_iso(match["end"])
        return Dates(to_iso(match["start"]), ended, False, match.span(), 0.75)
    if match := _SINCE.search(text):
        return Dates(to_iso(match["start"]), None, False, match.span(), _certainty(match["start"]))
    for match in _SINGLE.finditer(text):
        if not _VERSION_BEFORE.search(text[: match.start()]):
            return Dates(to_iso(match["date"]), None, True, match.span(), _certainty(match["date"]))
    return None


# A year right after a product's name is its version, not a date: "Windows Server 2008",
# "Visual Studio 2019", "MS Office 2010".
_VERSION_BEFORE = re.compile(
    r"\b(?:server|studio|office|windows|exchange|sql|excel|sharepoint|dynamics|outlook|access"
    r"|project|autocad|photoshop|illustrator|revit|solidworks|matlab|tally|ax|nav|crm)\s+$",
    re.IGNORECASE,
)


def _certainty(written: str) -> float:
    """Month names and ISO forms are unambiguous; bare numbers could be something else."""
    written = written.strip().lower()
    if re.match(r"[a-z]", written) or re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", written):
        return 0.95
    if re.fullmatch(_YEAR, written):
        return 0.9
    return 0.85  # 04.2017, 2017/04, 4/2017


def _in_order(match: re.Match[str]) -> bool:
    """Two dates side by side are a range only when the first is not after the second."""
    return bool(match["present"]) or to_iso(match["start"]) <= to_iso(match["end"])


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
    if numeric := re.fullmatch(r"\d{4}\s?[/.]\s?(\d{2})", text):
        return f"{year.group()}-{numeric.group(1)}"
    if (name := re.match(r"[a-z]+", text)) and name.group() in MONTHS:
        return f"{year.group()}-{MONTHS[name.group()]:02d}"
    return year.group()
