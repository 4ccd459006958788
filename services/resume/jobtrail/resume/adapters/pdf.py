"""Text from PDF files in reading order: columns one after the other, running heads once.

PDFium (through pypdfium2) gives every glyph with its box, baseline, font size and weight
in a few milliseconds per page (pdfplumber gives the same, measured 4 to 10 times slower:
40 to 70 ms a page); columns.py groups them into rows, finds the columns and turns them
into `StyledLine`s. pypdf still opens the file first, as before, to tell a
locked or damaged PDF from a readable one.

Running heads and feet (text repeated near the top or bottom of several pages, and page
numbers) are taken out of the pages; repeated heads, and feet with contact details, are
kept once, at the top of the document, since templates often put the name and contact
line there.
"""

from __future__ import annotations

import ctypes
import io
import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PasswordType, PdfReader

from jobtrail.resume.adapters.columns import Placed, Row, Word, read_page, rows_of, text_of
from jobtrail.resume.domain import errors
from jobtrail.resume.domain.layout import StyledLine
from jobtrail.resume.domain.plaintext import tidy

__all__ = ["PDFIUM", "PdfText", "pages_without_text", "pdf_text", "read_pdf"]

# A scan stamped "Scanned with CamScanner" still has a few letters; a real page has hundreds.
MIN_LETTERS_PER_PAGE = 40
# PDFium is not thread-safe: every call into it, from any module, holds this lock.
PDFIUM = threading.Lock()
# Two glyphs further apart than this share of the font size are two words.
WORD_GAP = 0.2
# Running heads and feet: within this share of the page height from its top or bottom,
# among the first or last HEAD_ROWS rows of the page.
HEAD_ZONE = 0.12
HEAD_ROWS = 2

_LETTER = re.compile(r"[^\W\d_]")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|[-,]bd\b|extrabold", re.IGNORECASE)
_FORCE_BOLD = 1 << 18  # PDF font descriptor flag
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:page|seite|página|pagina|p\.)\s*)?\d{1,3}"
    r"(?:\s*(?:/|of|von|de|di|sur)\s*\d{1,3})?[-–—\s]*$",
    re.IGNORECASE,
)
_PAGE_PART = re.compile(
    r"\s*\b(?:page|seite|página|pagina)\s*\d{1,3}(?:\s*(?:/|of|von|de|di|sur)\s*\d{1,3})?",
    re.IGNORECASE,
)
_CONTACT = re.compile(r"@|https?://|www\.|linkedin|\+?\d[\d ()./-]{7,}\d", re.IGNORECASE)


@dataclass(frozen=True)
class PdfText:
    """A PDF's text in reading order, its lines with geometry and style, its page count."""

    text: str
    lines: tuple[StyledLine, ...]
    pages: int


def read_pdf(data: bytes, max_pages: int) -> PdfText:
    """The text and styled lines of every page; raises UnreadableResume."""
    pages, page_rows, heights = _rows_of_pages(data, max_pages)
    placed = _reading_order(page_rows, heights)
    text = text_of(placed)
    if len(_LETTER.findall(text)) < MIN_LETTERS_PER_PAGE * max(pages, 1):
        raise errors.no_text_layer()
    return PdfText(text, tuple(item.line for item in placed), pages)


def pdf_text(data: bytes, max_pages: int) -> tuple[str, int]:
    """The text of every page in reading order, and the page count; raises UnreadableResume."""
    read = read_pdf(data, max_pages)
    return read.text, read.pages


def pages_without_text(data: bytes, max_pages: int) -> list[int]:
    """The pages (1-based) whose text layer has (almost) no letters: scans, photos.

    Raises UnreadableResume for a locked, damaged or too long PDF, as `read_pdf` does.
    """
    _, page_rows, _ = _rows_of_pages(data, max_pages)
    return [
        number
        for number, rows in enumerate(page_rows, 1)
        if sum(len(_LETTER.findall(row.text)) for row in rows) < MIN_LETTERS_PER_PAGE
    ]


def _rows_of_pages(data: bytes, max_pages: int) -> tuple[int, list[list[Row]], list[float]]:
    """The page count, each page's rows and each page's height."""
    try:
        reader = _open(data)
        pages = len(reader.pages)
        if pages > max_pages:
            raise errors.too_many_pages(pages, max_pages)
        with PDFIUM:
            read = list(_pages_words(data, max_pages))
        return pages, [rows_of(words) for _, words in read], [height for height, _ in read]
    except errors.UnreadableResume:
        raise
    except Exception as error:  # pypdf and PDFium raise many kinds on damaged files
        raise errors.corrupt_pdf() from error


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


# Reading order ----------------------------------------------------------------------------


