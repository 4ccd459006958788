"""The database every service shares, provisioned for least privilege.

`provision_database(admin_url)` creates each service's PostgreSQL role and schema, migrates
every schema as its owner and grants what crosses schemas (`jobtrail.runtime.roles`).
`jobtrail dev` and the test system run it; a deployment runs it as its migration job:

    python -m jobtrail.cli.database postgresql+psycopg://admin:…@db:5432/jobtrail

with each role's password in `JOBTRAIL_DB_PASSWORD_<SERVICE>` (`JOBTRAIL_DB_PASSWORD_GATEWAY`,
`…_RESUME`, `…_JOBS`, `…_AI_WORKER`, `…_EXPORTER`, `…_NOTIFIER`, `…_AUDIT`) or in a file of
`role=password` lines named by `JOBTRAIL_ROLE_PASSWORDS_FILE`. A role without one keeps the
password it has (roles that authenticate otherwise, by certificate for instance, need none).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from jobtrail.ai_worker.ops import MIGRATIONS as AI_MIGRATIONS
from jobtrail.ai_worker.ops import SCHEMA as AI_SCHEMA
from jobtrail.docstore.postgres import DEFAULT_SCHEMA as DOCUMENTS_SCHEMA
from jobtrail.docstore.postgres import MIGRATIONS as DOCUMENTS_MIGRATIONS
from jobtrail.gateway.ops import MIGRATIONS as GATEWAY_MIGRATIONS
from jobtrail.gateway.ops import SCHEMA as GATEWAY_SCHEMA
from jobtrail.jobs.ops import MIGRATIONS as JOBS_MIGRATIONS
from jobtrail.jobs.ops import SCHEMA as JOBS_SCHEMA
from jobtrail.notifier.ops import MIGRATIONS as NOTIFIER_MIGRATIONS
from jobtrail.notifier.ops import SCHEMA as NOTIFIER_SCHEMA
from jobtrail.runtime.roles import SERVICE_ROLES, Migrations, provision, service_urls

# Order matters only for grants, which run after all of them.
MIGRATIONS = (
    Migrations(DOCUMENTS_SCHEMA, DOCUMENTS_MIGRATIONS),
    Migrations(GATEWAY_SCHEMA, GATEWAY_MIGRATIONS),
    Migrations(JOBS_SCHEMA, JOBS_MIGRATIONS),
    Migrations(AI_SCHEMA, AI_MIGRATIONS),
    Migrations(NOTIFIER_SCHEMA, NOTIFIER_MIGRATIONS),
)


def provision_database(admin_url: str, passwords: dict[str, str] | None = None) -> dict[str, str]:
    """Roles, schemas, migrations and grants; returns each service's URL (see SERVICE_ROLES)."""
    provision(admin_url, MIGRATIONS, passwords)
    return service_urls(admin_url, passwords)


def read_passwords(path: Path) -> dict[str, str]:
    """`role=password` lines; blank lines and # comments are ignored."""
    pairs = (line.split("=", 1) for line in path.read_text().splitlines())
    return {
        role.strip(): password.strip()
        for role, *rest in pairs
        for password in rest
        if role.strip() and not role.lstrip().startswith("#")
    }


def passwords_from_env(environ: dict[str, str]) -> dict[str, str]:
    """Role passwords from JOBTRAIL_DB_PASSWORD_<SERVICE>, then JOBTRAIL_ROLE_PASSWORDS_FILE."""
    file = environ.get("JOBTRAIL_ROLE_PASSWORDS_FILE")
    passwords = read_passwords(Path(file)) if file else {}
    for service, role in SERVICE_ROLES.items():
        if value := environ.get(f"JOBTRAIL_DB_PASSWORD_{service.upper()}"):
            passwords[role] = value
    return passwords


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m jobtrail.cli.database ADMIN_DATABASE_URL", file=sys.stderr)
        return 2
    provision_database(argv[0], passwords_from_env(dict(os.environ)) or None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
