"""Every parsed field carries a confidence; sections and unplaced text are reported."""

from __future__ import annotations

import re

from jobtrail.resume.domain import fields, linekinds
from jobtrail.resume.domain.confidence import leaves
from jobtrail.resume.domain.layout import StyledLine
from jobtrail.resume.domain.parsing import DROP_BELOW, UNSURE_BELOW, parse, parse_resume, styles_of

TEXT = """\
Jane Doe
jane.doe@example.com | +49 30 1234567

WORK
EXPERIENCE
Senior Engineer | Acme Corp | Apr 2019 – Present
• Led the ledger rewrite
Engineer, Globex Corporation
2015 2019

EDUCATION
Stanford University
BSc Physics, 2014

Technical Skills Set
Languages: Python, Go
"""


def test_every_leaf_field_has_a_confidence_between_zero_and_one() -> None:
    parsed = parse(TEXT)
    paths = [path for path, _ in leaves(parsed.document)]
    assert list(parsed.confidence) == paths
    assert all(0.0 <= value <= 1.0 for value in parsed.confidence.values())
    assert {"basics.email", "work[0].name", "work[0].startDate", "skills[0].keywords[1]"} <= set(
        paths
    )


def test_an_email_is_surer_than_a_date_whose_dash_was_lost() -> None:
    confidence = parse(TEXT).confidence
    assert confidence["basics.email"] >= 0.95
    assert confidence["work[1].startDate"] < confidence["work[0].startDate"]


def test_sections_are_listed_with_their_headings_as_written() -> None:
    assert parse(TEXT).sections == [
        {"name": "work", "heading": "WORK EXPERIENCE"},
        {"name": "education", "heading": "EDUCATION"},
        {"name": "skills", "heading": "Technical Skills Set"},
    ]


def test_text_in_no_field_is_reported_as_unplaced() -> None:
    parsed = parse(TEXT + "\nHobbies\n" + "\nQ: what is a ledger?\n")
    assert parsed.unplaced == []  # "Hobbies" is a heading, the question an interest
    stray = parse(TEXT.replace("BSc Physics, 2014", "BSc Physics, 2014\nRef. 77/B."))
    assert stray.unplaced == ["Ref. 77/B."]


def test_a_doubtful_field_is_left_out_and_its_text_reported() -> None:
    parsed = parse("Jane Doe\n\nExperience\nSomething odd here\n")
    assert "work" not in parsed.document
    assert "Something odd here" in parsed.unplaced


def test_kept_fields_are_above_the_drop_threshold_and_unsure_ones_are_named() -> None:
    parsed = parse(TEXT)
    assert min(parsed.confidence.values()) >= DROP_BELOW
    assert parsed.unsure() == [p for p, v in parsed.confidence.items() if v < UNSURE_BELOW]
    assert "basics.email" not in parsed.unsure()


def test_parse_resume_is_the_document_of_parse() -> None:
    assert parse_resume(TEXT) == parse(TEXT).document


def test_styled_lines_give_sizes_relative_to_the_body() -> None:
    lines = [
        StyledLine("Jane Doe", size=20, bold=True, x0=50),
        StyledLine("EXPERIENCE", size=13, bold=True, x0=50),
        StyledLine("Senior Engineer | Acme Corp | Apr 2019 – Present", size=10, x0=50),
        StyledLine("Led the ledger rewrite and the migration to Kubernetes", size=10, x0=62),
    ]
    styles = styles_of(lines)
    assert styles["EXPERIENCE"].size == 1.3
    assert styles["EXPERIENCE"].bold
    assert styles["Led the ledger rewrite and the migration to Kubernetes"].x0 == 12
    text = "\n".join(line.text for line in lines)
    assert parse(text, lines).document["work"][0]["name"] == "Acme Corp"


def test_the_shipped_models_are_small_and_load() -> None:
    for path in (fields.MODEL, linekinds.MODEL, fields.TITLE_WORDS):
        assert path.stat().st_size < 5_000_000
    assert fields.available()
    assert (fields.MODELS / "ONET-ATTRIBUTION.txt").read_text().count("CC BY 4.0") == 1
    tagged = fields.tag(["Senior Software Engineer", "Acme Corp", "Jan 2020 – Present"])
    assert [t.label for t in tagged][:3] == ["TITLE", "TITLE", "TITLE"]
    assert all(abs(sum(t.marginals.values()) - 1) < 1e-6 for t in tagged)


def test_confidences_come_from_the_text_not_from_nowhere() -> None:
    parsed = parse(TEXT)
    for path, value in leaves(parsed.document):
        if isinstance(value, str) and not re.fullmatch(r"\d{4}(-\d{2})?", value):
            assert value in TEXT, path
