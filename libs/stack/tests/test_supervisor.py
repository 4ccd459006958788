"""The supervisor starts services, waits for their health checks and stops them."""

import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from functools import partial

import psycopg
import pytest

from jobtrail.stack import EmbeddedStack, StackConfig, StackEndpoints
from jobtrail.stack.embedded import Server
from jobtrail.stack.ports import free_ports
from jobtrail.stack.probes import http_status
from jobtrail.stack.pytest_plugin import server_data_dir
from jobtrail.stack.supervisor import (
    Backoff,
    ChildExit,
    ProcessSpec,
    Restart,
    Supervisor,
    SupervisorError,
    serve_until_stopped,
)

pytestmark = pytest.mark.integration

QUICK = Backoff(initial=0.05, factor=2, cap=0.2, reset_after=30)

# A service whose /healthz answers with the status given on its command line.
HEALTH_SERVER = """
import http.server, sys
port, status = int(sys.argv[1]), int(sys.argv[2])

class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(status if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass

print(f"listening on {port}")
http.server.HTTPServer(("127.0.0.1", port), Health).serve_forever()
"""


def a_service(name: str, status: int = 200) -> ProcessSpec:
    """A tiny HTTP service whose health check answers `status`."""
    (port,) = free_ports("127.0.0.1", 1)
    return ProcessSpec(
        name=name,
        argv=[sys.executable, "-c", HEALTH_SERVER, str(port), str(status)],
        health_url=f"http://127.0.0.1:{port}/healthz",
    )


def a_short_lived_service(name: str, code: int) -> ProcessSpec:
    """A service that prints a line and exits with `code`, without a health check."""
    script = f"import sys, time; print('giving up'); time.sleep(0.3); sys.exit({code})"
    return ProcessSpec(name=name, argv=[sys.executable, "-c", script])


def test_run_returns_once_every_service_is_healthy() -> None:
    output = io.StringIO()
    supervisor = Supervisor(output)
    supervisor.run([a_service("api"), a_service("worker")])
    supervisor.stop()
    lines = output.getvalue().splitlines()
    assert any(line.startswith("api    | listening on") for line in lines)
    assert any(line.startswith("worker | listening on") for line in lines)
    assert supervisor.unexpected_exits == []


def test_an_unhealthy_service_is_named_with_its_output() -> None:
    supervisor = Supervisor(io.StringIO(), health_timeout=2)
    with pytest.raises(SupervisorError, match="not healthy after 2 s: sick") as failure:
        supervisor.run([a_service("fine"), a_service("sick", status=503)])
    assert "HTTP 503" in str(failure.value)
    assert "listening on" in str(failure.value)


def test_a_service_that_dies_while_starting_is_named() -> None:
    spec = ProcessSpec(
        "broken", [sys.executable, "-c", "print('no config'); exit(2)"], {}, "http://127.0.0.1:9/"
    )
    with pytest.raises(SupervisorError, match="broken exited with code 2") as failure:
        Supervisor(io.StringIO()).run([spec])
    assert "no config" in str(failure.value)


def test_a_crashed_service_is_restarted_with_backoff_and_serving_goes_on() -> None:
    output = io.StringIO()
    restarts: list[Restart] = []
    supervisor = Supervisor(output, backoff=QUICK, on_restart=restarts.append)
    supervisor.run([a_service("api"), a_short_lived_service("worker", code=3)])
    threading.Timer(2.0, os.kill, (os.getpid(), signal.SIGTERM)).start()
    assert serve_until_stopped(supervisor) == 0
    assert supervisor.restart_counts.get("worker", 0) >= 2
    assert "api" not in supervisor.restart_counts
    assert ChildExit("worker", 3) in supervisor.unexpected_exits
    worker = [r for r in restarts if r.name == "worker"]
    assert [r.attempt for r in worker[:3]] == [1, 2, 3]
    assert [r.delay for r in worker[:3]] == [0.05, 0.1, 0.2]
    assert "worker | exited (code 3); restart 1 in 0.05 s" in output.getvalue()


