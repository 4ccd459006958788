"""Alembic environment of the jobs service: the shared runner does the work."""

from jobtrail.runtime.migrations import run_env

run_env()
