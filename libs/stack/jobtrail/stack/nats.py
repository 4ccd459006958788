"""NATS with JetStream, its streams kept in the stack's data folder."""

import json

from jobtrail.stack.binaries import venv_binary
from jobtrail.stack.config import StackConfig
from jobtrail.stack.probes import http_json, http_status
from jobtrail.stack.process import RunsOneProcess, ServerLog, ServerProcess

SERVER_NAME = "jobtrail"


class NatsServer(RunsOneProcess):
    """One standalone nats-server with JetStream enabled."""

    name = "nats"

    def __init__(self, config: StackConfig) -> None:
        self._config = config
        self._config_file = config.data_dir / "run" / "nats.conf"
        log = ServerLog(config.data_dir / "logs" / "nats.log")
        self._process = ServerProcess("NATS", self._argv(), log, cwd=config.data_dir)

    @property
    def url(self) -> str:
        """Client URL."""
        return f"nats://{self._config.host}:{self._config.nats_port}"

    @property
    def monitor_url(self) -> str:
        """Base URL of the HTTP monitoring endpoints (/healthz, /varz, /jsz)."""
        return f"http://{self._config.host}:{self._config.nats_monitor_port}"

    def start(self) -> None:
        """Start the server and wait until JetStream is enabled."""
        (self._config.data_dir / "nats").mkdir(parents=True, exist_ok=True)
        if self._config.jetstream_sync_interval is not None:
            self._write_config_file(self._config.jetstream_sync_interval)
        self._process.start(self._jetstream_healthy)

    def stop(self) -> None:
        """Stop the server; JetStream flushes its file store on SIGTERM."""
        self._process.stop()

    def durability(self) -> str:
        """The JetStream sync setting in force, as the server reports it."""
        jetstream = http_json(f"{self.monitor_url}/varz")["jetstream"]["config"]
        if jetstream.get("sync_always"):
            return "nats sync=always"
        interval = _go_duration(int(jetstream["sync_interval"]))
        default = " (server default)" if self._config.jetstream_sync_interval is None else ""
        return f"nats sync_interval={interval}{default}"

    def _argv(self) -> list[str]:
        """The nats-server command line."""
        config = self._config
        argv = [
            str(venv_binary("nats-server")),
            *("-js", "-a", config.host, "-p", str(config.nats_port)),
            *("-m", str(config.nats_monitor_port), "-sd", str(config.data_dir / "nats")),
            *("-n", SERVER_NAME),
        ]
        if config.jetstream_sync_interval is not None:
            # nats-server has no flag for sync_interval; flags still win over the file.
            argv += ["-c", str(self._config_file)]
        return argv

    def _write_config_file(self, sync_interval: str) -> None:
        """Write the JetStream block that carries sync_interval ("always" or a duration)."""
        self._config_file.parent.mkdir(parents=True, exist_ok=True)
        self._config_file.write_text(
            f"jetstream {{\n  sync_interval: {json.dumps(sync_interval)}\n}}\n"
        )

    def _jetstream_healthy(self) -> bool:
        """Whether the monitoring endpoint reports JetStream as up."""
        url = f"{self.monitor_url}/healthz?js-enabled-only=true"
        return http_status(url) == 200


def _go_duration(nanoseconds: int) -> str:
    """Render a duration the way nats-server configuration writes it (2m, 1s, 500ms)."""
    for unit, size in (("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000)):
        if nanoseconds >= size and nanoseconds % size == 0:
            return f"{nanoseconds // size}{unit}"
    return f"{nanoseconds / 1_000_000:g}ms"
