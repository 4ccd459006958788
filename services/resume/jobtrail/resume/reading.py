"""From the bytes of an upload to a JSON Resume document, or the reason it cannot be done."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from jobtrail.jsonresume import validate_json_resume
from jobtrail.resume.adapters.formats import Extracted, OcrLimits, extract_text
from jobtrail.resume.adapters.ocr import OcrStats
from jobtrail.resume.domain.errors import UnreadableResume
from jobtrail.resume.domain.parsing import Parsed, parse


@dataclass(frozen=True)
class ReadResume:
    file_kind: str
    document: dict[str, Any]
    text_chars: int
    # What extraction found (text, styled lines, OCR) and the parse with its confidences;
    # `parsed` is None for a JSON Resume file, which is used as it is.
    extracted: Extracted
    parsed: Parsed | None = None

    @property
    def ocr(self) -> OcrStats | None:
        """The pages read by OCR and their time, if any were."""
        return self.extracted.ocr


def read_resume(data: bytes, max_bytes: int, ocr: OcrLimits = OcrLimits()) -> ReadResume:  # noqa: B008
    """Extract and parse; a JSON Resume upload is validated and used as it is."""
    extracted = extract_text(data, max_bytes=max_bytes, ocr=ocr)
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
        return ReadResume(extracted.kind, document, len(extracted.text), extracted)
    parsed = parse(extracted.text, extracted.lines)
    return ReadResume(extracted.kind, parsed.document, len(extracted.text), extracted, parsed)
