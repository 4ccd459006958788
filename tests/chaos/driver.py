"""Fault injection against the real system: `kill -9` services and servers while work flows.

`Rig` runs the embedded NATS, PostgreSQL and S3 and the five services as real processes
under the `jobtrail dev` supervisor (on free ports, in their own data folder), so a killed
process is restarted with backoff exactly as `make run` does it. `Workload` plays job
seekers through the HTTP API: uploads, exports and AI jobs, retried like a careful client
(same `Idempotency-Key`) through outages, and keeps a ledger of what the API accepted.
`Workload.report()` then settles every accepted item and reads the event log to count
what was lost (never reached its terminal state) and what was duplicated (a terminal event
or a piece of work appended twice).

Used by tests/chaos/test_kill_each_process.py (one kill per process, in `make test`) and
by `python -m tests.chaos` (`make chaos`: many kills per process, repeated outages).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TextIO
from uuid import uuid4

import httpx
import nats

from jobtrail.cli import dev
from jobtrail.stack import EmbeddedStack, StackConfig, StackEndpoints
from jobtrail.stack.embedded import Server
from jobtrail.stack.ports import free_ports
from jobtrail.stack.probes import http_status
from jobtrail.stack.supervisor import Backoff, Supervisor

SERVICES = tuple(service.name for service in dev.SERVICES)
SERVERS = ("nats", "postgres", "s3")
TARGETS = SERVICES + SERVERS

PASSWORD = "correct-horse-battery-staple"
RESUME = (Path(__file__).resolve().parents[1] / "data" / "sample.resume.json").read_bytes()

# What each kind of work is: its aggregate in the event log, the event that accepts it and
# the events that end it (one of them, once).
KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "upload": ("resume", "ResumeUploaded", ("ResumeParsed", "ResumeRejected")),
    "export": ("export", "ExportRequested", ("ExportReady", "ExportFailed")),
    "ai_job": ("ai_job", "AIJobQueued", ("AIOutputReady", "AIJobFailed", "AIJobCancelled")),
}
# The route that accepts each kind of work, as the OpenAPI document names it.
ROUTES = {
    "upload": "/resumes",
    "export": "/resumes/{resume_id}/versions/{version}/exports",
    "ai_job": "/ai-jobs",
}

# Restarts come quickly in a test; the crash-loop cap stays small so a test never idles.
CHAOS_BACKOFF = Backoff(initial=0.2, factor=2.0, cap=2.0, reset_after=10.0)


class Rig:
    """The whole system as real processes, restarted by the supervisor when one dies."""

    def __init__(
        self,
        data_dir: Path,
        backoff: Backoff = CHAOS_BACKOFF,
        env: dict[str, str] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self._extra_env = env or {}
        self.stack = EmbeddedStack(StackConfig.with_free_ports(data_dir / "stack"))
        self._backoff = backoff
        self._log_path = data_dir / "services.log"
        self._log: TextIO | None = None
        self.supervisor: Supervisor | None = None
        self.endpoints: StackEndpoints | None = None
        self.ports: dict[str, int] = {}
        self.faults: Counter[str] = Counter()

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['gateway']}"

    def start(self) -> None:
        """Start servers, provision them, start the services; return once all are healthy."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.endpoints = self.stack.start()
        try:
            urls = asyncio.run(dev.provision(self.endpoints))
            self.ports = dict(zip(SERVICES, free_ports("127.0.0.1", len(SERVICES)), strict=True))
            env = {
                **os.environ,
                **self.endpoints.as_env(),
                **dev.database_env(urls),  # each service as its own role, as `make run` does
                "GATEWAY_JWT_SECRET": secrets.token_hex(32),
                "JOBTRAIL_LOG_FORMAT": "console",
                "JOBTRAIL_LOG_LEVEL": os.environ.get("CHAOS_LOG_LEVEL", "WARNING"),
                **{f"{s.prefix}HTTP_PORT": str(self.ports[s.name]) for s in dev.SERVICES},
                **self._extra_env,
            }
            self._log = self._log_path.open("a", encoding="utf-8")
            self.supervisor = Supervisor(self._log, health_timeout=120, backoff=self._backoff)
            self.supervisor.run(dev.service_specs(env, self.ports), servers=self.stack.servers)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the services, then the servers."""
        try:
            if self.supervisor is not None:
                self.supervisor.stop()
        finally:
            self.stack.stop()
            if self._log is not None:
                self._log.close()

    def log_tail(self, lines: int = 60) -> str:
        """The last lines the services and the supervisor wrote, for a failure message."""
        if not self._log_path.exists():
            return "(no output)"
        return "\n".join(self._log_path.read_text(errors="replace").splitlines()[-lines:])

    def pid(self, target: str) -> int | None:
        """Current process id of a service or server (None while it is down)."""
        if target in SERVICES:
            assert self.supervisor is not None
            return self.supervisor.pid(target)
        server = self._server(target)
        return server.pid if server.running() else None

    def restarts(self, target: str) -> int:
        """How many times the supervisor has started `target` again."""
        assert self.supervisor is not None
        return self.supervisor.restart_counts.get(target, 0)

    def kill(self, target: str) -> None:
        """`kill -9` the current process of a service or server and wait until it is back."""
        pid = self.pid(target)
        if pid is None:  # still down from an earlier fault: wait for it first
            self.wait_back(target, self.restarts(target))
            pid = self.pid(target)
            assert pid is not None, f"{target} is not running"
        before = self.restarts(target)
        os.kill(pid, signal.SIGKILL)
        self.faults[target] += 1
        self.wait_back(target, before)

    def pause(self, target: str, seconds: float) -> None:
        """Freeze a server and its children (SIGSTOP) for `seconds`, then SIGCONT: an outage.

        The children matter for PostgreSQL: its open sessions are the postmaster's children.
        """
        pid = self.pid(target)
        assert pid is not None, f"{target} is not running"
        frozen = [pid, *_descendants(pid)]
        for each in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(each, signal.SIGSTOP)
        self.faults[f"{target}-outage"] += 1
        try:
            time.sleep(seconds)
        finally:
            for each in frozen:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(each, signal.SIGCONT)

    def wait_back(self, target: str, restarts_before: int, timeout: float = 180.0) -> None:
        """Wait until `target` was restarted and answers its health check again."""
        deadline = time.monotonic() + timeout
        while not (self.restarts(target) > restarts_before and self._healthy(target)):
            if time.monotonic() > deadline:
                raise AssertionError(f"{target} did not come back:\n{self.log_tail()}")
            time.sleep(0.1)

    def _healthy(self, target: str) -> bool:
        if target in SERVICES:
            return http_status(f"http://127.0.0.1:{self.ports[target]}/healthz") == 200
        return self._server(target).running()

    def _server(self, name: str) -> Server:
        return next(server for server in self.stack.servers if server.name == name)


@dataclass
class Client:
    """One job seeker's session, re-logging in when its token expires."""

    email: str
    token: str = ""
    base_resume: str = ""


