"""A document altered in the document store is refused, never served, and reported."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from typer.testing import CliRunner

from jobtrail.cli.main import app
from tests.support.documents import resume_pdf
from tests.support.system import System, connection_settings

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "sample.resume.json").read_text())
FORGED = {"basics": {"name": "Mallory", "email": "mallory@example.com"}}


@contextmanager
def altered(database_url: str, doc_id: str, version: int) -> Iterator[None]:
    """Change a version's content past the append-only trigger, as a superuser could; put it
    back afterwards."""
    url = sa.make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as db:
        original = db.execute(
            "SELECT content FROM docstore.documents WHERE doc_id = %s AND version = %s",
            (doc_id, version),
        ).fetchone()
        assert original is not None

        def write(content: Any) -> None:
            with db.transaction():  # no one else ever sees the trigger disabled
                db.execute("ALTER TABLE docstore.documents DISABLE TRIGGER documents_immutable")
                db.execute(
                    "UPDATE docstore.documents SET content = %s WHERE doc_id = %s AND version = %s",
                    (json.dumps(content), doc_id, version),
                )
                db.execute("ALTER TABLE docstore.documents ENABLE TRIGGER documents_immutable")

        write(FORGED)
        try:
            yield
        finally:
            write(original[0])


async def test_an_altered_document_is_refused_and_reported(system: System) -> None:
    ada = await system.user()
    resume_id = await ada.upload("resume.pdf", resume_pdf(SAMPLE))
    assert (await ada.settled_resume(resume_id))["status"] == "parsed"
    # The command runs its own event loop: in a thread of its own, beside this test's.
    env = {f"JOBTRAIL_{k.upper()}": str(v) for k, v in connection_settings(system.stack).items()}

    with altered(system.stack.database_url, resume_id, 1):
        response = await ada.get(f"/resumes/{resume_id}/versions/1")
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "Retry-After" not in response.headers  # waiting will not repair it
        problem = response.json()
        assert problem["code"] == "document_integrity_failed"
        assert (problem["doc_id"], problem["version"]) == (resume_id, 1)
        assert "Mallory" not in response.text  # never served

        result = await asyncio.to_thread(CliRunner().invoke, app, ["docs", "verify"], env=env)
        output = " ".join(result.output.split())
        assert result.exit_code == 1, output
        assert f"document {resume_id} version 1" in output
        assert "failed their integrity check" in output

    response = await ada.get(f"/resumes/{resume_id}/versions/1")
    assert response.status_code == 200, response.text
    result = await asyncio.to_thread(CliRunner().invoke, app, ["docs", "verify"], env=env)
    assert result.exit_code == 0, result.output
    assert "documents intact" in result.output
