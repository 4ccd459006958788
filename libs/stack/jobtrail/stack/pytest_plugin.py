"""Pytest fixture `stack`: one embedded stack per test session, started on first use."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobtrail.stack.config import StackConfig
from jobtrail.stack.embedded import EmbeddedStack
from jobtrail.stack.endpoints import StackEndpoints


@pytest.fixture(scope="session")
def stack() -> Iterator[StackEndpoints]:
    """A fresh NATS, PostgreSQL, S3 and SMTP sink on free ports, stopped when the session ends."""
    # Not under pytest's tmp root: every pytest session resets that to 0700, which would cut
    # the unprivileged PostgreSQL user off from its data while another session runs.
    with (
        server_data_dir() as data_dir,
        EmbeddedStack(StackConfig.with_free_ports(data_dir)) as endpoints,
    ):
        yield endpoints


class server_data_dir:  # noqa: N801 - used like a function
    """A temporary folder for server data, outside pytest's tmp root; removed afterwards."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="jobtrail-stack-"))
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
