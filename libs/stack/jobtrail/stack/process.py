"""Server subprocesses and the log files their output goes to."""

import os
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from jobtrail.stack.errors import StackError

_TAIL_BYTES = 64 * 1024


class ServerLog:
    """A server's log file, read back from where the current run began."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._run_start = 0

    def begin_run(self) -> None:
        """Remember where this run's output starts, so errors quote only this run."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()
        self._run_start = self.path.stat().st_size

    def tail(self, lines: int = 20) -> str:
        """The last lines this run wrote."""
        with self.path.open("rb") as log:
            size = log.seek(0, os.SEEK_END)
            log.seek(max(self._run_start, size - _TAIL_BYTES))
            text = log.read().decode("utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def failure(self, message: str) -> str:
        """An error message followed by the tail of this run's log."""
        tail = self.tail() or "(empty)"
        indented = "\n".join(f"    {line}" for line in tail.splitlines())
        return f"{message}; last lines of {self.path}:\n{indented}"


def run_logged(
    label: str,
    argv: Sequence[str],
    log: ServerLog,
    *,
    cwd: Path | None = None,
    timeout: float = 120.0,
) -> None:
    """Run a one-shot command with its output appended to `log`; raise with the tail on failure."""
    with log.path.open("ab") as out:
        try:
            # argv is built by this package from known binaries, never from user input.
            done = subprocess.run(  # noqa: S603
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise StackError(log.failure(f"{label}: {argv[0]} took over {timeout:.0f} s")) from None
    if done.returncode != 0:
        command = Path(argv[0]).name
        raise StackError(log.failure(f"{label}: {command} exited with code {done.returncode}"))


class ServerProcess:
    """A long-running server binary whose output goes to a log file."""

    def __init__(
        self,
        label: str,
        argv: Sequence[str],
        log: ServerLog,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.label = label
        self._argv = list(argv)
        self._log = log
        self._env = None if env is None else dict(env)
        self._cwd = cwd
        self._process: subprocess.Popen[bytes] | None = None
        self._exit_code: int | None = None

    @property
    def pid(self) -> int | None:
        """Process id of the running server, None when none runs."""
        return None if self._process is None else self._process.pid

    def running(self) -> bool:
        """Whether the server process is alive (it may still be starting)."""
        if self._process is None:
            return False
        if (code := self._process.poll()) is not None:
            self._exit_code = code
            return False
        return True

    def last_exit_code(self) -> int | None:
        """The exit code of the server process that ended last (negative: killed by a signal)."""
        self.running()
        return self._exit_code

    def start(self, ready: Callable[[], bool], timeout: float = 30.0) -> None:
        """Spawn the server and wait until `ready()` holds; raise with the log tail otherwise."""
        self._log.begin_run()
        with self._log.path.open("ab") as out:
            # A session of its own keeps a terminal's Ctrl-C away from the server: the
            # stack stops its servers itself, in order, after its children.
            self._process = subprocess.Popen(  # noqa: S603 - argv built by this package
                self._argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self._env,
                cwd=self._cwd,
                start_new_session=True,
            )
        self._wait_until(ready, time.monotonic() + timeout, timeout)

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the server to exit (SIGTERM), and kill it if it has not after `timeout` s."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def _wait_until(self, ready: Callable[[], bool], deadline: float, timeout: float) -> None:
        """Poll `ready()` until it holds, the process dies or the deadline passes."""
        assert self._process is not None
        while not ready():
            if (code := self._process.poll()) is not None:
                self._process = None
                message = f"{self.label} exited with code {code} while starting"
                raise StackError(self._log.failure(message))
            if time.monotonic() > deadline:
                self.stop()
                message = f"{self.label} was not ready after {timeout:.0f} s"
                raise StackError(self._log.failure(message))
            time.sleep(0.02)


class RunsOneProcess:
    """pid, liveness and last exit of a server that is one `ServerProcess` (`self._process`)."""

    _process: ServerProcess

    @property
    def pid(self) -> int | None:
        """Process id of the running server."""
        return self._process.pid

    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process.running()

    def last_exit_code(self) -> int | None:
        """How the last server process ended (negative: the signal that killed it)."""
        return self._process.last_exit_code()
