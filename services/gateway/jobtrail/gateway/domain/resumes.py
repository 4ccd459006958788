"""The `resume` aggregate: an uploaded file and the versions of its JSON Resume document.

Version numbers only grow. The current version is the one the job seeker accepted; a user
edit must name the current version as its base, so an edit made against an outdated copy
is refused rather than silently replacing someone else's (or another tab's) work. AI
proposals never become current by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

from jobtrail.events.envelope import Event, RecordedEvent
from jobtrail.events.resumes import (
    DocumentSource,
    ResumeParsed,
    ResumeRejected,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)
from jobtrail.gateway.errors import Conflict, NotFound, StaleVersion

ResumeStatus = Literal["new", "processing", "parsed", "rejected"]


@dataclass(frozen=True)
class VersionInfo:
    version: int
    parent_version: int | None
    source: DocumentSource
    sha256: str
    proposal: bool


@dataclass
class Resume:
    resume_id: UUID
    owner_id: UUID | None = None
    status: ResumeStatus = "new"
    versions: dict[int, VersionInfo] = field(default_factory=dict)
    current_version: int | None = None

    @classmethod
    def fold(cls, resume_id: UUID, events: list[RecordedEvent]) -> Resume:
        resume = cls(resume_id)
        for recorded in events:
            resume.apply(recorded.event)
        return resume

    @property
    def exists(self) -> bool:
        return self.status != "new"

    @property
    def latest_version(self) -> int:
        return max(self.versions, default=0)

    def apply(self, event: Event) -> None:
        match event:
            case ResumeUploaded():
                self.owner_id = event.user_id
                self.status = "processing"
            case ResumeParsed():
                self.status = "parsed"
            case ResumeRejected():
                self.status = "rejected"
            case ResumeVersionCreated():
                self.versions[event.version] = VersionInfo(
                    event.version, event.parent_version, event.source, event.sha256, event.proposal
                )
                if self.status == "processing":
                    self.status = "parsed"
            case ResumeVersionAccepted():
                self.current_version = event.version

    def ensure_owned_by(self, user_id: UUID) -> None:
        """Another user's resume is answered exactly like a missing one."""
        if not self.exists or self.owner_id != user_id:
            raise NotFound(f"no resume {self.resume_id}")

    def edit(
        self, base_version: int, new_version: int, sha256: str
    ) -> list[ResumeVersionCreated | ResumeVersionAccepted]:
        """A user's own edit: a new version on top of the current one, current at once."""
        if self.current_version is None:
            raise Conflict(
                f"resume {self.resume_id} has no version yet (it is {self.status}); "
                "wait until it is parsed, then edit it"
            )
        if base_version != self.current_version:
            raise StaleVersion(
                f"your edit is based on version {base_version}, but the current version is "
                f"{self.current_version}; fetch version {self.current_version}, reapply your "
                "changes and send them with that base_version"
            )
        created = ResumeVersionCreated(
            resume_id=self.resume_id,
            version=new_version,
            parent_version=base_version,
            source="user",
            sha256=sha256,
        )
        return [created, ResumeVersionAccepted(resume_id=self.resume_id, version=new_version)]

    def accept(self, version: int) -> list[ResumeVersionAccepted]:
        """Make an existing version current (accepting twice changes nothing)."""
        if version not in self.versions:
            raise NotFound(f"resume {self.resume_id} has no version {version}")
        if version == self.current_version:
            return []
        return [ResumeVersionAccepted(resume_id=self.resume_id, version=version)]
