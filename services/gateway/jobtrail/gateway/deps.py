"""The adapters a gateway process works with, chosen once in bootstrap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.blobs import BlobStore
from jobtrail.docstore import DocumentStore
from jobtrail.eventlog import AggregateHistory, EventStore
from jobtrail.events import ConcurrencyConflict, Event, EventContext, RecordedEvent
from jobtrail.gateway.errors import ConcurrentChange
from jobtrail.gateway.readmodels import projection
from jobtrail.gateway.readmodels.projector import wait_for
from jobtrail.gateway.security import Principal, TokenIssuer
from jobtrail.gateway.settings import GatewaySettings

log = structlog.get_logger("jobtrail.gateway")


@dataclass
class Deps:
    settings: GatewaySettings
    events: EventStore
    engine: AsyncEngine
    documents: DocumentStore
    files: BlobStore
    tokens: TokenIssuer

    async def settled(self, recorded: list[RecordedEvent]) -> None:
        """Return once the read models show what was just appended (read-your-writes)."""
        if not recorded:
            return
        try:
            await wait_for(
                self.engine,
                projection.NAME,
                recorded[-1].seq,
                self.settings.read_your_writes_timeout,
            )
        except SQLAlchemyError:
            # The event is in the log: the change happened. Its read model will catch up;
            # failing here would invite the caller to repeat what already took effect.
            log.warning("read_models.unreachable", seq=recorded[-1].seq, exc_info=True)

    async def record(
        self,
        history: AggregateHistory,
        new: Sequence[Event],
        principal: Principal,
        correlation_id: str,
    ) -> list[RecordedEvent]:
        """Append a user's decided events and wait until the read models show them."""
        context = EventContext(
            actor=principal.actor, correlation_id=correlation_id, owner_id=principal.user_id
        )
        try:
            recorded = await self.events.append(history, new, context)
        except ConcurrencyConflict as conflict:
            raise ConcurrentChange(str(conflict)) from None
        await self.settled(recorded)
        return recorded
