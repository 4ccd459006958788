"""The JSON Resume schema (a copy shipped with this package) and validation against it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft7Validator, FormatChecker


@cache
def json_resume_schema() -> dict[str, Any]:
    """The JSON Resume schema, loaded once from the package's data."""
    text = resources.files("jobtrail.resume").joinpath("schemas/jsonresume.schema.json")
    schema: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> Draft7Validator:
    return Draft7Validator(json_resume_schema(), format_checker=FormatChecker())


def validate_json_resume(doc: dict[str, Any]) -> list[str]:
    """Every way `doc` breaks the JSON Resume schema, as "$.path: message"; empty if valid."""
    errors = sorted(_validator().iter_errors(doc), key=lambda error: list(error.absolute_path))
    return [f"{error.json_path}: {error.message}" for error in errors]
