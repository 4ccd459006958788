"""The `rescore` aggregate: an operator's request to re-score everything, and its end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from jobtrail.events import EventContext, RecordedEvent
from jobtrail.events.jobs import RescoreCompleted, RescoreRequested


@dataclass
class Rescore:
    aggregate_type: ClassVar[str] = "rescore"

    rescore_id: UUID
    requested: RecordedEvent | None = None
    completed: bool = False

    @classmethod
    def fold(cls, rescore_id: UUID, events: list[RecordedEvent]) -> Rescore:
        rescore = cls(rescore_id)
        for recorded in events:
            if isinstance(recorded.event, RescoreRequested) and rescore.requested is None:
                rescore.requested = recorded
            elif isinstance(recorded.event, RescoreCompleted):
                rescore.completed = True
        return rescore

    def context(self, actor: str) -> EventContext:
        """Caused by the request when there is one, so a repeat appends the same ids."""
        if self.requested is not None:
            return EventContext.caused_by(self.requested.envelope, actor)
        return EventContext(actor=actor, correlation_id=f"rescore-{self.rescore_id}")

    def complete(self, postings: int, resumes: int, formula: str) -> list[RescoreCompleted]:
        """The run ended; a second copy finishing the same run records nothing."""
        if self.completed:
            return []
        return [
            RescoreCompleted(
                rescore_id=self.rescore_id, postings=postings, resumes=resumes, formula=formula
            )
        ]
