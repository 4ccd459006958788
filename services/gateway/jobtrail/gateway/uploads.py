"""What kind of file an upload is, decided by its bytes, never by its name."""

from __future__ import annotations

import json

from jobtrail.blobs.filetypes import DOCX, JPEG, PDF, PNG, TIFF, classify
from jobtrail.gateway.errors import UnsupportedMediaType

JSON = "application/json"
MARKDOWN = "text/markdown"
TEXT = "text/plain"
__all__ = ["ACCEPTED", "DOCX", "JPEG", "JSON", "MARKDOWN", "PDF", "PNG", "TEXT", "TIFF", "sniff"]

ACCEPTED = (
    "PDF, DOCX, plain text, Markdown, a JSON Resume document (.json), "
    "or a scan or photo of the resume (PNG, JPEG, TIFF)"
)


def sniff(data: bytes) -> str:
    """The media type of an upload; UnsupportedMediaType for anything else.

    The container is decided by the rule the resume service uses too
    (`jobtrail.blobs.filetypes`); text is told apart here only to store its media type.
    """
    found = classify(data)
    match found.container:
        case "pdf" | "docx" | "image":
            assert found.media_type is not None
            return found.media_type
        case "zip" if found.damaged:
            raise UnsupportedMediaType("this zip file is damaged; export the document again")
        case "zip":
            raise UnsupportedMediaType(
                f"this is a zip file but not a Word document; accepted: {ACCEPTED}"
            )
        case "ole":
            raise UnsupportedMediaType(
                "this is an old Word (.doc) or other pre-2007 Office file: save it as .docx "
                f"or PDF; accepted: {ACCEPTED}"
            )
        case "foreign":
            raise UnsupportedMediaType(f"{found.what} is not supported; accepted: {ACCEPTED}")
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
