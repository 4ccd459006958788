"""Pytest fixture `stack`: one embedded stack per test session, started on first use."""

from collections.abc import Iterator

import pytest
from jobtrail.stack.config import StackConfig
from jobtrail.stack.embedded import EmbeddedStack
from jobtrail.stack.endpoints import StackEndpoints


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackEndpoints]:
    """A fresh NATS, PostgreSQL and S3 on free ports, stopped when the session ends."""
    config = StackConfig.with_free_ports(tmp_path_factory.mktemp("stack"))
    with EmbeddedStack(config) as endpoints:
        yield endpoints
