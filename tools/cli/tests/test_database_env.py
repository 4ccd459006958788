"""`jobtrail dev` gives each service its own PostgreSQL role, never the admin's URL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from jobtrail.cli.dev import SERVICES, database_env
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.runtime.roles import service_urls

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/jobtrail"


def test_each_service_reads_its_own_role_from_the_dev_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = database_env(service_urls(ADMIN))
    monkeypatch.setenv("JOBTRAIL_DATABASE_URL", ADMIN)  # the admin fallback is overridden
    monkeypatch.setenv("GATEWAY_JWT_SECRET", "x" * 64)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    users = {s.name: sa.make_url(s.settings().database_url).username for s in SERVICES}
    assert users == {
        "gateway": "jobtrail_gateway",
        "resume": "jobtrail_resume",
        "jobs": "jobtrail_jobs",
        "ai-worker": "jobtrail_ai_worker",
        "exporter": "jobtrail_exporter",
        "notifier": "jobtrail_notifier",
    }
    audit = sa.make_url(GatewaySettings().audit_database_url)
    assert (audit.username, audit.host, audit.port) == ("jobtrail_audit", "127.0.0.1", 5432)
