"""The JSON Resume schema ships with its licence, and validation says where and what."""

import json
from importlib import resources
from pathlib import Path

from jobtrail.jsonresume import schema, validate_json_resume

SAMPLE = Path(__file__).parents[3] / "tests" / "data" / "sample.resume.json"


def test_the_schema_and_its_licence_ship_inside_the_package() -> None:
    folder = resources.files("jobtrail.jsonresume").joinpath("schema")
    assert folder.joinpath("jsonresume.schema.json").is_file()
    assert "MIT License" in folder.joinpath("LICENSE.md").read_text()
    assert schema()["$schema"].startswith("http://json-schema.org/draft-07")


def test_the_official_sample_is_valid() -> None:
    assert validate_json_resume(json.loads(SAMPLE.read_text())) == []


def test_each_problem_names_its_json_path() -> None:
    problems = validate_json_resume({"basics": {"email": 5}, "work": "x"})
    assert problems == [
        "$.basics.email: 5 is not of type 'string'",
        "$.work: 'x' is not of type 'array'",
    ]


def test_a_document_that_is_not_an_object_is_refused() -> None:
    assert validate_json_resume(["not", "a", "resume"]) == ["$: the document must be a JSON object"]
