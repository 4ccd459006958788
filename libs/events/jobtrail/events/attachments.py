"""Events of the `attachment` aggregate: a named file on an application or a resume.

An attachment is identified by its target and file name; uploading the same name to the
same target again adds a version, and every version stays downloadable. The file is in S3
under its sha256; the event carries the key and hash, never the bytes.
"""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from jobtrail.events.envelope import Event

AttachmentTarget = Literal["application", "resume"]


class AttachmentUploaded(Event):
    """A job seeker uploaded a version of a named file attached to an application or resume."""

    type: ClassVar[str] = "AttachmentUploaded"
    aggregate_type: ClassVar[str] = "attachment"
    attachment_id: UUID
    user_id: UUID
    target_type: AttachmentTarget
    target_id: UUID
    filename: str
    version: int
    media_type: str
    size: int
    sha256: str
    file_key: str
    file_version: str | None = None


class AttachmentDeleted(Event):
    """The job seeker deleted an attachment: every version's file is removed."""

    type: ClassVar[str] = "AttachmentDeleted"
    aggregate_type: ClassVar[str] = "attachment"
    attachment_id: UUID
    user_id: UUID
