"""Data portability: everything Jobtrail keeps about a user, as one ZIP they can take away.

The archive holds the account and profile, every resume version as JSON Resume and the
original files, every application with its full stage history (CSV and JSON: dated proof
of applications, e.g. for an unemployment office), cover letters and other AI outputs,
attachments, and every event of the user (secrets redacted). `README.txt` says what each
file is.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from jobtrail.gateway.deps import Deps
from jobtrail.gateway.readmodels import portability as rows

README = """\
Your Jobtrail data, exported {when} (UTC).

account.json                  your account and profile
resumes/<id>/resume.json      each resume: its file name, status and versions
resumes/<id>/v<N>.json        each version as JSON Resume (https://jsonresume.org)
resumes/<id>/original.<ext>   the file you uploaded
applications.json             each application, the posting, and its stage history
applications.csv              one row per application
application_history.csv       one row per stage an application reached, with its date:
                              proof of your applications, e.g. for an unemployment office
ai/<id>.json                  cover letters, tailored resumes and other AI outputs
attachments/<id>/v<N>-<name>  files you attached to applications
events.jsonl                  every change you made or that was made for you, in order
"""

_SECRETS = frozenset({"password_hash"})


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str).encode()


def _csv(header: list[str], lines: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in line] for line in lines)
    return out.getvalue().encode()


def _redacted(envelope: dict[str, Any]) -> dict[str, Any]:
    data = envelope.get("data")
    if isinstance(data, dict) and _SECRETS & set(data):
        data = {key: value for key, value in data.items() if key not in _SECRETS}
        envelope = {**envelope, "data": data}
    return envelope


async def archive(deps: Deps, user_id: UUID) -> bytes:
    """The user's ZIP archive."""
    files: dict[str, bytes] = {}
    async with deps.engine.connect() as connection:
        found = await rows.of_user(connection, user_id)
    files["account.json"] = _json({"account": found.account, "profile": found.profile})
    for resume in found.resumes:
        folder = f"resumes/{resume['resume_id']}"
        versions = [v for v in found.versions if v["resume_id"] == resume["resume_id"]]
        files[f"{folder}/resume.json"] = _json({**resume, "versions": versions})
        for version in versions:
            document = await deps.documents.get(resume["resume_id"], version["version"])
            files[f"{folder}/v{version['version']}.json"] = _json(document.content)
        extension = resume["filename"].rpartition(".")[2] or "bin"
        files[f"{folder}/original.{extension}"] = await deps.files.get(
            resume["file_key"], resume["file_version"]
        )
    history = [_redacted(event) for event in found.events]
    stages = _stages(history)
    applications = [
        {**application, "stage_history": stages.get(str(application["application_id"]), [])}
        for application in found.applications
    ]
    files["applications.json"] = _json(applications)
    files["applications.csv"] = _csv(
        ["application_id", "company", "position", "status", "applied_with_resume_version",
         "created_at", "updated_at", "posting_url"],
        ([a["application_id"], a["company"], a["title"], a["status"],
          f"{a['resume_id']} v{a['resume_version']}", a["created_at"], a["updated_at"], a["url"]]
         for a in applications),
    )  # fmt: skip
    files["application_history.csv"] = _csv(
        ["date", "application_id", "company", "position", "stage"],
        ([stage["at"], a["application_id"], a["company"], a["title"], stage["status"]]
         for a in applications for stage in a["stage_history"]),
    )  # fmt: skip
    for job in found.ai_jobs:
        files[f"ai/{job['ai_job_id']}.json"] = _json(job)
    for attachment in found.attachments:
        name = attachment["filename"].replace("/", "_")
        key = f"attachments/{attachment['attachment_id']}/v{attachment['version']}-{name}"
        files[key] = await deps.files.get(attachment["file_key"], attachment["file_version"])
    files["events.jsonl"] = b"".join(_json_line(event) for event in history)
    files["README.txt"] = README.format(
        when=datetime.now(UTC).isoformat(timespec="seconds")
    ).encode()
    return _zipped(files)


def _json_line(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False, default=str).encode() + b"\n"


def _stages(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each application's stages in order: created (saved or applied), then each change."""
    stages: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        data = event.get("data") or {}
        if event.get("type") in ("ApplicationCreated", "ApplicationStatusChanged"):
            status = data.get("status") or data.get("to_status")
            stages.setdefault(str(data.get("application_id")), []).append(
                {"status": status, "at": event.get("occurred_at")}
            )
    return stages


def _zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive_:
        for name, data in files.items():
            archive_.writestr(name, data)
    return buffer.getvalue()
