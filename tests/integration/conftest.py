"""Integration tests run the real services on the embedded servers."""

from collections.abc import AsyncIterator

import pytest

from jobtrail.stack import StackEndpoints
from tests.support.system import System, running_system


@pytest.fixture(scope="session")
async def system(stack: StackEndpoints) -> AsyncIterator[System]:
    async with running_system(stack) as running:
        yield running


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.path):
            item.add_marker(pytest.mark.integration)
