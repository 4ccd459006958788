"""The adapters a gateway process works with, chosen once in bootstrap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from jobtrail.blobs import SealedBlobs
from jobtrail.docstore import DocumentStore
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.aggregates import A, Decision, Repository
from jobtrail.events import ConcurrencyConflict, Event, EventContext, RecordedEvent
from jobtrail.gateway.errors import ConcurrentChange
from jobtrail.gateway.handlers.downloads import DownloadLinks
from jobtrail.gateway.handlers.erasure import ErasureDeps
from jobtrail.gateway.handlers.oidc import OidcDeps
from jobtrail.gateway.handlers.passwords import PasswordDeps
from jobtrail.gateway.handlers.rate_limits import RateLimitStore
from jobtrail.gateway.handlers.sessions import SessionDeps
from jobtrail.gateway.handlers.verification import VerificationDeps
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
    files: SealedBlobs
    tokens: TokenIssuer
    sessions: SessionDeps
    passwords: PasswordDeps
    rate_limits: RateLimitStore
    oidc: OidcDeps
    erasure: ErasureDeps
    downloads: DownloadLinks
    verification: VerificationDeps

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

    @property
    def repository(self) -> Repository:
        return Repository(self.events)

    async def execute(
        self,
        kind: type[A],
        aggregate_id: UUID,
        decide: Decision[A],
        principal: Principal,
        correlation_id: str,
        owner: UUID | None = None,
    ) -> list[RecordedEvent]:
        """A user's decision on one aggregate: load, decide, append, then read-your-writes.

        The events belong to the principal unless `owner` says whose they are (an admin
        acting on someone's account: sealed with that person's key, erased with them).

        A concurrent append makes the decision run again on the newer state (it may now
        refuse, or decide nothing); only if that keeps happening is it a 409. A decision
        that changes nothing waits until the read models show the state it saw, so a
        repeated request answers from the same state as the first.
        """
        try:
            context = _context(principal, correlation_id)
            executed = await self.repository.decide(
                kind, aggregate_id, decide, context if owner is None else context.with_owner(owner)
            )
        except ConcurrencyConflict as conflict:
            raise ConcurrentChange(str(conflict)) from None
        await self.settled(executed.recorded or executed.loaded.history.events)
        return executed.recorded

    async def create(
        self,
        kind: type[A],
        aggregate_id: UUID,
        new: Sequence[Event],
        principal: Principal,
        correlation_id: str,
        settle: bool = True,
    ) -> list[RecordedEvent]:
        """Start a new aggregate; ConcurrentChange if one with this id exists already."""
        try:
            recorded = await self.repository.create(
                kind, aggregate_id, new, _context(principal, correlation_id)
            )
        except ConcurrencyConflict as conflict:
            raise ConcurrentChange(str(conflict)) from None
        if settle:
            await self.settled(recorded)
        return recorded

    async def load(self, kind: type[A], aggregate_id: UUID) -> A:
        return (await self.repository.load(kind, aggregate_id)).state


def _context(principal: Principal, correlation_id: str) -> EventContext:
    return EventContext(
        actor=principal.actor, correlation_id=correlation_id, owner_id=principal.user_id
    )
