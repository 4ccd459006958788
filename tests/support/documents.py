"""Real resume files (text, Markdown, PDF, DOCX), built from JSON Resume dicts.

Every renderer lays the same resume out the way a person would: name, title, a contact
line, then sections of entries (title, company and dates, summary, bullets). Each format
uses different, common heading wordings so readers are exercised on the synonyms too.
"""

from __future__ import annotations

import io
import random
import struct
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path

import docx
import typst
from docx.shared import Pt

from tests.support.resume_layout import (
    Layout,
    Resume,
    joined,
    layout_of,
    nonempty,
)

# Each format titles its sections differently, as real resumes do.
HEADINGS: Mapping[str, Mapping[str, str]] = {
    "text": {
        "summary": "SUMMARY",
        "work": "WORK EXPERIENCE",
        "volunteer": "VOLUNTEER EXPERIENCE",
        "education": "EDUCATION",
        "skills": "SKILLS",
        "projects": "PROJECTS",
        "certificates": "CERTIFICATIONS",
        "awards": "AWARDS",
        "publications": "PUBLICATIONS",
        "languages": "LANGUAGES",
        "interests": "INTERESTS",
        "references": "REFERENCES",
    },
    "markdown": {
        "summary": "About",
        "work": "Experience",
        "volunteer": "Volunteering",
        "education": "Education",
        "skills": "Technical Skills",
        "projects": "Projects",
        "certificates": "Licenses & Certifications",
        "awards": "Honors & Awards",
        "publications": "Publications",
        "languages": "Languages",
        "interests": "Interests",
        "references": "References",
    },
    "pdf": {
        "summary": "Profile",
        "work": "Professional Experience",
        "volunteer": "Volunteer Work",
        "education": "Education",
        "skills": "Skills",
        "projects": "Selected Projects",
        "certificates": "Certifications",
        "awards": "Awards",
        "publications": "Publications",
        "languages": "Languages",
        "interests": "Hobbies & Interests",
        "references": "References",
    },
    "docx": {
        "summary": "Professional Summary",
        "work": "Employment History",
        "volunteer": "Volunteer Experience",
        "education": "Education",
        "skills": "Skills",
        "projects": "Projects",
        "certificates": "Certificates",
        "awards": "Awards",
        "publications": "Publications",
        "languages": "Languages",
        "interests": "Interests",
        "references": "References",
    },
}


def resume_text(resume: Resume) -> str:
    """A conventional plain-text resume: upper-case headings, one line per paragraph."""
    layout = layout_of(resume)
    out = [layout.name, *([layout.label] if layout.label else []), " | ".join(layout.contact)]
    for section in layout.sections:
        out += ["", HEADINGS["text"][section.key]]
        out += [f"{name}: {value}" for name, value in section.rows] + list(section.lines)
        for entry in section.entries:
            out += ["", entry.title, *nonempty(joined(*entry.details, entry.dates))]
            out += [*entry.paragraphs, *(f"• {bullet}" for bullet in entry.bullets)]
    return "\n".join(out) + "\n"


def resume_markdown(resume: Resume) -> str:
    """A conventional Markdown resume: `#` name, `##` sections, `###` entries, `-` bullets."""
    layout = layout_of(resume)
    out = [f"# {_md(layout.name)}", ""]
    if layout.label:
        out += [f"**{_md(layout.label)}**", ""]
    out += [" · ".join(_md_link(part) for part in layout.contact), ""]
    for section in layout.sections:
        out += [f"## {HEADINGS['markdown'][section.key]}", ""]
        out += [f"- **{_md(name)}:** {_md(value)}" for name, value in section.rows]
        out += [f"{_md(line)}  " for line in section.lines]
        for entry in section.entries:
            out += ["", f"### {_md(entry.title)}"]
            out += [*nonempty(_md(joined(*entry.details, entry.dates))), ""]
            out += [line for para in entry.paragraphs for line in (_md(para), "")]
            out += [f"- {_md(bullet)}" for bullet in entry.bullets]
        out.append("")
    return "\n".join(out)


