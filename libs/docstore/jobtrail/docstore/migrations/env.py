"""Alembic environment of the document store: the shared runner does the work."""

from jobtrail.runtime.migrations import run_env

run_env()
