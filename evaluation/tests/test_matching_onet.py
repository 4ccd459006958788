"""The O*NET grader and the title → occupation mapper."""

import pytest

from evaluation.matching import onet, resumes


@pytest.mark.parametrize(
    ("resume_code", "posting_code", "grade"),
    [
        ("15-1252.00", "15-1252.00", 3),
        ("15-1299.08", "15-1299.09", 2),  # same 6-char broad group, other occupation
        ("15-1241.01", "15-1241.00", 3),  # a specialisation is the same occupation
        ("15-1252.00", "15-1254.00", 2),
        ("15-1252.00", "15-2051.00", 1),
        ("15-1252.00", "29-1141.00", 0),
    ],
)
def test_grade_follows_the_onet_hierarchy(resume_code, posting_code, grade):
    assert onet.grade(resume_code, posting_code) == grade


def test_titles_are_normalised_without_level_words_or_abbreviations():
    assert onet.normalise("Sr. Java Dev") == "java developer"
    assert onet.normalise("Junior Software Engineer (contract)") == "software engineer"
    assert onet.normalise("HR Assistant") == "human resources"


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Software Engineer", "15-1252"),
        ("Senior Software Engineer", "15-1252"),
        ("Attorney at Law", "23-1011"),
        ("paralegal", "23-2011"),
        ("Registered Nurse", "29-1141"),
        ("Help desk technician", "15-1232"),
        ("JAVA Developer/Senior Systems Engineer", "15-1251"),  # the first role that maps
    ],
)
def test_mapper_finds_the_occupation_of_common_titles(title, code):
    mapping = onet.mapper().map(title)
    assert mapping is not None
    assert mapping.code.startswith(code)


@pytest.mark.parametrize("title", ["Teacher", "Stack And", "Volunteer", "Summer Intern", ""])
def test_mapper_declines_titles_it_cannot_place_confidently(title):
    # "Teacher" is a title of some 25 occupations; the others name no occupation.
    assert onet.mapper().map(title) is None


def test_a_jsonresume_label_contradicted_by_the_work_positions_is_dropped():
    # "Architect" maps to building architects, but the person is a software engineer.
    document = {
        "basics": {"label": "Architect"},
        "work": [{"position": "Senior Software Engineer"}, {"position": "Software Engineer"}],
    }
    assert resumes.map_jsonresume(document) is None
    document["basics"]["label"] = "Software Developer"
    found = resumes.map_jsonresume(document)
    assert found is not None
    assert found[1].code.startswith("15-1252")


def test_a_dotin_designation_contradicted_by_the_next_one_is_dropped():
    assert resumes.map_dotin(["Software Engineer", "Registered Nurse"]) is None
    found = resumes.map_dotin(["Paralegal", "Legal Assistant"])
    assert found is not None
    assert found[1].code.startswith("23-2011")


def test_the_split_is_a_fixed_hash_of_the_id():
    assert resumes.split_of("dotin-train-1") == resumes.split_of("dotin-train-1")
    splits = [resumes.split_of(f"r{i}") for i in range(1000)]
    assert 0.3 < splits.count("dev") / 1000 < 0.5
