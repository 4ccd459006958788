"""The `resume` aggregate: an uploaded file and the versions of its JSON Resume document.

Version numbers only grow. The current version is the one the job seeker accepted; a user
edit must name the current version as its base, so an edit made against an outdated copy
is refused rather than silently replacing someone else's (or another tab's) work. AI
proposals never become current by themselves.

Three services write it: the gateway (upload, edit, accept), the resume service (the
parse outcome) and the AI worker (tailored proposals). All of them fold it here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal
from uuid import UUID

from jobtrail.domain.errors import Conflict, NotFound, StaleVersion
from jobtrail.events.envelope import Event, RecordedEvent
from jobtrail.events.resumes import (
    DocumentSource,
    ResumeDeleted,
    ResumeParsed,
    ResumeRejected,
    ResumeRetryRequested,
    ResumeUploaded,
    ResumeVersionAccepted,
    ResumeVersionCreated,
)

ResumeStatus = Literal["new", "processing", "parsed", "rejected", "deleted"]


@dataclass(frozen=True)
class VersionInfo:
    version: int
    parent_version: int | None
    source: DocumentSource
    sha256: str
    proposal: bool


@dataclass
class Resume:
    aggregate_type: ClassVar[str] = "resume"

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
        return self.status not in ("new", "deleted")

    @property
    def latest_version(self) -> int:
        return max(self.versions, default=0)

    @property
    def awaiting_parse(self) -> bool:
        """Uploaded (or retried) and not yet parsed or rejected: the parser's turn."""
        return self.status == "processing"

    def next_version(self, stored_latest: int | None) -> int:
        """The number of a new version: after every recorded one and every stored one.

        A write that stored a document and then failed to append leaves a stored version
        no event names; its number is never reused for different content.
        """
        return max(self.latest_version, stored_latest or 0) + 1

    def latest_version_except(self, version: int | None) -> int:
        """The newest recorded version other than `version` (0 when there is none)."""
        return max((v for v in self.versions if v != version), default=0)

    def apply(self, event: Event) -> None:
        match event:
            case ResumeUploaded():
                self.owner_id = event.user_id
                self.status = "processing"
            case ResumeParsed():
                self.status = "parsed"
            case ResumeRejected():
                self.status = "rejected"
            case ResumeRetryRequested():  # `jobtrail dlq retry`: the upload is read again
                self.status = "processing"
            case ResumeVersionCreated():
                self.versions[event.version] = VersionInfo(
                    event.version, event.parent_version, event.source, event.sha256, event.proposal
                )
                if self.status == "processing":
                    self.status = "parsed"
            case ResumeVersionAccepted():
                self.current_version = event.version
            case ResumeDeleted():
                self.status = "deleted"

    def ensure_owned_by(self, user_id: UUID) -> None:
        """Another user's resume is answered exactly like a missing one."""
        if not self.exists or self.owner_id != user_id:
            raise NotFound(f"no resume {self.resume_id}")

    def edit(
        self, base_version: int, new_version: int, sha256: str
    ) -> list[ResumeVersionCreated | ResumeVersionAccepted]:
        """A user's own edit: a new version on top of the current one, current at once."""
        self.check_base(base_version)
        created = ResumeVersionCreated(
            resume_id=self.resume_id,
            version=new_version,
            parent_version=base_version,
            source="user",
            sha256=sha256,
        )
        return [created, ResumeVersionAccepted(resume_id=self.resume_id, version=new_version)]

    def check_base(self, base_version: int) -> None:
        """An edit must be based on the current version: refuse any other base."""
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

    def retry(self, reason: str) -> list[ResumeRetryRequested]:
        """Read a rejected upload again (`jobtrail dlq retry`); anything else stays as it is."""
        if self.status != "rejected":
            return []
        return [ResumeRetryRequested(resume_id=self.resume_id, reason=reason)]

    def delete(self, user_id: UUID) -> list[ResumeDeleted]:
        """The owner deletes the resume (its versions stay numbered: a document store keeps
        what it stored, sealed, and a number is never reused)."""
        self.ensure_owned_by(user_id)
        return [ResumeDeleted(resume_id=self.resume_id, user_id=user_id)]

    def accept(self, version: int) -> list[ResumeVersionAccepted]:
        """Make an existing version current (accepting twice changes nothing)."""
        if version not in self.versions:
            raise NotFound(f"resume {self.resume_id} has no version {version}")
        if version == self.current_version:
            return []
        return [ResumeVersionAccepted(resume_id=self.resume_id, version=version)]
