"""`python -m jobtrail.cli.docs OUT`: write the OpenAPI, AsyncAPI and event JSON Schemas."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jobtrail.events import schemas
from jobtrail.events.asyncapi import asyncapi_document
from jobtrail.gateway.api.app import create_app


def write_docs(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    openapi = out / "openapi.json"
    openapi.write_text(json.dumps(create_app().openapi(), indent=2, sort_keys=True) + "\n")
    asyncapi = out / "asyncapi.json"
    asyncapi.write_text(json.dumps(asyncapi_document(), indent=2, sort_keys=True) + "\n")
    return [openapi, asyncapi]


if __name__ == "__main__":
    for path in [
        *write_docs(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")),
        *schemas.write_schemas(),
    ]:
        print(path)
