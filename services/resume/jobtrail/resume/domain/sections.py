"""Section headings, in their common wordings, and the text split at them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from jobtrail.resume.domain.dates import find_dates
from jobtrail.resume.domain.lexicon import words_of
from jobtrail.resume.domain.lines import Line

SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "summary": (
        "summary",
        "profile",
        "about",
        "about me",
        "professional summary",
        "career summary",
        "executive summary",
        "summary of qualifications",
        "objective",
        "career objective",
        "personal statement",
        "overview",
        "professional profile",
        "personal profile",
        "bio",
    ),
    "work": (
        "experience",
        "work experience",
        "professional experience",
        "employment",
        "employment history",
        "work history",
        "career history",
        "relevant experience",
        "professional background",
        "career",
        "experiences",
        "industry experience",
        "positions held",
        "professional history",
        "job history",
    ),
    "volunteer": (
        "volunteer",
        "volunteering",
        "volunteer experience",
        "volunteer work",
        "community involvement",
        "community service",
        "volunteer activities",
    ),
    "education": (
        "education",
        "academic background",
        "education and training",
        "academic history",
        "academic qualifications",
        "educational background",
        "qualifications",
        "studies",
    ),
    "skills": (
        "skills",
        "technical skills",
        "core competencies",
        "competencies",
        "key skills",
        "skills and expertise",
        "expertise",
        "areas of expertise",
        "skill set",
        "skillset",
        "core skills",
        "technologies",
        "tech stack",
        "tools and technologies",
        "skills summary",
    ),
    "projects": (
        "projects",
        "personal projects",
        "selected projects",
        "side projects",
        "key projects",
        "open source",
        "open source projects",
        "portfolio",
        "academic projects",
    ),
    "certificates": (
        "certifications",
        "certificates",
        "certification",
        "licenses and certifications",
        "licences and certifications",
        "certifications and licenses",
        "licenses",
        "professional certifications",
        "courses and certifications",
    ),
    "languages": ("languages", "language skills", "spoken languages", "language"),
    "awards": (
        "awards",
        "honors",
        "honours",
        "awards and honors",
        "honors and awards",
        "awards and honours",
        "honours and awards",
        "achievements",
        "accomplishments",
        "awards and achievements",
    ),
    "publications": ("publications", "papers", "selected publications", "research"),
    "interests": (
        "interests",
        "hobbies",
        "hobbies and interests",
        "interests and hobbies",
        "personal interests",
        "activities",
    ),
    "references": ("references", "referees", "recommendations"),
    "contact": (
        "contact",
        "contact information",
        "contact details",
        "personal details",
        "personal information",
        "contact info",
    ),
}
# Words a heading is made of when its exact wording is not listed above: the first
# section noun decides ("EXPERIENCE SUMMARY" → work, "SKILLS & AWARDS" → skills).
NOUNS: Mapping[str, str] = {
    **dict.fromkeys(("experience", "experiences", "employment", "career", "positions"), "work"),
    **dict.fromkeys(("summary", "profile", "objective", "objectives", "about"), "summary"),
    **dict.fromkeys(("education", "academic", "academics", "studies", "schooling"), "education"),
    **dict.fromkeys(
        (
            "skills",
            "skill",
            "competencies",
            "competences",
            "expertise",
            "technologies",
            "proficiencies",
            "abilities",
            "strengths",
        ),
        "skills",
    ),
    **dict.fromkeys(("projects", "project"), "projects"),
    **dict.fromkeys(
        ("certifications", "certificates", "certification", "licenses", "licences"),
        "certificates",
    ),
    **dict.fromkeys(("courses", "trainings", "training"), "certificates"),
    "languages": "languages",
    **dict.fromkeys(("awards", "honors", "honours", "achievements", "accomplishments"), "awards"),
    **dict.fromkeys(("publications", "papers"), "publications"),
    **dict.fromkeys(("interests", "hobbies", "activities"), "interests"),
    **dict.fromkeys(("references", "referees", "recommendations"), "references"),
    **dict.fromkeys(("volunteer", "volunteering"), "volunteer"),
    **dict.fromkeys(("contact", "contacts"), "contact"),
}
MODIFIERS = words_of(
    """
    professional technical technology key core relevant work working set and my other
    additional selected academic personal related industry it software computer soft hard
    main major recent previous history record details information background overview of
    in qualifications summary highlights areas tools the list specific general detailed
    job jobs qualification
    """
)
_HEADINGS = {wording: key for key, wordings in SYNONYMS.items() for wording in wordings}
_DECORATION = re.compile(r"^[\s#*_=~>|•·:-]+|[\s#*_=~|•·:-]+$")
_SPACED_LETTERS = re.compile(r"^(?:\w ){2,}\w$")
# Small capitals extracted as a capital, a space and the rest of the word.
_SMALL_CAPS = re.compile(r"\b([A-Z]) ([A-Z]{2,})\b")
# Only entry sections may open on the heading's own line, and only with a date there:
# "Professional Experience: Independent Developer, 2021 till now".
# Listed wordings that are also common bullet items under other headings.
_BULLETED_WORDS = frozenset({"career", "studies", "qualifications", "expertise", "technologies"})
_INLINE_KEYS = frozenset({"work", "volunteer", "education", "projects"})


@dataclass
class Section:
    """A section of the resume: its key, its heading as written, and its lines."""

    key: str
    heading: str
    lines: list[Line] = field(default_factory=list)


def heading_key(line: Line) -> str | None:
    """The section a heading line opens ("Work Experience:" → "work"), or None."""
    if len(line.text) > 40:
        return None
    if line.bullet:  # "• Professional Experience": a glyph decorating a heading
        return _bulleted_heading(line.text)
    return wording_key(line.text)


# Section keys a one-word heading may have when it is written as a bullet: a bullet
# "• Research" or "• Languages" is more often an item of a list than a heading.
_BULLETED_KEYS = frozenset({"work", "education", "skills"})


def _bulleted_heading(written: str) -> str | None:
    """The key of a heading written after a bullet glyph: listed wordings only."""
    text = re.sub(r"\s+", " ", _DECORATION.sub("", written)).strip().lower()
    key = _HEADINGS.get(text.replace("&", "and"))
    if key and (" " in text or key in _BULLETED_KEYS) and text not in _BULLETED_WORDS:
        return key
    return None


def is_listed_heading(written: str) -> bool:
    """The line is, as a whole, a heading in one of its listed wordings ("work experience")."""
    text = re.sub(r"\s+", " ", _DECORATION.sub("", written).replace("&", "and")).strip().lower()
    return len(text) <= 40 and text in _HEADINGS


def wording_key(written: str) -> str | None:
    """The section a heading's wording names, exactly or by its nouns."""
    text = _DECORATION.sub("", written)
    if _SPACED_LETTERS.match(text):  # "E X P E R I E N C E"
        text = text.replace(" ", "")
    text = _SMALL_CAPS.sub(r"\1\2", text)  # "P ROFESSIONAL E XPERIENCE"
    text = re.sub(r"\s+", " ", text.replace("&", " and ").replace("/", " and ")).strip().lower()
    text = text.removeprefix("my ")
    if key := _HEADINGS.get(text):
        return key
    words = text.split()
    if not 1 <= len(words) <= 6:
        return None
    unknown = [word for word in words if word not in NOUNS and word not in MODIFIERS]
    if unknown and not _qualified_noun(written, words, unknown):
        return None
    return next((NOUNS[word] for word in words if word in NOUNS), None)


