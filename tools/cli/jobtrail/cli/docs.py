"""`python -m jobtrail.cli.docs OUT`: write the OpenAPI, AsyncAPI and event JSON Schemas."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jobtrail.eventlog.asyncapi import asyncapi_document
from jobtrail.events import schemas
from jobtrail.gateway.ops import GatewaySettings, create_app


def write_docs(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    openapi = out / "openapi.json"
    # Only the schema is read, nothing is signed: the test environment's placeholder key will do.
    app = create_app(GatewaySettings(environment="test"))
    openapi.write_text(json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n")
    asyncapi = out / "asyncapi.json"
    asyncapi.write_text(json.dumps(asyncapi_document(), indent=2, sort_keys=True) + "\n")
    return [openapi, asyncapi]


if __name__ == "__main__":
    for path in [
        *write_docs(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")),
        *schemas.write_schemas(),
    ]:
        print(path)
