"""The `attachment` aggregate: one named file on an application or a resume, in versions.

The aggregate's id is derived from (target, file name), so a second upload of the same name
to the same target lands on the same aggregate and its version number is decided by the
log's own concurrency check: two concurrent uploads never get the same number.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import ClassVar
from uuid import UUID

from jobtrail.events.attachments import AttachmentDeleted, AttachmentTarget, AttachmentUploaded
from jobtrail.events.envelope import RecordedEvent
from jobtrail.gateway.errors import InvalidInput, NotFound

_NAMESPACE = uuid.UUID("0b7f3a52-8f0e-4c55-9a0b-2d6d1e0c4f11")
MAX_FILENAME = 255


def clean_filename(raw: str | None) -> str:
    """The name a file is known by: its last path part, trimmed; refused when empty."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(c for c in name if c.isprintable())
    if not name or name in {".", ".."}:
        raise InvalidInput("the file has no name; send it with a file name (e.g. offer.pdf)")
    if len(name) > MAX_FILENAME:
        raise InvalidInput(f"the file name is longer than {MAX_FILENAME} characters; shorten it")
    return name


def attachment_id_for(target_type: AttachmentTarget, target_id: UUID, filename: str) -> UUID:
    return uuid.uuid5(_NAMESPACE, f"{target_type}\x1f{target_id}\x1f{filename}")


@dataclass(frozen=True)
class StoredFile:
    media_type: str
    size: int
    sha256: str
    file_key: str
    file_version: str | None


@dataclass
class Attachment:
    aggregate_type: ClassVar[str] = "attachment"

    attachment_id: UUID
    owner_id: UUID | None = None
    versions: dict[int, AttachmentUploaded] = field(default_factory=dict)
    # Numbers go on after a deletion: a version number is never reused.
    last_version: int = 0

    @classmethod
    def fold(cls, attachment_id: UUID, events: list[RecordedEvent]) -> Attachment:
        attachment = cls(attachment_id)
        for recorded in events:
            event = recorded.event
            if isinstance(event, AttachmentUploaded):
                attachment.owner_id = event.user_id
                attachment.versions[event.version] = event
                attachment.last_version = event.version
            elif isinstance(event, AttachmentDeleted):
                attachment.versions.clear()
        return attachment

    @property
    def latest_version(self) -> int:
        return max(self.versions, default=0)

    def delete(self, user_id: UUID) -> list[AttachmentDeleted]:
        self.ensure_owned_by(user_id)
        return [AttachmentDeleted(attachment_id=self.attachment_id, user_id=user_id)]

    def ensure_owned_by(self, user_id: UUID) -> None:
        if not self.versions or self.owner_id != user_id:
            raise NotFound(f"no attachment {self.attachment_id}")

    def upload(
        self,
        user_id: UUID,
        target_type: AttachmentTarget,
        target_id: UUID,
        filename: str,
        stored: StoredFile,
    ) -> list[AttachmentUploaded]:
        """A new version on top of the latest (version 1 for a new name)."""
        if self.versions and self.owner_id != user_id:
            raise NotFound(f"no {target_type} {target_id}")
        return [
            AttachmentUploaded(
                attachment_id=self.attachment_id, user_id=user_id, target_type=target_type,
                target_id=target_id, filename=filename, version=self.last_version + 1,
                media_type=stored.media_type, size=stored.size, sha256=stored.sha256,
                file_key=stored.file_key, file_version=stored.file_version,
            )
        ]  # fmt: skip
