"""The `ingestion` aggregate: one run of a job feed, asked for or scheduled, and its end.

Two services write it: the gateway records an admin's request, the jobs service records
how the run ended (a scheduled run has no request and starts with its end).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from jobtrail.events.envelope import RecordedEvent
from jobtrail.events.jobs import IngestionCompleted, IngestionRequested


@dataclass
class IngestionRun:
    aggregate_type: ClassVar[str] = "ingestion"

    ingestion_id: UUID
    requested: bool = False
    completed: bool = False

    @classmethod
    def fold(cls, ingestion_id: UUID, events: list[RecordedEvent]) -> IngestionRun:
        ingestion = cls(ingestion_id)
        for recorded in events:
            if isinstance(recorded.event, IngestionRequested):
                ingestion.requested = True
            elif isinstance(recorded.event, IngestionCompleted):
                ingestion.completed = True
        return ingestion

    def complete(self, completed: IngestionCompleted) -> list[IngestionCompleted]:
        """The run's end, recorded once however often the request is delivered."""
        return [] if self.completed else [completed]
