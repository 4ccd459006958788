"""A rendered corpus with known answers: JSON Resumes printed through many layouts as PDF and DOCX.

Sources: the 60 `evaluation/data/jsonresume-fake/` resumes. Each is turned into a variant
(seeded by its file name): contact details, education and skills filled in from small
vocabularies (skills from O*NET hot technologies, CC BY 4.0), titles abbreviated, fields
dropped, current jobs left open. Every variant is printed through every layout in `LAYOUTS`
(one and two columns, sidebars, Word tables as columns, "Employer — Title", "Title,
Employer (City)", "Title at Employer", dates first, on their own line or right-aligned, one
line per job), with a date style, heading wordings and capitalisation drawn per resume and
layout. The gold is the variant as printed (dates cut to the style's granularity).

Split, by a fixed rule: the resumes sorted by file name, every third one (index % 3 == 2)
is held out for test (20), the others are for development and training (40).

Rendered documents are cached under `.eval/cache/parsing/`, keyed by a hash of their
content description, so reruns only read files.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "evaluation" / "data"
CACHE = ROOT / ".eval" / "cache" / "parsing"
# Bump when a renderer changes what it prints, so cached files are not reused.
RENDERER_VERSION = "2"

Split = Literal["dev", "test"]
Format = Literal["pdf", "docx"]
FORMATS: tuple[Format, ...] = ("pdf", "docx")
Resume = dict[str, Any]


class Rendered(NamedTuple):
    """One rendered document: its bytes, format, layout name and gold JSON Resume.

    `gold["meta"]` (a JSON Resume field) names the source resume, its split and the date style.
    """

    data: bytes
    format: Format
    layout: str
    gold: Resume


# ---------------------------------------------------------------- the variants


_CITIES = (
    ("Austin", "TX", "US"),
    ("Denver", "CO", "US"),
    ("Portland", "OR", "US"),
    ("Toronto", "ON", "CA"),
    ("Manchester", "", "GB"),
    ("Dublin", "", "IE"),
    ("Berlin", "", "DE"),
    ("Amsterdam", "", "NL"),
    ("Melbourne", "VIC", "AU"),
    ("Pune", "MH", "IN"),
    ("Chicago", "IL", "US"),
    ("Seattle", "WA", "US"),
)
_SCHOOLS = (
    "University of {city}",
    "{city} State University",
    "{city} Institute of Technology",
    "{city} Community College",
    "Technical University of {city}",
    "{city} School of Business",
)
_STUDY = (
    "Bachelor of Science",
    "Bachelor of Arts",
    "B.Sc.",
    "BA",
    "Master of Science",
    "M.Sc.",
    "MBA",
    "Master of Engineering",
    "B.Tech",
    "Ph.D.",
)
_AREAS = (
    "Computer Science",
    "Economics",
    "Mechanical Engineering",
    "Business Administration",
    "Mathematics",
    "Psychology",
    "Information Systems",
    "Electrical Engineering",
    "Marketing",
    "Physics",
)
_COUNTRIES = {
    "US": "USA", "CA": "Canada", "GB": "UK", "IE": "Ireland", "DE": "Germany",
    "NL": "Netherlands", "AU": "Australia", "IN": "India",
}  # fmt: skip
# Lines that are no job and no school, which parsers have taken for one (issue 9).
_COURSES = (
    "Data Structures", "Statistics", "Operating Systems", "Microeconomics", "Databases",
    "Linear Algebra", "Marketing Research", "Thermodynamics", "Project Management",
)  # fmt: skip
_AREAS_OF_RESPONSIBILITY = (
    "budgeting, hiring, vendor contracts",
    "release planning, code review",
    "customer escalations, reporting",
    "onboarding, documentation, QA",
)
_SKILL_GROUPS = (
    "Programming",
    "Languages & Frameworks",
    "Tools",
    "Databases",
    "Cloud",
    "Platforms",
    "Office",
    "Analytics",
)
_ABBREVIATIONS = (
    ("Senior ", "Sr. "),
    ("Junior ", "Jr. "),
    ("Manager", "Mgr."),
    ("Engineer", "Eng."),
    ("Developer", "Dev."),
)
_PHONES = ("+1 ({a}) {b}-{c}", "{a}-{b}-{c}", "+1 {a} {b} {c}", "({a}) {b} {c}", "+44 20 {b} {c}")


@cache
def _technologies() -> tuple[str, ...]:
    """O*NET hot technologies (CC BY 4.0) named by at least five occupations, sorted."""
    path = DATA / "onet" / "Technology Skills.txt"
    counts: dict[str, int] = {}
    for row in path.read_text(encoding="utf-8").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) >= 3 and cells[2].strip() == "Y":
            counts[cells[1].strip()] = counts.get(cells[1].strip(), 0) + 1
    return tuple(
        sorted(
            name
            for name, count in counts.items()
            if count >= 5 and 2 <= len(name) < 30 and "," not in name
        )
    )


def sources() -> list[tuple[str, Resume]]:
    """The source resumes by file stem, sorted."""
    folder = DATA / "jsonresume-fake"
    return [
        (path.stem, json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.json"))
    ]


def split_of(index: int) -> Split:
    """The fixed split rule: every third resume (by sorted file name) is held out for test."""
    return "test" if index % 3 == 2 else "dev"


def _rng(*parts: str) -> random.Random:
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _month(iso: str | None) -> str | None:
    return iso[:7] if iso and re.match(r"^\d{4}-\d{2}", iso) else (iso[:4] if iso else None)


# Printed, but not a JSON Resume field: taken out of the gold.
_AREAS_KEY = "x-areas-of-responsibility"


def variant(stem: str, source: Resume) -> Resume:
    """The source resume, completed and varied (seeded by its name): what will be printed."""
    rng = _rng("variant", stem)
    basics = source.get("basics") or {}
    city, region, country = rng.choice(_CITIES)
    location: dict[str, str] = {"city": city, "countryCode": country}
    if region:
        location["region"] = region
    a, b, c = rng.randint(201, 989), rng.randint(200, 989), rng.randint(1000, 9999)
    out_basics: dict[str, Any] = {"name": basics["name"]}
    if basics.get("label") and rng.random() < 0.7:
        out_basics["label"] = basics["label"]
    if rng.random() < 0.95:
        out_basics["email"] = basics.get("email") or f"{stem}@example.com"
    if rng.random() < 0.8:
        out_basics["phone"] = rng.choice(_PHONES).format(a=a, b=b, c=c)
    if rng.random() < 0.9:
        out_basics["location"] = location
    if basics.get("summary") and rng.random() < 0.6:
        out_basics["summary"] = basics["summary"]
    abbreviate = rng.random() < 0.3
    work: list[dict[str, Any]] = []
    for job in (source.get("work") or [])[:4]:
        position = job.get("position") or ""
        if abbreviate:
            for long, short in _ABBREVIATIONS:
                position = position.replace(long, short)
        entry: dict[str, Any] = {}
        if company := (job.get("name") or job.get("company") or "").strip():
            entry["name"] = company
        if position.strip():
            entry["position"] = position.strip()
        entry["location"] = rng.choice(_CITIES)[0]
        if start := _month(job.get("startDate")):
            entry["startDate"] = start
        if (end := _month(job.get("endDate"))) and not (not work and rng.random() < 0.4):
            entry["endDate"] = end
        if job.get("summary") and rng.random() < 0.5:
            entry["summary"] = job["summary"]
        if rng.random() < 0.8:
            entry["highlights"] = [h for h in job.get("highlights") or () if h.strip()][:3]
        if rng.random() < 0.2:
            entry[_AREAS_KEY] = rng.choice(_AREAS_OF_RESPONSIBILITY)
        work.append(entry)
    education: list[dict[str, Any]] = []
    year = int(min((job.get("startDate", "2015")[:4] for job in work), default="2015"))
    for _ in range(rng.choice((1, 1, 2))):
        school_city, _, school_country = rng.choice(_CITIES)
        first = year - rng.choice((4, 5, 6))
        institution = rng.choice(_SCHOOLS).format(city=school_city)
        if rng.random() < 0.25:  # a comma inside brackets is part of the name
            institution += f" ({school_city}, {_COUNTRIES[school_country]})"
        school: dict[str, Any] = {
            "institution": institution,
            "studyType": rng.choice(_STUDY),
            "area": rng.choice(_AREAS),
            "startDate": str(first),
            "endDate": str(first + rng.choice((2, 3, 4))),
        }
        if rng.random() < 0.3:
            school["courses"] = rng.sample(_COURSES, 3)
        education.append(school)
        year = first
    technologies = _technologies()
    skills = [
        {"name": name, "keywords": rng.sample(technologies, rng.randint(3, 5))}
        for name in rng.sample(_SKILL_GROUPS, rng.randint(2, 3))
    ]
    return {"basics": out_basics, "work": work, "education": education, "skills": skills}


# ---------------------------------------------------------------- date styles


@dataclass(frozen=True)
class DateStyle:
    """How a date range is written; `year_only` styles print no month."""

    name: str
    date: Callable[[str], str]
    present: str
    dash: str = " – "
    year_only: bool = False
    after: str = ""

    def range(self, start: str | None, end: str | None) -> str:
        """The dates of an entry in this style."""
        if not start and not end:
            return ""
        if not start:
            return self.date(end or "") + self.after
        return f"{self.date(start)}{self.dash}{self.date(end) if end else self.present}{self.after}"


_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _parts(iso: str) -> tuple[str, int | None]:
    year, _, month = iso.partition("-")
    return year, int(month[:2]) if month else None


def _with_month(form: Callable[[str, int], str]) -> Callable[[str], str]:
    def write(iso: str) -> str:
        year, month = _parts(iso)
        return form(year, month) if month else year

    return write


DATE_STYLES: tuple[DateStyle, ...] = (
    DateStyle("Apr 2017", _with_month(lambda y, m: f"{_MONTH_NAMES[m - 1][:3]} {y}"), "Present"),
    DateStyle(
        "April 2017", _with_month(lambda y, m: f"{_MONTH_NAMES[m - 1]} {y}"), "Present", " - "
    ),
    DateStyle("2017/04", _with_month(lambda y, m: f"{y}/{m:02d}"), "present", " - "),
    DateStyle("04.2017", _with_month(lambda y, m: f"{m:02d}.{y}"), "today", " – "),
    DateStyle("04/2017", _with_month(lambda y, m: f"{m:02d}/{y}"), "Current", " - "),
    DateStyle(
        "Apr. 2017–", _with_month(lambda y, m: f"{_MONTH_NAMES[m - 1][:3]}. {y}"), "now", "–"
    ),
    DateStyle("2017 - present", lambda iso: iso[:4], "present", " - ", year_only=True),
    DateStyle("2021 till now", lambda iso: iso[:4], "till now", " - ", year_only=True),
    DateStyle("2022.", lambda iso: iso[:4], "present", " - ", year_only=True, after="."),
    DateStyle("2019 2021 (lost dash)", lambda iso: iso[:4], "Present", " ", year_only=True),
)


# ---------------------------------------------------------------- headings

_HEADINGS: dict[str, tuple[str, ...]] = {
    "summary": ("Summary", "Profile", "About Me", "Professional Summary", "Career Objective"),
    "work": (
        "Experience",
        "Work Experience",
        "Professional Experience",
        "Experience Summary",
        "Work History",
        "Employment",
        "Employment History",
        "Career",
        "Career History",
        "Relevant Experience",
    ),
    "education": (
        "Education",
        "Education and Training",
        "Academic Background",
        "Qualifications",
        "Academic Qualifications",
        "Education & Training",
    ),
    "skills": (
        "Skills",
        "Technical Skills",
        "Technical Skills Set",
        "Skills & Awards",
        "Core Competencies",
        "Professional Skills",
        "Key Skills",
    ),
    "contact": ("Contact", "Contact Details", "Personal Details"),
    "references": ("References", "Recommendations", "Referees"),
}


def _cased(text: str, rng: random.Random) -> str:
    return rng.choice((text.upper(), text, text.upper(), text.title(), text.capitalize()))


# ---------------------------------------------------------------- what is printed

Kind = Literal[
    "name", "label", "heading", "heading-top", "bold", "italic", "text", "bullet", "space"
]


@dataclass(frozen=True)
class Block:
    """One printed paragraph: its kind, text, and a right-aligned text on the same line."""

    kind: Kind
    text: str = ""
    right: str = ""


@dataclass(frozen=True)
class Row:
    """A table row: a narrow left cell (dates) and the entry beside it."""

    left: tuple[Block, ...]
    right: tuple[Block, ...]


Part = Block | Row
# How DOCX prints columns: cells of a one-row table, section columns, or the narrow column
# in a floating text box beside the body (as Word writes it: DrawingML with a VML fallback).
DocxColumns = Literal["table", "section", "text-box"]


@dataclass
class Page:
    """A resume as printed: a full-width header, then one or more columns."""

    header: list[Part] = field(default_factory=list)
    columns: list[list[Part]] = field(default_factory=list)
    widths: tuple[int, ...] = (100,)  # per cent
    # DOCX: "table" prints columns as cells of a one-row table, "section" as section columns.
    docx_columns: DocxColumns = "table"
    heading_style: bool = False  # DOCX: headings use Word's "Heading 1" style
    footer: str = ""  # printed at the foot of every page, as many templates do
    header_in_page_header: bool = False  # DOCX: name and contact in the page header

    def describe(self) -> str:
        """A stable description of everything printed, for the cache key."""
        return repr(
            (
                self.header,
                self.columns,
                self.widths,
                self.docx_columns,
                self.heading_style,
                self.footer,
                self.header_in_page_header,
            )
        )


EntryForm = Literal[
    "title-first", "employer-first", "employer-title", "title-employer-city", "title-at",
    "dates-first", "one-line",
]  # fmt: skip
DatePlace = Literal["right", "own-line", "before", "table"]


@dataclass(frozen=True)
class LayoutSpec:
    """How a layout arranges the page and each job."""

    name: str
    columns: Literal["one", "two", "left-sidebar", "right-sidebar"]
    entry: EntryForm
    dates: DatePlace
    split_headings: bool = False
    docx_columns: DocxColumns = "table"


LAYOUTS: tuple[LayoutSpec, ...] = (
    LayoutSpec("one-column", "one", "title-first", "right"),
    LayoutSpec("two-columns", "two", "title-first", "own-line", docx_columns="section"),
    LayoutSpec("left-sidebar", "left-sidebar", "employer-first", "right"),
    LayoutSpec("right-sidebar", "right-sidebar", "title-at", "own-line"),
    LayoutSpec("dates-table", "one", "title-first", "table"),
    LayoutSpec("employer-title", "one", "employer-title", "own-line"),
    LayoutSpec("title-employer-city", "one", "title-employer-city", "right"),
    LayoutSpec("title-at-employer", "one", "title-at", "own-line"),
    LayoutSpec("dates-first", "one", "dates-first", "before"),
    LayoutSpec("one-line-entries", "one", "one-line", "right"),
    LayoutSpec("split-headings", "one", "title-first", "own-line", split_headings=True),
    LayoutSpec(
        "text-box-sidebar", "right-sidebar", "employer-title", "own-line", docx_columns="text-box"
    ),
)


def _heading(key: str, spec: LayoutSpec, rng: random.Random) -> list[Part]:
    wording = _cased(rng.choice(_HEADINGS[key]), rng)
    words = wording.split()
    if spec.split_headings and len(words) == 2 and rng.random() < 0.7:
        return [Block("heading-top", words[0].upper()), Block("heading", words[1].upper())]
    return [Block("heading", wording)]


def _job_parts(job: Resume, style: DateStyle, spec: LayoutSpec) -> list[Part]:
    title, employer = job.get("position", ""), job.get("name", "")
    city = job.get("location", "")
    dates = style.range(job.get("startDate"), job.get("endDate"))
    if spec.entry == "employer-first":
        head = [
            Block("bold", employer or title, dates),
            *([Block("text", title)] if employer and title else []),
        ]
    elif spec.entry == "employer-title":
        head = [Block("bold", " — ".join(filter(None, (employer, title)))), Block("text", dates)]
    elif spec.entry == "title-employer-city":
        line = ", ".join(filter(None, (title, employer))) + f" ({city})"
        head = [Block("bold", line, dates)]
    elif spec.entry == "title-at":
        line = f"{title} at {employer}" if title and employer else title or employer
        head = [Block("bold", line)]
    elif spec.entry == "one-line":
        head = [Block("text", " | ".join(filter(None, (title, employer, city, dates))))]
    elif spec.entry == "dates-first":
        head = [Block("italic", dates), Block("bold", title or employer)]
        head += [Block("text", f"{employer}, {city}")] if title and employer else []
    else:  # title-first
        head = [Block("bold", title or employer)]
        head += [Block("italic", f"{employer}, {city}")] if title and employer else []
    if spec.entry in ("title-first", "title-at"):
        if spec.dates == "right" and spec.entry == "title-first":
            head[0] = Block(head[0].kind, head[0].text, dates)
        elif spec.dates != "table":
            head.append(Block("text", dates))
    body: list[Block] = [Block("text", job["summary"])] if job.get("summary") else []
    if job.get(_AREAS_KEY):
        body.append(Block("text", f"Areas of responsibility: {job[_AREAS_KEY]}"))
    body += [Block("bullet", line) for line in job.get("highlights") or ()]
    if spec.dates == "table":
        clean = [b if not b.right else Block(b.kind, b.text) for b in head if isinstance(b, Block)]
        return [Row((Block("text", dates),), (*clean, *body)), Block("space")]
    return [*head, *body, Block("space")]


def _school_parts(school: Resume, spec: LayoutSpec, rng: random.Random) -> list[Part]:
    degree = (
        f"{school['studyType']} in {school['area']}"
        if rng.random() < 0.7
        else f"{school['studyType']}, {school['area']}"
    )
    years = f"{school['startDate']} – {school['endDate']}"
    courses = (
        [Block("text", "Courses: " + ", ".join(school["courses"]))] if school.get("courses") else []
    )
    if spec.entry in ("employer-first", "employer-title"):
        return [
            Block("bold", school["institution"], years),
            Block("text", degree),
            *courses,
            Block("space"),
        ]
    if spec.dates == "table":
        return [
            Row(
                (Block("text", years),),
                (Block("bold", degree), Block("italic", school["institution"]), *courses),
            ),
            Block("space"),
        ]
    return [
        Block("bold", degree, years),
        Block("italic", school["institution"]),
        *courses,
        Block("space"),
    ]


def _skill_parts(skills: list[Resume], narrow: bool) -> list[Part]:
    if narrow:
        return [
            part
            for skill in skills
            for part in (Block("bold", skill["name"]), Block("text", ", ".join(skill["keywords"])))
        ]
    return [Block("text", f"{skill['name']}: {', '.join(skill['keywords'])}") for skill in skills]


def _contact_lines(basics: Resume, rng: random.Random) -> list[str]:
    lines = []
    labelled = rng.random() < 0.4
    if email := basics.get("email"):
        lines.append(f"Email: {email}" if labelled else email)
    if phone := basics.get("phone"):
        lines.append(f"Phone: {phone}" if labelled else phone)
    if location := basics.get("location"):
        place = ", ".join(
            filter(None, (location["city"], location.get("region") or location["countryCode"]))
        )
        lines.append(f"Address: {place}" if labelled else place)
    return lines


def page_of(resume: Resume, spec: LayoutSpec, style: DateStyle, seed: str) -> Page:
    """Lay a variant out in a layout; deterministic for a seed."""
    rng = _rng("page", seed, spec.name)
    basics = resume["basics"]
    contact = _contact_lines(basics, rng)
    header: list[Part] = [Block("name", basics["name"])]
    if basics.get("label"):
        header.append(Block("label", basics["label"]))
    summary: list[Part] = []
    if basics.get("summary"):
        summary = [
            *_heading("summary", spec, rng),
            Block("text", basics["summary"]),
            Block("space"),
        ]
    work = [*_heading("work", spec, rng)]
    for job in resume["work"]:
        work += _job_parts(job, style, spec)
    education = [*_heading("education", spec, rng)]
    for school in resume["education"]:
        education += _school_parts(school, spec, rng)
    sidebar = spec.columns in ("left-sidebar", "right-sidebar")
    skills = [
        *_heading("skills", spec, rng),
        *_skill_parts(resume["skills"], sidebar),
        Block("space"),
    ]
    page = Page(header=header, docx_columns=spec.docx_columns, heading_style=rng.random() < 0.5)
    if rng.random() < 0.3:
        page.footer = rng.choice(("Curriculum Vitae · {name}", "{name} | Resume", "Page 1"))
        page.footer = page.footer.format(name=basics["name"])
    page.header_in_page_header = spec.columns == "one" and rng.random() < 0.25
    references: list[Part] = []
    if rng.random() < 0.3:
        references = [
            *_heading("references", spec, rng),
            Block("text", "Recommendations are available upon request"),
        ]
    if sidebar:
        side: list[Part] = [
            *_heading("contact", spec, rng),
            *(Block("text", line) for line in contact),
        ]
        side += [Block("space"), *skills, *education]
        main = [*summary, *work, *references]
        page.columns = [side, main] if spec.columns == "left-sidebar" else [main, side]
        page.widths = (32, 68) if spec.columns == "left-sidebar" else (68, 32)
        return page
    header.append(Block("text", "  ·  ".join(contact)) if contact else Block("space"))
    if spec.columns == "two":
        page.columns = [[*summary, *work], [*education, *skills, *references]]
        page.widths = (55, 45)
    else:
        order = [summary, work, education, skills]
        if rng.random() < 0.3:
            order = [summary, skills, work, education]
        page.columns = [[part for chunk in [*order, references] for part in chunk]]
    return page


def gold_of(resume: Resume, style: DateStyle, meta: dict[str, str]) -> Resume:
    """The variant as printed: dates cut to the style's granularity."""
    gold = copy.deepcopy(resume)
    if style.year_only:
        for job in gold["work"]:
            for key in ("startDate", "endDate"):
                if job.get(key):
                    job[key] = job[key][:4]
    for job in gold["work"]:
        job.pop("location", None)  # printed in some layouts only; not scored
        job.pop(_AREAS_KEY, None)
    gold["meta"] = meta
    return gold


