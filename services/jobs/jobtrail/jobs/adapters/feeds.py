"""Real HTTP clients of public job feeds, and a file import.

- Adzuna's search API: GET /v1/api/jobs/{country}/search/{page}?app_id&app_key&what
- Greenhouse's job board API: GET /v1/boards/{board}/jobs?content=true
- Lever's postings API: GET /v0/postings/{company}?mode=json
- files: JSON (a list, or {"jobs": [...]}), JSON Lines, or CSV with JobSpy's columns.

Every HTTP source waits `min_interval` between its requests and retries 429 (honouring
Retry-After, capped) and 5xx answers with exponential backoff.
"""

from __future__ import annotations

import asyncio
import csv
import html
import io
import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from jobtrail.jobs.sources import FeedError, FetchedPosting


class PoliteClient:
    """One source's HTTP client: a rate limit, and retries with backoff."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        min_interval: float = 1.0,
        attempts: int = 4,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        timeout: float = 30.0,
    ) -> None:
        self._name = name
        self._client = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout,
                                         headers={"user-agent": "jobtrail-ingest/0.1"})  # fmt: skip
        self._min_interval = min_interval
        self._attempts = attempts
        self._backoff = backoff
        self._max_wait = max_wait
        self._last = 0.0
        self._lock = asyncio.Lock()

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        last_error = ""
        for attempt in range(self._attempts):
            await self._pace()
            try:
                response = await self._client.get(path, params=params)
            except httpx.HTTPError as failed:
                last_error = f"{type(failed).__name__}: {failed}"
                await asyncio.sleep(self._delay(attempt, None))
                continue
            if response.status_code == 200:
                try:
                    return response.json()
                except ValueError as bad:
                    raise FeedError(f"{self._name}: {path} did not answer JSON") from bad
            last_error = f"HTTP {response.status_code}"
            if response.status_code == 429 or response.status_code >= 500:
                await asyncio.sleep(self._delay(attempt, response.headers.get("retry-after")))
                continue
            raise FeedError(f"{self._name}: {path} answered {response.status_code}: "
                            f"{response.text[:200]}")  # fmt: skip
        raise FeedError(f"{self._name}: {path} failed {self._attempts} times ({last_error})")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), self._max_wait)
        return min(self._backoff * float(2**attempt), self._max_wait)

    async def _pace(self) -> None:
        async with self._lock:
            wait = self._last + self._min_interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._last = time.monotonic()

    async def aclose(self) -> None:
        await self._client.aclose()


def _text(markup: str | None) -> str:
    """HTML (possibly entity-escaped, as Greenhouse sends it) to plain text with lines."""
    if not markup:
        return ""
    unescaped = html.unescape(markup)
    with_breaks = re.sub(r"(?i)<\s*(br|/p|/li|/h\d|/div)\s*/?>", "\n", unescaped)
    with_bullets = re.sub(r"(?i)<\s*li[^>]*>", "- ", with_breaks)
    plain = html.unescape(re.sub(r"<[^>]+>", "", with_bullets))
    return "\n".join(line.strip() for line in plain.splitlines() if line.strip())


def _day(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):  # epoch milliseconds (Lever)
        return datetime.fromtimestamp(value / 1000, UTC).date().isoformat()
    match = re.match(r"\d{4}-\d{2}-\d{2}", str(value))
    return match.group(0) if match else None


class GreenhouseSource:
    def __init__(self, board: str, client: PoliteClient) -> None:
        self.name = f"greenhouse:{board}"
        self._board = board
        self._client = client

    async def fetch(self) -> list[FetchedPosting]:
        data = await self._client.get_json(f"/v1/boards/{self._board}/jobs", {"content": "true"})
        found = []
        for job in data.get("jobs", []):
            location = (job.get("location") or {}).get("name")
            posting = {
                "title": job.get("title") or "", "company": job.get("company_name") or self._board,
                "description": _text(job.get("content")), "url": job.get("absolute_url"),
                "location": location,
                "remote": bool(location and "remote" in location.lower()) or None,
                "posted_on": _day(job.get("first_published") or job.get("updated_at")),
                "skills": [],
            }  # fmt: skip
            found.append(FetchedPosting("greenhouse", f"{self._board}:{job['id']}", posting, job))
        return found


class LeverSource:
    def __init__(self, company: str, client: PoliteClient) -> None:
        self.name = f"lever:{company}"
        self._company = company
        self._client = client

    async def fetch(self) -> list[FetchedPosting]:
        data = await self._client.get_json(f"/v0/postings/{self._company}", {"mode": "json"})
        found = []
        for job in data if isinstance(data, list) else []:
            categories = job.get("categories") or {}
            lists = "\n".join(
                f"{item.get('text', '')}:\n{_text(item.get('content'))}"
                for item in job.get("lists") or []
            )
            posting = {
                "title": job.get("text") or "", "company": self._company,
                "description": "\n".join(p for p in [job.get("descriptionPlain") or
                                                     _text(job.get("description")), lists,
                                                     job.get("additionalPlain")] if p),
                "url": job.get("hostedUrl"), "location": categories.get("location"),
                "remote": {"remote": True, "hybrid": True, "on-site": False}.get(
                    str(job.get("workplaceType") or "").lower()),
                "employment_type": categories.get("commitment"),
                "posted_on": _day(job.get("createdAt")), "skills": [],
            }  # fmt: skip
            found.append(FetchedPosting("lever", f"{self._company}:{job['id']}", posting, job))
        return found


class AdzunaSource:
    def __init__(self, app_id: str, app_key: str, country: str, what: str, pages: int,
                 client: PoliteClient) -> None:  # fmt: skip
        self.name = f"adzuna:{country}"
        self._params = {"app_id": app_id, "app_key": app_key, "results_per_page": 50,
                        "what": what, "content-type": "application/json"}  # fmt: skip
        self._country = country
        self._pages = pages
        self._client = client

    async def fetch(self) -> list[FetchedPosting]:
        found = []
        for page in range(1, self._pages + 1):
            data = await self._client.get_json(
                f"/v1/api/jobs/{self._country}/search/{page}", self._params
            )
            results = data.get("results", [])
            for job in results:
                contract = job.get("contract_time") or job.get("contract_type")
                posting = {
                    "title": job.get("title") or "",
                    "company": (job.get("company") or {}).get("display_name"),
                    "description": _text(job.get("description")),
                    "url": job.get("redirect_url"),
                    "location": (job.get("location") or {}).get("display_name"),
                    "salary_min": _int(job.get("salary_min")),
                    "salary_max": _int(job.get("salary_max")),
                    "employment_type": contract, "posted_on": _day(job.get("created")),
                    "skills": [],
                }  # fmt: skip
                found.append(FetchedPosting("adzuna", str(job["id"]), posting, job))
            if len(results) < 50:
                break
        return found


class FileSource:
    """A JSON, JSON Lines or CSV file (CSV columns as JobSpy writes them)."""

    def __init__(self, path: Path) -> None:
        self.name = f"file:{path.name}"
        self._path = path

    async def fetch(self) -> list[FetchedPosting]:
        return await asyncio.to_thread(self.read)

    def read(self) -> list[FetchedPosting]:
        try:
            text = self._path.read_text(encoding="utf-8-sig")
        except OSError as missing:
            raise FeedError(f"{self.name}: cannot read {self._path}: {missing}") from missing
        suffix = self._path.suffix.lower()
        try:
            if suffix == ".csv":
                records = list(csv.DictReader(io.StringIO(text)))
            elif suffix in (".jsonl", ".ndjson"):
                records = [json.loads(line) for line in text.splitlines() if line.strip()]
            else:
                loaded = json.loads(text)
                records = loaded.get("jobs", []) if isinstance(loaded, dict) else loaded
        except (ValueError, csv.Error) as bad:
            raise FeedError(f"{self.name}: not valid {suffix or 'JSON'}: {bad}") from bad
        found = []
        for number, record in enumerate(records, start=1):
            posting = _from_record(record)
            if not posting["title"]:
                continue
            source_id = str(record.get("id") or record.get("job_url") or f"line-{number}")
            found.append(FetchedPosting(f"file:{record.get('site') or 'import'}",
                                        source_id, posting, record))  # fmt: skip
        return found


def _from_record(record: dict[str, Any]) -> dict[str, Any]:
    """Our fields from a JobSpy row (or a JSON object using our field names)."""
    skills = record.get("skills") or []
    if isinstance(skills, str):
        skills = [s.strip() for s in re.split(r"[,;|]", skills) if s.strip()]
    remote = record.get("is_remote", record.get("remote"))
    if isinstance(remote, str):
        remote = {"true": True, "false": False}.get(remote.strip().lower())
    return {
        "title": str(record.get("title") or "").strip(),
        "company": record.get("company") or None,
        "description": str(record.get("description") or ""),
        "url": record.get("job_url_direct") or record.get("job_url") or record.get("url"),
        "location": record.get("location") or None,
        "remote": remote,
        "salary_min": _int(record.get("min_amount", record.get("salary_min"))),
        "salary_max": _int(record.get("max_amount", record.get("salary_max"))),
        "currency": record.get("currency") or None,
        "employment_type": record.get("job_type") or record.get("employment_type") or None,
        "posted_on": _day(record.get("date_posted") or record.get("posted_on")),
        "skills": skills,
    }


def _int(value: Any) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
