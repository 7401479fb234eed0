"""Run every benchmark: each benchmarks/bench_*.py module's main(), one after the other.

    .venv/bin/python -m benchmarks.run_all [--only NAME ...] [-- OPTIONS FOR EACH BENCHMARK]

Exit status 0 when every benchmark met its targets, 1 when one missed or failed.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "benchmarks"


def discover() -> list[str]:
    """The benchmark modules' names (bench_*), in alphabetical order."""
    folder = Path(__file__).resolve().parent
    return sorted(
        info.name
        for info in pkgutil.iter_modules([str(folder)])
        if info.name.startswith("bench_") and not info.ispkg
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="run only bench_NAME")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="options passed to each benchmark")
    args = parser.parse_args(argv)
    passed_on = [a for a in args.rest if a != "--"]
    names = discover()
    if args.only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in args.only}
        unknown = wanted - set(names)
        if unknown:
            parser.error(f"no such benchmark: {', '.join(sorted(unknown))}")
        names = [n for n in names if n in wanted]
    results: dict[str, str] = {}
    for name in names:
        print(f"=== {name} ===", flush=True)
        start = time.perf_counter()
        try:
            module = importlib.import_module(f"{PACKAGE}.{name}")
            status = module.main(passed_on)
            results[name] = "ok" if status == 0 else f"missed targets (exit {status})"
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            results[name] = "error"
        print(f"=== {name}: {results[name]} in {time.perf_counter() - start:.0f} s ===\n")
    for name, result in results.items():
        print(f"{name}: {result}")
    return 0 if all(r == "ok" for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
