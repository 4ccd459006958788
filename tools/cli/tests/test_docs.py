"""The committed API documents are the ones the code generates (`make docs` refreshes them)."""

import json
from pathlib import Path

from jobtrail.cli.docs import write_docs

DOCS = Path(__file__).parents[3] / "docs"


def test_committed_openapi_and_asyncapi_match_the_code(tmp_path: Path) -> None:
    write_docs(tmp_path)
    for name in ("openapi.json", "asyncapi.json"):
        committed = json.loads((DOCS / name).read_text())
        generated = json.loads((tmp_path / name).read_text())
        assert committed == generated, f"docs/{name} is out of date: run `make docs`"
