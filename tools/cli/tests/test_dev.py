"""`jobtrail dev` (what `make run` runs): everything up and healthy, then a clean Ctrl-C."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from jobtrail.stack import StackConfig
from jobtrail.stack.config import env_var
from jobtrail.stack.ports import free_ports
from jobtrail.stack.pytest_plugin import server_data_dir

pytestmark = pytest.mark.integration

SERVICES = ("GATEWAY", "RESUME", "JOBS", "AI_WORKER", "EXPORTER")


def dev_environment(data_dir: Path) -> tuple[dict[str, str], dict[str, int]]:
    config = StackConfig.with_free_ports(data_dir)
    env = {**os.environ}
    for field in dataclasses.fields(config):
        if field.name.endswith("_port"):
            env[env_var(field.name)] = str(getattr(config, field.name))
    ports = dict(zip(SERVICES, free_ports("127.0.0.1", len(SERVICES)), strict=True))
    env.update({f"{name}_HTTP_PORT": str(port) for name, port in ports.items()})
    return env, ports


def get_json(url: str) -> tuple[int, dict[str, object]]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.status, json.loads(response.read())


def test_dev_starts_every_service_healthy_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env, ports = dev_environment(tmp_path / "stack-ports")
    with server_data_dir() as data_dir:
        run_dev_until_healthy_then_interrupt(env, ports, data_dir)


def run_dev_until_healthy_then_interrupt(
    env: dict[str, str], ports: dict[str, int], data_dir: Path
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "jobtrail.cli.main", "dev", "--data-dir", str(data_dir)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    output: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        for line in process.stdout:
            output.append(line)
            if "Jobtrail is up" in line or time.monotonic() > deadline:
                break
        assert any("Jobtrail is up" in line for line in output), "".join(output[-40:])
        for name, port in ports.items():
            status, body = get_json(f"http://127.0.0.1:{port}/readyz")
            assert status == 200, (name, body)
            assert set(body["checks"].values()) == {"ok"}, (name, body)  # type: ignore[union-attr]
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        output.append(rest)
    assert process.returncode == 0, "".join(output[-40:])
    for port in ports.values():
        with pytest.raises(OSError, match=r"refused|Connection"):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)


def test_dev_names_a_busy_port(tmp_path: Path) -> None:
    env, ports = dev_environment(tmp_path / "stack-ports")
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", ports["GATEWAY"]))
        holder.listen()
        result = subprocess.run(
            [sys.executable, "-m", "jobtrail.cli.main", "dev", "--data-dir", str(tmp_path / "d")],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert result.returncode == 2
    assert f"port {ports['GATEWAY']}" in result.stderr
    assert "GATEWAY_HTTP_PORT" in result.stderr