# ---------------------------------------------------------------- typst (PDF)

_TYPST_PREAMBLE = """\
#set page(paper: "{paper}", margin: (x: 1.6cm, y: 1.4cm))
#set text(font: "{font}", size: {size}pt)
#set par(justify: false, leading: 0.55em)
#set list(indent: 0.4em, body-indent: 0.4em)
"""


def _typst_str(text: str) -> str:
    escaped = "".join(
        "\\" + char if char in '\\"' else (f"\\u{{{ord(char):x}}}" if ord(char) < 0x20 else char)
        for char in text
    )
    return f'"{escaped}"'


def _typst_block(block: Block, rule: bool) -> str:
    text = _typst_str(block.text)
    right = f" #h(1fr) #{_typst_str(block.right)}" if block.right else ""
    if block.kind == "name":
        return f'#text(size: 18pt, weight: "bold", {text})\n'
    if block.kind == "label":
        return f"#text(size: 12pt, {text})\n"
    if block.kind in ("heading", "heading-top"):
        line = (
            "#v(-0.5em) #line(length: 100%, stroke: 0.5pt)\n"
            if rule and block.kind == "heading"
            else ""
        )
        return f'#v(0.4em) #text(size: 12pt, weight: "bold", {text})\n{line}'
    if block.kind == "bold":
        return f'#text(weight: "bold", {text}){right}\n'
    if block.kind == "italic":
        return f"#emph({text}){right}\n"
    if block.kind == "bullet":
        return f"- #{text}\n"
    if block.kind == "space":
        return "#v(0.3em)\n"
    return f"#{text}{right}\n"


