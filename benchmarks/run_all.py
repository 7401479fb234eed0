"""Run every benchmark: each benchmarks/bench_*.py module's main(), one after the other.

    .venv/bin/python -m benchmarks.run_all [--only NAME ...] [-- OPTIONS FOR EACH BENCHMARK]

Exit status 0 when every benchmark met its targets, 1 when one missed or failed.
"""

from __future__ import annotations

import argparse
import pkgutil
import subprocess
import sys
import time
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
        # Each in its own process: one's memory peak or Qt state cannot leak into the next.
        done = subprocess.run([sys.executable, "-m", f"{PACKAGE}.{name}", *passed_on], check=False)
        results[name] = "ok" if done.returncode == 0 else f"missed targets (exit {done.returncode})"
        print(f"=== {name}: {results[name]} in {time.perf_counter() - start:.0f} s ===\n")
    for name, result in results.items():
        print(f"{name}: {result}")
    return 0 if all(r == "ok" for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
