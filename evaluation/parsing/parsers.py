"""The parsers the evaluation compares: the current one and the frozen baseline (git 9ad94e4).

Each takes a document's bytes (or, for text corpora, its text) and returns a JSON Resume
document, raising on failure; `attempt` turns a failure into None and remembers why.
Only public functions of the resume package are used: `formats.extract_text` and
`parsing.parse`, the same path an upload takes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from evaluation.parsing.baseline_v1 import formats as baseline_formats
from evaluation.parsing.baseline_v1 import parsing as baseline_parsing

__all__ = [
    "PARSERS_OF_BYTES",
    "PARSERS_OF_TEXT",
    "Failures",
    "baseline_document",
    "baseline_text",
    "current_document",
    "current_text",
]

Resume = dict[str, Any]
T = TypeVar("T")


def current_document(data: bytes) -> Resume:
    """Extract and parse a PDF or DOCX the way an upload is: `extract_text` then `parse`."""
    from jobtrail.resume.adapters.formats import extract_text
    from jobtrail.resume.domain.parsing import parse

    extracted = extract_text(data)
    return dict(parse(extracted.text, extracted.lines).document)


def current_text(text: str) -> Resume:
    """Parse plain text with the current parser."""
    from jobtrail.resume.domain.parsing import parse

    return dict(parse(text).document)


def baseline_document(data: bytes) -> Resume:
    """Extract (pypdf / python-docx text, as before issue 9) and parse with the baseline."""
    return baseline_parsing.parse_resume(baseline_formats.extract_text(data).text)


def baseline_text(text: str) -> Resume:
    """Parse plain text with the baseline parser."""
    return baseline_parsing.parse_resume(text)


PARSERS_OF_BYTES: dict[str, Callable[[bytes], Resume]] = {
    "baseline": baseline_document,
    "current": current_document,
}
PARSERS_OF_TEXT: dict[str, Callable[[str], Resume]] = {
    "baseline": baseline_text,
    "current": current_text,
}


class Failures:
    """Why documents failed, by parser: "ExceptionType: message" counted."""

    def __init__(self) -> None:
        self.reasons: dict[str, Counter[str]] = {}

    def attempt(self, parser: str, read: Callable[[T], Resume], source: T) -> Resume | None:
        """The parser's document, or None (the reason counted) when it raised."""
        try:
            return read(source)
        except Exception as error:  # any failure is a failed document
            reason = (
                f"{type(error).__name__}: {str(error).splitlines()[0][:90] if str(error) else ''}"
            )
            self.reasons.setdefault(parser, Counter())[reason] += 1
            return None

    def markdown(self) -> str:
        """The commonest reasons per parser, or nothing when no document failed."""
        lines = [
            f"- {parser}: {count} × {reason}"
            for parser, reasons in self.reasons.items()
            for reason, count in reasons.most_common(3)
        ]
        return "Failures:\n" + "\n".join(lines) if lines else ""
