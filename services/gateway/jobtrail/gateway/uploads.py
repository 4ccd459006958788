"""What kind of file an upload is, decided by its bytes, never by its name."""

from __future__ import annotations

import io
import json
import zipfile

from jobtrail.gateway.errors import UnsupportedMediaType

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JSON = "application/json"
MARKDOWN = "text/markdown"
TEXT = "text/plain"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

ACCEPTED = (
    "PDF, DOCX, plain text, Markdown, a JSON Resume document (.json), "
    "or a scan or photo of the resume (PNG, JPEG, TIFF)"
)
# Scans and photos: the resume service reads them by OCR.
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)

_WORD_PART_HEADER = b"word/document.xml"


def sniff(data: bytes) -> str:
    """The media type of an upload; UnsupportedMediaType for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    for magic, media_type in _IMAGES:
        if data.startswith(magic):
            return media_type
    text = _as_text(data)
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            raise UnsupportedMediaType(
                f"this looks like JSON but does not parse ({error.msg} at line {error.lineno}); "
                "fix it or upload the resume as PDF, DOCX or text"
            ) from None
        return JSON
    if any(line.startswith(("#", "- ", "* ")) for line in stripped.splitlines()[:200]):
        return MARKDOWN
    return TEXT


def _zip_kind(data: bytes) -> str:
    try:
        # Only the central directory is read here; nothing is decompressed.
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        # A Word file cut short keeps its members' local headers but loses the directory at
        # the end; the resume service owns that case and rejects it as `corrupt_docx`.
        if _WORD_PART_HEADER in data:
            return DOCX
        raise UnsupportedMediaType("this zip file is damaged; export the document again") from None
    if "word/document.xml" in names:
        return DOCX
    raise UnsupportedMediaType(f"this is a zip file but not a Word document; accepted: {ACCEPTED}")


def _as_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16", errors="strict")
        except UnicodeDecodeError:
            raise UnsupportedMediaType(
                f"this file type is not supported; accepted: {ACCEPTED}"
            ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnsupportedMediaType(
            f"this file type is not supported; accepted: {ACCEPTED}"
        ) from None
    if "\x00" in text:
        raise UnsupportedMediaType(f"this file type is not supported; accepted: {ACCEPTED}")
    return text
