"""The one place where the gateway's adapters are chosen and connected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from jobtrail import privacy
from jobtrail.blobs import BlobStore, SealedBlobs
from jobtrail.docstore import DocumentStore, SealedDocuments, open_document_store
from jobtrail.eventlog import EventStore
from jobtrail.eventlog.connection import JetStreamLink, jetstream
from jobtrail.events.subjects import ALL_EVENTS
from jobtrail.gateway.adapters.credentials import PostgresCredentials
from jobtrail.gateway.adapters.erasure import SqlAccountRecords
from jobtrail.gateway.adapters.mail import SmtpMailer, UnsentMail
from jobtrail.gateway.adapters.oidc import AuthlibProviders, PostgresPendingLogins
from jobtrail.gateway.adapters.rate_limits import PostgresRateLimits
from jobtrail.gateway.adapters.sessions import PostgresSessionStore
from jobtrail.gateway.declarations import SERVICE
from jobtrail.gateway.deps import Deps
from jobtrail.gateway.handlers.downloads import DownloadLinks
from jobtrail.gateway.handlers.erasure import ErasureDeps
from jobtrail.gateway.handlers.oidc import OidcDeps, Provider
from jobtrail.gateway.handlers.passwords import Mailer, PasswordDeps
from jobtrail.gateway.handlers.sessions import ActiveSessions, SessionDeps
from jobtrail.gateway.handlers.verification import VerificationDeps
from jobtrail.gateway.readmodels.audit import AuditTrail, load_key
from jobtrail.gateway.readmodels.audit_anchors import AuditAnchorer
from jobtrail.gateway.readmodels.projection import ReadModels
from jobtrail.gateway.readmodels.projector import Projector, none_stalled
from jobtrail.gateway.readmodels.tables import SCHEMA
from jobtrail.gateway.security import TokenIssuer
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.privacy import keys_for
from jobtrail.runtime.health import Check
from jobtrail.runtime.migrations import upgrade_to_head

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Gateway:
    deps: Deps
    nc: NATS
    projectors: list[Projector]
    checks: dict[str, Check]
    # Background work beside the projectors, each run until the event is set.
    tasks: list[Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = field(default_factory=list)


def migrate(database_url: str) -> None:
    upgrade_to_head(database_url, MIGRATIONS, SCHEMA)


def audit_key(settings: GatewaySettings) -> bytes | None:
    """The audit chain's HMAC key, kept outside the database (None: rows are not MAC'd)."""
    return load_key(settings.audit_hmac_key, settings.audit_hmac_key_file)


def projectors_for(deps: Deps, audit_engine: AsyncEngine | None = None) -> list[Projector]:
    """The read models' projector and the audit log's, on its own engine when given."""
    return [
        Projector(deps.engine, deps.events, ReadModels()),
        Projector(audit_engine or deps.engine, deps.events, AuditTrail(audit_key(deps.settings))),
    ]


@asynccontextmanager
async def bootstrap(settings: GatewaySettings) -> AsyncIterator[Gateway]:
    """Connect everything the gateway needs; make sure streams, tables and bucket exist."""
    privacy.configure(settings.master())
    async with jetstream(settings.nats_url, SERVICE.name, consumers=()) as link:
        await asyncio.to_thread(migrate, settings.database_url)
        engine = create_async_engine(settings.database_url, pool_size=10, max_overflow=10)
        # The audit projector appends as its own role when one is configured.
        audit_engine = (
            create_async_engine(settings.audit_database_url, pool_size=2, max_overflow=2)
            if settings.audit_database_url
            else None
        )
        try:
            documents = SealedDocuments(
                await open_document_store(settings.effective_docstore_url), keys_for(link.nc)
            )
            try:
                yield await _assemble(settings, link, engine, documents, audit_engine)
            finally:
                await documents.close()
        finally:
            if audit_engine is not None:
                await audit_engine.dispose()
            await engine.dispose()


async def _assemble(
    settings: GatewaySettings,
    link: JetStreamLink,
    engine: AsyncEngine,
    documents: DocumentStore,
    audit_engine: AsyncEngine | None = None,
) -> Gateway:
    files = SealedBlobs(
        await BlobStore.open(settings),
        keys_for(link.nc),
    )
    tokens = TokenIssuer(
        settings.jwt_secret.get_secret_value(),
        timedelta(minutes=settings.access_token_minutes),
        timedelta(days=settings.refresh_token_days),
    )
    events = EventStore(link.nc, declared=SERVICE)
    sessions = SessionDeps(
        PostgresSessionStore(engine), tokens, ActiveSessions(settings.session_check_seconds)
    )
    passwords = PasswordDeps(
        PostgresCredentials(engine),
        mailer(settings),
        settings.password_reset_link,
        settings.password_reset_minutes,
    )
    deps = Deps(
        settings, events, engine, documents, files, tokens, sessions, passwords,
        PostgresRateLimits(engine), oidc(settings, engine),
        ErasureDeps(SqlAccountRecords(engine), keys_for(link.nc), events.snapshots, files),
        DownloadLinks(settings.jwt_secret.get_secret_value()),
        VerificationDeps(
            settings.jwt_secret.get_secret_value(), passwords.mailer,
            settings.email_verification_link, settings.email_verification,
            settings.email_verification_hours,
        ),
    )  # fmt: skip
    projectors = projectors_for(deps, audit_engine)

    async def wake(_: Msg) -> None:
        for projector in projectors:
            projector.wake()

    await link.nc.subscribe(ALL_EVENTS, cb=wake)
    checks: dict[str, Check] = {
        **link.checks,
        "postgres": lambda: _ping(deps),
        "s3": files.ping,
        "documents": documents.ping,
        "projections": lambda: none_stalled(projectors),  # not retrying an outage for long
    }
    anchorer = AuditAnchorer(
        engine, link.nc, key=audit_key(settings), subject=settings.audit_anchor_subject,
        every_rows=settings.audit_anchor_every_rows,
        every_seconds=settings.audit_anchor_every_seconds,
    )  # fmt: skip
    return Gateway(deps, link.nc, projectors, checks, tasks=[anchorer.run])


async def _ping(deps: Deps) -> None:
    async with deps.engine.connect() as connection:
        await connection.exec_driver_sql("SELECT 1")


def mailer(settings: GatewaySettings) -> Mailer:
    """SMTP where a server is configured, else a mailer that only logs that it sent nothing."""
    if not settings.smtp_host:
        return UnsentMail()
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.mail_from,
        username=settings.smtp_username,
        password=password,
        starttls=settings.smtp_starttls,
    )


def oidc(settings: GatewaySettings, engine: AsyncEngine) -> OidcDeps:
    """The configured identity providers, pending logins in PostgreSQL, authlib's client."""
    providers = {
        name: Provider(
            name,
            given.issuer,
            given.client_id,
            given.client_secret.get_secret_value(),
            given.scopes,
        )
        for name, given in settings.oidc_providers.items()
    }
    callback = settings.public_url.rstrip("/") + "/auth/oidc/{provider}/callback"
    return OidcDeps(providers, PostgresPendingLogins(engine), AuthlibProviders(), callback)
