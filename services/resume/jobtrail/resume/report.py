"""The parse report of a version (`jobtrail.events.parse_reports.ParseReport`), built here.

From the extraction (file kind, OCR) and the local parse (sections, confidences, unplaced
text), and from the LLM pass where it ran. A field is *unsure* below `UNSURE_BELOW` (0.7,
the parser's own threshold: `parsing.py` explains it and `DROP_BELOW`); the report keeps
it in the document and names it, so a front end asks the user to check exactly those.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from importlib.resources import files
from typing import Any

from jobtrail.events.parse_reports import (
    LLMProvenance,
    OcrProvenance,
    ParseReport,
    Provenance,
    SectionFound,
)
from jobtrail.resume.adapters.formats import Extracted
from jobtrail.resume.adapters.llm import leaves, normalised
from jobtrail.resume.domain.parsing import UNSURE_BELOW, Parsed

__all__ = ["MAX_UNPLACED", "UNSURE_BELOW", "build", "not_parsed", "parser_version"]

# A report lists at most this many unplaced lines (of at most MAX_LINE characters each).
MAX_UNPLACED = 400
MAX_LINE = 500


def build(
    extracted: Extracted,
    parsed: Parsed,
    *,
    confidence: dict[str, float] | None = None,
    document: dict[str, Any] | None = None,
    llm: LLMProvenance | None = None,
) -> ParseReport:
    """The report of a parsed file; `document`/`confidence` are the LLM's where it was used."""
    used = llm is not None and llm.used
    scores = confidence if used and confidence is not None else parsed.confidence
    unplaced = parsed.unplaced
    if used and document is not None:
        unplaced = _still_unplaced(unplaced, document)
    lines = [line[:MAX_LINE] for line in unplaced if line.strip()]
    return ParseReport(
        parsed=True,
        sections=[SectionFound(name=s["name"], heading=s["heading"]) for s in parsed.sections],
        confidence={path: round(value, 3) for path, value in scores.items()},
        unsure_below=UNSURE_BELOW,
        unsure=[path for path, value in scores.items() if value < UNSURE_BELOW],
        unplaced=lines[:MAX_UNPLACED],
        unplaced_omitted=max(0, len(lines) - MAX_UNPLACED),
        provenance=Provenance(
            parser="local+llm" if used else "local",
            parser_version=parser_version(),
            file_kind=extracted.kind,
            ocr=ocr_provenance(extracted),
            llm=llm,
        ),
    )


def not_parsed(extracted: Extracted) -> ParseReport:
    """The report of a JSON Resume file: used as it is, so nothing to be unsure of."""
    return ParseReport(
        parsed=False,
        note="A JSON Resume file is used as it is: nothing was parsed or guessed.",
        unsure_below=UNSURE_BELOW,
        provenance=Provenance(
            parser="none", parser_version=parser_version(), file_kind=extracted.kind
        ),
    )


@cache
def parser_version() -> str:
    """The resume service's version, and the field tagger's model by its hash where shipped."""
    try:
        version = metadata.version("jobtrail-resume")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        version = "0+unknown"
    model = files("jobtrail.resume").joinpath("models/fields.crfsuite")
    if model.is_file():
        version += f"+fields.{hashlib.sha256(model.read_bytes()).hexdigest()[:12]}"
    return version


def ocr_provenance(extracted: Extracted) -> OcrProvenance | None:
    """The pages extraction read by OCR, with their time, if any were."""
    stats = extracted.ocr
    if stats is None or not stats.pages:
        return None
    return OcrProvenance(
        pages=list(stats.pages),
        seconds_per_page=[round(seconds, 3) for seconds in stats.seconds],
        dpi=stats.dpi,
        confidence=round(stats.confidence, 3),
    )


def _still_unplaced(lines: list[str], document: dict[str, Any]) -> list[str]:
    """The local parser's unplaced lines the LLM did not place either (as a whole)."""
    placed = [normalised(str(value)) for _, value in leaves(document)]
    return [
        line
        for line in lines
        if not any(normalised(line) in value or value == normalised(line) for value in placed)
    ]
