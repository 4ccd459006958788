"""Committed JSON Schemas guard the wire format: a changed event must say how it stays readable."""

import re
from pathlib import Path
from typing import Any

import pydantic
import pytest

from jobtrail.events.envelope import Envelope, Event
from jobtrail.events.registry import registry
from jobtrail.events.resumes import ResumeRejected
from jobtrail.events.schemas import SCHEMA_DIR, event_schema, render, schema_filename

SCHEMA_FILE = re.compile(r"^(?P<type>\w+)\.v(?P<version>\d+)\.json$")


def our_event_classes() -> list[type[Event]]:
    """Registered classes defined in jobtrail.events (throwaway test classes are skipped)."""
    classes = registry.classes().values()
    return sorted((c for c in classes if c.__module__.startswith("jobtrail.events.")),
                  key=lambda c: c.type)  # fmt: skip


def committed_versions() -> list[tuple[str, int]]:
    found = (SCHEMA_FILE.match(path.name) for path in SCHEMA_DIR.glob("*.v*.json"))
    return sorted((m["type"], int(m["version"])) for m in found if m)


def schema_drift(cls: type[Event], directory: Path = SCHEMA_DIR) -> str | None:
    """Why the committed schema of the class's current version no longer fits, or None."""
    version = cls.schema_version
    path = directory / schema_filename(cls.type, version)
    if not path.exists():
        return f"{cls.type} v{version} has no committed schema {path.name}: run `make docs`"
    if path.read_text() == render(event_schema(cls)):
        return None
    return (
        f"the schema of {cls.type} v{version} changed: a backward-compatible change "
        f"(a new optional field) — regenerate with `make docs`; anything else — bump "
        f"schema_version and add upcast_v{version}_to_v{version + 1}"
    )


def copy_of(cls: type[Event], **extra_fields: Any) -> type[Event]:
    """A never-registered copy of an event class (same title and docstring), maybe widened."""
    return pydantic.create_model(cls.__name__, __base__=cls, __doc__=cls.__doc__, **extra_fields)


@pytest.mark.parametrize("cls", our_event_classes(), ids=lambda cls: cls.type)
def test_the_committed_schema_matches_the_current_version_of(cls: type[Event]) -> None:
    drift = schema_drift(cls)
    if drift:
        pytest.fail(drift, pytrace=False)


def test_the_committed_envelope_schema_matches_the_envelope() -> None:
    committed = (SCHEMA_DIR / "Envelope.json").read_text()
    if committed != render(Envelope.model_json_schema()):
        pytest.fail("the Envelope changed: regenerate with `make docs`", pytrace=False)


def test_every_older_committed_version_has_an_upcaster_to_the_next() -> None:
    current = {cls.type: cls.schema_version for cls in our_event_classes()}
    missing = [
        f"{event_type} v{version} is committed but upcast_v{version}_to_v{version + 1} is not"
        for event_type, version in committed_versions()
        if version < current.get(event_type, 0)
        and (event_type, version) not in registry.upcasters()
    ]
    assert not missing, missing


def test_every_committed_schema_belongs_to_a_known_event_version() -> None:
    # An event type that is removed, or a version that goes down, leaves stored events unreadable.
    current = {cls.type: cls.schema_version for cls in our_event_classes()}
    unknown = [
        f"{event_type}.v{version}.json"
        for event_type, version in committed_versions()
        if version > current.get(event_type, 0)
    ]
    assert not unknown, f"no event class reads {unknown}"


def test_a_copy_with_the_same_fields_has_the_same_schema() -> None:
    assert event_schema(copy_of(ResumeRejected)) == event_schema(ResumeRejected)
    assert registry.class_for("ResumeRejected") is ResumeRejected


def test_adding_an_optional_field_is_detected_as_a_schema_change(tmp_path: Path) -> None:
    before, after = copy_of(ResumeRejected), copy_of(ResumeRejected, hint=(str | None, None))
    (tmp_path / schema_filename("ResumeRejected", 1)).write_text(render(event_schema(before)))
    assert schema_drift(before, tmp_path) is None
    assert schema_drift(after, tmp_path) == (
        "the schema of ResumeRejected v1 changed: a backward-compatible change (a new optional "
        "field) — regenerate with `make docs`; anything else — bump schema_version and add "
        "upcast_v1_to_v2"
    )


def test_a_missing_committed_schema_is_reported(tmp_path: Path) -> None:
    assert schema_drift(ResumeRejected, tmp_path) == (
        "ResumeRejected v1 has no committed schema ResumeRejected.v1.json: run `make docs`"
    )
