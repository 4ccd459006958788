"""Integration tests run the real services on the embedded servers."""

from collections.abc import AsyncIterator, Iterator

import pytest

from jobtrail.stack import StackEndpoints
from jobtrail.stack.config import StackConfig
from jobtrail.stack.embedded import EmbeddedStack
from jobtrail.stack.pytest_plugin import server_data_dir
from tests.support.system import System, running_system


@pytest.fixture(scope="session")
async def system(stack: StackEndpoints) -> AsyncIterator[System]:
    async with running_system(stack) as running:
        yield running


@pytest.fixture(scope="module")
def own_stack() -> Iterator[EmbeddedStack]:
    """A stack for one test module alone: freezing or stopping its servers (outage tests)
    leaves every other test's alone."""
    with server_data_dir() as data_dir:
        stack = EmbeddedStack(StackConfig.with_free_ports(data_dir))
        stack.start()
        try:
            yield stack
        finally:
            stack.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.path):
            item.add_marker(pytest.mark.integration)
