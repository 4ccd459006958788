"""Least privilege: every service connects as its own PostgreSQL role, never the superuser."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from jobtrail.cli.database import provision_database
from jobtrail.runtime.roles import SERVICE_ROLES, role_url
from tests.support.system import System

pytestmark = pytest.mark.integration

INSUFFICIENT_PRIVILEGE = "42501"


@contextmanager
def connected_as(system: System, role: str) -> Iterator[sa.Connection]:
    """A connection as `role`, rolled back at the end (nothing a test tries is kept)."""
    engine = sa.create_engine(role_url(system.stack.database_url, role), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            yield connection
            connection.rollback()
    finally:
        engine.dispose()


def refused(connection: sa.Connection, statement: str) -> str:
    """Run `statement` in a savepoint; return the SQLSTATE it was refused with."""
    savepoint = connection.begin_nested()
    try:
        connection.execute(sa.text(statement))
    except DBAPIError as error:
        savepoint.rollback()
        return str(getattr(error.orig, "sqlstate", ""))
    savepoint.rollback()
    return "accepted"


async def test_services_connect_as_their_own_roles_none_superuser(system: System) -> None:
    async with system.deps.engine.connect() as connection:
        user = await connection.scalar(sa.text("SELECT current_user"))
    assert user == "jobtrail_gateway"
    with connected_as(system, "postgres") as admin:
        rows = admin.execute(
            sa.text(
                "SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls "
                "FROM pg_roles WHERE rolname = ANY(:names)"
            ),
            {"names": list(SERVICE_ROLES.values())},
        ).all()
    assert {row.rolname for row in rows} == set(SERVICE_ROLES.values())
    for row in rows:
        assert (row.rolsuper, row.rolcreatedb, row.rolcreaterole, row.rolbypassrls) == (
            False, False, False, False,
        ), row.rolname  # fmt: skip


async def test_each_service_owns_its_schema(system: System) -> None:
    with connected_as(system, "postgres") as admin:
        owners: dict[str, str] = dict(
            admin.execute(
                sa.text(
                    "SELECT nspname, pg_get_userbyid(nspowner) FROM pg_namespace "
                    "WHERE nspname IN ('gateway', 'jobs', 'ai', 'docstore')"
                )
            ).all()
        )
        table_owners = set(
            admin.scalars(
                sa.text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'gateway'")
            ).all()
        )
    assert owners == {
        "gateway": "jobtrail_gateway",
        "jobs": "jobtrail_jobs",
        "ai": "jobtrail_ai_worker",
        "docstore": "jobtrail_documents",
    }
    assert table_owners == {"jobtrail_gateway"}


async def test_a_service_cannot_read_or_write_another_services_tables(system: System) -> None:
    await system.user("Roles")  # so gateway.users has a row to be refused
    with connected_as(system, "jobtrail_resume") as resume:
        assert refused(resume, "SELECT * FROM gateway.users") == INSUFFICIENT_PRIVILEGE
        assert refused(resume, "SELECT * FROM jobs.postings") == INSUFFICIENT_PRIVILEGE
        assert refused(resume, "SELECT count(*) FROM docstore.documents") == "accepted"
        assert (
            refused(resume, "UPDATE docstore.documents SET kind = kind") == INSUFFICIENT_PRIVILEGE
        )
    with connected_as(system, "jobtrail_gateway") as gateway:
        # Match scores reach it as events (MatchesScored): the jobs schema is closed to it.
        for statement in (
            "SELECT * FROM jobs.matches",
            "SELECT * FROM jobs.match_runs",
            "SELECT job_id, requirements FROM jobs.postings",
        ):
            assert refused(gateway, statement) == INSUFFICIENT_PRIVILEGE, statement
        assert refused(gateway, "SELECT * FROM ai.cache") == INSUFFICIENT_PRIVILEGE
        assert refused(gateway, "CREATE SCHEMA intruder") == INSUFFICIENT_PRIVILEGE
    with connected_as(system, "jobtrail_exporter") as exporter:
        assert refused(exporter, "SELECT * FROM gateway.audit_log") == INSUFFICIENT_PRIVILEGE
        assert refused(exporter, "CREATE TABLE public.intruder (x int)") == INSUFFICIENT_PRIVILEGE


async def test_the_audit_role_may_only_append_to_the_audit_log(system: System) -> None:
    await system.user("Audit")
    with connected_as(system, "jobtrail_audit") as audit:
        assert refused(audit, "SELECT hash FROM gateway.audit_log LIMIT 1") == "accepted"
        for statement in (
            "UPDATE gateway.audit_log SET actor = 'forged'",
            "DELETE FROM gateway.audit_log",
            "TRUNCATE gateway.audit_log",
            "SELECT * FROM gateway.users",
            "UPDATE gateway.checkpoints SET name = 'forged'",
        ):
            assert refused(audit, statement) == INSUFFICIENT_PRIVILEGE, statement
        # Only its own checkpoint row is visible to it (row-level security).
        names = audit.scalars(sa.text("SELECT name FROM gateway.checkpoints")).all()
        assert names == ["audit"]
        assert refused(audit, "UPDATE gateway.checkpoints SET last_seq = last_seq") == "accepted"


async def test_the_audit_projector_appends_as_the_audit_role(system: System) -> None:
    ada = await system.user("Appender")
    deadline = time.monotonic() + 30
    with connected_as(system, "postgres") as admin:
        while True:  # the audit projector runs beside the read models, not before the answer
            rows = admin.scalar(
                sa.text("SELECT count(*) FROM gateway.audit_log WHERE owner_id = :u"),
                {"u": ada.user_id},
            )
            admin.rollback()
            if rows or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        connected = admin.scalar(
            sa.text("SELECT count(*) FROM pg_stat_activity WHERE usename = 'jobtrail_audit'")
        )
    # Other tests hold admin sessions on the same server, so ask the services' own engines.
    service_engines = [system.deps.engine, system.engines["jobs"], system.engines["ai_worker"]]
    identities = []
    for engine in service_engines:
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    sa.text(
                        "SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user"
                    )
                )
            ).one()
            identities.append((row[0], row[1]))
    assert (rows or 0) >= 1
    assert (connected or 0) >= 1  # the projector's pool, as jobtrail_audit
    assert identities == [
        ("jobtrail_gateway", False),
        ("jobtrail_jobs", False),
        ("jobtrail_ai_worker", False),
    ]  # no service connects as a superuser


async def test_provisioning_again_changes_nothing_and_reclaims_strays(system: System) -> None:
    # A table an administrator created by hand (or an older cluster's, all postgres-owned).
    with connected_as(system, "postgres") as admin:
        admin.execute(sa.text("CREATE TABLE IF NOT EXISTS gateway.stray_by_admin (x int)"))
        admin.commit()
    try:
        urls = await asyncio.to_thread(provision_database, system.stack.database_url)
        with connected_as(system, "postgres") as admin:
            owner = admin.scalar(
                sa.text(
                    "SELECT tableowner FROM pg_tables "
                    "WHERE schemaname = 'gateway' AND tablename = 'stray_by_admin'"
                )
            )
        assert owner == "jobtrail_gateway"
        assert sa.make_url(urls["audit"]).username == "jobtrail_audit"
        # The services still work as their roles after a second run.
        await system.user("Again")
    finally:
        with connected_as(system, "postgres") as admin:
            admin.execute(sa.text("DROP TABLE IF EXISTS gateway.stray_by_admin"))
            admin.commit()


async def test_provisioning_takes_back_the_jobs_schema_an_earlier_release_granted(
    system: System,
) -> None:
    with connected_as(system, "postgres") as admin:
        admin.execute(sa.text("GRANT USAGE ON SCHEMA jobs TO jobtrail_gateway"))
        admin.execute(sa.text("GRANT SELECT ON jobs.matches TO jobtrail_gateway"))
        admin.commit()
    with connected_as(system, "jobtrail_gateway") as gateway:
        assert refused(gateway, "SELECT count(*) FROM jobs.matches") == "accepted"

    await asyncio.to_thread(provision_database, system.stack.database_url)

    with connected_as(system, "jobtrail_gateway") as gateway:
        assert refused(gateway, "SELECT count(*) FROM jobs.matches") == INSUFFICIENT_PRIVILEGE
