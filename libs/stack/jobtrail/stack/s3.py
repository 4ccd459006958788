"""S3 from SeaweedFS in one process (`weed mini`), objects kept in the stack's data folder."""

import os
from pathlib import Path

from jobtrail.stack.binaries import venv_binary
from jobtrail.stack.config import StackConfig
from jobtrail.stack.probes import http_status
from jobtrail.stack.process import RunsOneProcess, ServerLog, ServerProcess

# Linux refuses Unix socket paths longer than this (sun_path is 108 bytes with its NUL).
_MAX_SOCKET_PATH = 107


class S3Server(RunsOneProcess):
    """SeaweedFS master, volume, filer and S3 gateway started together by `weed mini`."""

    name = "s3"

    def __init__(self, config: StackConfig) -> None:
        self._config = config
        log = ServerLog(config.data_dir / "logs" / "s3.log")
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": config.s3_access_key,
            "AWS_SECRET_ACCESS_KEY": config.s3_secret_key,
        }
        self._process = ServerProcess("S3", self._argv(), log, env=env, cwd=self._store)

    @property
    def endpoint(self) -> str:
        """host:port of the S3 API, as S3 clients such as minio take it."""
        return f"{self._config.host}:{self._config.s3_port}"

    @property
    def _store(self) -> Path:
        """Folder holding volumes, filer metadata and master state."""
        return self._config.data_dir / "s3"

    @property
    def _sockets(self) -> Path:
        """Folder for the Unix sockets weed would otherwise leave in /tmp."""
        return self._config.data_dir / "run" / "s3"

    def start(self) -> None:
        """Start weed mini and wait until the S3 gateway reports healthy."""
        self._store.mkdir(parents=True, exist_ok=True)
        self._sockets.mkdir(parents=True, exist_ok=True)
        # A weed killed with SIGKILL leaves its sockets behind; the next one could not bind.
        self._remove_stray_sockets()
        self._process.start(self._healthy)

    def stop(self) -> None:
        """Stop every SeaweedFS component (takes about a second)."""
        self._process.stop()
        self._remove_stray_sockets()

    def _argv(self) -> list[str]:
        """The weed command line; every port is explicit so several stacks can run at once."""
        config = self._config
        ports = {
            "master.port": config.weed_master_port,
            "master.port.grpc": config.weed_master_grpc_port,
            "volume.port": config.weed_volume_port,
            "volume.port.grpc": config.weed_volume_grpc_port,
            "filer.port": config.weed_filer_port,
            "filer.port.grpc": config.weed_filer_grpc_port,
            "s3.port": config.s3_port,
            "s3.port.grpc": config.weed_s3_grpc_port,
            "s3.port.iceberg": config.weed_iceberg_port,
            "s3.port.lance": config.weed_lance_port,
            "admin.port": config.weed_admin_port,
            "admin.port.grpc": config.weed_admin_grpc_port,
        }
        return [
            # -logtostderr keeps weed's glog files out of /tmp; stderr goes to our log.
            *(str(venv_binary("weed")), "-logtostderr", "mini"),
            *(f"-dir={self._store}", f"-ip={config.host}", f"-ip.bind={config.host}"),
            *(f"-{flag}={port}" for flag, port in ports.items()),
            *("-webdav=false", "-admin.ui=false", "-master.telemetry=false"),
            # One volume server has no peer to hand traffic to while it drains: skip the wait.
            "-volume.preStopSeconds=0",
            *self._socket_flags(),
        ]

    def _socket_flags(self) -> list[str]:
        """Put weed's local sockets in the data folder when the path is short enough."""
        filer, s3 = self._sockets / "filer.sock", self._sockets / "s3.sock"
        if len(str(filer)) > _MAX_SOCKET_PATH:
            return []  # weed's default, /tmp/seaweedfs-*-<port>.sock, still works
        return [f"-filer.localSocket={filer}", f"-s3.localSocket={s3}"]

    def _remove_stray_sockets(self) -> None:
        """Delete the sockets weed always creates (in /tmp and ours) and does not always remove."""
        config = self._config
        for leftover in self._sockets.glob("*.sock"):
            leftover.unlink(missing_ok=True)
        for component, port in (
            ("master", config.weed_master_grpc_port),
            ("volume", config.weed_volume_grpc_port),
            ("filer", config.weed_filer_grpc_port),
            ("s3", config.weed_s3_grpc_port),
            ("admin", config.weed_admin_grpc_port),
        ):
            path = Path(f"/tmp/seaweedfs-{component}-grpc-{port}.sock")  # noqa: S108 - weed's
            if path.is_socket():
                path.unlink(missing_ok=True)

    def _healthy(self) -> bool:
        """Whether the S3 gateway's health endpoint answers 200 (it then serves requests)."""
        return http_status(f"http://{self.endpoint}/healthz") == 200
