"""What a resume looks like on paper, decided once for every test file format.

`layout_of` turns a JSON Resume dict into a Layout: the name, a contact line, then
sections of entries (title, company and dates, summary, bullets), the way a person lays
out a resume. The renderers in tests/support/documents.py print this same layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Resume = Mapping[str, Any]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Entry:
    """One dated item of a section: a job, a degree, a project."""

    title: str
    details: tuple[str, ...] = ()
    dates: str = ""
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A headed part of the resume: either entries or plain lines."""

    key: str
    entries: tuple[Entry, ...] = ()
    lines: tuple[str, ...] = ()
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Layout:
    """What every renderer prints, in order."""

    name: str
    label: str
    contact: tuple[str, ...]
    sections: tuple[Section, ...]


def layout_of(resume: Resume) -> Layout:
    """Decide what is printed where; every renderer prints this same layout."""
    basics: Mapping[str, Any] = resume.get("basics") or {}
    sections = [
        section
        for section in (
            _summary(basics),
            _dated("work", resume.get("work"), _work_entry),
            _dated("volunteer", resume.get("volunteer"), _volunteer_entry),
            _dated("education", resume.get("education"), _education_entry),
            _skills(resume.get("skills")),
            _dated("projects", resume.get("projects"), _project_entry),
            _dated("certificates", resume.get("certificates"), _certificate_entry),
            _dated("awards", resume.get("awards"), _award_entry),
            _dated("publications", resume.get("publications"), _publication_entry),
            _languages(resume.get("languages")),
            _interests(resume.get("interests")),
            _dated("references", resume.get("references"), _reference_entry),
        )
        if section is not None
    ]
    return Layout(
        name=basics.get("name", ""),
        label=basics.get("label", ""),
        contact=tuple(_contact(basics)),
        sections=tuple(sections),
    )


def month_year(iso: str | None) -> str:
    """`2018-01-08` → `Jan 2018`, `2018` → `2018`; no date reads as `Present`."""
    if not iso:
        return "Present"
    parts = iso.split("-")
    return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}" if len(parts) > 1 else parts[0]


def date_range(item: Mapping[str, Any]) -> str:
    """The dates of an entry as a person writes them: `Jan 2018 – Sep 2020`."""
    start, end = item.get("startDate"), item.get("endDate")
    if not start:
        return month_year(end) if end else ""
    return f"{month_year(start)} – {month_year(end)}"


def _contact(basics: Mapping[str, Any]) -> Iterator[str]:
    location = basics.get("location") or {}
    place = ", ".join(
        location[key] for key in ("city", "region", "countryCode") if location.get(key)
    )
    for value in (place, basics.get("email"), basics.get("phone"), basics.get("url")):
        if value:
            yield value
    for profile in basics.get("profiles") or ():
        if profile.get("url"):
            yield profile["url"]


def _summary(basics: Mapping[str, Any]) -> Section | None:
    summary = basics.get("summary")
    return Section("summary", lines=(summary,)) if summary else None


def _dated(
    key: str, items: Sequence[Mapping[str, Any]] | None, make: Callable[[Resume], Entry]
) -> Section | None:
    entries = tuple(entry for entry in map(make, items or ()) if entry.title)
    return Section(key, entries=entries) if entries else None


def _work_entry(job: Mapping[str, Any]) -> Entry:
    company = job.get("name") or job.get("company") or ""
    position = job.get("position") or ""
    return Entry(
        title=position or company,
        details=tuple(filter(None, [company if position else "", job.get("location")])),
        dates=date_range(job),
        paragraphs=tuple(filter(None, [job.get("summary")])),
        bullets=tuple(job.get("highlights") or ()),
    )


def _volunteer_entry(role: Mapping[str, Any]) -> Entry:
    return _work_entry({**role, "name": role.get("organization")})


def _education_entry(school: Mapping[str, Any]) -> Entry:
    study, area = school.get("studyType") or "", school.get("area") or ""
    degree = f"{study} in {area}" if study and area else study or area
    institution = school.get("institution") or ""
    score = school.get("score")
    return Entry(
        title=degree or institution,
        details=tuple(filter(None, [institution if degree else ""])),
        dates=date_range(school),
        paragraphs=(f"GPA: {score}",) if score else (),
        bullets=tuple(school.get("courses") or ()),
    )


def _project_entry(project: Mapping[str, Any]) -> Entry:
    keywords = ", ".join(project.get("keywords") or ())
    return Entry(
        title=project.get("name") or "",
        details=tuple(filter(None, [project.get("url")])),
        dates=date_range(project),
        paragraphs=tuple(
            filter(None, [project.get("description"), keywords and f"Technologies: {keywords}"])
        ),
        bullets=tuple(project.get("highlights") or ()),
    )


def _certificate_entry(certificate: Mapping[str, Any]) -> Entry:
    return Entry(
        title=certificate.get("name") or "",
        details=tuple(filter(None, [certificate.get("issuer")])),
        dates=month_year(certificate["date"]) if certificate.get("date") else "",
    )


def _award_entry(award: Mapping[str, Any]) -> Entry:
    return Entry(
        title=award.get("title") or "",
        details=tuple(filter(None, [award.get("awarder")])),
        dates=month_year(award["date"]) if award.get("date") else "",
        paragraphs=tuple(filter(None, [award.get("summary")])),
    )


def _publication_entry(publication: Mapping[str, Any]) -> Entry:
    released = publication.get("releaseDate")
    return Entry(
        title=publication.get("name") or "",
        details=tuple(filter(None, [publication.get("publisher")])),
        dates=month_year(released) if released else "",
        paragraphs=tuple(filter(None, [publication.get("summary"), publication.get("url")])),
    )


def _reference_entry(reference: Mapping[str, Any]) -> Entry:
    text = reference.get("reference")
    return Entry(title=reference.get("name") or "", paragraphs=(f"“{text}”",) if text else ())


def _skills(skills: Sequence[Mapping[str, Any]] | None) -> Section | None:
    rows = tuple(
        (_with_level(skill), ", ".join(skill.get("keywords") or ()))
        for skill in skills or ()
        if skill.get("name")
    )
    return Section("skills", rows=rows) if rows else None


def _with_level(skill: Mapping[str, Any]) -> str:
    level = skill.get("level")
    return f"{skill['name']} ({level})" if level else str(skill["name"])


def _languages(languages: Sequence[Mapping[str, Any]] | None) -> Section | None:
    lines = tuple(
        joined(item["language"], item.get("fluency") or "", sep=" — ")
        for item in languages or ()
        if item.get("language")
    )
    return Section("languages", lines=lines) if lines else None


def _interests(interests: Sequence[Mapping[str, Any]] | None) -> Section | None:
    lines = tuple(
        joined(item["name"], ", ".join(item.get("keywords") or ()), sep=": ")
        for item in interests or ()
        if item.get("name")
    )
    return Section("interests", lines=lines) if lines else None


def nonempty(text: str) -> list[str]:
    """A line to print, or none when it is empty."""
    return [text] if text else []


def joined(*parts: str, sep: str = " | ") -> str:
    """The non-empty parts on one line."""
    return sep.join(part for part in parts if part)
