"""Ingestion from each feed against recorded responses served on loopback (no internet)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from jobtrail.cli.main import app
from jobtrail.jobs.bootstrap import Connected, connected
from jobtrail.jobs.ingestion import SOURCE_UP
from jobtrail.jobs.settings import JobsSettings
from jobtrail.stack import StackEndpoints
from tests.support.accounts import admin
from tests.support.system import Caller, System, connection_settings

FEEDS = Path(__file__).parent.parent / "data" / "feeds"

Reply = tuple[int, dict[str, str], bytes]


class RecordedFeeds:
    """A loopback HTTP server answering each path with scripted replies (the last repeats)."""

    def __init__(self) -> None:
        self.replies: dict[str, list[Reply]] = {}
        self.requests: list[str] = []
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                feeds.requests.append(self.path)
                path = self.path.split("?")[0]
                queue = feeds.replies.get(path) or [(404, {}, b'{"error": "not found"}')]
                status, headers, body = queue.pop(0) if len(queue) > 1 else queue[0]
                self.send_response(status)
                for name, value in {"content-type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def script(self, path: str, *replies: Reply) -> None:
        self.replies[path] = list(replies)

    def close(self) -> None:
        self._server.shutdown()


def recorded(name: str, run: str) -> bytes:
    return (FEEDS / name).read_text().replace("{{RUN}}", run).encode()


OK = 200


@pytest.fixture(scope="module")
def feeds() -> Iterator[RecordedFeeds]:
    server = RecordedFeeds()
    yield server
    server.close()


@pytest.fixture(scope="module")
def run_id() -> str:
    return uuid4().hex[:10]


@pytest.fixture(scope="module")
async def jobs(
    stack: StackEndpoints,
    feeds: RecordedFeeds,
    run_id: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Connected]:
    files = tmp_path_factory.mktemp("feeds")
    (files / "jobs.csv").write_text(recorded("jobspy.csv", run_id).decode())
    rows = [
        {"id": f"{run_id}-1", "title": f"Import buyer {run_id}", "company": "Vandelay",
         "location": "Remote", "remote": True, "skills": ["Excel"],
         "description": "Buy latex goods from suppliers abroad."},
        {"id": f"{run_id}-2", "title": f"Warehouse forklift driver {run_id}",
         "company": "Vandelay", "location": "Newark, NJ", "remote": False,
         "description": "Drive forklifts on the night shift."},
    ]  # fmt: skip
    (files / "jobs.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    (files / "jobs.json").write_text(json.dumps({"jobs": [{**rows[0], "id": f"{run_id}-json"}]}))
    settings = JobsSettings(
        **connection_settings(stack),
        greenhouse_boards=[f"acme{run_id}"], greenhouse_base_url=feeds.url,
        lever_companies=[f"acme-{run_id}"], lever_base_url=feeds.url,
        adzuna_app_id="app-1", adzuna_app_key="key-1", adzuna_country="gb",
        adzuna_base_url=feeds.url,
        import_files=[files / "jobs.csv", files / "jobs.jsonl", files / "jobs.json"],
        feed_min_interval_seconds=0, feed_backoff_seconds=0.01,
    )  # fmt: skip
    async with connected(settings) as parts:
        yield parts


async def visible(caller: Caller, query: str, count: int, timeout: float = 20) -> list[Any]:
    deadline = time.monotonic() + timeout
    while True:
        items: list[Any] = (await caller.get("/jobs", params={"q": query})).json()["items"]
        if len(items) >= count:
            return items
        assert time.monotonic() < deadline, f"only {len(items)} of {count} postings listed"
        await asyncio.sleep(0.1)


async def test_greenhouse_postings_are_ingested_after_a_429_and_shared_with_everyone(
    system: System, jobs: Connected, feeds: RecordedFeeds, run_id: str
) -> None:
    feeds.script(
        f"/v1/boards/acme{run_id}/jobs",
        (429, {"retry-after": "0"}, b'{"error": "rate limited"}'),
        (OK, {}, recorded("greenhouse.json", run_id)),
    )
    result = await jobs.ingestion.run("greenhouse")
    assert result is not None
    assert result.error is None
    assert (result.fetched, result.added) == (2, 2)
    assert sum(f"/v1/boards/acme{run_id}/jobs" in r for r in feeds.requests) == 2

    ada, bob = await system.user(), await system.user("Bob")
    for caller in (ada, bob):
        items = await visible(caller, f"Acme {run_id}", 2)
        assert all(i["shared"] and i["source"] == "greenhouse" for i in items)
    backend = next(i for i in items if i["title"].startswith("Senior Backend"))
    detail = (await ada.get(f"/jobs/{backend['job_id']}")).json()
    assert "PostgreSQL at scale" in detail["description"]
    assert detail["location"] == "Berlin, Germany"

    again = await jobs.ingestion.run("greenhouse")
    assert again is not None
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


async def test_lever_postings_are_ingested_after_a_500_and_a_repeat_is_linked_not_listed(
    system: System, jobs: Connected, feeds: RecordedFeeds, run_id: str
) -> None:
    if not any(f"acme{run_id}" in r for r in feeds.requests):  # greenhouse first, for the link
        feeds.script(f"/v1/boards/acme{run_id}/jobs", (OK, {}, recorded("greenhouse.json", run_id)))
        await jobs.ingestion.run("greenhouse")
    feeds.script(
        f"/v0/postings/acme-{run_id}",
        (500, {}, b'{"ok": false}'),
        (OK, {}, recorded("lever.json", run_id)),
    )
    result = await jobs.ingestion.run("lever")
    assert result is not None
    assert result.error is None
    assert (result.fetched, result.added, result.duplicates) == (2, 1, 1)

    ada = await system.user()
    items = await visible(ada, f"Senior Backend Engineer {run_id}", 1)
    await visible(ada, f"Site Reliability Engineer {run_id}", 1)
    assert [i["source"] for i in items] == ["greenhouse"]  # the Lever copy is linked to it


async def test_adzuna_postings_are_ingested_with_salary_and_credentials(
    system: System, jobs: Connected, feeds: RecordedFeeds, run_id: str
) -> None:
    feeds.script("/v1/api/jobs/gb/search/1", (OK, {}, recorded("adzuna.json", run_id)))
    result = await jobs.ingestion.run("adzuna")
    assert result is not None
    assert (result.fetched, result.added, result.error) == (2, 2, None)
    asked = next(r for r in feeds.requests if r.startswith("/v1/api/jobs/gb/search/1"))
    assert "app_id=app-1" in asked
    assert "app_key=key-1" in asked

    ada = await system.user()
    [python] = await visible(ada, f"Python Developer {run_id}", 1)
    assert (python["salary_min"], python["salary_max"]) == (55000, 70000)
    assert python["company"] == f"Globex {run_id}"


async def test_files_in_jobspy_csv_json_lines_and_json_are_imported(
    system: System, jobs: Connected, run_id: str
) -> None:
    result = await jobs.ingestion.run("file")
    assert result is not None
    assert result.error is None
    # the JSON file repeats the first JSON Lines posting under another id: linked, not added
    assert (result.fetched, result.added, result.duplicates) == (5, 4, 1)
    ada = await system.user()
    [ml] = await visible(ada, f"Machine Learning Engineer {run_id}", 1)
    assert ml["remote"] is True
    assert (ml["salary_min"], ml["currency"]) == (140000, "USD")
    [frontend] = await visible(ada, f"Frontend Developer {run_id}", 1)
    assert set(frontend["skills"]) == {"React", "TypeScript"}
    assert frontend["employment_type"] == "contract"


async def test_a_failing_feed_is_reported_and_does_not_stop_the_others(
    system: System, jobs: Connected, feeds: RecordedFeeds, run_id: str
) -> None:
    feeds.script(f"/v0/postings/acme-{run_id}", (500, {}, b"upstream down"))
    feeds.script("/v1/api/jobs/gb/search/1", (OK, {}, recorded("adzuna.json", run_id)))
    failed, fine = await asyncio.gather(jobs.ingestion.run("lever"), jobs.ingestion.run("adzuna"))
    assert failed is not None
    assert "HTTP 500" in (failed.error or "")
    assert fine is not None
    assert fine.error is None
    with pytest.raises(Exception, match="HTTP 500"):
        await jobs.ingestion.check("lever")()
    await jobs.ingestion.check("adzuna")()
    assert SOURCE_UP.labels("lever")._value.get() == 0
    assert SOURCE_UP.labels("adzuna")._value.get() == 1


async def test_asking_for_an_unknown_feed_ends_the_run_with_what_is_configured(
    system: System,
) -> None:
    root = await admin(system)
    started = await root.post("/ingestions", json={"source": "nowhere"})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 20
    while True:
        run = (await root.get(f"/ingestions/{started.json()['ingestion_id']}")).json()
        if run["status"] != "running":
            break
        assert time.monotonic() < deadline, "ingestion still running"
        await asyncio.sleep(0.1)
    assert run["status"] == "failed"
    assert "no source named 'nowhere'" in run["result"]["error"]


def test_jobtrail_ingest_runs_a_feed_now_with_progress(
    system: System, tmp_path: Path, run_id: str
) -> None:
    posting = {
        "id": f"cli-{run_id}",
        "title": f"CLI imported role {run_id}",
        "company": "Kramerica",
    }
    (tmp_path / "one.json").write_text(json.dumps([posting]))
    env = {f"JOBTRAIL_{k.upper()}": str(v) for k, v in connection_settings(system.stack).items()}
    env["JOBS_IMPORT_FILES"] = json.dumps([str(tmp_path / "one.json")])

    result = CliRunner().invoke(app, ["ingest", "file"], env=env)
    assert result.exit_code == 0, result.output
    assert "one.json: 1/1 postings stored" in result.output
    assert "fetched 1, added 1" in result.output

    unknown = CliRunner().invoke(app, ["ingest", "monster"], env=env)
    assert unknown.exit_code == 1
    assert "no source named 'monster' (configured: file)" in unknown.output


async def test_a_scheduled_run_is_skipped_while_another_copy_runs_the_feed(
    system: System, jobs: Connected, feeds: RecordedFeeds, run_id: str
) -> None:
    feeds.script("/v1/api/jobs/gb/search/1", (OK, {}, recorded("adzuna.json", run_id)))
    first, second = await asyncio.gather(
        jobs.ingestion.run("adzuna", wait_for_lock=False),
        jobs.ingestion.run("adzuna", wait_for_lock=False),
    )
    assert sorted([first is None, second is None]) == [False, True]


async def test_a_large_file_feed_stores_every_posting_and_links_repeats_within_the_run(
    system: System, jobs: Connected, run_id: str, tmp_path: Path
) -> None:
    import random

    from jobtrail.jobs.adapters.feeds import FileSource
    from jobtrail.jobs.tables import postings

    words = [
        "nurse", "driver", "invoice", "python", "kitchen", "welding", "payroll", "forklift",
        "tax", "clinic", "react", "harbour", "bakery", "audit", "crane", "pharmacy", "school",
        "garden", "legal", "sales", "robot", "lab", "plumbing", "hotel", "museum", "farm",
        "mining", "bank", "radio", "theatre",
    ]  # fmt: skip
    rng = random.Random(7)
    companies = [f"Firm {n} {run_id}" for n in range(7)]
    rows = [
        {"id": f"bulk-{run_id}-{n}", "title": f"Role {n} {run_id}",
         "company": companies[n % len(companies)], "location": "Leeds",
         "description": " ".join(rng.sample(words, 12))}
        for n in range(60)
    ]  # fmt: skip
    # Later in the same run (and batch): the same company, title and place under other
    # ids, and the same text under a slightly different title.
    repeats = [{**rows[n], "id": f"bulk-{run_id}-again-{n}"} for n in (0, 1, 59)]
    near = {**rows[5], "id": f"bulk-{run_id}-near-5", "title": f"Role 5 {run_id} (m/f)"}
    path = tmp_path / "bulk.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [*rows, *repeats, near]))
    jobs.ingestion.sources["bulk"] = [FileSource(path)]

    result = await jobs.ingestion.run("bulk")
    assert result is not None
    assert result.error is None
    assert (result.fetched, result.added, result.duplicates) == (64, 60, 4)

    async with jobs.deps.engine.connect() as connection:
        stored = {
            r.source_id: r
            for r in await connection.execute(
                postings.select().where(postings.c.source_id.like(f"bulk-{run_id}-%"))
            )
        }
    assert len(stored) == 64
    for copy, first in [*((f"again-{n}", str(n)) for n in (0, 1, 59)), ("near-5", "5")]:
        assert (
            stored[f"bulk-{run_id}-{copy}"].duplicate_of == stored[f"bulk-{run_id}-{first}"].job_id
        )
        assert stored[f"bulk-{run_id}-{first}"].duplicate_of is None
    assert sum(r.duplicate_of is not None for r in stored.values()) == 4
    assert {r.model for r in stored.values()} == {jobs.deps.embedder.model}

    again = await jobs.ingestion.run("bulk")
    assert again is not None
    assert (again.unchanged, again.added, again.duplicates) == (64, 0, 0)


async def test_postings_whose_events_could_not_be_appended_are_announced_by_the_next_run(
    system: System, jobs: Connected, run_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nats.errors import NoServersError

    from jobtrail.jobs.adapters.feeds import FileSource
    from jobtrail.jobs.tables import postings

    trades = [("Baker", "Crumb", "Bread and pastry at dawn."),
              ("Welder", "Arc Works", "MIG and TIG welding of steel frames."),
              ("Payroll clerk", "Ledgerly", "Monthly payroll and tax filings."),
              ("Pharmacist", "Dose", "Dispense medicines and advise patients."),
              ("Crane operator", "Lift Co", "Tower crane work on building sites.")]  # fmt: skip
    rows = [
        {"id": f"cut-{run_id}-{n}", "title": f"{title} {run_id}", "company": company,
         "location": "York", "description": description}
        for n, (title, company, description) in enumerate(trades)
    ]  # fmt: skip
    path = tmp_path / "cut.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    jobs.ingestion.sources["cut"] = [FileSource(path)]

    async def nats_gone(*args: Any, **kwargs: Any) -> None:
        raise NoServersError

    with monkeypatch.context() as outage:  # NATS goes away as the run announces its postings
        outage.setattr(jobs.deps.events, "append", nats_gone)
        with contextlib.suppress(Exception):
            await jobs.ingestion.run("cut")

    again = await jobs.ingestion.run("cut")
    assert again is not None
    assert again.error is None
    mine = postings.c.source_id.like(f"cut-{run_id}-%")
    async with jobs.deps.engine.connect() as connection:
        job_ids = [
            r.job_id for r in await connection.execute(sa.select(postings.c.job_id).where(mine))
        ]
    assert len(job_ids) == 5
    for job_id in job_ids:  # announced exactly once, although the first run stored them
        history = await jobs.deps.events.load("job", job_id)
        assert [e.envelope.type for e in history.events] == ["JobPostingIngested"]