@dataclass
class Report:
    """What a chaos run did and what became of the work the API accepted."""

    faults: Counter[str]
    accepted: Counter[str]
    completed: Counter[str]
    outcomes: Counter[str]
    refused: Counter[str]
    lost: list[str]
    duplicated: list[str]
    # Work in the log no answer named: a retried request whose first try had been appended
    # before the answer was lost. Counted as duplicated where the route takes an
    # Idempotency-Key (it then promises a retry makes nothing new), listed apart elsewhere.
    unanswered: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"faults injected: {sum(self.faults.values())} ({_counts(self.faults)})",
            f"work accepted:   {sum(self.accepted.values())} ({_counts(self.accepted)})",
            f"work completed:  {sum(self.completed.values())} ({_counts(self.completed)})",
            f"  outcomes:      {_counts(self.outcomes)}",
            f"  refused (429): {sum(self.refused.values())}",
            f"lost:            {len(self.lost)} {self.lost[:10]}",
            f"duplicated:      {len(self.duplicated)} {self.duplicated[:10]}",
            f"  retried requests appended twice on routes without Idempotency-Key: "
            f"{len(self.unanswered)} {self.unanswered[:10]}",
        ]
        return "\n".join(lines)


@dataclass
class Workload:
    """Job seekers uploading, exporting and asking for AI work through every fault."""

    base_url: str
    retry_window: float = 240.0
    clients: list[Client] = field(default_factory=list)
    accepted: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    refused: Counter[str] = field(default_factory=Counter)
    setup_uploads: set[str] = field(default_factory=set)
    _http: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Workload:
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=15.0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._http is not None
        await self._http.aclose()

    async def setup(self, users: int = 2) -> None:
        """Register users, each with one parsed resume to export and to ask AI work about."""
        for n in range(users):
            client = Client(f"chaos-{n}-{uuid4().hex[:8]}@example.com")
            body = {"email": client.email, "password": PASSWORD, "display_name": f"Chaos {n}"}
            await self._send(None, "POST", "/auth/register", json=body, ok=(201, 409))
            await self._login(client)
            resume_id = await self._upload(client)
            self.setup_uploads.add(resume_id)
            await self._until(partial(self._resume_settled, client, resume_id))
            client.base_resume = resume_id
            self.clients.append(client)

    async def round(self) -> None:
        """Every user submits one upload, one export and one AI job, all at once."""
        work: list[Awaitable[None]] = []
        for client in self.clients:
            work += [self.upload(client), self.export(client), self.ai_job(client)]
        await asyncio.gather(*work)

    async def upload(self, client: Client) -> None:
        self.accepted["upload"].add(await self._upload(client))

    async def export(self, client: Client) -> None:
        path = f"/resumes/{client.base_resume}/versions/1/exports"
        answer = await self._send(client, "POST", path, json={"format": "pdf"}, ok=(202,))
        self.accepted["export"].add(str(answer["export_id"]))

    async def ai_job(self, client: Client) -> None:
        body = {"kind": "summarize_resume", "resume_id": client.base_resume}
        answer = await self._send(client, "POST", "/ai-jobs", json=body, ok=(202,), refusable=True)
        if answer is None:
            self.refused["ai_job"] += 1  # a spent daily budget: refused, never accepted
        else:
            self.accepted["ai_job"].add(str(answer["ai_job_id"]))

    async def report(self, nats_url: str, faults: Counter[str], timeout: float = 300.0) -> Report:
        """Wait until all accepted work settles (or `timeout`), then audit the event log."""
        deadline = time.monotonic() + timeout
        settled = await self._settled(nats_url)
        while settled != self._all_accepted() and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            settled = await self._settled(nats_url)
        return await self._audit(nats_url, faults)

    # -- the event log's view ----------------------------------------------------------

    def _all_accepted(self) -> set[tuple[str, str]]:
        return {(kind, item) for kind, items in self.accepted.items() for item in items}

    async def _settled(self, nats_url: str) -> set[tuple[str, str]]:
        counts = await _subject_counts(nats_url)
        return {
            (kind, item)
            for kind, item in self._all_accepted()
            if any(counts.get(_subject(kind, item, end), 0) for end in KINDS[kind][2])
        }

    async def _idempotent_kinds(self) -> set[str]:
        """Kinds of work whose route declares an Idempotency-Key header in the OpenAPI."""
        document = await self._send(None, "GET", "/openapi.json", ok=(200,))
        kinds = set()
        for kind, path in ROUTES.items():
            parameters = document["paths"].get(path, {}).get("post", {}).get("parameters", [])
            if any(p.get("in") == "header" and p["name"].lower() == "idempotency-key"
                   for p in parameters):  # fmt: skip
                kinds.add(kind)
        return kinds

    async def _audit(self, nats_url: str, faults: Counter[str]) -> Report:
        counts = await _subject_counts(nats_url)
        idempotent = await self._idempotent_kinds()
        accepted, completed, outcomes = Counter[str](), Counter[str](), Counter[str]()
        lost: list[str] = []
        duplicated: list[str] = []
        unanswered: list[str] = []
        for kind, (aggregate, start, ends) in KINDS.items():
            accepted[kind] = len(self.accepted[kind])
            for item in sorted(self.accepted[kind]):
                ended = {end: counts.get(_subject(kind, item, end), 0) for end in ends}
                if not any(ended.values()):
                    lost.append(f"{kind} {item}")
                    continue
                completed[kind] += 1
                outcomes.update(f"{kind}:{end}" for end, n in ended.items() if n)
                duplicated += [f"{kind} {item} {end}×{n}" for end, n in ended.items() if n > 1]
            # Work the log holds that no answer ever named: a retried request appended twice.
            begun = {
                subject.split(".")[3]
                for subject, n in counts.items()
                if subject.startswith(f"jobtrail.events.{aggregate}.")
                and subject.endswith(f".{start}")
                and n > 0
            }
            known = self.accepted[kind] | (self.setup_uploads if kind == "upload" else set())
            extra = [f"{kind} {item} never answered" for item in sorted(begun - known)]
            (duplicated if kind in idempotent else unanswered).extend(extra)
        return Report(
            Counter(faults), accepted, completed, outcomes, Counter(self.refused), lost,
            duplicated, unanswered,
        )  # fmt: skip

    # -- HTTP, retried through outages ----------------------------------------------------

    async def _upload(self, client: Client) -> str:
        files = {"file": ("resume.json", RESUME, "application/json")}
        answer = await self._send(client, "POST", "/resumes", files=files, ok=(202,))
        return str(answer["resume_id"])

    async def _login(self, client: Client) -> None:
        body = {"email": client.email, "password": PASSWORD}
        answer = await self._send(None, "POST", "/auth/login", json=body, ok=(200,))
        client.token = str(answer["access_token"])

    async def _resume_settled(self, client: Client, resume_id: str) -> bool:
        answer = await self._send(client, "GET", f"/resumes/{resume_id}", ok=(200,))
        return bool(answer["status"] != "processing")

    async def _until(self, condition: Callable[[], Awaitable[bool]]) -> None:
        deadline = time.monotonic() + self.retry_window
        while not await condition():
            if time.monotonic() > deadline:
                raise AssertionError("the system did not settle in time")
            await asyncio.sleep(0.1)

    async def _send(
        self,
        client: Client | None,
        method: str,
        path: str,
        *,
        ok: tuple[int, ...],
        refusable: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Send until an answer in `ok`: outages (5xx, no answer) and 401 are retried.

        A write carries one Idempotency-Key through all its retries, as a careful client's does.
        """
        assert self._http is not None
        key = str(uuid4())
        deadline = time.monotonic() + self.retry_window
        last = "no attempt"
        while time.monotonic() < deadline:
            headers = {"idempotency-key": key}
            if client is not None:
                headers["authorization"] = f"Bearer {client.token}"
            try:
                response = await self._http.request(method, path, headers=headers, **kwargs)
            except httpx.HTTPError as error:
                last = f"{type(error).__name__}: {error}"
                await asyncio.sleep(0.3)
                continue
            if response.status_code in ok:
                return response.json() if response.content else None
            if refusable and response.status_code == 429:
                return None
            if response.status_code == 401 and client is not None:
                await self._login(client)
                continue
            if response.status_code >= 500 or response.status_code in (404, 409, 429):
                # 404/409: a read model still catching up after a restart (read-your-writes).
                last = f"HTTP {response.status_code}: {response.text[:200]}"
                await asyncio.sleep(0.3)
                continue
            raise AssertionError(
                f"{method} {path} answered {response.status_code}: {response.text}"
            )
        raise AssertionError(f"{method} {path} kept failing for {self.retry_window:g} s: {last}")


def _descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rpartition(") ")[2].split()[1]
                )
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _subject(kind: str, item: str, event_type: str) -> str:
    return f"jobtrail.events.{KINDS[kind][0]}.{item}.{event_type}"


async def _subject_counts(nats_url: str) -> dict[str, int]:
    """Messages per subject of the event log, for the kinds of work the workload makes."""
    nc = await nats.connect(nats_url, max_reconnect_attempts=-1, reconnect_time_wait=0.5)
    try:
        js = nc.jetstream(timeout=30)
        counts: dict[str, int] = {}
        for aggregate in {aggregate for aggregate, _, _ in KINDS.values()}:
            for attempt in range(60):
                try:
                    info = await js.stream_info(
                        "JOBTRAIL_EVENTS", subjects_filter=f"jobtrail.events.{aggregate}.>"
                    )
                    break
                except (nats.errors.Error, TimeoutError):  # a server restarting under us
                    if attempt == 59:
                        raise
                    await asyncio.sleep(0.5)
            counts.update(info.state.subjects or {})
        return counts
    finally:
        await nc.close()


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name}={n}" for name, n in sorted(counter.items())) or "none"


def dump(report: Report) -> str:
    """The report as JSON, for tools that collect the figures."""
    return json.dumps(
        {
            "faults": dict(report.faults),
            "accepted": dict(report.accepted),
            "completed": dict(report.completed),
            "lost": len(report.lost),
            "duplicated": len(report.duplicated),
            "unanswered": len(report.unanswered),
        }
    )
