"""JSON Resume (https://jsonresume.org/schema): the schema, kept with its MIT licence in
schema/, and validation with messages a person can act on."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft7Validator, FormatChecker


@cache
def schema() -> dict[str, Any]:
    text = files("jobtrail.jsonresume").joinpath("schema/jsonresume.schema.json").read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> Draft7Validator:
    return Draft7Validator(schema(), format_checker=FormatChecker())


def validate_json_resume(document: object) -> list[str]:
    """Every way `document` breaks the JSON Resume schema, as "$.path: problem"; [] if valid."""
    if not isinstance(document, dict):
        return ["$: the document must be a JSON object"]
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{error.json_path}: {error.message}" for error in errors]
