"""An ASGI app served by real uvicorn on a loopback port, in a thread with its own loop:
what clients meet over real TCP (keep-alive, framing), unlike an in-process transport."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from jobtrail.gateway.api.app import create_app
from jobtrail.gateway.settings import GatewaySettings
from jobtrail.stack import StackEndpoints
from tests.support.system import ADMIN_EMAIL, PASSWORD, connection_settings

STARTUP_SECONDS = 60.0


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve `app` (lifespan included) until the block ends; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped while starting: see the log above"
        assert time.monotonic() < deadline, "uvicorn did not start in time"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()


@contextmanager
def served_gateway(stack: StackEndpoints, **gateway: Any) -> Iterator[str]:
    """The gateway with its projectors on the embedded stack, over real HTTP."""
    settings = GatewaySettings(
        **{"max_upload_bytes": 2 * 1024 * 1024, "admin_emails": (ADMIN_EMAIL,),
           # one address sends every request here; test_rate_limits.py tests the limits
           "rate_limit_per_user": 0, "rate_limit_per_address": 0,
           **connection_settings(stack), **gateway}
    )  # fmt: skip
    with serving(create_app(settings)) as url:
        yield url


def logged_in(base_url: str, name: str = "Hostile") -> dict[str, str]:
    """Register a new user on a served gateway; its Authorization header."""
    email = f"{name.lower()}-{time.time_ns()}@example.com"
    with httpx.Client(base_url=base_url, timeout=30) as client:
        registered = client.post(
            "/auth/register", json={"email": email, "password": PASSWORD, "display_name": name}
        )
        assert registered.status_code == 201, registered.text
        tokens = client.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
    return {"authorization": f"Bearer {tokens.json()['access_token']}"}
