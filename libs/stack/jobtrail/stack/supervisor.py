"""Run Jobtrail's services as child processes next to the embedded stack (`jobtrail dev`).

A service or server that dies is started again after a delay that doubles with each crash
in a row (capped), and the count starts over once it has stayed up for a while. Only
stop() (Ctrl-C or SIGTERM in `serve_until_stopped`) ends them all.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TextIO

from jobtrail.stack.embedded import EmbeddedStack, Server
from jobtrail.stack.errors import StackError
from jobtrail.stack.probes import http_status

_TAIL_LINES = 20


class SupervisorError(StackError):
    """A supervised service could not be started or did not become healthy."""


@dataclass(frozen=True)
class ProcessSpec:
    """One service: its command, environment (added to ours) and health URL (None: no check)."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    health_url: str | None = None


@dataclass(frozen=True)
class ChildExit:
    """A supervised service or server that exited while it was meant to be running.

    returncode is None when it cannot be known (PostgreSQL's postmaster is not our child).
    """

    name: str
    returncode: int | None


@dataclass(frozen=True)
class Backoff:
    """Delay before restart n (1, 2, …) of crashes in a row: initial × factor^(n-1), at most cap.

    A process that stayed up for reset_after seconds starts again from the first delay.
    """

    initial: float = 0.5
    factor: float = 2.0
    cap: float = 30.0
    reset_after: float = 60.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait before restart number `attempt` (1-based)."""
        return float(min(self.cap, self.initial * self.factor ** max(0, attempt - 1)))


@dataclass(frozen=True)
class Restart:
    """One restart decision: who died, how, which attempt in a row, and the wait before it."""

    name: str
    exit_code: int | None
    attempt: int
    delay: float


class _Child:
    """A running service and the thread that forwards its output."""

    def __init__(self, spec: ProcessSpec, process: subprocess.Popen[str]) -> None:
        self.spec = spec
        self.process = process
        self.recent: deque[str] = deque(maxlen=_TAIL_LINES)
        self.forwarder: threading.Thread | None = None

    def tail(self) -> str:
        """The service's last output lines, indented for an error message."""
        self._let_output_drain()
        lines = list(self.recent) or ["(no output)"]
        return "\n".join(f"    {line}" for line in lines)

    def signal_group(self, signum: int) -> None:
        """Send a signal to the service and everything it started."""
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self.process.pid, signum)

    def _let_output_drain(self) -> None:
        """Give the forwarder a moment to read what a dead process wrote last."""
        if self.forwarder is not None and self.process.poll() is not None:
            self.forwarder.join(timeout=1.0)


