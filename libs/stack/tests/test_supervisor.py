"""The supervisor starts services, waits for their health checks and stops them."""

import io
import os
import signal
import sys
import threading

import pytest

from jobtrail.stack.ports import free_ports
from jobtrail.stack.supervisor import (
    ChildExit,
    ProcessSpec,
    Supervisor,
    SupervisorError,
    serve_until_stopped,
)

pytestmark = pytest.mark.integration

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


def test_an_unexpected_exit_is_reported_and_ends_serving() -> None:
    output = io.StringIO()
    supervisor = Supervisor(output)
    service = a_service("api")
    supervisor.run([service, a_short_lived_service("worker", code=3)])
    assert serve_until_stopped(supervisor) == 1
    assert supervisor.unexpected_exits == [ChildExit("worker", 3)]
    assert "worker | exited unexpectedly with code 3" in output.getvalue()


def test_sigterm_stops_the_services_cleanly() -> None:
    supervisor = Supervisor(io.StringIO())
    supervisor.run([a_service("api")])
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
    assert serve_until_stopped(supervisor) == 0
    assert supervisor.unexpected_exits == []
