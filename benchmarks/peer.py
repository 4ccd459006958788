"""The `eventsourcing` library with its PostgreSQL recorder: the peer of append and replay.

Its events carry the same fields and data as our envelopes, so rows and messages are of the
same size. Installed by the `bench` dependency group only; figures say so when it is missing.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec

PEER = "eventsourcing"
MISSING = (
    "peer not installed here: `uv sync --group bench` (or `uv run --group bench python -m "
    "benchmarks`) installs eventsourcing[postgres]"
)


def installed() -> bool:
    """Import the peer now if it is there: a concurrent `uv sync` may remove it mid-run."""
    if find_spec(PEER) is None or find_spec("psycopg_pool") is None:
        return False
    import_module("benchmarks.eventsourcing_app")
    return True


def peer_version() -> str | None:
    try:
        return version(PEER)
    except PackageNotFoundError:
        return None
