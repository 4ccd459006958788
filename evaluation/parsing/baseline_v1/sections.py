"""Section headings, in their common wordings, and the text split at them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from evaluation.parsing.baseline_v1.lines import Line

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
_HEADINGS = {wording: key for key, wordings in SYNONYMS.items() for wording in wordings}
_DECORATION = re.compile(r"^[\s#*_=~>|•·:-]+|[\s#*_=~|•·:-]+$")
_SPACED_LETTERS = re.compile(r"^(?:\w ){2,}\w$")


def heading_key(line: Line) -> str | None:
    """The section a heading line opens ("Work Experience:" → "work"), or None."""
    if line.bullet or len(line.text) > 40:
        return None
    text = _DECORATION.sub("", line.text)
    if _SPACED_LETTERS.match(text):  # "E X P E R I E N C E"
        text = text.replace(" ", "")
    text = re.sub(r"\s+", " ", text.replace("&", " and ")).strip().lower()
    return _HEADINGS.get(text.removeprefix("my "))


def split_sections(lines: list[Line]) -> tuple[list[Line], dict[str, list[Line]]]:
    """The lines before the first heading, and each section's lines by key."""
    header: list[Line] = []
    sections: dict[str, list[Line]] = {}
    current = header
    for line in lines:
        key = heading_key(line)
        if key is None:
            current.append(line)
        else:
            current = sections.setdefault(key, [])
    return header, sections
