"""Text from Word (DOCX) files: paragraphs and tables in document order, bullets as "• "."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Protocol

import docx
from docx.document import Document
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

from evaluation.parsing.baseline_v1 import errors

MAX_UNCOMPRESSED = 50 << 20
MAX_RATIO = 100
# Tiny parts can compress past the ratio without any harm; only big ones can exhaust memory.
RATIO_CHECK_FROM = 1 << 20


def is_docx_zip(data: bytes) -> bool:
    """A zip whose parts include word/document.xml; raises UnreadableResume if it is a bomb."""
    archive = open_zip(data)
    return "word/document.xml" in archive.namelist()


def open_zip(data: bytes) -> zipfile.ZipFile:
    """Open the zip and vet its declared sizes before anything is inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise errors.corrupt_docx() from error
    # zipfile stops inflating each member at its declared size, so vetting those is enough.
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED:
        raise errors.docx_zip_bomb()
    if any(_ratio(entry) > MAX_RATIO for entry in entries if entry.file_size >= RATIO_CHECK_FROM):
        raise errors.docx_zip_bomb()
    return archive


def docx_text(data: bytes) -> str:
    """Every paragraph and table row, in the order a reader sees them."""
    open_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join([*_header_lines(document), *_block_lines(document)])
    except Exception as error:  # python-docx and lxml raise many kinds on damaged parts
        raise errors.corrupt_docx() from error


def _ratio(entry: zipfile.ZipInfo) -> float:
    return entry.file_size / max(entry.compress_size, 1)


def _header_lines(document: Document) -> Iterator[str]:
    """Templates often put the name and contact line in the page header."""
    if document.sections:
        yield from _block_lines(document.sections[0].header)


class _Blocks(Protocol):
    """The body, a table cell, a page header: anything holding paragraphs and tables."""

    def iter_inner_content(self) -> Iterator[Paragraph | Table]: ...


def _block_lines(container: _Blocks) -> Iterator[str]:
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield _paragraph_line(block)
        elif isinstance(block, Table):
            yield from _table_lines(block)


def _table_lines(table: Table) -> Iterator[str]:
    """One line per row when cells hold one line each, else each cell's lines in turn."""
    for row in table.rows:
        cells = list({id(cell._tc): cell for cell in row.cells}.values())  # merged cells repeat
        texts = [[line for line in _block_lines(cell) if line.strip()] for cell in cells]
        if all(len(lines) <= 1 for lines in texts):
            yield " | ".join(lines[0] for lines in texts if lines)
        else:
            yield from (line for lines in texts for line in lines)


def _paragraph_line(paragraph: Paragraph) -> str:
    text = "".join(_run_texts(paragraph)).strip()
    return f"• {text}" if text and _is_list_item(paragraph) else text


def _run_texts(paragraph: Paragraph) -> Iterator[str]:
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            # The address often hides behind a word like "LinkedIn"; keep both.
            address = (item.url or "").removeprefix("mailto:")
            yield item.text if address in item.text else f"{item.text} ({address})"
        else:
            yield item.text


def _is_list_item(paragraph: Paragraph) -> bool:
    properties = paragraph._p.pPr
    if properties is not None and properties.numPr is not None:
        return True
    style = paragraph.style.name if paragraph.style is not None else ""
    return (style or "").startswith("List")
