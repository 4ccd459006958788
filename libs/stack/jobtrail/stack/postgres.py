"""PostgreSQL (with pgvector) on a TCP port, its cluster kept in the stack's data folder."""

import pwd
import shlex
import subprocess
from collections.abc import Sequence
from pathlib import Path

from jobtrail.stack import pgvector
from jobtrail.stack.binaries import postgres_binary
from jobtrail.stack.config import StackConfig
from jobtrail.stack.errors import StackError
from jobtrail.stack.process import ServerLog, run_logged
from jobtrail.stack.system_user import (
    ensure_system_user,
    grant_traversal,
    hand_over,
    run_as,
    running_as_root,
)

DATABASE = "jobtrail"
SUPERUSER = "postgres"
SYSTEM_ACCOUNT = "jobtrail-pg"

# psql quotes :'name' and format('%I') quotes identifiers, so no SQL is pasted together.
_CREATE_DATABASE = (
    "SELECT format('CREATE DATABASE %I', :'name') "
    "WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name')\\gexec\n"
)


class PostgresServer:
    """One PostgreSQL cluster: initialised on first start, kept across restarts."""

    name = "postgres"

    def __init__(self, config: StackConfig) -> None:
        self._config = config
        self._cluster = config.data_dir / "postgres"
        self._sockets = config.data_dir / "run" / "postgres"
        self._log = ServerLog(config.data_dir / "logs" / "postgres.log")
        self._account: pwd.struct_passwd | None = None
        self._running = False

    @property
    def database_url(self) -> str:
        """SQLAlchemy URL of the jobtrail database."""
        config = self._config
        return f"postgresql+psycopg://{SUPERUSER}@{config.host}:{config.pg_port}/{DATABASE}"

    def start(self) -> None:
        """Initialise the cluster if new, start the server and create the jobtrail database."""
        self._prepare_folders()
        self._log.begin_run()
        # pgvector as the wheel ships it needs AVX-512; on other CPUs, build one that fits.
        pgvector.ensure_portable(self._config.data_dir / "logs" / "pgvector-build.log")
        if not (self._cluster / "PG_VERSION").exists():
            self._initdb()
        server_options = (
            f"-h {self._config.host} -p {self._config.pg_port} -k {shlex.quote(str(self._sockets))}"
        )
        self._pg_ctl("start", "-w", "-o", server_options, "-l", str(self._log.path))
        self._running = True
        self._psql("postgres", _CREATE_DATABASE, name=DATABASE)

    def stop(self) -> None:
        """Stop the server, ending open sessions (fast shutdown)."""
        if self._running and self.running():
            self._pg_ctl("stop", "-w", "-m", "fast")
        self._running = False

    @property
    def pid(self) -> int | None:
        """Process id of the postmaster, from its lock file (pg_ctl detaches it from us)."""
        try:
            first_line = (self._cluster / "postmaster.pid").read_text().split("\n", 1)[0]
            return int(first_line)
        except (OSError, ValueError):
            return None

    def running(self) -> bool:
        """Whether the postmaster named in the lock file is alive (not gone, not a zombie)."""
        pid = self.pid
        if not self._running or pid is None:
            return False
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        command, _, rest = stat.partition(" (")[2].rpartition(") ")
        # The pid may have been reused by another program since the postmaster died.
        return command.startswith("postgres") and rest.split()[:1] not in (["Z"], ["X"])

    def last_exit_code(self) -> int | None:
        """Unknown: the postmaster is pg_ctl's child, not ours."""
        return None

    def durability(self) -> str:
        """fsync and synchronous_commit as the server reports them."""
        query = "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')"
        fsync, synchronous_commit = self._psql(DATABASE, query).split()
        return f"postgres fsync={fsync} synchronous_commit={synchronous_commit}"

    def _prepare_folders(self) -> None:
        """Create the folders and, under root, give them to the unprivileged account."""
        self._cluster.mkdir(parents=True, exist_ok=True)
        self._sockets.mkdir(parents=True, exist_ok=True)
        self._log.path.parent.mkdir(parents=True, exist_ok=True)
        self._log.path.touch()
        if not running_as_root():
            return
        # PostgreSQL refuses to run as root, so the cluster runs as a system account that
        # must own its data, socket folder and log (pg_ctl opens the log as that account).
        self._account = ensure_system_user(SYSTEM_ACCOUNT)
        for path in (self._cluster, self._sockets, self._log.path):
            grant_traversal(path.parent)
            hand_over(path, self._account)

    def _initdb(self) -> None:
        """Create a new cluster with a trusted local superuser and UTF-8 text."""
        run_logged(
            "PostgreSQL initdb",
            self._as_owner(
                postgres_binary("initdb"),
                *("-D", str(self._cluster), "--auth=trust", "-U", SUPERUSER, "-E", "utf8"),
                # The builtin provider needs no OS locale, so a bare container works too.
                *("--locale-provider=builtin", "--builtin-locale=C.UTF-8", "--no-locale"),
            ),
            self._log,
            cwd=self._cluster,
        )

    def _pg_ctl(self, action: str, *options: str) -> None:
        """Run pg_ctl on this cluster as the account that owns it."""
        argv = self._as_owner(postgres_binary("pg_ctl"), "-D", str(self._cluster), action, *options)
        run_logged(f"PostgreSQL {action}", argv, self._log, cwd=self._cluster)

    def _as_owner(self, binary: Path, *args: str) -> Sequence[str]:
        """The command line running a PostgreSQL binary as the cluster's owner."""
        argv = [str(binary), *args]
        return argv if self._account is None else run_as(self._account, argv)

    def _psql(self, database: str, script: str, **variables: str) -> str:
        """Run SQL (with psql :variables) over TCP and return its unaligned output."""
        argv = [
            str(postgres_binary("psql")),
            *("-h", self._config.host, "-p", str(self._config.pg_port), "-U", SUPERUSER),
            *("-d", database, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1"),
            *(f"--variable={name}={value}" for name, value in variables.items()),
        ]
        # argv is built from the bundled psql and this config, never from user input.
        done = subprocess.run(  # noqa: S603
            argv, input=script, capture_output=True, text=True, timeout=30, check=False
        )
        if done.returncode != 0:
            raise StackError(f"PostgreSQL: psql failed on {database}: {done.stderr.strip()}")
        return done.stdout.strip()
