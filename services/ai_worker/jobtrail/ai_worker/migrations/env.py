"""Alembic environment of the ai-worker (schema `ai`): the shared runner does the work."""

from jobtrail.runtime.migrations import run_env

run_env()