def _typst_parts(parts: Sequence[Part], rule: bool) -> str:
    out = []
    for part in parts:
        if isinstance(part, Row):
            left = "\n".join(_typst_block(b, rule) for b in part.left)
            right = "\n".join(_typst_block(b, rule) for b in part.right)
            out.append(
                f"#grid(columns: (22%, 1fr), column-gutter: 1em, [\n{left}\n], [\n{right}\n])\n"
            )
        else:
            out.append(_typst_block(part, rule))
    return "\n".join(out)


def typst_source(page: Page, seed: str) -> str:
    """The typst markup of a page."""
    rng = _rng("typst", seed)
    rule = rng.random() < 0.6
    source = _TYPST_PREAMBLE.format(
        paper=rng.choice(("a4", "us-letter")),
        font=rng.choice(("Libertinus Serif", "New Computer Modern")),
        size=rng.choice((10, 10.5, 11)),
    )
    if page.footer:
        footer = f"#align(center, text(size: 8pt, {_typst_str(page.footer)}))"
        source += f"#set page(footer: [{footer}])\n"
    source += _typst_parts(page.header, rule) + "\n"
    if len(page.columns) == 1:
        return source + _typst_parts(page.columns[0], rule)
    widths = ", ".join(f"{w}%" for w in page.widths)
    cells = ", ".join(f"[\n{_typst_parts(column, rule)}\n]" for column in page.columns)
    style = "column-gutter: 1.2em"
    if len(set(page.widths)) > 1 and rng.random() < 0.5:  # a shaded sidebar
        narrow = page.widths.index(min(page.widths))
        style += f", inset: 0.5em, fill: (x, y) => if x == {narrow} {{ luma(230) }}"
    return source + f"#grid(columns: ({widths}), {style}, {cells})\n"


