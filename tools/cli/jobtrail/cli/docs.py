"""`python -m jobtrail.cli.docs [OUT]` (`make docs`): write what is generated from the code.

- `OUT/openapi.json` from the gateway's routes;
- `OUT/asyncapi.json` from the event catalogue and every service's declarations;
- `deploy/nats/consumers/<STREAM>/<durable>.json` from the declared consumers (an undeclared
  definition there is removed);
- the event JSON Schemas (`jobtrail.events.schemas`).

Tests compare each committed file with what this would write now.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jobtrail.cli.declarations import SERVICES
from jobtrail.eventlog.asyncapi import asyncapi_document
from jobtrail.eventlog.declarations import write_consumers
from jobtrail.events import schemas
from jobtrail.gateway.ops import GatewaySettings, create_app

ROOT = Path(__file__).resolve().parents[4]
CONSUMERS = ROOT / "deploy" / "nats" / "consumers"


def write_docs(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    openapi = out / "openapi.json"
    # Only the schema is read, nothing is signed: the test environment's placeholder key will do.
    app = create_app(GatewaySettings(environment="test"))
    openapi.write_text(json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n")
    asyncapi = out / "asyncapi.json"
    document = asyncapi_document(SERVICES)
    asyncapi.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    return [openapi, asyncapi]


if __name__ == "__main__":
    for path in [
        *write_docs(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")),
        *write_consumers(SERVICES, CONSUMERS),
        *schemas.write_schemas(),
    ]:
        print(path)
