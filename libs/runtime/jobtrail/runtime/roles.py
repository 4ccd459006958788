"""Least privilege in PostgreSQL: one login role per service, each owning its own schema.

`provision(admin_url, migrations)` is run by an administrator (`jobtrail dev`, the test
system, a deployment's migration job) before the services start. It is idempotent:

- creates the roles `jobtrail_gateway`, `jobtrail_resume`, `jobtrail_jobs`,
  `jobtrail_ai_worker`, `jobtrail_exporter`, `jobtrail_notifier`, `jobtrail_audit` (LOGIN,
  and NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS, re-asserted on every
  run) and the NOLOGIN `jobtrail_documents` that owns the shared document store;
- creates the `vector` extension (only a superuser may) and each schema owned by its role:
  `gateway`, `jobs`, `ai`, `notifier`, `docstore`; objects an earlier run left to another
  owner (an older cluster where everything belonged to `postgres`) are handed to the
  schema's owner;
- runs each schema's migrations as its owner, so every table belongs to the role that uses it;
- grants the few reads and writes across schemas the services need (`GRANTS` below).

The audit projector connects as `jobtrail_audit`: it may INSERT into `gateway.audit_log`
and SELECT it (an append-only chain needs the previous row's hash, and nothing else), and
read, create and move only its own checkpoint and failure rows (row-level security). It can
neither UPDATE, DELETE nor TRUNCATE the audit log, nor read any other table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import structlog

from jobtrail.runtime.migrations import upgrade_to_head

log = structlog.get_logger("jobtrail.runtime.roles")

# Service name (as in `<SERVICE>_DATABASE_URL`) -> its login role.
SERVICE_ROLES: dict[str, str] = {
    "gateway": "jobtrail_gateway",
    "resume": "jobtrail_resume",
    "jobs": "jobtrail_jobs",
    "ai_worker": "jobtrail_ai_worker",
    "exporter": "jobtrail_exporter",
    "notifier": "jobtrail_notifier",
    "audit": "jobtrail_audit",
}
DOCUMENTS_OWNER = "jobtrail_documents"  # NOLOGIN: owns the shared document store only
SCHEMA_OWNERS: dict[str, str] = {
    "gateway": "jobtrail_gateway",
    "jobs": "jobtrail_jobs",
    "ai": "jobtrail_ai_worker",
    "notifier": "jobtrail_notifier",
    "docstore": DOCUMENTS_OWNER,
}
DOCUMENT_USERS = ("gateway", "resume", "jobs", "ai_worker", "exporter")
EXTENSIONS = ("vector",)
_ATTRIBUTES = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


@dataclass(frozen=True)
class Migrations:
    """One component's Alembic scripts and the schema they build."""

    schema: str
    script_location: Path


# Grants on tables that exist once migrations ran; (privileges, table, role).
GRANTS: tuple[tuple[str, str, str], ...] = (
    ("SELECT, INSERT", "gateway.audit_log", "jobtrail_audit"),
    # FOR UPDATE (the checkpoint lock) needs UPDATE on a column; RLS keeps it to its row.
    ("SELECT, INSERT, UPDATE (last_seq)", "gateway.checkpoints", "jobtrail_audit"),
    ("SELECT, INSERT, UPDATE (error, failed_at)", "gateway.projection_failures", "jobtrail_audit"),
)
# Reads across schemas granted by earlier releases, taken back on every run: (schema, role).
# The gateway projects the jobs service's scores from its events (MatchesScored) now.
REVOKED: tuple[tuple[str, str], ...] = (("jobs", "jobtrail_gateway"),)
# Row-level security: (table, policy name, role, predicate). The table's owner is not bound.
POLICIES: tuple[tuple[str, str, str, str], ...] = (
    ("gateway.checkpoints", "audit_own_checkpoint", "jobtrail_audit", "name = 'audit'"),
    ("gateway.projection_failures", "audit_own_failures", "jobtrail_audit", "projection = 'audit'"),
)


def role_url(admin_url: str, role: str, password: str | None = None) -> str:
    """The admin URL with `role` (and its password, if any) as the user."""
    url = sa.make_url(admin_url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)


