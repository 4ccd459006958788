"""Deleting one's own things on the running system (issue 12, item 4): each deletion is an
event that names what went and nothing of it; the read models, the jobs service's scores
and the files in S3 (every version) go; nobody else can delete them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

from jobtrail.blobs import BlobNotFound
from tests.integration.test_attachments import PNG, attach
from tests.support.ai_jobs import ask, finished
from tests.support.api import assert_problem
from tests.support.applications import eventually, new_application, new_posting, parsed_resume
from tests.support.system import Caller, System


async def delete(caller: Caller, path: str) -> Any:
    return await caller.api.delete(path, headers=caller.auth)


async def scalar(system: System, query: str, **params: Any) -> Any:
    async with system.engines["admin"].connect() as connection:
        return await connection.scalar(sa.text(query), params)


async def test_a_deleted_resume_leaves_the_lists_its_scores_and_its_file(system: System) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    resume_id = await parsed_resume(ada)
    await new_posting(ada)
    file_key = await scalar(
        system, "SELECT file_key FROM gateway.resumes WHERE resume_id = :id", id=resume_id
    )
    await eventually(
        lambda: scalar(
            system,
            "SELECT count(*) FROM jobs.resume_vectors WHERE resume_id = :id",
            id=UUID(resume_id),
        ),
        lambda n: n > 0,
    )

    assert_problem(await delete(bob, f"/resumes/{resume_id}"), 404, "not_found")
    deleted = await delete(ada, f"/resumes/{resume_id}")
    assert deleted.status_code == 204, deleted.text

    assert_problem(await ada.get(f"/resumes/{resume_id}"), 404, "not_found")
    assert resume_id not in {r["resume_id"] for r in (await ada.get("/resumes")).json()["items"]}
    assert_problem(await delete(ada, f"/resumes/{resume_id}"), 404, "not_found")
    with pytest.raises(BlobNotFound):  # removed from S3, every version
        await system.deps.files.get(str(file_key))
    for table in ("jobs.resume_vectors", "jobs.matches", "jobs.match_runs"):
        await eventually(
            lambda t=table: scalar(
                system,
                f"SELECT count(*) FROM {t} WHERE resume_id = :id",  # noqa: S608
                id=UUID(resume_id),
            ),
            lambda n: n == 0,
        )
    trail = (await ada.get(f"/audit/{resume_id}")).json()["entries"]
    assert trail[-1]["type"] == "ResumeDeleted"
    assert set(trail[-1]["data"]) == {"resume_id", "user_id"}


async def test_a_deleted_application_leaves_the_tracker(system: System) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    application_id = (await new_application(ada, await parsed_resume(ada)))["application_id"]

    assert_problem(await delete(bob, f"/applications/{application_id}"), 404, "not_found")
    assert (await delete(ada, f"/applications/{application_id}")).status_code == 204

    assert_problem(await ada.get(f"/applications/{application_id}"), 404, "not_found")
    listed = (await ada.get("/applications")).json()["items"]
    assert application_id not in {a["application_id"] for a in listed}


async def test_a_deleted_attachment_takes_every_version_of_its_file(system: System) -> None:
    ada = await system.user("Ada")
    application_id = (await new_application(ada, await parsed_resume(ada)))["application_id"]
    first = await attach(ada, "application", application_id, "scan.png", PNG)
    assert first.status_code == 201, first.text
    attachment_id = first.json()["attachment_id"]
    second = await attach(ada, "application", application_id, "scan.png", PNG + b"2")
    assert second.status_code == 201, second.text
    rows = await scalar(
        system, "SELECT array_agg(file_key) FROM gateway.attachment_versions "
        "WHERE attachment_id = :id", id=UUID(attachment_id),
    )  # fmt: skip
    keys = list(rows)
    assert len(keys) == 2

    assert (await delete(ada, f"/attachments/{attachment_id}")).status_code == 204

    assert_problem(await ada.get(f"/attachments/{attachment_id}"), 404, "not_found")
    for key in keys:
        with pytest.raises(BlobNotFound):
            await system.deps.files.get(key)
    again = await attach(ada, "application", application_id, "scan.png", PNG)
    assert again.status_code == 201, again.text
    assert again.json()["latest_version"] == 3  # numbers are never reused


async def test_a_deleted_posting_leaves_the_list_and_only_its_owner_may_delete_it(
    system: System,
) -> None:
    ada, bob = await system.user("Ada"), await system.user("Bob")
    job_id = await new_posting(ada, "Deletable Engineer")

    assert_problem(await delete(bob, f"/jobs/{job_id}"), 404, "not_found")
    assert (await delete(ada, f"/jobs/{job_id}")).status_code == 204

    assert_problem(await ada.get(f"/jobs/{job_id}"), 404, "not_found")
    await eventually(
        lambda: scalar(
            system, "SELECT count(*) FROM jobs.postings WHERE job_id = :id", id=UUID(job_id)
        ),
        lambda n: n == 0,
    )


async def test_a_deleted_ai_output_is_no_longer_served(system: System) -> None:
    ada = await system.user("Ada")
    resume_id = await parsed_resume(ada)
    job = await finished(ada, await ask(ada, kind="summarize_resume", resume_id=resume_id))
    assert job["status"] == "SUCCESS", job
    ai_job_id = job["ai_job_id"]
    assert (await ada.get(f"/ai-jobs/{ai_job_id}/output")).status_code == 200

    assert (await delete(ada, f"/ai-jobs/{ai_job_id}/output")).status_code == 204

    assert_problem(await ada.get(f"/ai-jobs/{ai_job_id}/output"), 404, "not_found")
    assert (await ada.get(f"/ai-jobs/{ai_job_id}")).json()["status"] == "SUCCESS"
