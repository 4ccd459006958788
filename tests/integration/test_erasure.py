"""Erasure by crypto-shredding on the running system (issue 12, items 4 and 5).

A job seeker's personal data is sealed with their data key in the log, the audit trail and
the document store. Erasing the account destroys the key: afterwards, and after a replay of
the whole log, none of it can be found anywhere (log, read models, documents, files, keys),
while everyone else's data is untouched.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from jobtrail.blobs import BlobNotFound
from jobtrail.gateway.ops import replay
from jobtrail.privacy import keys_for
from tests.support.ai_jobs import ask, finished
from tests.support.api import assert_problem
from tests.support.applications import SAMPLE_RESUME, new_application, parsed_resume
from tests.support.system import PASSWORD, System

SCHEMAS = ("gateway", "jobs", "notifier", "ai", "docstore")


async def raw_log(system: System) -> bytes:
    """Every message the event stream holds, as stored."""
    chunks = []
    async for msg in system.deps.events.read_raw():
        chunks.append(msg.data)
    return b"\n".join(chunks)


async def every_table(system: System) -> str:
    """The text of every row of every table of the services' schemas."""
    engine = system.engines["admin"]
    texts = []
    async with engine.connect() as connection:
        tables = await connection.execute(sa.text(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(:schemas) AND table_type = 'BASE TABLE'"
        ), {"schemas": list(SCHEMAS)})  # fmt: skip
        for schema, table in tables.all():
            rows = await connection.execute(
                sa.text(f'SELECT t::text FROM "{schema}"."{table}" t')  # noqa: S608 - catalogue names
            )
            texts.extend(row[0] for row in rows)
    return "\n".join(texts)


async def replay_gateway(system: System) -> None:
    """`jobtrail replay gateway`, as the operator runs it (the superuser's connection)."""
    report = await replay(system.engines["admin"], system.deps.events)
    assert report.position > 0
    # Only what other tests wrote as garbage on purpose is passed over; erased events are not.
    assert all(s.type == "(undecodable)" for s in report.skipped), report.skipped


async def erase(caller: Any, password: str) -> Any:
    return await caller.api.request(
        "DELETE", "/users/me", json={"password": password}, headers=caller.auth
    )


async def test_personal_data_is_sealed_at_rest_and_unreadable_after_an_erasure_and_a_replay(
    system: System,
) -> None:
    marker = f"Quillon{uuid4().hex[:10]}"
    ada, bob = await system.user("Ada"), await system.user("Bob")
    resume = json.loads(SAMPLE_RESUME)
    resume["basics"]["name"] = f"{marker} Lovelace"
    resume_id = await ada.upload("resume.json", json.dumps(resume).encode())
    assert (await ada.settled_resume(resume_id))["status"] == "parsed"
    await new_application(ada, resume_id)
    summary = await finished(ada, await ask(ada, kind="summarize_resume", resume_id=resume_id))
    assert summary["status"] == "SUCCESS", summary
    bob_resume = await parsed_resume(bob)
    async with system.engines["admin"].connect() as connection:
        file_key = await connection.scalar(
            sa.text("SELECT file_key FROM gateway.resumes WHERE resume_id = :id"), {"id": resume_id}
        )

    # Sealed at rest: the log, the audit trail and the documents hold no plain personal data.
    assert marker.encode() not in await raw_log(system)
    assert ada.email.encode() not in await raw_log(system)
    stored = await every_table(system)
    assert ada.email in stored  # the read models hold it in the clear, to serve the API ...
    async with system.engines["admin"].connect() as connection:
        sealed_places = await connection.scalar(
            sa.text("SELECT string_agg(event::text, '') FROM gateway.audit_log")
        )
        documents = await connection.scalar(
            sa.text(
                "SELECT string_agg(content::text || metadata::text, '') FROM docstore.documents"
            )
        )
    assert marker not in sealed_places  # ... the append-only audit trail does not
    assert marker not in documents
    assert marker.encode() not in await system.deps.files.inner.get(str(file_key))  # S3
    link = (await ada.get(f"/resumes/{resume_id}/file")).json()["url"]
    assert marker.encode() in (await system.api.get(link)).content  # opened for the link
    version = (await ada.get(f"/resumes/{resume_id}/versions/1")).json()
    assert version["resume"]["basics"]["name"].startswith(marker)  # opened on the way out

    assert_problem(await erase(ada, "not her password"), 403, "forbidden")
    erased = await erase(ada, PASSWORD)
    assert erased.status_code == 204, erased.text

    login = await system.api.post("/auth/login", json={"email": ada.email, "password": PASSWORD})
    assert login.status_code == 401, login.text
    assert (await bob.get(f"/resumes/{bob_resume}")).status_code == 200
    with pytest.raises(BlobNotFound):
        await system.deps.files.get(str(file_key))
    keys = await keys_for(system.deps.events.client).owner_keys(UUID(ada.user_id))
    assert keys is not None
    assert keys.erased
    assert dict(keys.keys) == {}

    await replay_gateway(system)

    everything = await every_table(system)
    assert marker not in everything
    assert ada.email not in everything
    assert bob.email in everything
    log = await raw_log(system)
    assert marker.encode() not in log
    assert ada.email.encode() not in log
    kinds = set()
    async for chunk, _ in system.deps.events.read_chunks(on_undecodable=lambda _, __: None):
        kinds |= {r.envelope.type for r in chunk if r.envelope.owner_id == UUID(ada.user_id)}
    assert kinds <= {"DataErased", "AccountErased"}
    assert (await bob.get(f"/resumes/{bob_resume}")).status_code == 200

    again = await system.api.post(
        "/auth/register", json={"email": ada.email, "password": PASSWORD, "display_name": "Ada"}
    )
    assert again.status_code == 201, again.text


async def test_an_admin_may_erase_someone_else_but_a_user_may_not(system: System) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    refused = await ada.api.request("DELETE", f"/admin/users/{bob.user_id}", headers=ada.auth)
    assert_problem(refused, 403, "forbidden")
    assert (await bob.get("/users/me")).status_code == 200
