"""Dates as resumes write them become JSON Resume's partial ISO-8601 dates."""

from __future__ import annotations

import pytest

from jobtrail.resume.domain.dates import find_dates


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Jan 2020 – Present", "2020-01", None),
        ("January 2020 - December 2021", "2020-01", "2021-12"),
        ("Sept. 2019 to Mar 2021", "2019-09", "2021-03"),
        ("01/2020 – 06/2022", "2020-01", "2022-06"),
        ("1/2020-6/2022", "2020-01", "2022-06"),
        ("2020-01 – 2021-11", "2020-01", "2021-11"),
        ("2018-01-08 – 2020-09-08", "2018-01-08", "2020-09-08"),
        ("2019 – 2021", "2019", "2021"),
        ("2019-2021", "2019", "2021"),
        ("Mar 2018 - Present", "2018-03", None),
        ("Mar 2018 – Current", "2018-03", None),
        ("June 2015 — now", "2015-06", None),
        ("Jan – Mar 2020", "2020-01", "2020-03"),
        ("since May 2017", "2017-05", None),
        ("Acme Corp | Jan 2020 – Present", "2020-01", None),
        ("Senior Engineer (2016–2018)", "2016", "2018"),
    ],
)
def test_date_ranges_are_read(text: str, start: str, end: str | None) -> None:
    dates = find_dates(text)
    assert dates is not None
    assert (dates.start, dates.end, dates.single) == (start, end, False)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Jan 2020", "2020-01"),
        ("January 2020", "2020-01"),
        ("01/2020", "2020-01"),
        ("2020-01", "2020-01"),
        ("2020", "2020"),
        ("Graduated May, 2014", "2014-05"),
    ],
)
def test_single_dates_are_read(text: str, iso: str) -> None:
    dates = find_dates(text)
    assert dates is not None
    assert (dates.start, dates.single) == (iso, True)


@pytest.mark.parametrize(
    "text",
    ["Senior Engineer", "Team of 12000 people", "v2.2020.1", "Room 1999B", "+1 415 555 0199"],
)
def test_text_without_dates_has_none(text: str) -> None:
    assert find_dates(text) is None


def test_the_span_covers_the_whole_range() -> None:
    text = "Acme Corp | Jan 2020 – Present | Berlin"
    dates = find_dates(text)
    assert dates is not None
    assert text[slice(*dates.span)] == "Jan 2020 – Present"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2017/04 – 2019/05", "2017-04", "2019-05"),
        ("04.2017 - 05.2019", "2017-04", "2019-05"),
        ("2021 - present", "2021", None),
        ("2021 till now", "2021", None),
        ("2021 - till now", "2021", None),
        ("Mar 2018 until now", "2018-03", None),
        ("2019 2021", "2019", "2021"),
        ("Jan 2019 Dec 2021", "2019-01", "2021-12"),
    ],
)
def test_more_range_styles_are_read(text: str, start: str, end: str | None) -> None:
    dates = find_dates(text)
    assert dates is not None
    assert (dates.start, dates.end, dates.single) == (start, end, False)


def test_two_years_out_of_order_are_not_a_range() -> None:
    dates = find_dates("2021 2019")
    assert dates is not None
    assert (dates.start, dates.single) == ("2021", True)


def test_a_year_before_a_full_stop_is_read() -> None:
    dates = find_dates("Graduated 2022.")
    assert dates is not None
    assert (dates.start, dates.single) == ("2022", True)


def test_ambiguous_forms_are_less_certain_than_month_names() -> None:
    named, numeric, lost_dash = (
        find_dates(text) for text in ("Apr 2017 – May 2019", "04.2017 - 05.2019", "2017 2019")
    )
    assert named is not None
    assert numeric is not None
    assert lost_dash is not None
    assert named.confidence > numeric.confidence > lost_dash.confidence


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("2012Present", "2012", None), ("20102011", "2010", "2011"), (" 2007 2013 ", "2007", "2013")],
)
def test_a_range_that_lost_its_dash_and_space_is_read(
    text: str, start: str, end: str | None
) -> None:
    dates = find_dates(text)
    assert dates is not None
    assert (dates.start, dates.end, dates.single) == (start, end, False)
    assert dates.confidence < 0.9


@pytest.mark.parametrize("text", ["20112010", "Account 20102011", "12345678", "Tel 2010201199"])
def test_glued_digits_that_are_not_an_ordered_range_are_not_dates(text: str) -> None:
    dates = find_dates(text)
    assert dates is None or dates.single


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Manager of Services, Frankfort, KY, 1984-86", "1984", "1986"),
        ("1995–96", "1995", "1996"),
        ("2010 – 11", "2010", "2011"),
    ],
)
def test_a_range_whose_end_year_has_two_digits_is_read(text: str, start: str, end: str) -> None:
    dates = find_dates(text)
    assert dates is not None
    assert (dates.start, dates.end, dates.single) == (start, end, False)


@pytest.mark.parametrize(("text", "iso"), [("2010-11", "2010-11"), ("2019-05", "2019-05")])
def test_a_hyphenated_year_and_month_stays_a_month(text: str, iso: str) -> None:
    dates = find_dates(text)
    assert dates is not None
    assert (dates.start, dates.single) == (iso, True)
