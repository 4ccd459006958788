"""Rendering a resume version or cover letter to the requested format and template."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jobtrail.events.exports import TEMPLATES
from jobtrail.exporter import pdf, word
from jobtrail.exporter.layout import letter_layout, resume_layout

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

Format = Literal["pdf", "docx"]


class UnknownTemplate(ValueError):
    """No template of that name."""


@dataclass(frozen=True)
class Rendered:
    data: bytes
    media_type: str
    filename: str


def render_resume(resume: Mapping[str, Any], fmt: Format, template: str, version: int) -> Rendered:
    """A JSON Resume document as a PDF or DOCX file."""
    _check(template)
    layout = resume_layout(resume)
    data = pdf.resume_pdf(layout, template) if fmt == "pdf" else word.resume_docx(layout, template)
    return Rendered(data, MEDIA_TYPES[fmt], filename(layout.name, "resume", version, fmt))


def render_letter(
    letter: Mapping[str, Any], resume: Mapping[str, Any], fmt: Format, template: str, version: int
) -> Rendered:
    """A cover letter, with the letterhead of the resume it goes with."""
    _check(template)
    layout = letter_layout(letter, resume)
    data = pdf.letter_pdf(layout, template) if fmt == "pdf" else word.letter_docx(layout, template)
    return Rendered(data, MEDIA_TYPES[fmt], filename(layout.name, "cover-letter", version, fmt))


def filename(name: str, what: str, version: int, fmt: str) -> str:
    """`Ada-Lovelace-resume-v3.pdf`; letters outside ASCII are kept, separators are not."""
    slug = re.sub(r"[^\w]+", "-", name, flags=re.UNICODE).strip("-_")[:60]
    return f"{slug + '-' if slug else ''}{what}-v{version}.{fmt}"


def _check(template: str) -> None:
    if template not in TEMPLATES:
        raise UnknownTemplate(f"no template {template!r}; choose one of {', '.join(TEMPLATES)}")
