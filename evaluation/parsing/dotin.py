"""The dotin resume NER test split: 50 real CVs as plain text with labelled spans (CC0).

Only `set_aside_test_v2_50cvs.zip` is read here; the 310 training CVs are for training and
development elsewhere. The labels are spans in running text, not structured entries, so
each CV's gold is a set of strings per field group:

| label | field group |
|---|---|
| Name (the first) | name |
| Email Address | email |
| Location (the first, up to its first comma) | location |
| Companies worked at | employers |
| Designation | titles |
| College Name | institutions |
| Degree | degrees |
| Tech Tools, Job Specific Skills | skills |
| Years of Experience, where it holds dates | dates (years, and year-months when a month is given) |

Known label noise: the same employer is labelled in several spellings and also where it is
only mentioned ("Cisco Systems, Inc. (known as Cisco)"); titles are labelled inside
sentences ("Working as Software Engineer for …"); skills are labelled in running text;
"Years of Experience" holds durations ("3+ years") as well as date ranges; the Kaggle CVs
have lost their line breaks (the text is one line with double spaces) and hold non-ASCII
characters as literal byte escapes, which `unescape_bytes` decodes (corpus preprocessing).
Precision against
this gold is therefore a lower bound, and the phone and start/end split are not labelled.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from evaluation.parsing.scorer import Fields

DATA = Path(__file__).resolve().parents[1] / "data" / "dotin"
TEST_ZIP = DATA / "set_aside_test_v2_50cvs.zip"

_LABEL = re.compile(r'<label type="(?P<type>[^"]*)">(?P<text>.*?)</label>', re.S)
_TAG = re.compile(r"<\?xml[^>]*\?>|</?cv>|</?label[^>]*>")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_FORMS = (
    # "May 2017", "May 25th 2017", "Dec 15, 2014", "Oct'14" is not read (two-digit year)
    re.compile(
        _MONTH + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?[\s,'’-]*(?P<year>(?:19|20)\d{2})\b", re.I
    ),
    # "04/2017", "04.2017", "4-2017"
    re.compile(r"\b(?P<month>\d{1,2})[/.-](?P<year>(?:19|20)\d{2})\b"),
    # "2017/04", "2017-04", "2017.04"
    re.compile(r"\b(?P<year>(?:19|20)\d{2})[/.-](?P<month>\d{1,2})\b(?![/.-]?\d)"),
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")

SKILL_LABELS = frozenset({"Tech Tools", "Job Specific Skills"})
_GROUP_OF_LABEL = {
    "Email Address": "email",
    "Companies worked at": "employers",
    "Designation": "titles",
    "College Name": "institutions",
    "Degree": "degrees",
    "Tech Tools": "skills",
    "Job Specific Skills": "skills",
}


@dataclass(frozen=True)
class DotinCv:
    """One labelled CV: its file name, its plain text and its (label, text) spans in order."""

    name: str
    text: str
    spans: tuple[tuple[str, str], ...]

    def values(self, label: str) -> list[str]:
        """The texts labelled `label`, in order."""
        return [text for type_, text in self.spans if type_ == label]


_BYTE_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")
_CHAR_ESCAPES = {"\\'": "'", '\\"': '"', "\\t": "\t", "\\\\": "\\"}


def unescape_bytes(text: str) -> str:
    """Corpus preprocessing: the Kaggle CVs were stored as Python byte-string reprs, so
    non-ASCII characters appear as literal UTF-8 byte escapes ("\\xe2\\x80\\x94" for "—",
    "\\xef\\x82\\xa7" for a Symbol-font bullet) and quotes and tabs as "\\'" and "\\t".
    They are decoded into the characters they stand for (a run that is not valid UTF-8 is
    left as it is); the product never sees such escapes, so this is not parser work.
    """

    def decoded(match: re.Match[str]) -> str:
        data = bytes(int(part, 16) for part in match.group().split("\\x")[1:])
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return match.group()

    text = _BYTE_ESCAPES.sub(decoded, text)
    return re.sub(r"\\['\"t\\]", lambda m: _CHAR_ESCAPES[m.group()], text)


def read_cv(name: str, xml: str) -> DotinCv:
    """The plain text of a dotin XML file and its labelled spans (byte escapes decoded)."""
    body = unescape_bytes(xml.split("<cv>", 1)[-1].rsplit("</cv>", 1)[0])
    text = unescape(_TAG.sub("", body))
    stripped = text.strip()
    if len(stripped) > 1 and stripped[0] == stripped[-1] == '"':
        text = stripped[1:-1]  # the Kaggle CVs are one quoted line
    spans = tuple(
        (match["type"].strip(), _squash(unescape(_TAG.sub("", match["text"]))))
        for match in _LABEL.finditer(body)
    )
    return DotinCv(name, text, tuple((label, value) for label, value in spans if value))


def _squash(text: str) -> str:
    return " ".join(text.split())


def dates_in(text: str) -> list[str]:
    """ISO dates ("2017-05", or "2017" where no month is given) written in `text`, in order."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for form in _DATE_FORMS:
        for match in form.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            month_text = match["month"].casefold()
            month = _MONTHS.get(month_text) if not month_text.isdigit() else int(month_text)
            if not month or not 1 <= month <= 12:
                continue
            taken.append(match.span())
            found.append((match.start(), f"{match['year']}-{month:02d}"))
    for match in _YEAR.finditer(text):
        if not any(start <= match.start() < end for start, end in taken):
            found.append((match.start(), match.group()))
    return [date for _, date in sorted(found)]


def gold_fields(cv: DotinCv) -> Fields:
    """The gold values of every field group the dotin labels cover."""
    fields: Fields = {}
    if names := cv.values("Name"):
        fields["name"] = names[:1]
    if places := cv.values("Location"):
        fields["location"] = [places[0].split(",")[0].strip()]
    for label, group in _GROUP_OF_LABEL.items():
        fields.setdefault(group, []).extend(cv.values(label))
    fields["dates"] = [date for span in cv.values("Years of Experience") for date in dates_in(span)]
    return fields


def set_aside_cvs(limit: int | None = None) -> Iterator[DotinCv]:
    """The 50 set-aside test CVs, in file-name order (the first `limit` of them)."""
    with zipfile.ZipFile(TEST_ZIP) as archive:
        names = sorted(
            name
            for name in archive.namelist()
            if name.endswith(".xml") and not name.startswith("__MACOSX/")  # Finder metadata
        )
        for name in names[:limit]:
            yield read_cv(Path(name).stem, archive.read(name).decode("utf-8"))