def test_a_service_killed_with_sigkill_comes_back_healthy_on_its_port() -> None:
    supervisor = Supervisor(io.StringIO(), backoff=QUICK)
    service = a_service("api")
    supervisor.run([service])
    try:
        first = supervisor.pid("api")
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert eventually(lambda: supervisor.restart_counts.get("api") == 1)
        assert service.health_url is not None
        assert eventually(lambda: http_status(service.health_url or "") == 200)
        assert supervisor.pid("api") not in (None, first)
        assert supervisor.unexpected_exits == [ChildExit("api", -signal.SIGKILL)]
    finally:
        supervisor.stop()


def test_backoff_doubles_up_to_its_cap() -> None:
    backoff = Backoff(initial=0.5, factor=2, cap=3)
    assert [backoff.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_a_service_up_for_reset_after_starts_again_from_the_first_delay() -> None:
    restarts: list[Restart] = []
    backoff = Backoff(initial=0.05, cap=1.0, reset_after=0.2)
    supervisor = Supervisor(io.StringIO(), backoff=backoff, on_restart=restarts.append)
    # Lives 0.3 s each time: longer than reset_after, so every crash is a first crash.
    supervisor.run([a_short_lived_service("worker", code=1)])
    try:
        assert eventually(lambda: len(restarts) >= 3)
    finally:
        supervisor.stop()
    assert {r.attempt for r in restarts} == {1}


def test_killed_servers_are_restarted_on_their_ports_with_their_data() -> None:
    with server_data_dir() as data_dir:
        restart_each_killed_server(EmbeddedStack(StackConfig.with_free_ports(data_dir)))


def restart_each_killed_server(stack: EmbeddedStack) -> None:
    endpoints = stack.start()
    supervisor = Supervisor(io.StringIO(), backoff=QUICK)
    try:
        supervisor.run([], servers=stack.servers)
        keep_a_row(endpoints)
        for server in stack.servers:
            pid = server.pid
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            assert eventually(partial(restarted_once, supervisor, server.name), 60)
            assert eventually(partial(running_anew, server, pid), 60)
        assert {e.name for e in supervisor.unexpected_exits} == {"nats", "postgres", "s3", "smtp"}
        assert eventually(lambda: http_status(f"http://{endpoints.s3_endpoint}/healthz") == 200)
        assert read_the_row(endpoints) == ("kept",)
    finally:
        supervisor.stop()
        stack.stop()


def restarted_once(supervisor: Supervisor, name: str) -> bool:
    return supervisor.restart_counts.get(name) == 1


def running_anew(server: Server, old_pid: int) -> bool:
    return server.running() and server.pid != old_pid


def keep_a_row(endpoints: StackEndpoints) -> None:
    with psycopg.connect(libpq(endpoints), autocommit=True) as connection:
        connection.execute("create table survivor (note text)")
        connection.execute("insert into survivor values ('kept')")


def read_the_row(endpoints: StackEndpoints) -> tuple[str, ...] | None:
    def attempt() -> bool:
        try:
            with psycopg.connect(libpq(endpoints), autocommit=True, connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    assert eventually(attempt, 60)
    with psycopg.connect(libpq(endpoints), autocommit=True) as connection:
        return connection.execute("select note from survivor").fetchone()


def libpq(endpoints: StackEndpoints) -> str:
    return endpoints.database_url.replace("postgresql+psycopg://", "postgresql://")


def eventually(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll `condition` until it holds or `timeout` s pass (a generous wait, not a threshold)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_sigterm_stops_the_services_cleanly() -> None:
    supervisor = Supervisor(io.StringIO())
    supervisor.run([a_service("api")])
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
    assert serve_until_stopped(supervisor) == 0
    assert supervisor.unexpected_exits == []
