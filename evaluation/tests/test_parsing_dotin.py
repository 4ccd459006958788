"""The dotin reader: plain text and labelled spans out of the XML, gold values per field group."""

from __future__ import annotations

from evaluation.parsing.dotin import dates_in, gold_fields, read_cv, set_aside_cvs


def label(type_: str, text: str) -> str:
    return f'<label type="{type_}">{text}</label>'


SAMPLE = "\n".join(
    [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<cv>",
        label("Name", "Jane Roe"),
        label("Location", "Pune, Maharashtra") + " - " + label("Email Address", "jane@example.org"),
        "",
        "WORK EXPERIENCE",
        label("Designation", "Test Engineer")
        + " - "
        + label("Companies worked at", "Acme &amp; Co"),
        label("Years of Experience", "May 25th 2017 till now"),
        "Total " + label("Years of Experience", "3+ years"),
        label("Designation", "Analyst") + " at " + label("Companies worked at", "Globex"),
        "from " + label("Years of Experience", "2014/03 to 06.2016"),
        "",
        "EDUCATION",
        label("Degree", "B.E in Computer Science")
        + ", "
        + label("College Name", "Pune University"),
        label("Graduation Year", "2013"),
        "SKILLS: "
        + label("Tech Tools", "Python")
        + ", "
        + label("Job Specific Skills", "regression testing")
        + ", "
        + label("Soft Skills", "communication"),
        "</cv>",
    ]
)


def test_read_cv_strips_the_markup_and_keeps_the_spans() -> None:
    cv = read_cv("sample", SAMPLE)
    assert "<label" not in cv.text
    assert "Test Engineer - Acme & Co" in cv.text
    assert cv.values("Companies worked at") == ["Acme & Co", "Globex"]


def test_kaggle_one_line_quoted_text_loses_its_quotes() -> None:
    cv = read_cv("k", '<cv>\n"Name  <label type="Tech Tools">Excel</label>  done"\n</cv>')
    assert cv.text == "Name  Excel  done"


def test_gold_fields_map_labels_to_field_groups() -> None:
    gold = gold_fields(read_cv("sample", SAMPLE))
    assert gold["name"] == ["Jane Roe"]
    assert gold["email"] == ["jane@example.org"]
    assert gold["location"] == ["Pune"]
    assert gold["employers"] == ["Acme & Co", "Globex"]
    assert gold["titles"] == ["Test Engineer", "Analyst"]
    assert gold["institutions"] == ["Pune University"]
    assert gold["degrees"] == ["B.E in Computer Science"]
    assert gold["skills"] == ["Python", "regression testing"]
    assert gold["dates"] == ["2017-05", "2014-03", "2016-06"]


def test_dates_in_reads_month_names_numeric_forms_and_bare_years() -> None:
    assert dates_in("From Dec 15 2014 till 30th April") == ["2014-12"]
    assert dates_in("October 2017 to Present") == ["2017-10"]
    assert dates_in("04/2017 - 2019") == ["2017-04", "2019"]
    assert dates_in("3+ years") == []


def test_the_set_aside_split_has_fifty_cvs() -> None:
    cvs = list(set_aside_cvs())
    assert len(cvs) == 50
    assert len({cv.name for cv in cvs}) == 50
    assert all(cv.text.strip() for cv in cvs)


def test_literal_utf8_byte_escapes_are_decoded_into_their_characters() -> None:
    dash = "".join(f"\\x{byte:02x}" for byte in "—".encode())
    bullet = "".join(f"\\x{byte:02x}" for byte in "\uf098".encode())
    xml = (
        '<cv>"'
        + label("Companies worked at", "Acme")
        + f" {dash} builds things  {bullet} Led a team  It\\'s done"
        + '"</cv>'
    )
    cv = read_cv("1", xml)
    assert cv.text == "Acme — builds things  \uf098 Led a team  It's done"
    assert cv.values("Companies worked at") == ["Acme"]


def test_an_escape_run_that_is_not_utf8_is_left_as_written() -> None:
    assert read_cv("2", "<cv>caf\\xe9 bar</cv>").text == "caf\\xe9 bar"