def resume_docx(resume: Resume) -> bytes:
    """A Word resume: title, headings, bold entry titles, bulleted highlights, a skills table."""
    layout = layout_of(resume)
    document = docx.Document()
    document.add_heading(layout.name, level=0)
    if layout.label:
        document.add_paragraph(layout.label)
    document.add_paragraph(" | ".join(layout.contact))
    for section in layout.sections:
        document.add_heading(HEADINGS["docx"][section.key], level=1)
        if section.rows:
            table = document.add_table(rows=0, cols=2)
            for name, value in section.rows:
                cells = table.add_row().cells
                cells[0].text, cells[1].text = name, value
        for line in section.lines:
            document.add_paragraph(line)
        for entry in section.entries:
            document.add_paragraph().add_run(entry.title).bold = True
            for details in nonempty(joined(*entry.details, entry.dates)):
                document.add_paragraph().add_run(details).italic = True
            for para in entry.paragraphs:
                document.add_paragraph(para)
            for bullet in entry.bullets:
                document.add_paragraph(bullet, style="List Bullet")
    document.styles["Normal"].font.size = Pt(10)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def resume_pdf(resume: Resume, photo: bytes | None = None) -> bytes:
    """A one-column PDF with selectable text, dates right-aligned on the entry title line.

    `photo` (PNG bytes) is placed top right, as on many European resumes.
    """
    body = "\n".join(_typst_body(layout_of(resume)))
    if photo is None:
        return typst_pdf(_TYPST_PREAMBLE + body)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "photo.png").write_bytes(photo)
        main = Path(folder) / "main.typ"
        main.write_text(_TYPST_PREAMBLE + _TYPST_PHOTO + body, encoding="utf-8")
        return typst_pdf(main)


def photo_png(side: int = 200, seed: int = 1) -> bytes:
    """A square PNG of noise: as heavy as a real photo, since noise does not compress."""
    noise = random.Random(seed).randbytes(side * side * 3)
    rows = b"".join(b"\x00" + noise[row * side * 3 : (row + 1) * side * 3] for row in range(side))
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        _png_chunk(kind, data)
        for kind, data in ((b"IHDR", header), (b"IDAT", zlib.compress(rows)), (b"IEND", b""))
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# Markdown: escape what would otherwise turn user text into markup.
_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|"})


def _md(text: str) -> str:
    return text.translate(_MD_SPECIAL)


def _md_link(part: str) -> str:
    if "@" in part and " " not in part:
        return f"[{_md(part)}](mailto:{part})"
    if part.startswith(("http://", "https://")):
        return f"<{part}>"
    return _md(part)


# Typst: user text only ever enters as string literals, so no markup in it is interpreted.
_TYPST_PREAMBLE = """\
#set page(paper: "us-letter", margin: (x: 1.8cm, y: 1.5cm))
#set text(font: "Libertinus Serif", size: 10.5pt)
#set par(justify: false, leading: 0.55em)
#set list(indent: 0.6em, body-indent: 0.5em)
#let section(title) = {
  v(0.6em)
  text(size: 12pt, weight: "bold", title)
  v(-0.7em)
  line(length: 100%, stroke: 0.5pt)
}
#let entry(title, details, dates) = {
  v(0.3em)
  text(weight: "bold", title)
  h(1fr)
  dates
  if details != "" { linebreak(); emph(details) }
  parbreak()
}
"""


_TYPST_PHOTO = """\
#place(top + right, image("photo.png", width: 2.6cm))
"""


def _typst_body(layout: Layout) -> Iterator[str]:
    yield f'#align(center, text(size: 20pt, weight: "bold", {_typst_str(layout.name)}))'
    if layout.label:
        yield f"#align(center, text(size: 12pt, {_typst_str(layout.label)}))"
    yield f"#align(center, {_typst_str('  ·  '.join(layout.contact))})"
    for section in layout.sections:
        yield f"#section({_typst_str(HEADINGS['pdf'][section.key])})"
        for name, value in section.rows:
            yield f'#text(weight: "bold", {_typst_str(name + ":")}) #{_typst_str(value)}\n'
        for line in section.lines:
            yield f"#{_typst_str(line)}\n"
        for entry in section.entries:
            details, dates = _typst_str(joined(*entry.details)), _typst_str(entry.dates)
            yield f"#entry({_typst_str(entry.title)}, {details}, {dates})"
            for para in entry.paragraphs:
                yield f"#{_typst_str(para)}\n"
            for bullet in entry.bullets:
                yield f"- #{_typst_str(bullet)}"


def _typst_str(text: str) -> str:
    """A typst string literal holding `text` verbatim."""
    return '"' + "".join(_typst_char(char) for char in text) + '"'


def _typst_char(char: str) -> str:
    if char in '\\"':
        return "\\" + char
    return f"\\u{{{ord(char):x}}}" if ord(char) < 0x20 or ord(char) == 0x7F else char


def typst_pdf(source: str | Path) -> bytes:
    main = source if isinstance(source, Path) else source.encode()
    pdf = typst.compile(main, format="pdf", ignore_system_fonts=True, timestamp=0)
    assert isinstance(pdf, bytes)
    return pdf


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