class Supervisor:
    """Starts services, prefixes their output, restarts whatever dies, and stops them together."""

    def __init__(
        self,
        output: TextIO | None = None,
        *,
        health_timeout: float = 30.0,
        backoff: Backoff | None = None,
        on_restart: Callable[[Restart], None] | None = None,
    ) -> None:
        self._output = output if output is not None else sys.stdout
        self._health_timeout = health_timeout
        self._backoff = backoff or Backoff()
        self._on_restart = on_restart
        self._children: dict[str, _Child] = {}
        self._exits: list[ChildExit] = []
        self._restarts: dict[str, int] = {}
        self._watchers: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._width = 0

    @property
    def unexpected_exits(self) -> list[ChildExit]:
        """Services and servers that exited on their own since run()."""
        with self._lock:
            return list(self._exits)

    @property
    def restart_counts(self) -> dict[str, int]:
        """How many times each service and server was started again since run()."""
        with self._lock:
            return dict(self._restarts)

    def pid(self, name: str) -> int | None:
        """Process id of a service's current process (None while it is down)."""
        with self._lock:
            child = self._children.get(name)
        if child is None or child.process.poll() is not None:
            return None
        return child.process.pid

    def run(self, specs: Sequence[ProcessSpec], servers: Sequence[Server] = ()) -> None:
        """Start every service, return once each health_url answers 200, then keep them up.

        From then on a service that exits, or one of `servers` that is no longer running,
        is restarted with backoff until stop().
        """
        self._stopping.clear()
        names = [spec.name for spec in specs] + [server.name for server in servers]
        self._width = max((len(name) for name in names), default=0)
        try:
            for spec in specs:
                self._children[spec.name] = self._spawn(spec)
            self._wait_until_healthy(time.monotonic() + self._health_timeout)
        except BaseException:
            self.stop()
            raise
        for spec in specs:
            self._watch(spec.name, partial(self._service_exit, spec.name),
                        partial(self._respawn, spec))  # fmt: skip
        for server in servers:
            self._watch(server.name, partial(_server_exit, server), server.start)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM every service, wait up to `timeout` s in all, then SIGKILL what remains."""
        self._stopping.set()
        watchers, self._watchers = self._watchers, []
        for watcher in watchers:  # a watcher may be starting a server: let it finish first
            watcher.join()
        with self._lock:
            children, self._children = list(self._children.values()), {}
        for child in children:
            child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in children:
            try:
                child.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.signal_group(signal.SIGKILL)
                child.process.wait()
        for child in children:
            self._finish_forwarding(child)

    def _watch(
        self, name: str, exited: Callable[[], tuple[bool, int | None]], start: Callable[[], None]
    ) -> None:
        """Start a thread that restarts `name` with backoff whenever `exited()` says it died."""
        thread = threading.Thread(
            target=self._keep_up, args=(name, exited, start), name=f"watch-{name}", daemon=True
        )
        self._watchers.append(thread)
        thread.start()

    def _keep_up(
        self, name: str, exited: Callable[[], tuple[bool, int | None]], start: Callable[[], None]
    ) -> None:
        """Poll `name`; when it is down, wait the backoff delay and start it again."""
        attempt, up_since = 0, time.monotonic()
        while not self._stopping.wait(0.1):
            dead, code = exited()
            if not dead:
                continue
            if time.monotonic() - up_since >= self._backoff.reset_after:
                attempt = 0
            attempt += 1
            restart = Restart(name, code, attempt, self._backoff.delay(attempt))
            with self._lock:
                self._exits.append(ChildExit(name, code))
            self._say(name, f"exited (code {code}); restart {attempt} in {restart.delay:g} s")
            if self._on_restart is not None:
                self._on_restart(restart)
            if self._stopping.wait(restart.delay):
                return
            try:
                start()
            except Exception as error:  # reported, then retried with backoff
                self._say(name, f"restart {attempt} failed: {error}")
            else:
                with self._lock:
                    self._restarts[name] = self._restarts.get(name, 0) + 1
            up_since = time.monotonic()

    def _service_exit(self, name: str) -> tuple[bool, int | None]:
        """Whether a service's process has ended, and its exit code."""
        with self._lock:
            child = self._children.get(name)
        if child is None:
            return True, None
        code = child.process.poll()
        return code is not None, code

    def _respawn(self, spec: ProcessSpec) -> None:
        """Start a service again, unless stop() began meanwhile."""
        with self._lock:
            if self._stopping.is_set():
                return
            old = self._children.pop(spec.name, None)
        if old is not None:
            self._finish_forwarding(old)
        child = self._spawn(spec)
        with self._lock:
            self._children[spec.name] = child
            stopping = self._stopping.is_set()
        if stopping:  # stop() collected the children before this one was added
            child.signal_group(signal.SIGKILL)

    def _spawn(self, spec: ProcessSpec) -> _Child:
        """Start one service in its own process group, its output piped to a forwarder."""
        # Unbuffered Python children make their lines appear as they are written.
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **spec.env}
        try:
            # A process group of its own lets stop() reach the service's own children too.
            process = subprocess.Popen(  # noqa: S603 - the caller chose the command
                list(spec.argv),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                text=True,
                encoding="utf-8",
                errors="replace",
                start_new_session=True,
            )
        except OSError as error:
            raise SupervisorError(f"{spec.name} could not start: {error}") from error
        child = _Child(spec, process)
        child.forwarder = threading.Thread(
            target=self._forward, args=(child,), name=f"forward-{spec.name}", daemon=True
        )
        child.forwarder.start()
        return child

    def _forward(self, child: _Child) -> None:
        """Copy the service's output lines, prefixed, then report an unexpected exit."""
        assert child.process.stdout is not None
        for line in child.process.stdout:
            child.recent.append(line.rstrip("\n"))
            self._say(child.spec.name, line.rstrip("\n"))
        returncode = child.process.wait()
        if not self._stopping.is_set():
            self._say(child.spec.name, f"exited unexpectedly with code {returncode}")

    def _say(self, name: str, line: str) -> None:
        """Write one line under a service's name."""
        with self._lock:
            self._output.write(f"{name:<{self._width}} | {line}\n")
            self._output.flush()

    def _wait_until_healthy(self, deadline: float) -> None:
        """Poll every health_url until all answer 200, a service dies, or the deadline passes."""
        pending = [child for child in self._children.values() if child.spec.health_url]
        while pending:
            for child in pending:
                if (returncode := child.process.poll()) is not None:
                    raise SupervisorError(
                        f"{child.spec.name} exited with code {returncode} before it was "
                        f"healthy; last output:\n{child.tail()}"
                    )
            pending = [child for child in pending if not _healthy(child)]
            if pending and time.monotonic() > deadline:
                raise SupervisorError(_unhealthy_report(pending, self._health_timeout))
            if pending:
                time.sleep(0.1)

    def _finish_forwarding(self, child: _Child) -> None:
        """Wait for the last output; kill leftover descendants that keep the pipe open."""
        if child.forwarder is None:
            return
        child.forwarder.join(timeout=1.0)
        if child.forwarder.is_alive():
            child.signal_group(signal.SIGKILL)
            child.forwarder.join(timeout=1.0)


def serve_until_stopped(supervisor: Supervisor, stack: EmbeddedStack | None = None) -> int:
    """Block until Ctrl-C or SIGTERM (crashes are restarted meanwhile); then stop it all.

    Call from the main thread. Services stop first, then the stack's servers. Returns 0.
    """
    received: list[int] = []
    # The handler only records the signal: stopping happens below, never inside a handler.
    handlers = {
        signum: signal.signal(signum, lambda signum, _frame: received.append(signum))
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        while not received:
            time.sleep(0.2)
    finally:
        try:
            supervisor.stop()
        finally:
            if stack is not None:
                stack.stop()
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
    return 0


def _server_exit(server: Server) -> tuple[bool, int | None]:
    """Whether a server is down, and its last exit code when known."""
    if server.running():
        return False, None
    return True, server.last_exit_code()


def _healthy(child: _Child) -> bool:
    """Whether the service's health URL answers 200."""
    assert child.spec.health_url is not None
    return http_status(child.spec.health_url) == 200


def _unhealthy_report(children: Sequence[_Child], timeout: float) -> str:
    """Which services are still unhealthy, what their health URL says, and their last output."""
    parts = [f"not healthy after {timeout:g} s: {', '.join(c.spec.name for c in children)}"]
    for child in children:
        assert child.spec.health_url is not None
        status = http_status(child.spec.health_url)
        answer = "no answer" if status is None else f"HTTP {status}"
        parts.append(f"{child.spec.name} ({child.spec.health_url}: {answer}); last output:")
        parts.append(child.tail())
    return "\n".join(parts)