def service_urls(admin_url: str, passwords: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each service's database URL (key as in SERVICE_ROLES) on the admin URL's server."""
    passwords = passwords or {}
    return {
        service: role_url(admin_url, role, passwords.get(role))
        for service, role in SERVICE_ROLES.items()
    }


def provision(
    admin_url: str,
    migrations: Iterable[Migrations] = (),
    passwords: Mapping[str, str] | None = None,
) -> None:
    """Create the roles, extensions and schemas, migrate each schema as its owner, grant."""
    engine = sa.create_engine(admin_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            # Concurrent provisioning (two test sessions, two deploy jobs) runs one at a time.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('jobtrail-roles'))"))
            _roles(connection, passwords or {})
            for extension in EXTENSIONS:
                connection.execute(sa.text(f'CREATE EXTENSION IF NOT EXISTS "{extension}"'))
            for schema, owner in SCHEMA_OWNERS.items():
                _own_schema(connection, schema, owner)
        for component in migrations:
            owner = SCHEMA_OWNERS[component.schema]
            upgrade_to_head(admin_url, component.script_location, component.schema, role=owner)
        with engine.begin() as connection:
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('jobtrail-roles'))"))
            _grant(connection)
    finally:
        engine.dispose()
    log.info("roles.provisioned", roles=sorted(SERVICE_ROLES.values()))


def _roles(connection: sa.Connection, passwords: Mapping[str, str]) -> None:
    for role in (*SERVICE_ROLES.values(), DOCUMENTS_OWNER):
        login = "NOLOGIN" if role == DOCUMENTS_OWNER else "LOGIN"
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE ROLE "{role}" {login} {_ATTRIBUTES}'))
        connection.execute(sa.text(f'ALTER ROLE "{role}" {login} {_ATTRIBUTES}'))
        if role in passwords:
            # A utility statement takes no bind parameters: quote the literal server-side.
            literal = connection.scalar(sa.text("SELECT quote_literal(:p)"), {"p": passwords[role]})
            connection.execute(sa.text(f'ALTER ROLE "{role}" PASSWORD {literal}'))
    # No one but the owners creates objects in public (PostgreSQL 15+ default, made sure).
    connection.execute(sa.text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))


def _own_schema(connection: sa.Connection, schema: str, owner: str) -> None:
    """The schema exists and it and everything in it belong to `owner`."""
    connection.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}" AUTHORIZATION "{owner}"'))
    connection.execute(sa.text(f'ALTER SCHEMA "{schema}" OWNER TO "{owner}"'))
    # Tables (with their indexes and owned sequences), views, sequences, then functions.
    relations = connection.execute(
        sa.text(
            "SELECT c.relkind, format('%I.%I', n.nspname, c.relname) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :s AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND pg_get_userbyid(c.relowner) <> :o "
            "AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid "
            "AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))"
        ),
        {"s": schema, "o": owner},
    ).all()
    kinds = {"v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE", "f": "FOREIGN TABLE"}
    for kind, name in relations:
        connection.execute(sa.text(f'ALTER {kinds.get(kind, "TABLE")} {name} OWNER TO "{owner}"'))
    functions = connection.scalars(
        sa.text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = :s AND pg_get_userbyid(p.proowner) <> :o"
        ),
        {"s": schema, "o": owner},
    ).all()
    for function in functions:
        connection.execute(sa.text(f'ALTER ROUTINE {function} OWNER TO "{owner}"'))


def _grant(connection: sa.Connection) -> None:
    documents = ", ".join(f'"{SERVICE_ROLES[s]}"' for s in DOCUMENT_USERS)
    connection.execute(sa.text(f"GRANT USAGE ON SCHEMA docstore TO {documents}"))
    # Documents are immutable versions: read and append, never change (the table's
    # triggers refuse UPDATE and DELETE for everyone, these roles never had the privilege).
    connection.execute(
        sa.text(f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA docstore TO {documents}")
    )
    connection.execute(
        sa.text(
            f'ALTER DEFAULT PRIVILEGES FOR ROLE "{DOCUMENTS_OWNER}" IN SCHEMA docstore '
            f"GRANT SELECT, INSERT ON TABLES TO {documents}"
        )
    )
    for schema, role in REVOKED:
        if connection.scalar(sa.text("SELECT to_regnamespace(:s)"), {"s": schema}):
            connection.execute(
                sa.text(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM "{role}"')
            )
            connection.execute(sa.text(f'REVOKE USAGE ON SCHEMA "{schema}" FROM "{role}"'))
    for privileges, table, role in GRANTS:
        if not connection.scalar(sa.text("SELECT to_regclass(:t)"), {"t": table}):
            log.warning("roles.grant_skipped", table=table, role=role, reason="no such table yet")
            continue
        schema = table.split(".", 1)[0]
        connection.execute(sa.text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        connection.execute(sa.text(f'GRANT {privileges} ON {table} TO "{role}"'))
    for table, policy, role, predicate in POLICIES:
        if not connection.scalar(sa.text("SELECT to_regclass(:t)"), {"t": table}):
            continue
        connection.execute(sa.text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        connection.execute(sa.text(f'DROP POLICY IF EXISTS "{policy}" ON {table}'))
        connection.execute(
            sa.text(
                f'CREATE POLICY "{policy}" ON {table} TO "{role}" '
                f"USING ({predicate}) WITH CHECK ({predicate})"
            )
        )
