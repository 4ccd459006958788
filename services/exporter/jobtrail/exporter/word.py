"""DOCX files with python-docx, in the same layout and templates as the PDFs.

Headings and entry titles are "keep with next", so Word never leaves them alone at the
foot of a page. Word documents do not embed fonts here: the templates name fonts every
Word installation has, with an East Asian font set for CJK text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.text.paragraph import Paragraph

from jobtrail.exporter.layout import Entry, LetterLayout, ResumeLayout, Section

# A fixed time in the file's properties: the same document always gives the same bytes
# (the docx zip members carry no timestamps of their own in python-docx).
_EPOCH = datetime(2000, 1, 1)


@dataclass(frozen=True)
class WordStyle:
    font: str
    east_asian_font: str
    size: float
    accent: RGBColor
    centred_header: bool
    upper_headings: bool
    margin_cm: float


STYLES = {
    "classic": WordStyle("Georgia", "SimSun", 10.5, RGBColor(0, 0, 0), True, False, 1.8),
    "modern": WordStyle(
        "Calibri", "Microsoft YaHei", 10, RGBColor(0x1F, 0x4E, 0x79), False, True, 2.0
    ),
}


def resume_docx(layout: ResumeLayout, template: str) -> bytes:
    style = STYLES[template]
    document = _new(style, layout.name, "Resume")
    _letterhead(document, style, layout.name, layout.label, layout.contact)
    for section in layout.sections:
        _section(document, style, section)
    return _saved(document)


def letter_docx(letter: LetterLayout, template: str) -> bytes:
    style = STYLES[template]
    document = _new(style, letter.name, "Cover letter")
    _letterhead(document, style, letter.name, "", letter.contact)
    for line in (letter.date, "\n".join(letter.recipient), letter.greeting, *letter.paragraphs):
        if line:
            document.add_paragraph(line)
    closing = document.add_paragraph(letter.closing)
    closing.paragraph_format.keep_with_next = True
    document.add_paragraph(letter.name)
    return _saved(document)


def _new(style: WordStyle, name: str, what: str) -> Document:
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = style.font
    normal.font.size = Pt(style.size)
    fonts = normal.element.rPr.rFonts
    fonts.set(qn("w:eastAsia"), style.east_asian_font)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(style.margin_cm)
        section.top_margin = section.bottom_margin = Cm(style.margin_cm * 0.85)
    properties = document.core_properties
    properties.title = f"{name} — {what}" if name else what
    properties.author = name
    properties.created = properties.modified = _EPOCH
    properties.last_modified_by = "Jobtrail"
    properties.revision = 1
    return document


def _letterhead(
    document: Document, style: WordStyle, name: str, label: str, contact: tuple[str, ...]
) -> None:
    align = WD_ALIGN_PARAGRAPH.CENTER if style.centred_header else WD_ALIGN_PARAGRAPH.LEFT
    title = document.add_heading(level=0)
    run = title.add_run(name)
    run.font.color.rgb = style.accent
    run.font.name = style.font
    title.alignment = align
    if label:
        document.add_paragraph(label).alignment = align
    document.add_paragraph(" | ".join(contact)).alignment = align


def _section(document: Document, style: WordStyle, section: Section) -> None:
    heading = document.add_heading(level=1)
    run = heading.add_run(section.heading.upper() if style.upper_headings else section.heading)
    run.font.color.rgb = style.accent
    run.font.name = style.font
    heading.paragraph_format.keep_with_next = True
    if section.rows:
        table = document.add_table(rows=0, cols=2)
        for name, value in section.rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = name, value
    for line in section.lines:
        document.add_paragraph(line)
    for entry in section.entries:
        _entry(document, style, entry)


def _entry(document: Document, style: WordStyle, entry: Entry) -> None:
    title = document.add_paragraph()
    title.add_run(entry.title).bold = True
    if entry.dates:
        # The dates on the title line, pushed to the right margin by a tab stop.
        title.paragraph_format.tab_stops.add_tab_stop(_text_width(document), WD_TAB_ALIGNMENT.RIGHT)
        title.add_run("\t" + entry.dates)
    _keep(title)
    if entry.details:
        details = document.add_paragraph()
        run = details.add_run(entry.details)
        run.italic = True
        run.font.color.rgb = style.accent
        _keep(details)
    for paragraph in entry.paragraphs:
        document.add_paragraph(paragraph)
    for bullet in entry.bullets:
        document.add_paragraph(bullet, style="List Bullet")


def _text_width(document: Document) -> Length:
    page = document.sections[0]
    width, left, right = page.page_width, page.left_margin, page.right_margin
    return Length((width or Cm(21)) - (left or 0) - (right or 0))


def _keep(paragraph: Paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_after = Pt(1)


def _saved(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
