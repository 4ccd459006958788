"""Failure families found on the dotin development CVs (never the test split), one test
each, every document written here at run time."""

from __future__ import annotations

from typing import Any

import pytest

from jobtrail.resume.domain.dates import find_dates
from jobtrail.resume.domain.parsing import parse, validate_json_resume

NAME = "Jane Doe\njane.doe@example.com\n\n"


def jobs(body: str) -> list[dict[str, Any]]:
    parsed = parse(NAME + body).document
    assert validate_json_resume(parsed) == []
    keys = ("name", "position", "startDate", "endDate", "location")
    return [{key: job.get(key) for key in keys} for job in parsed.get("work", [])]


def test_a_lower_case_heading_after_a_sentence_is_not_its_continuation() -> None:
    found = jobs(
        "goal\nGain fundamental experience in my area of interest and expertise.\n"
        "work experience\n2012 - Present\nLehman Brothers\n"
        "Developed spreadsheets for risk analysis on exotic derivatives and notes.\n"
    )
    assert [job["name"] for job in found] == ["Lehman Brothers"]


def test_jobs_written_as_forms_are_read_by_their_labels() -> None:
    found = jobs(
        "Work Experience:\n"
        "Designation: Digital Advertising Executive\n"
        "Organization: Violet Advertisers, Phoenix, AZ\n"
        "Duration: May 2010 - till date\n"
        "Devise advertising and marketing strategies as per the product and audience\n"
        "Designation: Information Developer\n"
        "Organization: Matrix Advertisers\n"
        "Duration: December 2007 - December 2008\n"
        "• Developed promotional articles\n"
    )
    assert found == [
        {
            "name": "Violet Advertisers",
            "position": "Digital Advertising Executive",
            "startDate": "2010-05",
            "endDate": None,
            "location": "Phoenix, AZ",
        },
        {
            "name": "Matrix Advertisers",
            "position": "Information Developer",
            "startDate": "2007-12",
            "endDate": "2008-12",
            "location": None,
        },
    ]


def test_a_form_keeps_its_prose_and_bullets() -> None:
    parsed = parse(
        NAME + "Experience\nCompany: Genpact India\nRole: Process Developer\n"
        "Duration: 2014 - 2016\n• Handled escalations\n• Trained new hires\n"
    ).document
    assert parsed["work"][0]["highlights"] == ["Handled escalations", "Trained new hires"]


def test_a_company_suffix_and_a_place_are_cut_off_an_employer_in_a_second_header_line() -> None:
    found = jobs(
        "Professional Experience\n"
        "Quality Builders, Inc., Los Angeles, CA\n"
        "2011 to Present  Construction Quality Solutions, LLC, Los Angeles, CA\n"
        "Owner - Oversee all aspects of multiple ongoing construction and landscaping work.\n"
    )
    assert "Construction Quality Solutions, LLC" in {job["name"] for job in found} | {
        job["position"] for job in found
    }
    assert all("Los Angeles" not in (job["name"] or "") for job in found)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Fall 2009 - Spring 2010", "2009", "2010"),
        ("Summer 2011", "2011", None),
        ("Summer of 2008 – present", "2008", None),
    ],
)
def test_seasons_are_read_as_their_year(text: str, start: str, end: str | None) -> None:
    dates = find_dates(text)
    assert dates is not None
    assert (dates.start, dates.end) == (start, end)


@pytest.mark.parametrize(
    "text", ["Windows Server 2008", "Visual Studio 2019", "MS Office 2010", "SQL Server 2016"]
)
def test_a_products_version_is_not_a_date(text: str) -> None:
    assert find_dates(text) is None


def test_a_year_after_other_words_is_still_a_date() -> None:
    dates = find_dates("Graduated from Acme College 2016")
    assert dates is not None
    assert dates.start == "2016"


def test_a_template_icon_before_a_place_or_dates_does_not_make_them_duties() -> None:
    found = jobs(
        "Experience\n"
        "PR/Special Events Intern, The Peggy Siegal Company\n"
        "• New York, NY\n• June 2016 - present\n"
        "• Assisting senior staff in the planning of film premieres and screenings\n"
        "Volunteer, Cradles to Crayons\n• Conshohocken, PA\n• April 2015 - May 2016\n"
        "• Maintain and update the database of volunteers, events and donors\n"
    )
    assert found == [
        {
            "name": "The Peggy Siegal Company",
            "position": "PR/Special Events Intern",
            "startDate": "2016-06",
            "endDate": None,
            "location": "New York, NY",
        },
        {
            "name": "Cradles to Crayons",
            "position": "Volunteer",
            "startDate": "2015-04",
            "endDate": "2016-05",
            "location": "Conshohocken, PA",
        },
    ]


