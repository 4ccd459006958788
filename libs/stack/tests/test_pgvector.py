"""Which CPUs get a portable pgvector (the build itself runs before every embedded
PostgreSQL starts, so every integration test that writes a posting exercises it)."""

from __future__ import annotations

from pathlib import Path

from jobtrail.stack.pgvector import MARKER, cpu_flags, needs_portable_build


def cpuinfo(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nmodel name\t: A CPU\nflags\t\t: {flags}\n\n")
    return path


def test_the_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    assert cpu_flags(cpuinfo(tmp_path, "fpu sse4_2 avx avx2")) == {"fpu", "sse4_2", "avx", "avx2"}
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_only_an_x86_cpu_without_avx512_needs_a_build_and_only_once(tmp_path: Path) -> None:
    without = cpu_flags(cpuinfo(tmp_path, "sse4_2 avx avx2 fma"))
    with_avx512 = without | {"avx512f", "avx512vl"}
    assert needs_portable_build(without, tmp_path)
    assert not needs_portable_build(with_avx512, tmp_path)
    assert not needs_portable_build(frozenset({"fp", "asimd"}), tmp_path)  # an ARM CPU
    (tmp_path / MARKER).write_text("built\n")
    assert not needs_portable_build(without, tmp_path)
