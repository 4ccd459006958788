"""Alembic environment of the notifier (schema `notifier`): the shared runner does the work."""

from jobtrail.runtime.migrations import run_env

run_env()
