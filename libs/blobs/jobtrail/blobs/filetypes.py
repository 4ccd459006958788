"""What kind of file some bytes are, by the bytes alone: one rule for every service.

The gateway decides at upload what to accept and which media type to store; the resume
service decides how to read what it was given. Both call `classify`, so a file the one
accepts the other can read, and the same file is never a PDF to one and text to the other.
What a service then makes of text (JSON Resume, Markdown, plain) stays its own business.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Literal

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

Container = Literal["empty", "pdf", "docx", "zip", "image", "ole", "foreign", "text"]

# PDF readers accept the header anywhere in the first KiB (some generators put a line of
# their own first); so do we.
PDF_HEADER_WITHIN = 1024
IMAGES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls and other pre-2007 Office files
WORD_PART = "word/document.xml"
# Formats people upload by mistake, recognised so a refusal can name them.
FOREIGN: tuple[tuple[bytes, str], ...] = (
    (b"GIF8", "This image (GIF)"),
    (b"{\\rtf", "This RTF document"),
    (b"\x1f\x8b", "This compressed archive"),
    (b"Rar!", "This compressed archive"),
    (b"7z\xbc\xaf", "This compressed archive"),
    (b"MZ", "This program file"),
    (b"\x7fELF", "This program file"),
)


@dataclass(frozen=True)
class FileType:
    container: Container
    # The media type to store it under, where the container says it (text is decided later).
    media_type: str | None = None
    # For a foreign file: what it is, as a person would say it ("This RTF document").
    what: str | None = None
    # A zip whose directory cannot be read (cut short, or not a zip after all).
    damaged: bool = False


def classify(data: bytes) -> FileType:
    """The file's container; never raises, never decompresses anything."""
    if not data.strip():
        return FileType("empty")
    if b"%PDF-" in data[:PDF_HEADER_WITHIN]:
        return FileType("pdf", PDF)
    if data.startswith(ZIP):
        return _zip(data)
    for magic, media_type in IMAGES:
        if data.startswith(magic):
            return FileType("image", media_type)
    if data.startswith(OLE):
        return FileType("ole")
    for magic, what in FOREIGN:
        if data.startswith(magic):
            return FileType("foreign", what=what)
    return FileType("text")


def _zip(data: bytes) -> FileType:
    try:
        # Only the central directory is read here; nothing is decompressed.
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        # A Word file cut short keeps its parts' local headers but loses the directory at
        # its end: it is still a Word file, a damaged one (the reader says so).
        if WORD_PART.encode() in data:
            return FileType("docx", DOCX, damaged=True)
        return FileType("zip", damaged=True)
    return FileType("docx", DOCX) if WORD_PART in names else FileType("zip")
