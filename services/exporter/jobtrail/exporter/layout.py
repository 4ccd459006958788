"""What a resume or cover letter prints, in order, decided once for every format.

Both formats and every template print this same layout, in the reading order an ATS
expects: name, title, one contact line, then headed sections of entries (title, then
employer or school and dates, then text and bullets). Dates are printed to the month.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Json = Mapping[str, Any]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

HEADINGS: Mapping[str, str] = {
    "summary": "Summary",
    "work": "Work Experience",
    "volunteer": "Volunteer Experience",
    "education": "Education",
    "skills": "Skills",
    "projects": "Projects",
    "certificates": "Certifications",
    "awards": "Awards",
    "publications": "Publications",
    "languages": "Languages",
    "interests": "Interests",
    "references": "References",
}


@dataclass(frozen=True)
class Entry:
    """One dated item of a section: a job, a degree, a project."""

    title: str
    details: str = ""
    dates: str = ""
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A headed part of the resume: entries, `name: value` rows, or plain lines."""

    key: str
    entries: tuple[Entry, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()
    lines: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return HEADINGS[self.key]


@dataclass(frozen=True)
class ResumeLayout:
    name: str
    label: str
    contact: tuple[str, ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class LetterLayout:
    """A cover letter: the sender's letterhead (from the resume), then the letter."""

    name: str
    contact: tuple[str, ...]
    date: str
    recipient: tuple[str, ...]
    greeting: str
    paragraphs: tuple[str, ...]
    closing: str


def resume_layout(resume: Json) -> ResumeLayout:
    """Decide what a JSON Resume document prints, section by section."""
    basics: Json = resume.get("basics") or {}
    sections = (
        _summary(basics),
        _dated("work", resume.get("work"), _work_entry),
        _dated("volunteer", resume.get("volunteer"), _volunteer_entry),
        _dated("education", resume.get("education"), _education_entry),
        _skills(resume.get("skills")),
        _dated("projects", resume.get("projects"), _project_entry),
        _dated("certificates", resume.get("certificates"), _certificate_entry),
        _dated("awards", resume.get("awards"), _award_entry),
        _dated("publications", resume.get("publications"), _publication_entry),
        _lines("languages", resume.get("languages"), _language_line),
        _lines("interests", resume.get("interests"), _interest_line),
        _dated("references", resume.get("references"), _reference_entry),
    )
    return ResumeLayout(
        name=_text(basics.get("name")),
        label=_text(basics.get("label")),
        contact=tuple(contact_parts(basics)),
        sections=tuple(s for s in sections if s is not None),
    )


def letter_layout(letter: Json, resume: Json) -> LetterLayout:
    """A cover letter document, signed with the name and contacts of its resume.

    The letter's text is read from `paragraphs` (a list) or `body`/`text` (paragraphs
    separated by blank lines); `greeting`, `closing`, `date` and the recipient
    (`recipient`, `company`, `job_title`) are used when present.
    """
    basics: Json = resume.get("basics") or {}
    name = _text(letter.get("sender_name")) or _text(basics.get("name"))
    raw = letter.get("paragraphs")
    if isinstance(raw, list):
        paragraphs = [_text(p) for p in raw]
    else:
        body = _text(letter.get("body")) or _text(letter.get("text"))
        paragraphs = [p.replace("\n", " ") for p in body.replace("\r\n", "\n").split("\n\n")]
    recipient = [_text(letter.get(key)) for key in ("recipient", "job_title", "company", "address")]
    return LetterLayout(
        name=name,
        contact=tuple(contact_parts(basics)),
        date=_text(letter.get("date")),
        recipient=tuple(r for r in recipient if r),
        greeting=_text(letter.get("greeting")),
        paragraphs=tuple(p.strip() for p in paragraphs if p.strip()),
        closing=_text(letter.get("closing")) or "Sincerely,",
    )


def month_year(iso: str | None) -> str:
    """`2018-01-08` → `Jan 2018`, `2018` → `2018`; no date reads as `Present`."""
    if not iso:
        return "Present"
    parts = iso.split("-")
    if len(parts) > 1 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def date_range(item: Json) -> str:
    """The dates of an entry as a person writes them: `Jan 2018 – Sep 2020`."""
    start, end = item.get("startDate"), item.get("endDate")
    if not start:
        return month_year(end) if end else ""
    return f"{month_year(start)} – {month_year(end)}"


def contact_parts(basics: Json) -> Iterator[str]:
    location: Json = basics.get("location") or {}
    place = ", ".join(
        _text(location[key]) for key in ("city", "region", "countryCode") if location.get(key)
    )
    for value in (place, basics.get("email"), basics.get("phone"), basics.get("url")):
        if value:
            yield _text(value)
    for profile in basics.get("profiles") or ():
        if profile.get("url"):
            yield _text(profile["url"])


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _summary(basics: Json) -> Section | None:
    summary = _text(basics.get("summary"))
    return Section("summary", lines=(summary,)) if summary else None


def _dated(key: str, items: Sequence[Json] | None, make: Callable[[Json], Entry]) -> Section | None:
    entries = tuple(entry for entry in map(make, items or ()) if entry.title)
    return Section(key, entries=entries) if entries else None


def _lines(key: str, items: Sequence[Json] | None, make: Callable[[Json], str]) -> Section | None:
    lines = tuple(line for line in map(make, items or ()) if line)
    return Section(key, lines=lines) if lines else None


def _joined(*parts: str, sep: str = " | ") -> str:
    return sep.join(part for part in parts if part)


def _strings(values: object) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(t for t in (_text(v) for v in values) if t)


def _work_entry(job: Json) -> Entry:
    company = _text(job.get("name")) or _text(job.get("company"))
    position = _text(job.get("position"))
    return Entry(
        title=position or company,
        details=_joined(company if position else "", _text(job.get("location"))),
        dates=date_range(job),
        paragraphs=tuple(filter(None, [_text(job.get("summary"))])),
        bullets=_strings(job.get("highlights")),
    )


def _volunteer_entry(role: Json) -> Entry:
    return _work_entry({**role, "name": role.get("organization")})


def _education_entry(school: Json) -> Entry:
    study, area = _text(school.get("studyType")), _text(school.get("area"))
    degree = f"{study} in {area}" if study and area else study or area
    institution = _text(school.get("institution"))
    score = _text(school.get("score"))
    return Entry(
        title=degree or institution,
        details=institution if degree else "",
        dates=date_range(school),
        paragraphs=(f"GPA: {score}",) if score else (),
        bullets=_strings(school.get("courses")),
    )


def _project_entry(project: Json) -> Entry:
    keywords = ", ".join(_strings(project.get("keywords")))
    return Entry(
        title=_text(project.get("name")),
        details=_text(project.get("url")),
        dates=date_range(project),
        paragraphs=tuple(
            filter(
                None, [_text(project.get("description")), keywords and f"Technologies: {keywords}"]
            )
        ),
        bullets=_strings(project.get("highlights")),
    )


def _certificate_entry(certificate: Json) -> Entry:
    date = _text(certificate.get("date"))
    return Entry(
        title=_text(certificate.get("name")),
        details=_text(certificate.get("issuer")),
        dates=month_year(date) if date else "",
    )


def _award_entry(award: Json) -> Entry:
    date = _text(award.get("date"))
    return Entry(
        title=_text(award.get("title")),
        details=_text(award.get("awarder")),
        dates=month_year(date) if date else "",
        paragraphs=tuple(filter(None, [_text(award.get("summary"))])),
    )


def _publication_entry(publication: Json) -> Entry:
    released = _text(publication.get("releaseDate"))
    return Entry(
        title=_text(publication.get("name")),
        details=_text(publication.get("publisher")),
        dates=month_year(released) if released else "",
        paragraphs=tuple(
            filter(None, [_text(publication.get("summary")), _text(publication.get("url"))])
        ),
    )


def _reference_entry(reference: Json) -> Entry:
    text = _text(reference.get("reference"))
    return Entry(title=_text(reference.get("name")), paragraphs=(f"“{text}”",) if text else ())


def _skills(skills: Sequence[Json] | None) -> Section | None:
    rows = tuple(
        (_with_level(skill), ", ".join(_strings(skill.get("keywords"))))
        for skill in skills or ()
        if _text(skill.get("name"))
    )
    return Section("skills", rows=rows) if rows else None


def _with_level(skill: Json) -> str:
    level = _text(skill.get("level"))
    name = _text(skill.get("name"))
    return f"{name} ({level})" if level else name


def _language_line(item: Json) -> str:
    language = _text(item.get("language"))
    return _joined(language, _text(item.get("fluency")), sep=" — ") if language else ""


def _interest_line(item: Json) -> str:
    name = _text(item.get("name"))
    return _joined(name, ", ".join(_strings(item.get("keywords"))), sep=": ") if name else ""
