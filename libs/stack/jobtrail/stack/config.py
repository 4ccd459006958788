"""Settings of the embedded stack: data folder, ports and credentials."""

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from jobtrail.stack.errors import StackError
from jobtrail.stack.ports import PortClaim, free_ports

_ENV_PREFIX = "JOBTRAIL_"


def _port(default: int, label: str) -> Any:
    """Declare a port field; its label names the server in 'port in use' errors."""
    return field(default=default, metadata={"label": label})


@dataclass(frozen=True)
class StackConfig:
    """Where the embedded servers keep their data and which ports they listen on.

    Every field but data_dir and host can be set from JOBTRAIL_<FIELD NAME> (see from_env).
    The weed_* ports are SeaweedFS internals; 0 disables the Iceberg and Lance endpoints.
    """

    data_dir: Path
    host: str = "127.0.0.1"
    nats_port: int = _port(4222, "NATS")
    nats_monitor_port: int = _port(8222, "NATS monitoring")
    pg_port: int = _port(5432, "PostgreSQL")
    s3_port: int = _port(8333, "S3")
    smtp_port: int = _port(2525, "SMTP sink")
    weed_s3_grpc_port: int = _port(18333, "SeaweedFS S3 gRPC")
    weed_master_port: int = _port(9333, "SeaweedFS master")
    weed_master_grpc_port: int = _port(19333, "SeaweedFS master gRPC")
    weed_volume_port: int = _port(9340, "SeaweedFS volume")
    weed_volume_grpc_port: int = _port(19340, "SeaweedFS volume gRPC")
    weed_filer_port: int = _port(8888, "SeaweedFS filer")
    weed_filer_grpc_port: int = _port(18888, "SeaweedFS filer gRPC")
    weed_iceberg_port: int = _port(8181, "SeaweedFS Iceberg catalog")
    weed_lance_port: int = _port(9101, "SeaweedFS Lance namespace")
    weed_admin_port: int = _port(23646, "SeaweedFS admin")
    weed_admin_grpc_port: int = _port(33646, "SeaweedFS admin gRPC")
    s3_access_key: str = "jobtrail"
    s3_secret_key: str = "jobtrail-dev-secret"  # noqa: S105 - a local development default
    jetstream_sync_interval: str | None = None

    def __post_init__(self) -> None:
        # Servers run with other working directories (and PostgreSQL as another user).
        object.__setattr__(self, "data_dir", Path(self.data_dir).absolute())

    @classmethod
    def from_env(cls, data_dir: Path, environ: Mapping[str, str] | None = None) -> Self:
        """Build a config from JOBTRAIL_NATS_PORT, JOBTRAIL_PG_PORT, JOBTRAIL_S3_PORT and so on."""
        environ = os.environ if environ is None else environ
        overrides: dict[str, Any] = {}
        for setting in _settings():
            raw = environ.get(env_var(setting.name))
            if raw is not None:
                overrides[setting.name] = _parse(setting, raw)
        return cls(data_dir=data_dir, **overrides)

    @classmethod
    def with_free_ports(cls, data_dir: Path) -> Self:
        """Build a config whose every port is currently unused, for tests running side by side."""
        names = [setting.name for setting in _port_fields()]
        ports: dict[str, Any] = dict(zip(names, free_ports(cls.host, len(names)), strict=True))
        return cls(data_dir=data_dir, **ports)

    def port_claims(self) -> list[PortClaim]:
        """Every port the stack will listen on, labelled for error messages."""
        return [
            PortClaim(setting.metadata["label"], self.host, port, env_var(setting.name))
            for setting in _port_fields()
            if (port := getattr(self, setting.name)) != 0
        ]


def env_var(field_name: str) -> str:
    """Name of the environment variable that overrides a StackConfig field."""
    return _ENV_PREFIX + field_name.upper()


def _settings() -> list[dataclasses.Field[Any]]:
    """Fields that from_env may override."""
    return [f for f in dataclasses.fields(StackConfig) if f.name not in {"data_dir", "host"}]


def _port_fields() -> list[dataclasses.Field[Any]]:
    """Fields that hold a port number."""
    return [f for f in dataclasses.fields(StackConfig) if "label" in f.metadata]


def _parse(setting: dataclasses.Field[Any], raw: str) -> int | str:
    """Convert one environment value to the field's type."""
    if "label" not in setting.metadata:
        return raw
    try:
        return int(raw)
    except ValueError:
        raise StackError(f"{env_var(setting.name)}={raw!r} is not a port number") from None