def test_a_heading_may_qualify_experience_with_several_field_words() -> None:
    parsed = parse(
        NAME + "Event Planning and Marketing Experience\n"
        "Account Executive, Acme Events\nJan 2019 - Mar 2021\n"
        "Planned launches for technology clients across three cities and two continents.\n"
    )
    assert parsed.document["work"][0]["name"] == "Acme Events"


def test_a_name_over_a_heading_is_not_part_of_the_heading() -> None:
    parsed = parse("Kevin Marketer\nEDUCATION\nBachelor of Science, Acme University, 2017\n")
    assert parsed.sections == [{"name": "education", "heading": "EDUCATION"}]
    assert parsed.document["basics"]["name"] == "Kevin Marketer"


def test_a_range_written_over_two_lines_is_one_range() -> None:
    found = jobs(
        "Employment History\nDefect Manager\nCapgemini, Canada\nJanuary 2012\nNovember 2012\n"
        "Description\nThe smart metering programme replaced customer meters across the province.\n"
        "Test Lead\nCGI, Canada\nSeptember 2011\nJanuary 2012\n"
        "Description\nA lottery game built on a map of squares players could choose and own.\n"
    )
    assert [(job["name"], job["startDate"], job["endDate"]) for job in found] == [
        ("Capgemini", "2012-01", "2012-11"),
        ("CGI", "2011-09", "2012-01"),
    ]


def test_a_company_and_its_country_are_not_read_as_a_city() -> None:
    found = jobs(
        "Experience\nTeam Lead, QA\nJune 2004 - April 2005\nRemoba Inc., India\n"
        "Led the testing of a travel booking platform for airlines and hotels.\n"
    )
    assert (found[0]["name"], found[0]["location"]) == ("Remoba Inc.", "India")


def test_the_last_word_of_a_wrapped_sentence_is_not_an_employer() -> None:
    found = jobs(
        "Experience\nArabic Language Trainer\nAssociated - Bengaluru, Karnataka\n2010 to 2012\n"
        "Worked as an interpreter for several clients on the CRM project in Wipro\n"
        "Technologies.\n"
    )
    assert [job["name"] for job in found] == ["Associated"]


def test_sub_headings_of_duties_do_not_start_entries() -> None:
    found = jobs(
        "Work Experience\nMajor Incident Manager\nMicrosoft India -\nJune 2016 to Present\n"
        "June 2016 - Till date\nRoles and Responsibilities:\n"
        "• Leading a team of twenty engineers on daily operations\n"
    )
    assert found == [
        {
            "name": "Microsoft India",
            "position": "Major Incident Manager",
            "startDate": "2016-06",
            "endDate": None,
            "location": None,
        }
    ]


def test_a_second_job_title_is_not_reported_as_the_employer() -> None:
    parsed = parse(
        NAME + "Work Experience\nSoftware Developer\nFreelance Software Developer\n"
        "San Mateo, CA\nJanuary 2016 to Present\n• Working on personal web projects\n"
    )
    job = parsed.document["work"][0]
    assert "name" not in job
    assert "Software Developer" in parsed.unplaced


def test_an_employer_repeated_beside_the_title_is_cut_off_the_position() -> None:
    found = jobs(
        "Experience\n2010 - 2011\nInitech Inc\nSummer Intern, Initech Inc\n"
        "Rated truly distinctive for analytical skills and teamwork by the whole desk.\n"
    )
    assert (found[0]["name"], found[0]["position"]) == ("Initech Inc", "Summer Intern")


@pytest.mark.parametrize("junk", ["0608", "Los Angeles.", "Indiana; January"])
def test_numbers_places_and_months_are_not_employers(junk: str) -> None:
    parsed = parse(
        NAME + f"Experience\nSales Associate\n{junk}\n2009 - 2010\n"
        "Helped customers choose books and kept the shelves in order every day.\n"
    )
    assert parsed.document["work"][0].get("name") is None
