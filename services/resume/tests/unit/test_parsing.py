"""Resume text is read into JSON Resume by rules: what is written is found, nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from jobtrail.resume.domain.parsing import parse, parse_resume, validate_json_resume

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


# The failure families of issue 9, each built here ------------------------------------


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("EXPERIENCE SUMMARY", "work"),
        ("Career Experience/Job History", "work"),
        ("Professional Skills", "skills"),
        ("Technical Skills Set", "skills"),
        ("SKILLS & AWARDS", "skills"),
        ("IT Skills", "skills"),
    ],
)
def test_headings_in_uncommon_wordings_open_their_section(heading: str, key: str) -> None:
    body = "Software Engineer, Acme Corp\n2019 – 2021\n" if key == "work" else "Python, Go\n"
    parsed = resume(f"{heading}\n{body}")
    assert key in parsed
    assert heading not in str(parsed)  # a heading is not content


def test_a_heading_may_carry_the_first_entry_on_its_line() -> None:
    job = only_job("Professional Experience: Independent Developer, 2021 till now\n• Built apps\n")
    assert (job["position"], job["startDate"], job["highlights"]) == (
        "Independent Developer",
        "2021",
        ["Built apps"],
    )
    assert "endDate" not in job


@pytest.mark.parametrize(("first", "second"), [("WORK", "EXPERIENCE"), ("EMPLOYMENT", "HISTORY")])
def test_a_heading_split_over_two_lines_is_one_heading(first: str, second: str) -> None:
    job = only_job(f"{first}\n{second}\nAcme Corp\nEngineer\n2017/04 - 2019/05\n")
    assert (job["name"], job["position"], job["startDate"], job["endDate"]) == (
        "Acme Corp",
        "Engineer",
        "2017-04",
        "2019-05",
    )


def test_two_headings_on_two_lines_stay_two_sections() -> None:
    parsed = resume("SKILLS\nLANGUAGES\nEnglish (Native)\n")
    assert parsed["languages"] == [{"language": "English", "fluency": "Native"}]


@pytest.mark.parametrize(
    ("line", "location"),
    [
        ("Software Engineer, Google (Mountain View)", "Mountain View"),
        ("Software Engineer, Google (Zurich, Switzerland)", "Zurich, Switzerland"),
        ("Software Engineer, Google, Austin, TX", "Austin, TX"),
    ],
)
def test_position_employer_city_lines_put_each_part_in_its_field(line: str, location: str) -> None:
    job = only_job(f"Experience\n{line}\n2019 – 2021\n")
    assert (job["position"], job["name"], job["location"]) == (
        "Software Engineer",
        "Google",
        location,
    )


def test_a_city_after_the_employer_is_its_location() -> None:
    job = only_job("Experience\nSenior Engineer\nFilestack, Berlin\n2019 - 2020\n")
    assert (job["position"], job["name"], job["location"]) == (
        "Senior Engineer",
        "Filestack",
        "Berlin",
    )


@pytest.mark.parametrize(
    ("dates", "start", "end"),
    [
        ("2017/04 – 2019/05", "2017-04", "2019-05"),
        ("04.2017 - 05.2019", "2017-04", "2019-05"),
        ("2021 - present", "2021", None),
        ("2021 till now", "2021", None),
        ("2019 2021", "2019", "2021"),
        ("2019 - 2021.", "2019", "2021"),
    ],
)
def test_every_date_style_dates_the_entry(dates: str, start: str, end: str | None) -> None:
    job = only_job(f"Experience\nSenior Engineer, Acme Corp\n{dates}\n")
    assert (job.get("startDate"), job.get("endDate")) == (start, end)


def test_a_year_ending_in_a_full_stop_still_dates_a_degree() -> None:
    (school,) = resume("Education\nStanford University\nMSc Physics, 2022.\n")["education"]
    assert (school["institution"], school["endDate"]) == ("Stanford University", "2022")


def test_entries_whose_dates_are_on_the_next_line_keep_them() -> None:
    jobs = resume(
        "Experience\nSenior Engineer at Acme Corp\n2018 - 2020\nEngineer at Globex\n2016 - 2018\n"
    )["work"]
    assert [(j["position"], j["name"], j["startDate"], j["endDate"]) for j in jobs] == [
        ("Senior Engineer", "Acme Corp", "2018", "2020"),
        ("Engineer", "Globex", "2016", "2018"),
    ]


def test_entries_after_a_blank_line_start_anew() -> None:
    jobs = resume(
        "Experience\nSenior Engineer\nAcme Corp\n2018 - 2020.\n\n"
        "Team Lead\nGlobex Corporation\n2016 - 2018.\n"
    )["work"]
    assert [(j["position"], j["name"]) for j in jobs] == [
        ("Senior Engineer", "Acme Corp"),
        ("Team Lead", "Globex Corporation"),
    ]


def test_course_lines_are_courses_not_institutions() -> None:
    (school,) = resume(
        "Education\nStanford University\nBSc Computer Science, 2014\n"
        "Course: Machine Learning, Coursera\n"
    )["education"]
    assert school["institution"] == "Stanford University"
    assert school["courses"] == ["Machine Learning, Coursera"]


def test_duty_headings_and_notes_on_request_are_not_jobs() -> None:
    parsed = parse(
        HEADER + "\nExperience\nSenior Engineer, Acme Corp\n2019 – 2021\n"
        "Areas of responsibility\n• Payments platform\n"
        "Recommendations are available upon request\n"
    )
    (job,) = parsed.document["work"]
    assert (job["position"], job["name"], job["highlights"]) == (
        "Senior Engineer",
        "Acme Corp",
        ["Payments platform"],
    )
    assert "Recommendations are available upon request" in parsed.unplaced


def test_an_institution_keeps_a_comma_inside_brackets() -> None:
    (school,) = resume(
        "Education\nBachelor of Science, Universidad de Chile (Santiago, Chile)\n2010 – 2014\n"
    )["education"]
    assert school["institution"] == "Universidad de Chile (Santiago, Chile)"
    assert school["studyType"] == "Bachelor of Science"


def test_a_resume_flattened_onto_one_line_gets_its_lines_back() -> None:
    flat = "  ".join(
        [
            "Sam Lee",
            "sam@example.com",
            "Experience",
            "Senior Engineer, Acme Corp",
            "Jan 2019  Present",
            "Led the payments team and shipped the new ledger on time.",
            "Education",
            "Stanford University",
            "BSc Physics",
            "2010 - 2014",
        ]
        * 2
    )
    parsed = parse_resume(flat)
    assert parsed["work"][0]["name"] == "Acme Corp"
    assert parsed["work"][0]["startDate"] == "2019-01"
    assert parsed["education"][0]["institution"] == "Stanford University"


def test_a_broken_link_in_the_header_is_not_a_crash() -> None:
    parsed = parse_resume("Sam Lee\nhttps://[broken · sam@example.com\n")
    assert parsed["basics"]["email"] == "sam@example.com"


@pytest.mark.parametrize(
    ("line", "position", "name"),
    [
        (
            "Sr. Software Eng., Corporate Applications, Sparta Technologies",
            "Sr. Software Eng., Corporate Applications",
            "Sparta Technologies",
        ),
        (
            "Senior Software Engineer, Video Technology",
            "Senior Software Engineer, Video Technology",
            None,
        ),
    ],
)
def test_a_title_with_commas_is_cut_only_before_the_employer(
    line: str, position: str, name: str | None
) -> None:
    job = only_job(f"Experience\n{line}\n2019 – 2021\n")
    assert (job["position"], job.get("name")) == (position, name)


def test_symbol_font_bullets_are_bullets() -> None:
    symbol_bullets = [chr(0xF0A7), chr(0xF098), chr(0xF0B7) + " "]
    body = "Experience\nSenior Engineer, Acme Corp\nJan 2019 - Present\n" + "\n".join(
        f"{marker}Shipped release {number}" for number, marker in enumerate(symbol_bullets)
    )
    job = only_job(body)
    assert job["highlights"] == [f"Shipped release {number}" for number in range(3)]


def test_bullets_inside_a_flattened_resume_start_their_own_lines() -> None:
    marker = chr(0xF0A7)
    flat = "  ".join(
        [
            "Sam Lee",
            "sam@example.com",
            "Experience",
            "Senior Engineer, Acme Corp",
            "Jan 2019 - Present",
            f"{marker} Led the payments team {marker} Shipped the new ledger on time",
            "Education",
            "Stanford University",
            "BSc Physics",
            "2010 - 2014",
        ]
        * 2
    )
    job = parse_resume(flat)["work"][0]
    assert job["name"] == "Acme Corp"
    assert job["highlights"][:2] == ["Led the payments team", "Shipped the new ledger on time"]


def test_small_capitals_and_bulleted_headings_open_their_sections() -> None:
    bullet = chr(0xF0A7)
    parsed = resume(
        f"{bullet} Professional Experience\n"
        "Acme Corp\nBoston, MA\n2008 - Present\nJava Developer\n"
        "Built the billing system.\n\n"
        "E DUCATION\nStanford University\nBSc Physics\n2004 - 2008\n"
    )
    assert parsed["work"][0]["name"] == "Acme Corp"
    assert parsed["education"][0]["institution"] == "Stanford University"


def test_a_bulleted_list_item_is_not_taken_for_a_heading() -> None:
    parsed = resume(
        "Experience\nAcme Corp | Java Developer | 2018 - Present\n"
        "• Research\n• Career coaching for juniors\n"
    )
    assert parsed["work"][0]["highlights"] == ["Research", "Career coaching for juniors"]


def test_a_title_on_the_line_after_employer_place_and_dates_is_the_position() -> None:
    job = only_job("Experience\nAcme Corp\nPrinceton, NJ\n2008 - Present\nJava Developer\n")
    assert (job["name"], job["position"], job["location"]) == (
        "Acme Corp",
        "Java Developer",
        "Princeton, NJ",
    )


def test_a_header_ending_in_a_full_stop_is_still_a_header() -> None:
    job = only_job(
        "Experience\nApril 2013 - Present\nSystems Programmer, MIT Media Lab.\n"
        "Led the redesign of the main website.\n"
    )
    assert job["position"] == "Systems Programmer"
    assert job["name"].rstrip(".") == "MIT Media Lab"
    assert job["startDate"] == "2013-04"


@pytest.mark.parametrize(
    ("line", "position", "employer"),
    [
        ("Assistant Manager, Perry Hill Swim Club", "Assistant Manager", "Perry Hill Swim Club"),
        ("Cashier, Riverside Market", "Cashier", "Riverside Market"),
        (
            "Vehicle Technician, Santa Monica Service Center",
            "Vehicle Technician",
            "Santa Monica Service Center",
        ),
    ],
)
def test_title_comma_organisation_lines_are_split_by_organisation_words(
    line: str, position: str, employer: str
) -> None:
    job = only_job(f"Experience\n{line}\nJune 2010 - August 2012\nLed the weekend shifts.\n")
    assert (job["position"], job["name"]) == (position, employer)


def test_a_position_that_opens_the_prose_of_a_dated_entry_is_the_position() -> None:
    job = only_job(
        "Experience\nAcme Mechanics, Inc., Los Angeles, CA\n2007 to 2010\n"
        "Vice President of Operations - Promoted to review and approve the plans for all"
        " planned outputs.\n"
    )
    assert job["position"] == "Vice President of Operations"
    assert job["name"] == "Acme Mechanics, Inc."
    assert job["summary"].startswith("Promoted to review")


def test_prose_after_a_dash_is_not_a_position_when_the_entry_has_one() -> None:
    job = only_job(
        "Experience\nProject Manager, Acme Corp\n2007 to 2010\n"
        "Site lead - Promoted to review and approve the plans for all planned outputs.\n"
    )
    assert job["position"] == "Project Manager"


def test_a_comma_the_word_lists_can_place_is_not_left_to_the_tagger() -> None:
    job = only_job("Experience\nResident Assistant, Baker University\n2011 - 2013\nRan the hall.\n")
    assert (job["position"], job["name"]) == ("Resident Assistant", "Baker University")


@pytest.mark.parametrize(
    "heading", ["ICT RELATED EXPERIENCE", "Teaching Experience", "Legal Experience:"]
)
def test_a_section_noun_qualified_by_one_field_word_is_a_heading(heading: str) -> None:
    job = only_job(f"{heading}\nAcme Corp | Java Developer | 2018 - Present\nBuilt things.\n")
    assert job["name"] == "Acme Corp"


@pytest.mark.parametrize("line", ["Hands-on experience", "Customer Experience Manager"])
def test_lines_that_only_mention_experience_are_not_headings(line: str) -> None:
    parsed = parse(f"Jane Doe\n\nSkills\nPython, SQL\n{line}\n")
    assert [section["name"] for section in parsed.sections] == ["skills"]


def test_an_email_under_another_heading_is_the_email_but_not_a_referees() -> None:
    text = "Jane Doe\n\nProfile\nBuilder of things.\nExperience\njane@example.com\n"
    assert parse_resume(text)["basics"]["email"] == "jane@example.com"
    referee = "Jane Doe\n\nReferences\nJohn Roe, john@example.com\n"
    assert "email" not in parse_resume(referee).get("basics", {})


@pytest.mark.parametrize("footer", ["Page 2", "Page 1 of 6", "Jane Doe, page 2", "- 3 -"])
def test_a_page_footer_between_entries_is_not_an_entry(footer: str) -> None:
    parsed = resume(
        "Experience\nAcme Corp | Java Developer | 2018 - Present\nBuilt things.\n"
        f"{footer}\nGlobex | Analyst | 2015 - 2018\nCounted things.\n"
    )
    assert [job["name"] for job in parsed["work"]] == ["Acme Corp", "Globex"]
    assert all(footer not in str(job) for job in parsed["work"])


def test_a_sentence_in_a_dated_header_line_is_not_the_employer() -> None:
    job = only_job(
        "Experience\nSoftware Developer | 2009 - 2011 | I lived in London and worked in the"
        " graphics department\nBuilt the renderer.\n"
    )
    assert job["position"] == "Software Developer"
    assert "name" not in job
    assert job["startDate"] == "2009"


def test_a_title_in_sentence_case_is_still_a_title() -> None:
    job = only_job("Experience\nAcme Corp | Senior software engineer | 2009 - 2011\nBuilt it.\n")
    assert (job["name"], job["position"]) == ("Acme Corp", "Senior software engineer")


@pytest.mark.parametrize(
    ("line", "region", "country"),
    [
        ("Infosys Limited - Mysore, Karnataka", "Karnataka", "IN"),
        ("Shopify - Toronto, Ontario", "Ontario", "CA"),
        ("Atlassian - Sydney, New South Wales", "New South Wales", "AU"),
    ],
)
def test_a_region_of_a_large_country_is_a_location(line: str, region: str, country: str) -> None:
    job = only_job(f"Experience\nSystem Engineer\n{line}\nJune 2016 to Present\nBuilt things.\n")
    assert job["position"] == "System Engineer"
    assert job["location"].endswith(region)
    assert (
        parse_resume(f"Sam Lee\n{line.split(' - ')[1]}\n")["basics"]["location"]["countryCode"]
        == country
    )


def test_an_employer_named_like_a_section_noun_is_not_a_heading() -> None:
    job = only_job("Experience\nSoftware Engineer\nDolphin Technologies\n2014 - 2015\nBuilt it.\n")
    assert job["name"] == "Dolphin Technologies"