# Sections one word of a field may qualify: "Teaching Experience", "ICT RELATED EXPERIENCE".
# Not "technologies" or "solutions": "Dolphin Technologies" is an employer.
_QUALIFIED_NOUNS = frozenset({"experience", "experiences", "skills", "education", "employment"})


def _qualified_noun(written: str, words: list[str], unknown: list[str]) -> bool:
    """A capitalised heading ending in a section noun, with up to three words the lists
    lack ("Public Relations/Event Planning Experience")."""
    capitalised = all(
        word[:1].isupper() or word in ("and", "of", "the", "&")
        for word in _DECORATION.sub("", written).split()
    )
    return (
        capitalised
        and 2 <= len(words) <= 6
        and len(unknown) <= 3
        and all(word.isalpha() for word in unknown)
        and words[-1] in _QUALIFIED_NOUNS
    )


def find_sections(lines: list[Line]) -> tuple[list[Line], list[Section]]:
    """The lines before the first heading, and the sections in document order."""
    header: list[Line] = []
    found: list[Section] = []
    current = header
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if index < len(lines) and (key := _split_heading(line, lines[index])):
            found.append(Section(key, f"{line.text} {lines[index].text}"))
            current = found[-1].lines
            index += 1
        elif key := heading_key(line):
            found.append(Section(key, line.text))
            current = found[-1].lines
        elif inline := _inline_heading(line):
            key, heading, rest = inline
            found.append(Section(key, heading, [rest]))
            current = found[-1].lines
        else:
            current.append(line)
    return header, found


def split_sections(lines: list[Line]) -> tuple[list[Line], dict[str, list[Line]]]:
    """The lines before the first heading, and each section's lines by key."""
    header, found = find_sections(lines)
    sections: dict[str, list[Line]] = {}
    for section in found:
        sections.setdefault(section.key, []).extend(section.lines)
    return header, sections


def _split_heading(first: Line, second: Line) -> str | None:
    """ "WORK" over "EXPERIENCE": two short lines that make one heading only together."""
    if first.bullet or second.bullet or len(first.text.split()) > 2:
        return None
    if len(second.text.split()) > 2 or (heading_key(first) and heading_key(second)):
        return None  # "SKILLS" over "LANGUAGES" are two headings
    # The second line is all heading words; one word of the pair may qualify them
    # ("Teaching" over "Experience"), but a name over "EDUCATION" is no heading.
    words = _DECORATION.sub("", f"{first.text} {second.text}").lower().split()
    unknown = [word for word in words if word not in NOUNS and word not in MODIFIERS]
    second_words = _DECORATION.sub("", second.text).lower().split()
    if len(unknown) > 1 or any(word in unknown for word in second_words):
        return None
    return heading_key(Line(f"{first.text} {second.text}"))


def _inline_heading(line: Line) -> tuple[str, str, Line] | None:
    heading, colon, rest = line.text.partition(":")
    if not colon or line.bullet or not rest.strip() or find_dates(rest) is None:
        return None
    key = wording_key(heading)
    if key not in _INLINE_KEYS:
        return None
    assert key is not None
    return key, heading.strip(), replace(line, text=rest.strip())
