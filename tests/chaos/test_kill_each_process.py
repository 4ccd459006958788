"""`kill -9` of every service and every server mid-flow: each is restarted, and every upload,
export and AI job the API accepted reaches its terminal state exactly once.

One kill per process here (`make test`); `make chaos` runs the long version.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import pytest

from jobtrail.stack.pytest_plugin import server_data_dir
from tests.chaos.driver import TARGETS, Rig, Workload

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

USERS = 2


@pytest.fixture(scope="module")
def rig() -> Iterator[Rig]:
    with server_data_dir() as data_dir:
        running = Rig(data_dir)
        running.start()
        try:
            yield running
        finally:
            running.stop()


async def test_each_process_killed_mid_flow_is_restarted_and_no_work_is_lost_or_doubled(
    rig: Rig,
) -> None:
    assert rig.endpoints is not None
    async with Workload(rig.gateway_url) as work:
        await work.setup(users=USERS)
        for target in TARGETS:
            in_flight = asyncio.create_task(work.round())
            await asyncio.sleep(0.2)  # requests and consumers are mid-way when the kill lands
            await asyncio.to_thread(rig.kill, target)
            await in_flight
        await work.round()  # after every fault the system still takes work
        report = await work.report(rig.endpoints.nats_url, rig.faults)
    print(report.render())

    assert report.faults == Counter(dict.fromkeys(TARGETS, 1))
    assert all(rig.restarts(target) >= 1 for target in TARGETS)
    rounds = len(TARGETS) + 1
    assert report.accepted == Counter(
        upload=USERS * rounds, export=USERS * rounds, ai_job=USERS * rounds
    )
    assert report.lost == [], report.render() + "\n" + rig.log_tail()
    assert report.duplicated == [], report.render()
    assert report.completed == report.accepted
