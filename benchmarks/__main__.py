"""`python -m benchmarks [--only NAME]... [--quick]`: every figure on one fresh embedded stack."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `tests.support` is imported from the checkout's root
    sys.path.insert(0, str(ROOT))

from benchmarks import (  # noqa: E402
    ai,
    appending,
    exporting,
    matching,
    peer,
    projecting,
    publishing,
    replaying,
    uploading,
)
from benchmarks.context import Bench  # noqa: E402
from benchmarks.figures import Figure  # noqa: E402
from benchmarks.measurement import Plan  # noqa: E402
from benchmarks.report import Results, table, write_json  # noqa: E402
from benchmarks.servers import connect, running_stack, server_versions  # noqa: E402
from jobtrail.runtime import configure_logging  # noqa: E402
from jobtrail.stack import StackEndpoints  # noqa: E402

Runner = Callable[[Bench], Awaitable[list[Figure]]]
RUNNERS: dict[str, Runner] = {
    "append": appending.run,
    "publish": publishing.run,
    "replay": replaying.run,
    "project": projecting.run,
    "upload": uploading.run,
    "export": exporting.run,
    "ai": ai.run,
    "match": matching.run,
}
# Runners that report several figures answer to each figure's name too.
ALIASES = {
    **{f"export-{f}-{t}": "export" for f in ("pdf", "docx") for t in ("classic", "modern")},
    "append-many": "append",
    "upload-2page": "upload",
    "ocr-page": "upload",
    "publish-batch": "publish",
    "publish-awaited": "publish",
    **{n: "ai" for n in ("ai-enqueue", "ai-cached", "ai-dispatch", "ai-throughput")},
    **{n: "match" for n in ("match-search", "match-ingest", "match-embed")},
}
RESULTS = ROOT / ".bench" / "results.json"


def main() -> int:
    args = _parser().parse_args()
    configure_logging("bench", "WARNING", "console")
    plan = Plan.fast() if args.quick else Plan.full()
    chosen = [ALIASES.get(name, name) for name in args.only or []]
    names = [name for name in RUNNERS if name in chosen] if chosen else list(RUNNERS)
    started = time.perf_counter()
    with running_stack(args.jetstream_sync) as stack:
        results = Results(plan, stack.durability, _environment(stack))
        asyncio.run(_run_all(stack, plan, names, results))
        results.environment["load average after"] = _load()
    write_json(results, args.json)
    print(table(results))
    print(f"\n{len(results.figures)} figures in {time.perf_counter() - started:.0f} s; "
          f"JSON in {args.json}")  # fmt: skip
    return 1 if results.failures else 0


async def _run_all(stack: StackEndpoints, plan: Plan, names: list[str], results: Results) -> None:
    nc = await connect(stack)
    bench = Bench(stack, nc, plan, peer.installed())
    try:
        for name in names:
            await _run_one(name, bench, results)
    finally:
        await nc.close()


async def _run_one(name: str, bench: Bench, results: Results) -> None:
    print(f"running {name} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        results.figures.extend(await RUNNERS[name](bench))
    except Exception as error:  # one broken figure must not hide the others
        results.failures[name] = f"{type(error).__name__}: {error}"
    print(f"  {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


def _environment(stack: StackEndpoints) -> dict[str, str]:
    packages = ("nats-py", "sqlalchemy", "psycopg", "pydantic")
    return {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        **{name: version(name) for name in packages},
        "eventsourcing": peer.peer_version() or "not installed",
        **server_versions(stack),
        "load average before": _load(),
    }


def _load() -> str:
    """Other work on the machine skews every figure alike; the report says how much there was."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--only", action="append", choices=[*RUNNERS, *ALIASES],
        help="run this figure (repeat for several; in the usual order)",
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (≥ 3)")
    parser.add_argument(
        "--jetstream-sync", metavar="INTERVAL", default=None,
        help="JetStream sync_interval, e.g. `always` or `1s` (default: the server's, 2m)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"default {RESULTS}")
    return parser


if __name__ == "__main__":
    sys.exit(main())
