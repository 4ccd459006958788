"""Dates as resumes write them become JSON Resume's partial ISO-8601 dates."""

from __future__ import annotations

import pytest

from jobtrail.resume.dates import find_dates


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
