"""The parse report of a version: built from the parse and what extraction found."""

from __future__ import annotations

from jobtrail.events.parse_reports import ParseReport
from jobtrail.resume import report
from jobtrail.resume.adapters.formats import Extracted
from jobtrail.resume.adapters.ocr import OcrStats
from jobtrail.resume.domain.parsing import UNSURE_BELOW, Parsed

PARSED = Parsed(
    document={"basics": {"name": "Jane Doe"}, "work": [{"name": "Acme", "position": "Cook"}]},
    confidence={"basics.name": 0.85, "work[0].name": 0.5, "work[0].position": 0.69},
    sections=[{"name": "work", "heading": "Experience"}],
    unplaced=["Recommendations are available upon request", "  "],
)


def test_a_report_names_the_unsure_fields_and_the_unplaced_text() -> None:
    built = report.build(Extracted("txt", "text"), PARSED)

    assert built.parsed is True
    assert built.unsure_below == UNSURE_BELOW == 0.7
    assert built.unsure == ["work[0].name", "work[0].position"]
    assert built.confidence == PARSED.confidence
    assert [(s.name, s.heading) for s in built.sections] == [("work", "Experience")]
    assert built.unplaced == ["Recommendations are available upon request"]
    assert built.provenance.parser == "local"
    assert built.provenance.file_kind == "txt"
    assert built.provenance.parser_version == report.parser_version()
    assert (built.provenance.ocr, built.provenance.llm) == (None, None)
    # What the document store keeps reads back as the same report.
    assert ParseReport.model_validate(built.model_dump(mode="json")) == built


def test_pages_read_by_ocr_are_in_the_provenance() -> None:
    stats = OcrStats(pages=(1, 2), seconds=(1.23456, 0.5), dpi=200, confidence=0.91234)
    built = report.build(Extracted("pdf", "text", pages=2, ocr=stats), PARSED)

    assert built.provenance.ocr is not None
    assert built.provenance.ocr.pages == [1, 2]
    assert built.provenance.ocr.seconds_per_page == [1.235, 0.5]
    assert (built.provenance.ocr.dpi, built.provenance.ocr.confidence) == (200, 0.912)


def test_a_very_long_list_of_unplaced_lines_is_cut_and_says_how_much() -> None:
    many = Parsed(document={}, unplaced=[f"line {i}" for i in range(report.MAX_UNPLACED + 7)])
    built = report.build(Extracted("txt", "text"), many)

    assert len(built.unplaced) == report.MAX_UNPLACED
    assert built.unplaced_omitted == 7


def test_a_json_resume_file_is_reported_as_not_parsed() -> None:
    built = report.not_parsed(Extracted("json", "{}"))

    assert built.parsed is False
    assert built.provenance.parser == "none"
    assert (built.confidence, built.unsure, built.unplaced) == ({}, [], [])
    assert built.note is not None
