"""Text from PDF files, read with pypdf in layout mode so indentation and columns survive."""

from __future__ import annotations

import io
import re

from pypdf import PageObject, PasswordType, PdfReader

from evaluation.parsing.baseline_v1 import errors

# A scan stamped "Scanned with CamScanner" still has a few letters; a real page has hundreds.
MIN_LETTERS_PER_PAGE = 40

_BULLET = re.compile(r"[•●▪■◦‣∙○◆►▶➢➤✓✔*–-]\s+")
_COLUMN_GAP = re.compile(r"(?<=\S) {4,}(?=\S)")
_LETTER = re.compile(r"[^\W\d_]")


def pdf_text(data: bytes, max_pages: int) -> tuple[str, int]:
    """The text of every page, and the page count; raises UnreadableResume."""
    try:
        reader = _open(data)
        pages = len(reader.pages)
        if pages > max_pages:
            raise errors.too_many_pages(pages, max_pages)
        text = "\n\n".join(_layout_lines(_page_text(page)) for page in reader.pages)
    except errors.UnreadableResume:
        raise
    except Exception as error:  # pypdf raises many kinds on damaged files; all mean "damaged"
        raise errors.corrupt_pdf() from error
    if len(_LETTER.findall(text)) < MIN_LETTERS_PER_PAGE * max(pages, 1):
        raise errors.no_text_layer()
    return text, pages


def _open(data: bytes) -> PdfReader:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not _unlock(reader):
        raise errors.encrypted_pdf()
    return reader


def _unlock(reader: PdfReader) -> bool:
    """Open PDFs locked only against editing: their user password is empty."""
    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except Exception:  # AES without the optional crypto dependency: we cannot open it
        return False


def _page_text(page: PageObject) -> str:
    try:
        return page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode trips on some odd fonts; plain mode still reads them
        return page.extract_text()


def _layout_lines(layout: str) -> str:
    """Join wrapped bullet lines, turn wide column gaps into tabs, drop the page margin."""
    lines: list[str] = []
    bullet_text_column: int | None = None
    for raw in layout.splitlines():
        text = raw.strip()
        indent = len(raw) - len(raw.lstrip())
        bullet = _BULLET.match(text)
        if bullet:
            bullet_text_column = indent + bullet.end()
        elif text and lines and _continues(indent, bullet_text_column):
            lines[-1] += " " + _COLUMN_GAP.sub("\t", text)
            continue
        else:
            bullet_text_column = None
        lines.append(_COLUMN_GAP.sub("\t", text))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _continues(indent: int, bullet_text_column: int | None) -> bool:
    """A line indented to the text of the bullet above it is that bullet wrapped."""
    return bullet_text_column is not None and abs(indent - bullet_text_column) <= 1
