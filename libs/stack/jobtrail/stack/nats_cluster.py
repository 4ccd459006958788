"""A JetStream cluster of nats-server processes on loopback, for tests of replicated streams.

    with NatsCluster(data_dir, size=3) as cluster:
        nc = await nats.connect(cluster.urls[0])   # learns the other nodes from the server
        cluster.kill(0)                            # SIGKILL node 0; cluster.start_node(0) again

Each node has its own client, route and monitoring port and its own store folder; every
node lists every route (a server skips the one to itself), as deploy/nats/cluster does.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from jobtrail.stack.binaries import venv_binary
from jobtrail.stack.embedded import _in_parallel
from jobtrail.stack.errors import StackError
from jobtrail.stack.ports import free_ports
from jobtrail.stack.probes import http_json, http_status
from jobtrail.stack.process import ServerLog, ServerProcess

CLUSTER_NAME = "jobtrail"


class NatsNode:
    """One member of the cluster: a nats-server with its ports, config file and store."""

    def __init__(self, index: int, data_dir: Path, host: str, ports: tuple[int, int, int]) -> None:
        self.name = f"nats-{index + 1}"
        self.host = host
        self.client_port, self.route_port, self.monitor_port = ports
        self.store = data_dir / self.name
        self.config_file = data_dir / f"{self.name}.conf"
        log = ServerLog(data_dir / "logs" / f"{self.name}.log")
        argv = [str(venv_binary("nats-server")), "-c", str(self.config_file)]
        self.process = ServerProcess(f"NATS {self.name}", argv, log, cwd=data_dir)

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.client_port}"

    @property
    def monitor_url(self) -> str:
        return f"http://{self.host}:{self.monitor_port}"

    def write_config(self, routes: list[str]) -> None:
        """The node's configuration, in the shape of deploy/nats/cluster/nats-N.conf."""
        self.store.mkdir(parents=True, exist_ok=True)
        route_list = "\n    ".join(json.dumps(route) for route in routes)
        self.config_file.write_text(
            f"server_name: {json.dumps(self.name)}\n"
            f"listen: {json.dumps(f'{self.host}:{self.client_port}')}\n"
            f"http: {json.dumps(f'{self.host}:{self.monitor_port}')}\n"
            "max_payload: 1MB\n"
            f"jetstream {{\n  store_dir: {json.dumps(str(self.store))}\n}}\n"
            "cluster {\n"
            f"  name: {CLUSTER_NAME}\n"
            f"  listen: {json.dumps(f'{self.host}:{self.route_port}')}\n"
            f"  routes: [\n    {route_list}\n  ]\n"
            "}\n"
        )

    def start(self) -> None:
        self.process.start(self._up)

    def _up(self) -> bool:
        return http_status(f"{self.monitor_url}/healthz?js-enabled-only=true") == 200


class NatsCluster:
    """`size` nats-server processes forming one JetStream cluster on free loopback ports."""

    def __init__(self, data_dir: Path, size: int = 3, host: str = "127.0.0.1") -> None:
        self.data_dir = Path(data_dir).absolute()
        ports = free_ports(host, 3 * size)
        self.nodes = [
            NatsNode(i, self.data_dir, host, (ports[3 * i], ports[3 * i + 1], ports[3 * i + 2]))
            for i in range(size)
        ]

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    def start(self, timeout: float = 60.0) -> None:
        """Start every node together and wait until the cluster has a JetStream meta leader."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        routes = [f"nats-route://{n.host}:{n.route_port}" for n in self.nodes]
        for node in self.nodes:
            node.write_config(routes)
        try:
            # A new cluster elects its first meta leader only once every node has met.
            _in_parallel([node.start for node in self.nodes])
            self.wait_for_meta_leader(timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        _in_parallel([node.process.stop for node in self.nodes])

    def kill(self, index: int) -> None:
        """SIGKILL one node: no flush, no goodbye to its peers."""
        pid = self.nodes[index].process.pid
        if pid is None:
            raise StackError(f"{self.nodes[index].name} is not running")
        os.kill(pid, signal.SIGKILL)
        self.nodes[index].process.running()  # reap it

    def start_node(self, index: int) -> None:
        """Start a node again on its ports and store (it catches up from its peers)."""
        self.nodes[index].start()

    def meta(self, index: int) -> dict[str, Any]:
        """The JetStream meta cluster as node `index` sees it (leader, size, replicas)."""
        jsz: dict[str, Any] = http_json(f"{self.nodes[index].monitor_url}/jsz")
        return dict(jsz.get("meta_cluster") or {})

    def wait_for_meta_leader(self, timeout: float = 60.0) -> None:
        """Wait until every running node knows the same meta leader."""
        deadline = time.monotonic() + timeout
        while True:
            leaders = {self._leader(i) for i, n in enumerate(self.nodes) if n.process.running()}
            if len(leaders) == 1 and None not in leaders:
                return
            if time.monotonic() > deadline:
                raise StackError(f"the NATS cluster elected no meta leader in {timeout:g} s")
            time.sleep(0.1)

    def _leader(self, index: int) -> str | None:
        try:
            leader = self.meta(index).get("leader")
        except OSError:
            return None
        return str(leader) if leader else None

    def __enter__(self) -> NatsCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
