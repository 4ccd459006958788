"""The field-level scorer: what counts as the same value, and how counts add up."""

from __future__ import annotations

from evaluation.parsing.scorer import (
    Table,
    fields_of,
    markdown_table,
    match_count,
    normalise,
    score_documents,
)


def test_normalise_ignores_case_punctuation_spacing_and_ampersand() -> None:
    assert normalise("  Smith &  Sons, Ltd. ") == normalise("smith and sons ltd")
    assert normalise("Müller") == "muller"


def test_company_punctuation_and_suffix_variants_match() -> None:
    assert match_count("employers", ["Acme Corp"], ["Acme Corp."]) == 1
    assert match_count("employers", ["Acme Corporation"], ["ACME corp"]) == 1
    assert match_count("employers", ["Johnson & Johnson"], ["Johnson and Johnson"]) == 1


def test_unrelated_text_containing_the_value_does_not_match() -> None:
    assert match_count("employers", ["Acme Corp"], ["Acme Corp to build widgets for"]) == 0
    assert match_count("titles", ["Engineer"], ["Senior Staff Engineer, Platform"]) == 0
    assert match_count("skills", ["C"], ["C++"]) == 0


def test_a_predicted_value_counts_once() -> None:
    assert match_count("employers", ["Acme", "Acme"], ["Acme"]) == 1
    assert match_count("employers", ["Acme"], ["Acme", "Acme"]) == 1
    assert match_count("employers", ["Acme", "Acme"], ["Acme", "Acme"]) == 2


def test_dates_match_at_the_gold_granularity() -> None:
    assert match_count("start dates", ["2017"], ["2017-04"]) == 1
    assert match_count("start dates", ["2017-04"], ["2017-04-01"]) == 1
    assert match_count("start dates", ["2017-04"], ["2017"]) == 0
    assert match_count("start dates", ["2017-04"], ["2017-05"]) == 0
    assert match_count("end dates", ["present"], ["present"]) == 1
    assert match_count("end dates", ["present"], ["2021"]) == 0


def test_phones_match_by_digits_with_or_without_country_code() -> None:
    assert match_count("phone", ["+1 (415) 555-0123"], ["415.555.0123"]) == 1
    assert match_count("phone", ["+1 (415) 555-0123"], ["415.555.0124"]) == 0


def test_fields_of_reads_every_group_and_ends_open_jobs_present() -> None:
    resume = {
        "basics": {
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "phone": "+44 20 7946 0000",
            "location": {"city": "London", "countryCode": "GB"},
        },
        "work": [
            {"name": "Analytical Engines", "position": "Programmer", "startDate": "2019-04"},
            {"company": "Babbage & Co", "startDate": "2015", "endDate": "2019-03"},
        ],
        "education": [{"institution": "University of London", "studyType": "BSc", "area": "Maths"}],
        "skills": [{"name": "Programming", "keywords": ["Python", "Rust"]}],
    }
    fields = fields_of(resume)
    assert fields["location"] == ["London"]
    assert fields["employers"] == ["Analytical Engines", "Babbage & Co"]
    assert fields["titles"] == ["Programmer"]
    assert fields["start dates"] == ["2019-04", "2015"]
    assert fields["end dates"] == ["present", "2019-03"]
    assert fields["dates"] == ["2019-04", "2015", "2019-03"]
    assert fields["degrees"] == ["BSc Maths"]
    assert fields["skills"] == ["Programming", "Python", "Rust"]


def test_degree_read_from_study_type_and_area_together() -> None:
    gold = {"education": [{"studyType": "Bachelor of Science", "area": "Computer Science"}]}
    parsed = {"education": [{"studyType": "Bachelor of Science in Computer Science"}]}
    assert score_documents([(gold, parsed)]).counts["degrees"].matched == 1


def test_score_documents_micro_averages_and_counts_failures() -> None:
    gold = {"work": [{"name": "Acme", "position": "Engineer"}, {"name": "Globex"}]}
    parsed = {"work": [{"name": "Acme", "position": "Manager"}, {"name": "Initech"}]}
    table = score_documents([(gold, parsed), (gold, None)])
    employers = table.counts["employers"]
    assert (employers.matched, employers.gold, employers.predicted) == (1, 4, 2)
    assert employers.precision == 0.5
    assert employers.recall == 0.25
    assert table.counts["titles"].matched == 0
    assert (table.documents, table.failed) == (2, 1)


def test_sets_count_repeated_values_once() -> None:
    table = Table()
    table.add({"skills": ["Python", "python", "SQL"]}, {"skills": ["Python"]}, sets=True)
    assert (table.counts["skills"].gold, table.counts["skills"].matched) == (2, 1)


def test_markdown_table_shows_precision_and_recall_of_groups_with_values() -> None:
    table = score_documents([({"basics": {"name": "Ada"}}, {"basics": {"name": "Ada"}})])
    text = markdown_table({"current": table})
    assert "| parser | docs | failed | name |" in text
    assert "| current | 1 | 0 | 1.00 / 1.00 |" in text
