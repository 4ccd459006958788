"""The parse report of a resume version: what the parser found and how sure it is.

The resume service builds it when it reads an upload; the gateway serves it at
`GET /resumes/{id}/versions/{v}/parse-report`. It is not carried by an event: it holds
text of the resume (the lines nothing could place) and a confidence per field, so it can
run to many kilobytes and is personal. Like the document itself, it is stored in the
document store, in the metadata of the version it describes under `REPORT_KEY`, written
in the same put as the version (never one without the other). `ResumeParsed` names that
version, so the log still says where the report is.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "REPORT_KEY",
    "DroppedValue",
    "LLMProvenance",
    "OcrProvenance",
    "ParseReport",
    "Provenance",
    "SectionFound",
]

# The key of the version's document metadata that holds its report.
REPORT_KEY = "parse_report"

Parser = Literal["local", "local+llm", "none"]
Structured = Literal["json_schema", "json_object", "none"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class SectionFound(_Frozen):
    """A section of the resume, by the JSON Resume key it was read into and its heading."""

    name: str = Field(description="JSON Resume key (`work`, `education`, …) or `summary`, …")
    heading: str = Field(description="the heading as written in the document")


class DroppedValue(_Frozen):
    """A value the LLM pass returned that the document does not contain."""

    path: str = Field(description="where the LLM put it, e.g. `work[1].name`")
    value: str


class OcrProvenance(_Frozen):
    """Pages whose text came from OCR (scans, photos), its time per page and its certainty."""

    pages: list[int] = Field(default=[], description="page numbers read by OCR, from 1")
    seconds_per_page: list[float] = Field(default=[], description="OCR time of each page")
    dpi: int | None = Field(
        default=None, description="resolution PDF pages were rendered at; null for images"
    )
    confidence: float | None = Field(
        default=None, description="mean recognition score of the text kept, 0..1"
    )


class LLMProvenance(_Frozen):
    """What the optional LLM pass did: its answer as used, or why it was not used."""

    model: str
    structured: Structured | None = Field(
        description="how the answer was constrained: JSON Schema, JSON mode or prompt only; "
        "null if no answer came"
    )
    used: bool = Field(description="true when the document is the LLM's arrangement")
    fallback: str | None = Field(
        default=None, description="why the local parse was kept (error, timeout, invalid JSON)"
    )
    repaired: bool = Field(default=False, description="a second request fixed invalid JSON")
    dropped: list[DroppedValue] = Field(
        default=[], description="values not found in the document's text, left out"
    )


class Provenance(_Frozen):
    """Where the document came from: which parser, which pages by OCR, the LLM pass."""

    parser: Parser = Field(
        description="`local` (the offline parser), `local+llm` (the LLM pass's arrangement, "
        "checked against the text), `none` (a JSON Resume file, used as it is)"
    )
    parser_version: str
    file_kind: str
    ocr: OcrProvenance | None = None
    llm: LLMProvenance | None = None


class ParseReport(_Frozen):
    """Sections found, every field's confidence, the fields to check, and the unplaced text."""

    parsed: bool = Field(description="false for a JSON Resume file, which is not parsed")
    note: str | None = Field(default=None, description="what a reader should know first")
    sections: list[SectionFound] = []
    confidence: dict[str, float] = Field(
        default={},
        description="JSON path of every field (`basics.email`, `work[0].name`, "
        "`skills[1].keywords[0]`) → confidence in [0, 1]; its keys keep no order",
    )
    unsure_below: float = Field(description="fields with a lower confidence are in `unsure`")
    unsure: list[str] = Field(
        default=[], description="paths of the fields to check, in document order"
    )
    unplaced: list[str] = Field(default=[], description="lines of text placed in no field")
    unplaced_omitted: int = Field(
        default=0, description="further unplaced lines left out of this report (very long files)"
    )
    provenance: Provenance
