"""An outage is answered 503 with Retry-After, never a 500 or a hang: a frozen NATS while the
gateway loads an aggregate, a frozen PostgreSQL under a read, and a PostgreSQL that is gone.
The gateway is served over real HTTP on a stack of its own, so freezing its servers leaves
every other test alone."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from jobtrail.stack.embedded import EmbeddedStack
from tests.support.served import logged_in, served_gateway

RECOVERY_SECONDS = 60.0
READ_DEADLINE_SECONDS = 3.0


@pytest.fixture(scope="module")
def client(own_stack: EmbeddedStack) -> Iterator[httpx.Client]:
    endpoints = own_stack.start()  # already started: its endpoints
    with served_gateway(endpoints, read_deadline_seconds=READ_DEADLINE_SECONDS) as url:
        api = httpx.Client(base_url=url, headers=logged_in(url), timeout=60)
        with api:
            yield api


def pid_of(stack: EmbeddedStack, name: str) -> int:
    [server] = [s for s in stack.servers if s.name == name]
    assert server.pid is not None, f"the embedded {name} is not running"
    return server.pid


def assert_outage(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["code"] == "unavailable"


def test_a_frozen_event_log_while_loading_an_aggregate_is_503_and_passes(
    own_stack: EmbeddedStack, client: httpx.Client
) -> None:
    nats = pid_of(own_stack, "nats")
    os.kill(nats, signal.SIGSTOP)
    try:
        assert_outage(client.put("/users/me", json={"display_name": "Frozen"}))
    finally:
        os.kill(nats, signal.SIGCONT)
    deadline = time.monotonic() + RECOVERY_SECONDS
    while (answer := client.put("/users/me", json={"display_name": "Thawed"})).status_code != 200:
        assert answer.status_code == 503, answer.text  # waiting out the reconnect, never a 500
        assert time.monotonic() < deadline, "the gateway did not recover from the freeze"
        time.sleep(0.5)
    assert answer.json()["display_name"] == "Thawed"


def postgres_pids(stack: EmbeddedStack) -> list[int]:
    """The postmaster and every process it forked (each connection has its own)."""
    postmaster = pid_of(stack, "postgres")
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
    return [postmaster, *(int(pid) for pid in children)]


def test_a_read_from_a_frozen_database_is_503_and_passes(
    own_stack: EmbeddedStack, client: httpx.Client
) -> None:
    assert client.get("/users/me").status_code == 200  # the pool holds a live connection
    frozen = postgres_pids(own_stack)
    for pid in frozen:
        os.kill(pid, signal.SIGSTOP)
    try:
        assert_outage(client.get("/users/me"))  # answered at the deadline, not never
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
    deadline = time.monotonic() + RECOVERY_SECONDS
    while (answer := client.get("/users/me")).status_code != 200:
        assert answer.status_code == 503, answer.text
        assert time.monotonic() < deadline, "the gateway did not recover from the freeze"
        time.sleep(0.5)


def test_a_database_that_is_gone_is_503(own_stack: EmbeddedStack, client: httpx.Client) -> None:
    # Last in this module: the stack is torn down after it. SIGINT is a fast shutdown.
    os.kill(pid_of(own_stack, "postgres"), signal.SIGINT)
    deadline = time.monotonic() + RECOVERY_SECONDS
    while (answer := client.get("/users/me")).status_code == 200:
        assert time.monotonic() < deadline, "PostgreSQL did not stop"
        time.sleep(0.2)
    assert_outage(answer)
    assert_outage(client.get("/jobs"))