def pdf_bytes(page: Page, seed: str) -> bytes:
    """The page as a PDF with selectable text."""
    import typst

    pdf = typst.compile(
        typst_source(page, seed).encode(), format="pdf", ignore_system_fonts=True, timestamp=0
    )
    assert isinstance(pdf, bytes)
    return pdf


# ---------------------------------------------------------------- python-docx (DOCX)


def _docx_block(container: Any, block: Block, heading_style: bool, first: Any = None) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Cm, Pt

    if block.kind == "bullet":
        paragraph = container.add_paragraph(style="List Bullet")
        paragraph.add_run(block.text)
        return
    if block.kind in ("heading", "heading-top") and heading_style and first is None:
        container.add_heading(block.text, level=1)
        return
    paragraph = first if first is not None else container.add_paragraph()
    if block.kind == "space":
        return
    run = paragraph.add_run(block.text)
    if block.kind == "name":
        run.bold, run.font.size = True, Pt(18)
    elif block.kind == "label":
        run.font.size = Pt(12)
    elif block.kind in ("heading", "heading-top"):
        run.bold, run.font.size = True, Pt(12)
    elif block.kind == "bold":
        run.bold = True
    elif block.kind == "italic":
        run.italic = True
    if block.right:
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(17), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run("\t" + block.right)


