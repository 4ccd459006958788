"""The committed JSON Schema of every event version (libs/events/schemas/<Type>.v<N>.json).

`make docs` writes them; a test fails when a class's schema no longer matches the file of
its version, so a change that is not backward compatible must bump `schema_version`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jobtrail.events.envelope import Envelope, Event
from jobtrail.events.registry import registry

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


def event_schema(cls: type[Event]) -> dict[str, Any]:
    schema = cls.model_json_schema()
    schema["$id"] = f"urn:jobtrail:event:{cls.type}:v{cls.schema_version}"
    schema["description"] = (cls.__doc__ or "").strip().splitlines()[0]
    schema["x-aggregate-type"] = cls.aggregate_type
    return schema


def schema_filename(event_type: str, version: int) -> str:
    return f"{event_type}.v{version}.json"


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write the current schema of every registered event (older versions stay as they are)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for cls in registry.classes().values():
        path = directory / schema_filename(cls.type, cls.schema_version)
        path.write_text(render(event_schema(cls)))
        written.append(path)
    envelope = directory / "Envelope.json"
    envelope.write_text(render(Envelope.model_json_schema()))
    return [*written, envelope]
