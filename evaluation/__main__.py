"""`python -m evaluation [--only SUITE]... [--quick]`: every quality figure, printed as Markdown."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Suite name → module holding `run(quick: bool) -> str`.
SUITES: dict[str, str] = {
    "parsing": "evaluation.parsing.suite",
    "ocr": "evaluation.parsing.ocr_suite",
    "matching": "evaluation.matching.suite",
    "embeddings": "evaluation.matching.embeddings_suite",
}
REPORT = ROOT / ".eval" / "report.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation", description=__doc__)
    parser.add_argument("--only", action="append", choices=sorted(SUITES), default=[])
    parser.add_argument("--quick", action="store_true", help="smaller samples, for a try")
    args = parser.parse_args(argv)
    sections: list[str] = []
    for name in args.only or list(SUITES):
        started = time.perf_counter()
        suite = importlib.import_module(SUITES[name])
        section = suite.run(quick=args.quick)
        elapsed = time.perf_counter() - started
        sections.append(f"{section.rstrip()}\n\n_{name}: {elapsed:.0f} s_\n")
        print(sections[-1], flush=True)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(sections), encoding="utf-8")
    print(f"written to {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
