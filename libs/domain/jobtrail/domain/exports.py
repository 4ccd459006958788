"""The `export` aggregate: a requested PDF or DOCX file and what became of it.

An export is requested once, by its owner, and ends ready (a stored file) or failed
(with a reason); the exporter decides which. Two services write it: the gateway records
the request, the exporter how it ended. Formats and templates are checked here, so
a request the exporter could never render is refused with a 422 before it is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal
from uuid import UUID

from jobtrail.domain.errors import InvalidInput, NotFound
from jobtrail.events.envelope import Event, RecordedEvent
from jobtrail.events.exports import (
    TEMPLATES,
    ExportDocument,
    ExportFailed,
    ExportFormat,
    ExportReady,
    ExportRequested,
    ExportRetryRequested,
)

ExportStatus = Literal["new", "pending", "ready", "failed"]


@dataclass(frozen=True)
class ExportOrder:
    """What to export: a resume version, or a cover letter signed with one."""

    resume_id: UUID
    version: int
    document: ExportDocument
    format: ExportFormat
    template: str
    application_id: UUID | None = None
    cover_letter_id: UUID | None = None
    cover_letter_version: int | None = None


@dataclass
class Export:
    aggregate_type: ClassVar[str] = "export"

    export_id: UUID
    owner_id: UUID | None = None
    status: ExportStatus = "new"

    @classmethod
    def fold(cls, export_id: UUID, events: list[RecordedEvent]) -> Export:
        export = cls(export_id)
        for recorded in events:
            export.apply(recorded.event)
        return export

    def apply(self, event: Event) -> None:
        match event:
            case ExportRequested():
                self.owner_id = event.user_id
                self.status = "pending"
            case ExportReady():
                self.status = "ready"
            case ExportFailed():
                self.status = "failed"
            case ExportRetryRequested():  # `jobtrail dlq retry`: rendered again
                self.status = "pending"

    @property
    def awaiting_render(self) -> bool:
        return self.status == "pending"

    def retry(self, reason: str) -> list[ExportRetryRequested]:
        """Render a failed export again (`jobtrail dlq retry`); a ready one stays as it is."""
        if self.status != "failed":
            return []
        return [ExportRetryRequested(export_id=self.export_id, reason=reason)]

    def ensure_owned_by(self, user_id: UUID) -> None:
        """Another user's export is answered exactly like a missing one."""
        if self.status == "new" or self.owner_id != user_id:
            raise NotFound(f"no export {self.export_id}")

    def request(self, user_id: UUID, order: ExportOrder) -> list[ExportRequested]:
        """A new export; asking twice under the same id changes nothing."""
        if self.status != "new":
            return []
        if order.template not in TEMPLATES:
            raise InvalidInput(
                f"there is no template {order.template!r}; choose one of {', '.join(TEMPLATES)}"
            )
        if order.document == "cover_letter" and order.cover_letter_id is None:
            raise InvalidInput(
                "a cover letter export needs `cover_letter_id` (and optionally "
                "`cover_letter_version`); or ask for document 'resume'"
            )
        return [
            ExportRequested(
                export_id=self.export_id,
                user_id=user_id,
                application_id=order.application_id,
                resume_id=order.resume_id,
                version=order.version,
                document=order.document,
                format=order.format,
                template=order.template,
                cover_letter_id=order.cover_letter_id if order.document == "cover_letter" else None,
                cover_letter_version=(
                    order.cover_letter_version if order.document == "cover_letter" else None
                ),
            )
        ]
