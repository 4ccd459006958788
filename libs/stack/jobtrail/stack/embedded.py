"""NATS, PostgreSQL, S3 and an SMTP sink started and stopped together."""

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from types import TracebackType
from typing import Protocol

from jobtrail.stack.config import StackConfig
from jobtrail.stack.endpoints import StackEndpoints
from jobtrail.stack.nats import NatsServer
from jobtrail.stack.ports import ensure_free
from jobtrail.stack.postgres import PostgresServer
from jobtrail.stack.s3 import S3Server
from jobtrail.stack.smtp import SmtpSink


class Server(Protocol):
    """What the stack, and a supervisor restarting it, needs of each server."""

    @property
    def name(self) -> str: ...

    @property
    def pid(self) -> int | None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def running(self) -> bool: ...

    def last_exit_code(self) -> int | None: ...


class EmbeddedStack:
    """The servers Jobtrail needs, as local subprocesses sharing one data folder.

    Data under config.data_dir survives stop() and a later start().
    """

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self._servers: Sequence[Server] = ()
        self._endpoints: StackEndpoints | None = None

    def start(self) -> StackEndpoints:
        """Start NATS, PostgreSQL, S3 and the SMTP sink in parallel; return how to reach them."""
        if self._endpoints is not None:
            return self._endpoints
        # Check every port first, so a busy one fails fast and starts nothing.
        for claim in self.config.port_claims():
            ensure_free(claim)
        self.config.data_dir.mkdir(parents=True, exist_ok=True)
        nats, postgres, s3, smtp = (
            NatsServer(self.config),
            PostgresServer(self.config),
            S3Server(self.config),
            SmtpSink(self.config),
        )
        self._servers = (nats, postgres, s3, smtp)
        try:
            _in_parallel([server.start for server in self._servers])
            self._endpoints = self._endpoints_of(nats, postgres, s3, smtp)
        except BaseException:
            self.stop()
            raise
        return self._endpoints

    @property
    def servers(self) -> Sequence[Server]:
        """The running servers (NATS, PostgreSQL, S3, SMTP), for a supervisor to keep up."""
        return self._servers

    def stop(self) -> None:
        """Stop every server in parallel (S3, the slowest, takes about a second)."""
        servers, self._servers, self._endpoints = self._servers, (), None
        _in_parallel([server.stop for server in servers])

    def _endpoints_of(
        self, nats: NatsServer, postgres: PostgresServer, s3: S3Server, smtp: SmtpSink
    ) -> StackEndpoints:
        """Client settings for the running servers, with the durability settings in force."""
        return StackEndpoints(
            nats_url=nats.url,
            nats_monitor_url=nats.monitor_url,
            database_url=postgres.database_url,
            s3_endpoint=s3.endpoint,
            s3_access_key=self.config.s3_access_key,
            s3_secret_key=self.config.s3_secret_key,
            smtp_host=smtp.host,
            smtp_port=smtp.port,
            mail_dir=str(smtp.mail_dir),
            durability=f"{nats.durability()}; {postgres.durability()}",
        )

    def __enter__(self) -> StackEndpoints:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _in_parallel(actions: Sequence[Callable[[], None]]) -> None:
    """Run every action to completion, then raise the first failure with the others as notes."""
    if not actions:
        return
    with ThreadPoolExecutor(len(actions)) as pool:
        futures = [pool.submit(action) for action in actions]
        try:
            wait(futures)
        except BaseException:
            # After Ctrl-C, let every action finish so none starts a server after stop() ran.
            wait(futures)
            raise
    failures = [error for future in futures if (error := future.exception()) is not None]
    if failures:
        first, *others = failures
        for other in others:
            first.add_note(f"also: {other}")
        raise first
