"""Run Jobtrail's services as child processes next to the embedded stack (`jobtrail dev`)."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from jobtrail.stack.embedded import EmbeddedStack
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
    """A supervised service that exited while it was meant to be running."""

    name: str
    returncode: int


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
    """Starts services, prefixes their output with their name, and stops them together."""

    def __init__(self, output: TextIO | None = None, *, health_timeout: float = 30.0) -> None:
        self._output = output if output is not None else sys.stdout
        self._health_timeout = health_timeout
        self._children: list[_Child] = []
        self._exits: list[ChildExit] = []
        self._lock = threading.Lock()
        self._stopping = False
        self._width = 0

    @property
    def unexpected_exits(self) -> list[ChildExit]:
        """Services that exited on their own since run()."""
        with self._lock:
            return list(self._exits)

    def run(self, specs: Sequence[ProcessSpec]) -> None:
        """Start every service and return once each health_url answers 200."""
        self._stopping = False
        self._width = max((len(spec.name) for spec in specs), default=0)
        try:
            for spec in specs:
                self._children.append(self._spawn(spec))
            self._wait_until_healthy(time.monotonic() + self._health_timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM every service, wait up to `timeout` s in all, then SIGKILL what remains."""
        self._stopping = True
        children, self._children = self._children, []
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
        if not self._stopping:
            with self._lock:
                self._exits.append(ChildExit(child.spec.name, returncode))
            self._say(child.spec.name, f"exited unexpectedly with code {returncode}")

    def _say(self, name: str, line: str) -> None:
        """Write one line under a service's name."""
        with self._lock:
            self._output.write(f"{name:<{self._width}} | {line}\n")
            self._output.flush()

    def _wait_until_healthy(self, deadline: float) -> None:
        """Poll every health_url until all answer 200, a service dies, or the deadline passes."""
        pending = [child for child in self._children if child.spec.health_url]
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
    """Block until Ctrl-C, SIGTERM or a service's exit; then stop the services, then the stack.

    Call from the main thread. Returns 0 after a signal, 1 after a service exited on its own.
    """
    received: list[int] = []
    # The handler only records the signal: stopping happens below, never inside a handler.
    handlers = {
        signum: signal.signal(signum, lambda signum, _frame: received.append(signum))
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        while not received and not supervisor.unexpected_exits:
            time.sleep(0.2)
    finally:
        try:
            supervisor.stop()
        finally:
            if stack is not None:
                stack.stop()
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
    return 0 if received else 1


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
