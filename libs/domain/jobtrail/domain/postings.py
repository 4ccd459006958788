"""The `job` aggregate: a posting added by hand or by a feed, and what its readers did.

Two services write it: the gateway (added by hand, saved, dismissed, annotated) and the
jobs service (ingested from a feed, matched against a resume version).

A posting's content is one normalised document (title, company, …, plus the raw JSON it
came from). Postings added by hand belong to their user; ingested ones to no one, and
everyone may save, dismiss or annotate them (those marks are per user).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar
from uuid import UUID

from jobtrail.domain.errors import Conflict, NotFound
from jobtrail.events.envelope import Event, RecordedEvent
from jobtrail.events.jobs import (
    JobMatched,
    JobPostingAdded,
    JobPostingDeleted,
    JobPostingIngested,
    JobPostingUpdated,
)

MAX_NOTES = 10_000


@dataclass
class Mark:
    saved: bool = False
    dismissed: bool = False
    notes: str | None = None


@dataclass
class Posting:
    """A posting; a shared one gathers events from every user, so it is snapshotted."""

    aggregate_type: ClassVar[str] = "job"
    snapshot_every: ClassVar[int] = 200
    snapshot_codec: ClassVar[int] = 1

    job_id: UUID
    owner_id: UUID | None = None
    shared: bool = False
    exists: bool = False
    marks: dict[UUID, Mark] = field(default_factory=dict)
    # What the feeds delivered (content hashes) and which resume versions were matched.
    ingested: set[str] = field(default_factory=set)
    matched: set[tuple[UUID, UUID, int]] = field(default_factory=set)

    @classmethod
    def fold(cls, job_id: UUID, events: list[RecordedEvent]) -> Posting:
        posting = cls(job_id)
        for recorded in events:
            posting.apply(recorded.event)
        return posting

    def to_snapshot(self) -> dict[str, Any]:
        return {
            "owner_id": str(self.owner_id) if self.owner_id else None,
            "shared": self.shared,
            "exists": self.exists,
            "marks": {str(u): [m.saved, m.dismissed, m.notes] for u, m in self.marks.items()},
            "ingested": sorted(self.ingested),
            "matched": sorted([str(u), str(r), v] for u, r, v in self.matched),
        }

    @classmethod
    def from_snapshot(cls, job_id: UUID, data: dict[str, Any]) -> Posting:
        return cls(
            job_id,
            owner_id=UUID(data["owner_id"]) if data["owner_id"] else None,
            shared=data["shared"],
            exists=data["exists"],
            marks={UUID(u): Mark(*m) for u, m in data["marks"].items()},
            ingested=set(data["ingested"]),
            matched={(UUID(u), UUID(r), int(v)) for u, r, v in data["matched"]},
        )

    def apply(self, event: Event) -> None:
        match event:
            case JobPostingAdded():
                self.exists, self.owner_id = True, event.user_id
            case JobPostingDeleted():
                self.exists = False
                self.marks.pop(event.user_id, None)
            case JobPostingIngested():
                self.exists, self.shared = True, True
                self.ingested.add(event.sha256)
            case JobMatched():
                self.matched.add((event.user_id, event.resume_id, event.resume_version))
            case JobPostingUpdated():
                mark = self.marks.setdefault(event.user_id, Mark())
                if event.saved is not None:
                    mark.saved = event.saved
                if event.dismissed is not None:
                    mark.dismissed = event.dismissed
                if event.notes is not None:
                    mark.notes = event.notes

    def ensure_visible_to(self, user_id: UUID) -> None:
        """Another user's posting is answered exactly like a missing one."""
        if not self.exists or (not self.shared and self.owner_id != user_id):
            raise NotFound(f"no job posting {self.job_id}")

    def mark(
        self, user_id: UUID, saved: bool | None, dismissed: bool | None, notes: str | None
    ) -> list[JobPostingUpdated]:
        """Save, dismiss or annotate; a change to nothing records nothing."""
        self.ensure_visible_to(user_id)
        now = self.marks.get(user_id, Mark())
        changed = {
            "saved": saved if saved is not None and saved != now.saved else None,
            "dismissed": dismissed
            if dismissed is not None and dismissed != now.dismissed
            else None,
            "notes": notes if notes is not None and notes != now.notes else None,
        }
        if all(v is None for v in changed.values()):
            return []
        return [JobPostingUpdated(job_id=self.job_id, user_id=user_id, **changed)]

    def delete(self, user_id: UUID) -> list[JobPostingDeleted]:
        """The owner deletes a posting they added; a feed's posting is refused."""
        self.ensure_visible_to(user_id)
        if self.shared or self.owner_id != user_id:
            raise Conflict(
                f"job posting {self.job_id} came from a feed and is shared; dismiss it instead "
                "(PATCH /jobs/{id} with dismissed: true)"
            )
        return [JobPostingDeleted(job_id=self.job_id, user_id=user_id)]

    def ingest(self, event: JobPostingIngested) -> list[JobPostingIngested]:
        """A feed's posting; the same content delivered again records nothing."""
        return [] if event.sha256 in self.ingested else [event]

    def match(self, event: JobMatched) -> list[JobMatched]:
        """A resume version matched this posting; once per (user, resume, version)."""
        key = (event.user_id, event.resume_id, event.resume_version)
        return [] if key in self.matched or not self.exists else [event]


def posting_from_json_resume_job(job: dict[str, Any]) -> dict[str, Any]:
    """A posting in the JSON Resume job schema, in Jobtrail's own fields."""
    location = job.get("location") or {}
    place = ", ".join(
        str(location[k]) for k in ("city", "region", "countryCode") if location.get(k)
    )
    skills: list[str] = []
    for skill in job.get("skills") or []:
        skills.extend(str(k) for k in skill.get("keywords") or [])
        if not skill.get("keywords") and skill.get("name"):
            skills.append(str(skill["name"]))
    lines = [job.get("description") or ""]
    for heading in ("responsibilities", "qualifications"):
        items = job.get(heading) or []
        if items:
            lines.append(heading.capitalize() + ":\n" + "\n".join(f"- {i}" for i in items))
    remote = str(job.get("remote") or "").lower()
    return {
        "title": job["title"],
        "company": job.get("company"),
        "description": "\n\n".join(line for line in lines if line),
        "url": (job.get("meta") or {}).get("canonical"),
        "location": place or None,
        "remote": {"full": True, "remote": True, "hybrid": True, "none": False}.get(remote),
        **_salary(job.get("salary")),
        "employment_type": job.get("type"),
        "skills": skills,
        "posted_on": _day(job.get("date")),
    }


def looks_like_json_resume_job(body: dict[str, Any]) -> bool:
    """The JSON Resume job schema nests location and skills, and names its own fields."""
    return (
        isinstance(body.get("location"), dict)
        or any(isinstance(s, dict) for s in body.get("skills") or [])
        or any(k in body for k in ("responsibilities", "qualifications", "meta", "$schema"))
    )


def _salary(text: object) -> dict[str, Any]:
    numbers = [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", str(text or ""))]
    if not numbers:
        return {}
    return {"salary_min": min(numbers), "salary_max": max(numbers)}


def _day(text: object) -> str | None:
    """JSON Resume dates may be a year, a month or a day: take the first day they name."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(text or ""))
    if not match:
        return None
    year, month, day = match.groups()
    return f"{year}-{month or '01'}-{day or '01'}"
