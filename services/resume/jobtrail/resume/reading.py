"""From the bytes of an upload to a JSON Resume document, or the reason it cannot be done."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jobtrail.jsonresume import validate_json_resume
from jobtrail.resume.errors import UnreadableResume
from jobtrail.resume.formats import extract_text
from jobtrail.resume.parsing import parse_resume


@dataclass(frozen=True)
class ReadResume:
    file_kind: str
    document: dict[str, Any]
    text_chars: int


def read_resume(data: bytes, max_bytes: int) -> ReadResume:
    """Extract and parse; a JSON Resume upload is validated and used as it is."""
    extracted = extract_text(data, max_bytes=max_bytes)
    if extracted.kind == "json":
        document = json.loads(extracted.text)
        problems = validate_json_resume(document)
        if problems:
            raise UnreadableResume(
                "invalid_json_resume",
                "This JSON file does not follow the JSON Resume schema: "
                + "; ".join(problems[:5])
                + ". Fix these fields (see jsonresume.org/schema) and upload it again.",
            )
    else:
        document = parse_resume(extracted.text)
    return ReadResume(extracted.kind, document, len(extracted.text))
