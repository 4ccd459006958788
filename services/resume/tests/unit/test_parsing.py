"""Resume text is read into JSON Resume by rules: what is written is found, nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from jobtrail.resume.parsing import parse_resume, validate_json_resume

HEADER = """\
Jane Doe
Senior Backend Engineer
Berlin, Germany | jane.doe@example.com | +49 30 1234567
linkedin.com/in/janedoe · https://github.com/janedoe · https://janedoe.dev
"""


def resume(body: str) -> dict[str, Any]:
    """Parse a resume with the standard header and `body`, checking it against the schema."""
    parsed = parse_resume(HEADER + "\n" + body)
    assert validate_json_resume(parsed) == []
    return parsed


def only_job(body: str) -> dict[str, Any]:
    jobs = resume(body)["work"]
    assert len(jobs) == 1
    job: dict[str, Any] = jobs[0]
    return job


# Basics -------------------------------------------------------------------------------


def test_the_header_gives_name_title_contacts_location_and_profiles() -> None:
    basics = resume("")["basics"]
    assert basics == {
        "name": "Jane Doe",
        "label": "Senior Backend Engineer",
        "email": "jane.doe@example.com",
        "phone": "+49 30 1234567",
        "url": "https://janedoe.dev",
        "location": {"city": "Berlin", "countryCode": "DE"},
        "profiles": [
            {
                "network": "LinkedIn",
                "url": "https://linkedin.com/in/janedoe",
                "username": "janedoe",
            },
            {"network": "GitHub", "url": "https://github.com/janedoe", "username": "janedoe"},
        ],
    }


@pytest.mark.parametrize(
    ("line", "location"),
    [
        ("Austin, TX", {"city": "Austin", "region": "TX"}),
        ("Austin, US", {"city": "Austin", "countryCode": "US"}),
        (
            "San Francisco, CA 94115",
            {"city": "San Francisco", "region": "CA", "postalCode": "94115"},
        ),
        ("Toronto, Ontario, Canada", {"city": "Toronto", "region": "Ontario", "countryCode": "CA"}),
        ("Pune, Maharashtra, IN", {"city": "Pune", "region": "Maharashtra", "countryCode": "IN"}),
    ],
)
def test_locations_are_read_when_evident(line: str, location: dict[str, str]) -> None:
    parsed = parse_resume(f"Sam Lee\n{line} · sam@example.com\n\nSkills\nPython, SQL\n")
    assert parsed["basics"]["location"] == location


def test_missing_details_stay_missing() -> None:
    parsed = parse_resume("Sam Lee\nsam@example.com\n\nExperience\nEngineer at Acme\n2019 – 2020\n")
    assert parsed["basics"] == {"name": "Sam Lee", "email": "sam@example.com"}
    assert parsed["work"] == [
        {"position": "Engineer", "name": "Acme", "startDate": "2019", "endDate": "2020"}
    ]
    assert set(parsed) == {"basics", "work"}


def test_a_summary_under_a_heading_or_under_the_header_is_the_summary() -> None:
    prose = "Backend engineer with ten years of building payment systems in Go and Python."
    assert resume(f"Summary\n{prose}\n")["basics"]["summary"] == prose
    assert parse_resume(f"{HEADER}{prose}\n")["basics"]["summary"] == prose


# Headings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Experience",
        "EXPERIENCE",
        "Work Experience:",
        "Professional Experience",
        "Employment History",
        "## Work History",
        "**Career History**",
        "E X P E R I E N C E",
    ],
)
def test_work_headings_are_recognised_in_any_common_wording(heading: str) -> None:
    job = only_job(f"{heading}\nSenior Engineer at Acme Corp\nJan 2020 – Present\n")
    assert job["name"] == "Acme Corp"


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Education", "education"),
        ("Technical Skills", "skills"),
        ("Core Competencies", "skills"),
        ("Projects", "projects"),
        ("Certifications", "certificates"),
        ("Licenses & Certifications", "certificates"),
        ("Languages", "languages"),
        ("Honors & Awards", "awards"),
        ("Volunteer Experience", "volunteer"),
        ("Interests", "interests"),
        ("Publications", "publications"),
        ("References", "references"),
    ],
)
def test_other_section_headings_are_recognised(heading: str, key: str) -> None:
    body = {
        "education": "Stanford University\nBachelor of Science in Computer Science\n2010 – 2014\n",
        "volunteer": "Mentor, Code Club\n2018 – 2019\n",
        "references": "John Smith\n“Jane is excellent.”\n",
    }.get(key, "Python, Go\n")
    assert key in resume(f"{heading}\n{body}")


@pytest.mark.parametrize("heading", ["Summary", "Profile", "About", "About Me:", "# Summary"])
def test_summary_headings_are_recognised(heading: str) -> None:
    assert resume(f"{heading}\nI build reliable systems.\n")["basics"]["summary"] == (
        "I build reliable systems."
    )


# Position lines -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        "Senior Engineer at Acme Corp\nJan 2020 – Present",
        "Acme Corp — Senior Engineer\nJan 2020 – Present",
        "Senior Engineer, Acme Corp\nJan 2020 – Present",
        "Senior Engineer | Acme Corp | Jan 2020 – Present",
        "Acme Corp | Senior Engineer | Jan 2020 - Present",
        "Senior Engineer\nAcme Corp\nJan 2020 – Present",
        "Acme Corp\nSenior Engineer\nJan 2020 – Current",
        "Senior Engineer\tJan 2020 – Present\nAcme Corp",
        "Acme Corp                         Jan 2020 – Present\nSenior Engineer",
        "Jan 2020 – Present\nSenior Engineer, Acme Corp",
        "Senior Engineer @ Acme Corp (Jan 2020 – Present)",
    ],
)
def test_common_position_line_shapes_are_understood(lines: str) -> None:
    job = only_job(f"Experience\n{lines}\n• Cut p99 latency by 40%\n")
    assert (job["position"], job["name"], job["startDate"]) == (
        "Senior Engineer",
        "Acme Corp",
        "2020-01",
    )
    assert "endDate" not in job
    assert job["highlights"] == ["Cut p99 latency by 40%"]


def test_several_jobs_with_summaries_and_bullets_are_kept_apart() -> None:
    jobs = resume(
        "Experience\n"
        "Staff Engineer | Globex Corporation | 03/2021 – Present\n"
        "Payments platform team.\n"
        "- Led the ledger rewrite\n"
        "- Mentored four engineers\n"
        "Software Engineer | Initech | 2017-06 – 2021-02\n"
        "* Built the reporting pipeline\n"
    )["work"]
    assert jobs == [
        {
            "position": "Staff Engineer",
            "name": "Globex Corporation",
            "startDate": "2021-03",
            "summary": "Payments platform team.",
            "highlights": ["Led the ledger rewrite", "Mentored four engineers"],
        },
        {
            "position": "Software Engineer",
            "name": "Initech",
            "startDate": "2017-06",
            "endDate": "2021-02",
            "highlights": ["Built the reporting pipeline"],
        },
    ]


def test_a_wrapped_bullet_is_joined_back() -> None:
    job = only_job(
        "Experience\nEngineer, Acme Corp\n2019 – 2020\n"
        "• Rebuilt the billing service and moved it to\n"
        "  Kubernetes without downtime\n"
    )
    assert job["highlights"] == [
        "Rebuilt the billing service and moved it to Kubernetes without downtime"
    ]


def test_a_wrapped_sentence_that_mentions_a_date_stays_in_the_summary() -> None:
    job = only_job(
        "Experience\nSenior Engineer\tJan 2018 – Sep 2020\nAcme Corp\n"
        "Joined when the team was small and grew the platform with our customers\n"
        "schedule. in march 2019 we launched a second region and doubled the\n"
        "revenue.\n• Led the launch\n"
    )
    assert job["summary"].endswith(
        "in march 2019 we launched a second region and doubled the revenue."
    )
    assert job["highlights"] == ["Led the launch"]


def test_a_work_location_is_kept_apart_from_the_company() -> None:
    job = only_job("Experience\nSenior Engineer\nAcme Corp | Austin, TX | 2019 – 2021\n")
    assert (job["name"], job["location"]) == ("Acme Corp", "Austin, TX")


# Education, skills, languages and the rest --------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            "Bachelor of Science in Computer Science\nStanford University | 2010 – 2014\nGPA: 3.8",
            {"studyType": "Bachelor of Science", "area": "Computer Science", "score": "3.8"},
        ),
        (
            "University of Oklahoma\nB.S. Information Technology, 2014",
            {"studyType": "B.S.", "area": "Information Technology", "endDate": "2014"},
        ),
        (
            "MSc Data Science, University of Edinburgh, 2016 – 2017",
            {"studyType": "MSc", "area": "Data Science", "startDate": "2016"},
        ),
    ],
)
def test_degrees_are_read(lines: str, expected: dict[str, str]) -> None:
    (school,) = resume(f"Education\n{lines}\n")["education"]
    assert school.items() >= expected.items()
    assert "University" in school["institution"]


def test_skills_are_read_with_and_without_categories() -> None:
    skills = resume(
        "Technical Skills\nLanguages: Python, Go, SQL\nCloud (Advanced): AWS, GCP\n• Docker\n"
    )["skills"]
    assert skills == [
        {"name": "Languages", "keywords": ["Python", "Go", "SQL"]},
        {"name": "Cloud", "level": "Advanced", "keywords": ["AWS", "GCP"]},
        {"name": "Docker"},
    ]


def test_languages_are_read_with_their_fluency() -> None:
    languages = resume("Languages\nEnglish (Native), German — C1\nSpanish: Basic\nFrench\n")
    assert languages["languages"] == [
        {"language": "English", "fluency": "Native"},
        {"language": "German", "fluency": "C1"},
        {"language": "Spanish", "fluency": "Basic"},
        {"language": "French"},
    ]


def test_certificates_projects_and_awards_are_read() -> None:
    parsed = resume(
        "Certifications\n"
        "• AWS Certified Solutions Architect | Amazon Web Services | Mar 2022\n"
        "• Certified Kubernetes Administrator\n"
        "Projects\n"
        "Ledgerly | https://github.com/janedoe/ledgerly | 2021 – 2022\n"
        "An open-source double-entry ledger.\n"
        "Technologies: Go, PostgreSQL\n"
        "Awards\n"
        "Engineer of the Year | Globex Corporation | 2022\n"
    )
    assert parsed["certificates"] == [
        {"name": "AWS Certified Solutions Architect", "issuer": "Amazon Web Services"}
        | {"date": "2022-03"},
        {"name": "Certified Kubernetes Administrator"},
    ]
    assert parsed["projects"] == [
        {
            "name": "Ledgerly",
            "url": "https://github.com/janedoe/ledgerly",
            "startDate": "2021",
            "endDate": "2022",
            "keywords": ["Go", "PostgreSQL"],
            "description": "An open-source double-entry ledger.",
        }
    ]
    assert parsed["awards"] == [
        {"title": "Engineer of the Year", "awarder": "Globex Corporation", "date": "2022"}
    ]


def test_references_available_on_request_is_not_a_reference() -> None:
    assert "references" not in resume("References\nAvailable upon request.\n")


# Never inventing ----------------------------------------------------------------------


def test_an_empty_text_gives_an_empty_resume() -> None:
    assert parse_resume("") == {}


def test_every_value_comes_from_the_text() -> None:
    text = HEADER + (
        "\nExperience\nSenior Engineer | Acme Corp | Jan 2020 – Present\n• Shipped things\n"
        "\nEducation\nStanford University\nBachelor of Science in Physics\n2010 – 2014\n"
        "\nSkills\nPython, Go\n"
    )
    parsed = parse_resume(text)
    for profile in parsed["basics"]["profiles"]:
        del profile["network"]  # named after the link's host, which is in the text
    strings = list(_strings(parsed))
    dates = {"2020-01", "2010", "2014"}
    schemes = {"https://linkedin.com/in/janedoe"}  # a scheme is added to bare profile links
    assert [value for value in strings if value not in text and value not in dates | schemes] == [
        "DE"  # the ISO code of "Germany"
    ]


def _strings(value: Any) -> Any:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# Validation ---------------------------------------------------------------------------


def test_validation_reports_each_problem_with_its_path() -> None:
    problems = validate_json_resume(
        {"basics": {"name": 7}, "work": [{"name": "Acme", "startDate": "Jan 2020"}]}
    )
    assert problems == [
        "$.basics.name: 7 is not of type 'string'",
        "$.work[0].startDate: 'Jan 2020' does not match "
        "'^([1-2][0-9]{3}-[0-1][0-9]-[0-3][0-9]|[1-2][0-9]{3}-[0-1][0-9]|[1-2][0-9]{3})$'",
    ]