def _reading_order(page_rows: list[list[Row]], heights: list[float]) -> list[Placed]:
    """Every page's lines in reading order, running heads and feet taken out."""
    heads, kept_once = _running_heads(page_rows, heights)
    placed: list[Placed] = []
    for row, number in kept_once:
        line = StyledLine(
            text=tidy(_PAGE_PART.sub("", row.text)).strip(),
            page=number,
            x0=round(row.x0, 1),
            x1=round(row.x1, 1),
            top=round(row.top, 1),
            bottom=round(row.bottom, 1),
            size=round(row.words[0].size, 1),
            bold=all(word.bold for word in row.words),
            region="header",
        )
        placed.append(Placed(line, not placed))
    for number, rows in enumerate(page_rows, 1):
        body = [row for index, row in enumerate(rows) if (number, index) not in heads]
        new_page = True  # a blank line between pages
        for item in read_page(body, number):
            text = tidy(item.line.text).strip()
            if text:
                paragraph = (item.paragraph or new_page) and bool(placed)
                placed.append(Placed(replace(item.line, text=text), paragraph))
                new_page = False
    return placed


def _running_heads(
    page_rows: list[list[Row]], heights: list[float]
) -> tuple[set[tuple[int, int]], list[tuple[Row, int]]]:
    """The rows to take out of the pages, and those to keep once at the top.

    A running head or foot is a row set apart at the top or bottom of a page that is a page
    number, or whose text (digits aside) recurs at the same height on other pages.
    """
    candidates: dict[tuple[str, int], list[tuple[int, int, Row, bool]]] = {}
    out: set[tuple[int, int]] = set()
    for number, rows in enumerate(page_rows, 1):
        height = max(heights[number - 1], 1.0)
        for index, row, head in _edge_rows(rows, height):
            if _PAGE_NUMBER.match(row.text):
                out.add((number, index))
                continue
            key = re.sub(r"\d+", "#", " ".join(row.text.lower().split()))
            candidates.setdefault((key, round(row.top / 4)), []).append((number, index, row, head))
    pages = len(page_rows)
    kept: list[tuple[Row, int]] = []
    for occurrences in candidates.values():
        on_pages = {number for number, *_ in occurrences}
        if pages < 2 or len(on_pages) < max(2, math.ceil(0.4 * pages)):
            continue
        out.update((number, index) for number, index, *_ in occurrences)
        number, _, row, head = occurrences[0]
        if head or _CONTACT.search(row.text):
            kept.append((row, number))
    return out, kept


def _edge_rows(rows: list[Row], height: float) -> Iterator[tuple[int, Row, bool]]:
    """The first and last few rows of a page, in its head or foot zone and set apart from
    the text by more than a line's spacing."""
    seen: set[int] = set()
    for index in range(min(HEAD_ROWS, len(rows))):
        row = rows[index]
        below = rows[index + 1].top if index + 1 < len(rows) else height
        if row.top <= HEAD_ZONE * height and below - row.bottom >= _size(row):
            seen.add(index)
            yield index, row, True
    for index in range(max(0, len(rows) - HEAD_ROWS), len(rows)):
        row = rows[index]
        above = rows[index - 1].bottom if index > 0 else 0.0
        if index in seen or row.bottom < (1 - HEAD_ZONE) * height:
            continue
        if row.top - above >= _size(row):
            yield index, row, False


def _size(row: Row) -> float:
    return max(word.size for word in row.words)


# Glyphs -----------------------------------------------------------------------------------


def _pages_words(data: bytes, max_pages: int) -> Iterator[tuple[float, list[Word]]]:
    """Each page's height and words; the caller holds PDFIUM."""
    document = pdfium.PdfDocument(data)
    try:
        for index in range(min(len(document), max_pages)):
            page = document[index]
            try:
                yield page.get_height(), list(_page_words(page))
            finally:
                page.close()
    finally:
        document.close()


# FPDFText_GetTextObject returning the object's address as a plain int, to key a cache on:
# the same function, typed so ctypes skips building a pointer object for each glyph.
_text_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(
    ctypes.cast(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p).value or 0
)


class _Glyphs:
    """Reads one text page glyph by glyph through PDFium's C API, reusing its buffers."""

    def __init__(self, textpage: pdfium.PdfTextPage) -> None:
        self.handle = textpage.raw
        self.rect = pdfium_c.FS_RECTF()
        self.x = ctypes.c_double()
        self.y = ctypes.c_double()
        self.name = ctypes.create_string_buffer(128)
        self.flags = ctypes.c_int()
        self.bold_of: dict[int | None, bool] = {}

    def bold(self, index: int) -> bool:
        """Bold by weight, font name or flags; asked once per text object."""
        handle = self.handle
        key = _text_object_address(handle, index)
        known = self.bold_of.get(key)
        if known is None:
            weight = pdfium_c.FPDFText_GetFontWeight(handle, index)
            pdfium_c.FPDFText_GetFontInfo(handle, index, self.name, 128, self.flags)
            name = self.name.value.decode("latin-1")
            known = weight >= 600 or bool(_BOLD_FONT.search(name))
            known = known or bool(self.flags.value & _FORCE_BOLD)
            self.bold_of[key] = known
        return known


