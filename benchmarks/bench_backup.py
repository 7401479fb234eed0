"""Backup and verification of the national demo (about 300 MB): `backup create` against a bare
copy with SQLite's online backup API, measured in the same run.

    .venv/bin/python -m benchmarks.bench_backup [--runs 3]

`backup create` copies the database in one snapshot, then verifies the copy (integrity_check
on a second thread while the journal's SHA-256 chain is recomputed) before it takes its name.
Target: <= 15 s. The parts are timed too, so that a slow figure says which part is slow. Own
CPU is the process's (the integrity check runs on another thread).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.common import Figure, load, machine, national_database, save_results, table

TARGET_SECONDS = 15.0


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall and process CPU seconds of one call, and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def bare_copy(source: Path, target: Path) -> None:
    if target.exists():
        target.unlink()
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args, _unknown = parser.parse_known_args(argv)  # run_all passes its options to all
    info = national_database()
    source = Path(info.path)
    home = Path(tempfile.mkdtemp(prefix="passdesk-bench-backup-"))
    os.environ["PASSDESK_HOME"] = str(home)
    from passdesk import paths
    from passdesk.services import open_services
    from passdesk.store import backups

    paths.set_base_dir(home)
    before = load()
    services = open_services(source)
    runs: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("bare", "create", "copy", "integrity", "chain", "verify")
    }
    try:
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            bare = home / "bare.sqlite3"
            wall, cpu, _ = timed(lambda: bare_copy(source, bare))  # noqa: B023
            runs["bare"].append((wall, cpu))
            bare.unlink()
            wall, cpu, result = timed(lambda: services.backups.create("manual"))
            runs["create"].append((wall, cpu))
            # The parts of `create`, one by one, on the copy it made.
            part = home / "part.sqlite3"
            wall, cpu, _ = timed(lambda: backups.copy_sqlite(source, part))  # noqa: B023
            runs["copy"].append((wall, cpu))
            part.unlink()
            wall, cpu, problems = timed(lambda: backups.integrity_problems(result.path))  # noqa: B023
            assert problems == [], problems
            runs["integrity"].append((wall, cpu))
            from passdesk.services.backups import open_backup
            from passdesk.services.ledger import LedgerService

            copy = open_backup(result.path)
            wall, cpu, ledger = timed(lambda: LedgerService(copy).verify())  # noqa: B023
            copy.close()
            assert ledger.ok, ledger
            runs["chain"].append((wall, cpu))
            wall, cpu, report = timed(lambda: services.backups.verify(result.path))  # noqa: B023
            assert report.ok, report.lines
            runs["verify"].append((wall, cpu))
            result.path.unlink()
    finally:
        services.close()
    after = load()
    size_mb = source.stat().st_size / 1e6

    def best(name: str) -> tuple[float, float]:
        return min(runs[name])  # the least disturbed run of each

    bare_wall = best("bare")[0]
    figures = [
        Figure(
            "backup create: copy + verification of the national demo",
            best("create")[0],
            "s",
            TARGET_SECONDS,
            cpu=best("create")[1],
            baseline=bare_wall,
            baseline_label="bare online-backup copy",
            note=f"{size_mb:.0f} MB, {ledger.events_checked} journal events",
        ),
        Figure(
            "  part: the snapshot copy (single file)",
            best("copy")[0],
            "s",
            cpu=best("copy")[1],
            baseline=bare_wall,
            baseline_label="bare copy",
        ),  # fmt: skip
        Figure(
            "  part: integrity_check of the copy",
            best("integrity")[0],
            "s",
            cpu=best("integrity")[1],
        ),  # fmt: skip
        Figure("  part: journal chain of the copy", best("chain")[0], "s", cpu=best("chain")[1]),
        Figure(
            "backup verify (both checks side by side)",
            best("verify")[0],
            "s",
            cpu=best("verify")[1],
        ),
    ]
    print(table(figures))
    print(f"\nload before {before}, after {after}; runs: {args.runs} (best of each shown)")
    context = {"machine": machine(), "load_before": before, "load_after": after, "runs": runs}
    print(f"results: {save_results('bench_backup', figures, context)}")
    shutil.rmtree(home, ignore_errors=True)
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
