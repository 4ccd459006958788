"""What kind of file an upload is, decided by its content, and the text inside it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from evaluation.parsing.baseline_v1 import errors
from evaluation.parsing.baseline_v1.errors import UnreadableResume
from evaluation.parsing.baseline_v1.lexicon import words_of
from evaluation.parsing.baseline_v1.pdf import pdf_text
from evaluation.parsing.baseline_v1.plaintext import (
    decode,
    looks_like_markdown,
    markdown_to_text,
    tidy,
)
from evaluation.parsing.baseline_v1.word import docx_text, is_docx_zip

__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "MIN_WORDS",
    "Extracted",
    "Kind",
    "UnreadableResume",
    "extract_text",
    "sniff",
]

Kind = Literal["pdf", "docx", "txt", "markdown", "json"]

MAX_BYTES = 10 << 20
MAX_PAGES = 50
# Name, contact line and one job already make about thirty words.
MIN_WORDS = 20

JSON_RESUME_SECTIONS = words_of(
    "basics work volunteer education awards certificates publications skills languages "
    "interests references projects"
)

# Formats people upload by mistake, recognised so the message can name them.
_FOREIGN = (
    (b"\x89PNG", "This image (PNG)"),
    (b"\xff\xd8\xff", "This image (JPEG)"),
    (b"GIF8", "This image (GIF)"),
    (b"II*\x00", "This image (TIFF)"),
    (b"MM\x00*", "This image (TIFF)"),
    (b"{\\rtf", "This RTF document"),
    (b"\x1f\x8b", "This compressed archive"),
    (b"Rar!", "This compressed archive"),
    (b"7z\xbc\xaf", "This compressed archive"),
    (b"MZ", "This program file"),
    (b"\x7fELF", "This program file"),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML = re.compile(r"\s*(<!doctype html|<html|<\?xml)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class Extracted:
    """The text of an uploaded resume, and what kind of file it came from."""

    kind: Kind
    text: str
    pages: int | None = None


def sniff(data: bytes) -> Kind:
    """The file's kind from its bytes alone; raises UnreadableResume for anything else."""
    if not data.strip():
        raise errors.empty_file()
    if b"%PDF-" in data[:1024]:  # readers accept the header anywhere in the first KiB
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if is_docx_zip(data):
            return "docx"
        raise errors.unsupported_type("This zip archive (not a Word .docx)")
    _reject_foreign(data)
    return _text_kind(decode(data))


def extract_text(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pages: int = MAX_PAGES
) -> Extracted:
    """The text of an uploaded resume; raises UnreadableResume with what to do instead."""
    if len(data) > max_bytes:
        raise errors.too_large(len(data), max_bytes)
    kind = sniff(data)
    if kind == "pdf":
        text, pages = pdf_text(data, max_pages)
        return _enough(Extracted(kind, tidy(text), pages))
    if kind == "docx":
        return _enough(Extracted(kind, tidy(docx_text(data))))
    text = decode(data)
    if kind == "json":
        return Extracted(kind, text.strip())
    if kind == "markdown":
        return _enough(Extracted(kind, tidy(markdown_to_text(text))))
    return _enough(Extracted(kind, tidy(text)))


def _reject_foreign(data: bytes) -> None:
    if data.startswith(_OLE):
        raise errors.legacy_office()
    for magic, what in _FOREIGN:
        if data.startswith(magic):
            raise errors.unsupported_type(what)


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