def _page_words(page: pdfium.PdfPage) -> Iterator[Word]:
    """The page's words in content order, in points from its top-left corner."""
    left, _, right, top = page.get_bbox()
    textpage = page.get_textpage()
    try:
        glyphs = _Glyphs(textpage)
        handle, rect, y = glyphs.handle, glyphs.rect, glyphs.y
        word: _Draft | None = None
        for index, char in enumerate(_page_text(textpage)):
            if char in _UNKNOWN:
                continue  # a glyph without a known letter (a box drawn for a missing one)
            if char in _HYPHENS:
                char = "-"  # PDFium's mark for a hyphen ending a line: the document's hyphen
            elif char < " " or char.isspace():  # spaces, PDFium's line ends
                if word is not None:
                    yield word.done()
                word = None
                continue
            angle = pdfium_c.FPDFText_GetCharAngle(handle, index)
            if 0.05 < angle < 2 * math.pi - 0.05:  # vertical or upside-down text
                continue
            if not pdfium_c.FPDFText_GetLooseCharBox(handle, index, rect):
                continue
            if rect.right < left or rect.left > right or rect.bottom > top:
                continue  # outside the page: clipped away
            pdfium_c.FPDFText_GetCharOrigin(handle, index, glyphs.x, y)
            size = pdfium_c.FPDFText_GetFontSize(handle, index)
            if size < 2.0:  # a font set at size 1 and scaled by the text matrix
                size = max(rect.top - rect.bottom, size)
            x0, x1, base = rect.left - left, rect.right - left, top - y.value
            if word is not None:
                em = max(size, 1.0)
                if (
                    abs(base - word.base) > 0.2 * em
                    or x0 < word.last_x0 - 0.5 * em
                    or x0 - word.last_x1 > WORD_GAP * em
                ):
                    if char == word.last and abs(x0 - word.last_x0) < 0.1 * em:
                        continue  # drawn twice, for a bolder look
                    yield word.done()
                    word = None
            bold = glyphs.bold(index)
            if word is None:
                word = _Draft(base, x0, x1, top - rect.top, top - rect.bottom, size)
            word.add(char, x0, x1, top - rect.top, top - rect.bottom, size, bold)
        if word is not None:
            yield word.done()
    finally:
        textpage.close()


_UNKNOWN = {"\x00", "\uffff"}
_HYPHENS = {"\x02", "\ufffe"}


def _page_text(textpage: pdfium.PdfTextPage) -> str:
    """The text page's characters, one for each of its glyph indices."""
    count = textpage.count_chars()
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium_c.FPDFText_GetText(textpage.raw, 0, count, buffer)
    text = bytes(buffer)[: max(written - 1, 0) * 2].decode("utf-16-le", "replace")
    if len(text) == count:
        return text
    # Letters beyond the BMP take two UTF-16 units: ask glyph by glyph instead.
    codes = (pdfium_c.FPDFText_GetUnicode(textpage.raw, index) for index in range(count))
    return "".join(chr(code) if code < 0x110000 else "\uffff" for code in codes)


class _Draft:
    """A word being read, glyph by glyph."""

    __slots__ = (
        "base",
        "bold",
        "bottom",
        "chars",
        "last",
        "last_x0",
        "last_x1",
        "size",
        "top",
        "x0",
        "x1",
    )

    def __init__(
        self, base: float, x0: float, x1: float, top: float, bottom: float, size: float
    ) -> None:
        self.base, self.x0, self.x1, self.top, self.bottom = base, x0, x1, top, bottom
        self.size, self.bold, self.last = size, 0, ""
        self.chars: list[str] = []
        self.last_x0, self.last_x1 = x0, x1

    def add(
        self, char: str, x0: float, x1: float, top: float, bottom: float, size: float, bold: bool
    ) -> None:
        self.chars.append(char)
        self.last, self.last_x0, self.last_x1 = char, x0, x1
        self.x0, self.x1 = min(self.x0, x0), max(self.x1, x1)
        self.top, self.bottom = min(self.top, top), max(self.bottom, bottom)
        self.size = max(self.size, size)
        self.bold += bold

    def done(self) -> Word:
        text = "".join(self.chars)
        soft = text.endswith("\u00ad")  # a soft hyphen shown at a break: not part of the word
        return Word(
            text=text[:-1] + "-" if soft else text,
            x0=self.x0,
            x1=self.x1,
            top=self.top,
            bottom=self.bottom,
            base=self.base,
            size=self.size,
            bold=self.bold * 2 > len(self.chars),
            soft_hyphen=soft,
        )