def _docx_parts(container: Any, parts: Sequence[Part], heading_style: bool, cell: bool) -> None:
    first = container.paragraphs[0] if cell else None
    for part in parts:
        if isinstance(part, Row):
            table = container.add_table(rows=1, cols=2)
            left, right = table.rows[0].cells
            _docx_parts(left, part.left, heading_style, cell=True)
            _docx_parts(right, part.right, heading_style, cell=True)
            if cell:
                first = None
            continue
        _docx_block(container, part, heading_style and not cell, first)
        first = None


def docx_bytes(page: Page) -> bytes:
    """The page as a Word document; columns as a one-row table or as section columns."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(10)
    if page.footer:
        document.sections[0].footer.paragraphs[0].text = page.footer
    core = document.core_properties
    core.author, core.title = "", ""
    if page.header_in_page_header:
        top = document.sections[0].header
        _docx_parts(top, page.header, heading_style=False, cell=True)
    else:
        _docx_parts(document, page.header, page.heading_style, cell=False)
    if len(page.columns) == 1:
        _docx_parts(document, page.columns[0], page.heading_style, cell=False)
    elif page.docx_columns == "section":
        section = document.add_section(WD_SECTION.CONTINUOUS)
        columns = section._sectPr.find(qn("w:cols"))
        if columns is None:
            columns = section._sectPr.makeelement(qn("w:cols"), {})
            section._sectPr.append(columns)
        columns.set(qn("w:num"), str(len(page.columns)))
        for index, column in enumerate(page.columns):
            _docx_parts(document, column, page.heading_style, cell=False)
            if index < len(page.columns) - 1:
                document.add_paragraph().add_run().add_break(WD_BREAK.COLUMN)
    elif page.docx_columns == "text-box":
        _docx_text_box(document, page)
    else:
        table = document.add_table(rows=1, cols=len(page.columns))
        for cell, column in zip(table.rows[0].cells, page.columns, strict=True):
            _docx_parts(cell, column, page.heading_style, cell=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_EMU_PER_INCH = 914400
_NAMESPACES = " ".join(
    f'xmlns:{prefix}="{uri}"'
    for prefix, uri in (
        ("w", "http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
        ("wp", "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
        ("wps", "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"),
        ("a", "http://schemas.openxmlformats.org/drawingml/2006/main"),
        ("mc", "http://schemas.openxmlformats.org/markup-compatibility/2006"),
        ("v", "urn:schemas-microsoft-com:vml"),
    )
)
_TEXT_BOX = """\
<w:r {namespaces}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>
<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0"
 relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">
<wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="page"><wp:posOffset>{x}</wp:posOffset></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>
<wp:wrapSquare wrapText="bothSides"/><wp:docPr id="1" name="Text Box 1"/>
<wp:cNvGraphicFramePr/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:cNvSpPr txBox="1"/>
<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></wps:spPr>
<wps:txbx><w:txbxContent/></wps:txbx>
<wps:bodyPr rot="0" vert="horz" wrap="square" anchor="t"><a:noAutofit/></wps:bodyPr>
</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
<mc:Fallback><w:pict><v:shape id="Text Box 1" type="#_x0000_t202" filled="f" stroked="f"
 style="position:absolute;margin-left:{left}pt;margin-top:0;width:{width}pt;height:{height}pt">
<v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></mc:Fallback>
</mc:AlternateContent></w:r>"""


def _docx_text_box(document: Any, page: Page) -> None:
    """The narrow column in a floating text box anchored at the body's first paragraph."""
    import copy as copying

    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Inches

    narrow = min(range(len(page.columns)), key=lambda index: page.widths[index])
    section = document.sections[0]
    width_in = 2.3
    section.left_margin, section.right_margin = Inches(0.8), Inches(0.8)
    if narrow == 0:
        section.left_margin = Inches(0.8 + width_in + 0.2)
        x = 0.6
    else:
        section.right_margin = Inches(0.8 + width_in + 0.2)
        x = 8.5 - 0.6 - width_in
    scratch = document.add_table(rows=1, cols=1)
    cell = scratch.rows[0].cells[0]
    _docx_parts(cell, page.columns[narrow], heading_style=False, cell=True)
    paragraphs = cell._tc.findall(qn("w:p"))
    anchor = document.add_paragraph()
    xml = _TEXT_BOX.format(
        x=int(x * _EMU_PER_INCH),
        cx=int(width_in * _EMU_PER_INCH),
        cy=int(9 * _EMU_PER_INCH),
        left=int(x * 72),
        width=int(width_in * 72),
        height=9 * 72,
        namespaces=_NAMESPACES,
    )
    run = parse_xml(xml)
    for content in run.iter(qn("w:txbxContent")):
        for paragraph in paragraphs:
            content.append(copying.deepcopy(paragraph))
    anchor._p.append(run)
    scratch._tbl.getparent().remove(scratch._tbl)
    for index, column in enumerate(page.columns):
        if index != narrow:
            _docx_parts(document, column, page.heading_style, cell=False)


