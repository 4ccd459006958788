"""An unprivileged account for servers that refuse to run as root (PostgreSQL)."""

import os
import pwd
import shutil
import stat
import subprocess
from collections.abc import Sequence
from pathlib import Path

from jobtrail.stack.errors import StackError


def running_as_root() -> bool:
    """Whether this process has root's effective user id."""
    return os.geteuid() == 0


def ensure_system_user(name: str) -> pwd.struct_passwd:
    """The system account `name`, created without home or login shell if missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    argv = [_tool("useradd"), "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        # Look again rather than trust the exit code: a parallel test run may have won the race.
        return pwd.getpwnam(name)
    except KeyError:
        raise StackError(f"could not create system user {name}: {done.stderr.strip()}") from None


def run_as(account: pwd.struct_passwd, argv: Sequence[str]) -> list[str]:
    """The command line that runs `argv` as `account`."""
    return [_tool("runuser"), "-u", account.pw_name, "--", *argv]


def hand_over(path: Path, account: pwd.struct_passwd) -> None:
    """Make `account` own `path` and, if it did not own it already, everything inside."""
    if path.stat().st_uid == account.pw_uid:
        return
    os.chown(path, account.pw_uid, account.pw_gid)
    for folder, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(Path(folder, name), account.pw_uid, account.pw_gid, follow_symlinks=False)


def grant_traversal(path: Path) -> None:
    """Let every user pass through `path` and the folders above it (search bit only)."""
    # The data folder may sit below a root-only folder such as /tmp/pytest-of-root (0700).
    # The search bit lets the server's account reach its own folder by full path without
    # being able to list or read anything on the way.
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def _tool(name: str) -> str:
    """Full path of a system administration tool."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        raise StackError(f"{name} not found; it is needed to run PostgreSQL as non-root")
    return path
