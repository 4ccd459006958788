"""What kind of file an upload is, decided by its content, and the text inside it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from jobtrail.blobs.filetypes import classify
from jobtrail.resume.adapters.ocr import (
    OcrLimits,
    OcrStats,
    OcrText,
    read_image,
    read_pdf_pages,
    scanned_pages,
)
from jobtrail.resume.adapters.pdf import read_pdf
from jobtrail.resume.adapters.word import is_docx_zip, read_docx
from jobtrail.resume.domain import errors
from jobtrail.resume.domain.errors import UnreadableResume
from jobtrail.resume.domain.layout import StyledLine
from jobtrail.resume.domain.lexicon import words_of
from jobtrail.resume.domain.plaintext import decode, looks_like_markdown, markdown_to_text, tidy

__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "MIN_WORDS",
    "Extracted",
    "Kind",
    "OcrLimits",
    "UnreadableResume",
    "extract_text",
    "sniff",
]

Kind = Literal["pdf", "docx", "txt", "markdown", "json", "image"]

MAX_BYTES = 10 << 20
MAX_PAGES = 50
# Name, contact line and one job already make about thirty words.
MIN_WORDS = 20

JSON_RESUME_SECTIONS = words_of(
    "basics work volunteer education awards certificates publications skills languages "
    "interests references projects"
)

_HTML = re.compile(r"\s*(<!doctype html|<html|<\?xml)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Extracted:
    """The text of an uploaded resume, and what kind of file it came from."""

    kind: Kind
    text: str
    pages: int | None = None
    # The text's lines with their geometry and style, where the format has them (PDF, DOCX, OCR).
    lines: tuple[StyledLine, ...] = ()
    # The pages read by OCR (scans, photos), with its time per page; None when none were.
    ocr: OcrStats | None = None


def sniff(data: bytes) -> Kind:
    """The file's kind from its bytes alone; raises UnreadableResume for anything else.

    The container is decided by the rule the gateway uses too (`jobtrail.blobs.filetypes`).
    """
    found = classify(data)
    match found.container:
        case "empty":
            raise errors.empty_file()
        case "pdf":
            return "pdf"
        case "docx":
            is_docx_zip(data)  # vets its declared sizes; a damaged one is corrupt_docx
            return "docx"
        case "zip" if found.damaged:
            raise errors.corrupt_docx()
        case "zip":
            raise errors.unsupported_type("This zip archive (not a Word .docx)")
        case "image":
            return "image"
        case "ole":
            raise errors.legacy_office()
        case "foreign":
            raise errors.unsupported_type(found.what or "This file")
    return _text_kind(decode(data))


def extract_text(
    data: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_pages: int = MAX_PAGES,
    ocr: OcrLimits = OcrLimits(),  # noqa: B008 (frozen, so one shared default is safe)
) -> Extracted:
    """The text of an uploaded resume; raises UnreadableResume with what to do instead."""
    if len(data) > max_bytes:
        raise errors.too_large(len(data), max_bytes)
    kind = sniff(data)
    if kind == "image":
        return _enough(_scanned(kind, read_image(data, ocr)))
    if kind == "pdf" and (scan := scanned_pages(data, max_pages))[1]:
        return _enough(_scanned_pdf(data, *scan, max_pages, ocr))
    if kind == "pdf":
        pdf = read_pdf(data, max_pages)  # text in reading order: columns, running heads
        return _enough(Extracted(kind, pdf.text, pdf.pages, pdf.lines))
    if kind == "docx":
        word = read_docx(data)  # tables, text boxes, headers and footers too
        return _enough(Extracted(kind, word.text, lines=word.lines))
    text = decode(data)
    if kind == "json":
        return Extracted(kind, text.strip())
    if kind == "markdown":
        return _enough(Extracted(kind, tidy(markdown_to_text(text))))
    return _enough(Extracted(kind, tidy(text)))


def _scanned(kind: Kind, read: OcrText) -> Extracted:
    return Extracted(kind, read.text, len(read.stats.pages), read.lines, read.stats)


def _scanned_pdf(
    data: bytes, pages: int, scanned: list[int], max_pages: int, ocr: OcrLimits
) -> Extracted:
    """A PDF with pages drawn without text: those are read by OCR, the others as text."""
    read = read_pdf_pages(data, scanned, ocr, required=len(scanned) == pages)
    if len(scanned) == pages:
        return Extracted("pdf", read.text, pages, read.lines, read.stats)
    try:
        layer = read_pdf(data, max_pages)
        text, lines = layer.text, tuple(line for line in layer.lines if line.page not in scanned)
    except UnreadableResume as error:
        if error.code != "no_text_layer":  # its few text pages are below the whole-file bar
            raise
        text, lines = "", ()
    # In the order of the first page of each part: a scanned resume with text pages after
    # it, or a text resume with scanned certificates after it.
    parts = (read.text, text) if scanned[0] == 1 else (text, read.text)
    ordered = sorted((*lines, *read.lines), key=lambda line: line.page)
    return Extracted("pdf", tidy("\n\n".join(parts)), pages, tuple(ordered), read.stats)


def _text_kind(text: str) -> Kind:
    stripped = text.strip()
    if not stripped:
        raise errors.empty_file()
    if _HTML.match(stripped):
        raise errors.unsupported_type("This web page (HTML)")
    if stripped.startswith(("{", "[")):
        _check_json_resume(stripped)
        return "json"
    return "markdown" if looks_like_markdown(stripped) else "txt"


def _check_json_resume(text: str) -> None:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise errors.corrupt_json() from error
    if not isinstance(document, dict) or not JSON_RESUME_SECTIONS & document.keys():
        raise errors.not_a_resume()


def _enough(extracted: Extracted) -> Extracted:
    words = len(_WORD.findall(extracted.text))
    if words < MIN_WORDS:
        raise errors.too_little_text(words)
    return extracted