# ---------------------------------------------------------------- the corpus


def _cached(key: str, suffix: str, make: Callable[[], bytes]) -> bytes:
    digest = hashlib.sha256(f"{RENDERER_VERSION}\n{key}".encode()).hexdigest()
    path = CACHE / f"{digest[:32]}.{suffix}"
    if path.exists():
        return path.read_bytes()
    data = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{suffix}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return data


def render(page: Page, fmt: Format, seed: str) -> bytes:
    """A page as PDF or DOCX bytes, from the cache where it was rendered before."""
    if fmt == "pdf":
        return _cached(typst_source(page, seed), "pdf", lambda: pdf_bytes(page, seed))
    return _cached(page.describe(), "docx", lambda: docx_bytes(page))


def style_for(stem: str, layout: str) -> DateStyle:
    """The date style a resume is printed with in a layout (seeded)."""
    return _rng("dates", stem, layout).choice(DATE_STYLES)


def rendered_corpus(
    split: Split,
    *,
    layouts: Sequence[str] | None = None,
    formats: Sequence[Format] = FORMATS,
    limit: int | None = None,
) -> Iterator[Rendered]:
    """Every resume of `split` (the first `limit`) in every layout and format, deterministic.

    Yields (document bytes, format, layout name, gold JSON Resume), resume by resume.
    """
    chosen = [spec for spec in LAYOUTS if layouts is None or spec.name in layouts]
    picked = [(stem, source) for i, (stem, source) in enumerate(sources()) if split_of(i) == split]
    for stem, source in picked[:limit]:
        resume = variant(stem, source)
        for spec in chosen:
            style = style_for(stem, spec.name)
            page = page_of(resume, spec, style, seed=stem)
            meta = {"id": stem, "split": split, "layout": spec.name, "dateStyle": style.name}
            gold = gold_of(resume, style, meta)
            for fmt in formats:
                yield Rendered(render(page, fmt, seed=stem), fmt, spec.name, gold)
