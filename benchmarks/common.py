"""What the benchmarks share: the cached national demo database, timers, percentiles, the table.

Figures are honest only with their context, so every table comes with the machine, the date and
the load average while it ran: other work on a 2-core machine moves the tails a lot.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
NATIONAL_SEED = 2019
NATIONAL_DB = OUT / f"national-seed{NATIONAL_SEED}.sqlite3"


# --- measuring --------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100), linear between the two nearest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def timed_ms(action: Callable[[], Any]) -> float:
    start = time.perf_counter_ns()
    action()
    return (time.perf_counter_ns() - start) / 1e6


class Timings:
    """Wall-clock and own-CPU milliseconds of repeated actions.

    Wall time is what the agent waits for. CPU time (this thread's) leaves out time spent
    waiting for the disk or for a core: when wall is far above CPU, the machine was busy (or
    fsync was slow), not the code.
    """

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def run(self, action: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter_ns(), time.thread_time_ns()
        result = action()
        self.cpu.append((time.thread_time_ns() - cpu) / 1e6)
        self.wall.append((time.perf_counter_ns() - wall) / 1e6)
        return result

    def p(self, percent: float) -> float:
        return percentile(self.wall, percent)

    def cpu_p(self, percent: float) -> float:
        return percentile(self.cpu, percent)


def load() -> str:
    """The 1/5/15-minute load averages, as "1.02 0.87 0.55" (n/a where the OS has none)."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - Windows
        return "n/a"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024**2:.0f} GiB"
                break
    except OSError:  # pragma: no cover - not Linux
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


# --- the results table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One measured figure against its target, with a bare baseline measured in the same run."""

    name: str
    measured: float
    unit: str
    target: float | None = None  # the limit (measured must be <= target)
    cpu: float | None = None  # the same percentile of the operation's own CPU time
    baseline: float | None = None
    baseline_label: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline <= 0:
            return None
        return self.measured / self.baseline

    @property
    def passed(self) -> bool | None:
        return None if self.target is None else self.measured <= self.target


def _number(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "–"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g} {unit}"


def table(figures: Sequence[Figure]) -> str:
    """A Markdown table, readable on a console and pasted as is into docs/performance.md."""
    header = ("figure", "target", "measured", "own CPU", "baseline", "ratio", "result")
    rows = [header, tuple("---" for _ in header)]
    for f in figures:
        result = {None: "info", True: "PASS", False: "FAIL"}[f.passed]
        baseline = _number(f.baseline, f.unit)
        if f.baseline_label:
            baseline += f" ({f.baseline_label})"
        rows.append(
            (
                f.name + (f" – {f.note}" if f.note else ""),
                "≤ " + _number(f.target, f.unit) if f.target is not None else "–",
                _number(f.measured, f.unit),
                _number(f.cpu, f.unit),
                baseline,
                f"{f.ratio:.1f}×" if f.ratio is not None else "–",
                result,
            )
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


@dataclass(frozen=True)
class Spread:
    """The median, the 95th percentile and the worst of repeated measurements."""

    p50: float
    p95: float
    max: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(percentile(values, 50), percentile(values, 95), max(values, default=math.nan))


@dataclass(frozen=True)
class Limit:
    """One target of a figure: `what` (e.g. "own CPU p95") must stay at or below `limit`."""

    what: str
    measured: float
    limit: float
    unit: str = "ms"

    @property
    def passed(self) -> bool:
        return self.measured <= self.limit


@dataclass(frozen=True)
class CpuFigure:
    """A repeated operation's own CPU time, against a bare baseline measured in the same run.

    Own CPU time leaves out the time spent waiting for a core, so it stays meaningful on a
    machine other work keeps busy; the ratio compares the two 95th percentiles.
    """

    name: str
    cpu: Spread
    wall_p95: float
    baseline: Spread | None = None
    baseline_label: str = ""
    limits: tuple[Limit, ...] = ()
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline.p95 > 0:
            return None
        return self.cpu.p95 / self.baseline.p95

    @property
    def passed(self) -> bool | None:
        return all(limit.passed for limit in self.limits) if self.limits else None


def cpu_figure(
    name: str,
    measured: Timings,
    baseline: Timings | None = None,
    *,
    baseline_label: str = "",
    note: str = "",
    cpu_p95: float | None = None,
    cpu_max: float | None = None,
    ratio: float | None = None,
    wall_p95: float | None = None,
) -> CpuFigure:
    """The figure of `measured` (and `baseline`), with the targets given (all in ms but ratio)."""
    figure = CpuFigure(
        name,
        Spread.of(measured.cpu),
        measured.p(95),
        Spread.of(baseline.cpu) if baseline is not None else None,
        baseline_label,
        note=note,
    )
    limits = []
    if cpu_p95 is not None:
        limits.append(Limit("own CPU p95", figure.cpu.p95, cpu_p95))
    if cpu_max is not None:
        limits.append(Limit("own CPU max", figure.cpu.max, cpu_max))
    if ratio is not None:
        limits.append(
            Limit("ratio", figure.ratio if figure.ratio is not None else math.inf, ratio, "×")
        )
    if wall_p95 is not None:
        limits.append(Limit("wall p95", figure.wall_p95, wall_p95))
    return replace(figure, limits=tuple(limits))


def _ms(value: float) -> str:
    """Milliseconds with three significant digits or so: a bare SELECT takes 0.007 ms."""
    if math.isnan(value):
        return "–"
    return (
        f"{value:.3f} ms" if value < 1 else f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"
    )


def cpu_table(figures: Sequence[CpuFigure]) -> str:
    """A Markdown table of own CPU times (p50, p95, max), baseline, ratio of the p95s, targets."""
    header = (
        "figure", "own CPU p50", "p95", "max", "baseline CPU p50", "p95", "max", "ratio (p95)",
        "wall p95", "target", "result",
    )  # fmt: skip
    rows = [header, tuple("---" for _ in header)]
    for f in figures:
        base = f.baseline
        name = f.name + (f" – {f.note}" if f.note else "")
        if f.baseline_label:
            name += f"; baseline: {f.baseline_label}"
        targets = ", ".join(
            f"{limit.what} ≤ " + (f"{limit.limit:g}×" if limit.unit == "×" else _ms(limit.limit))
            for limit in f.limits
        )
        rows.append(
            (
                name,
                *(_ms(v) for v in (f.cpu.p50, f.cpu.p95, f.cpu.max)),
                *(
                    (_ms(v) for v in (base.p50, base.p95, base.max))
                    if base is not None
                    else ("–", "–", "–")
                ),
                f"{f.ratio:.1f}×" if f.ratio is not None else "–",
                _ms(f.wall_p95),
                targets or "–",
                {None: "info", True: "PASS", False: "FAIL"}[f.passed],
            )
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def save_results(name: str, figures: Sequence[Figure | CpuFigure], context: dict[str, Any]) -> Path:
    """benchmarks/out/<name>-<UTC time>.json: the figures and their context, for later tables."""
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = OUT / f"{name}-{stamp}.json"
    data = {
        "context": context,
        "figures": [asdict(f) | {"ratio": f.ratio, "passed": f.passed} for f in figures],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


# --- the national demo database ----------------------------------------------------------------


@dataclass(frozen=True)
class BuildInfo:
    """How the national demo database was built (now, or in an earlier run when cached)."""

    path: str
    cached: bool
    built_at: str
    seconds: float
    size_mb: float
    compact_seconds: float  # VACUUM INTO a new file: SQLite writing the same rows and indexes
    compact_size_mb: float
    load_before: str
    load_after: str
    check_ok: bool
    check_seconds: float
    summary: dict[str, Any] = field(default_factory=dict)


def _meta_path(db_path: Path) -> Path:
    return db_path.with_suffix(".json")


def file_size_mb(path: Path) -> float:
    """The database's size on disk: the file and its WAL, if any."""
    total = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        total += wal.stat().st_size
    return total / 1e6


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()


def _is_current(path: Path) -> bool:
    """The cached file opens at this code's schema revision (else it is rebuilt)."""
    from passdesk.errors import PassDeskError
    from passdesk.store import open_database

    try:
        open_database(path, upgrade=False, create=False).close()
    except PassDeskError:
        return False
    return True


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """One build of a database at a time, even from two shells (POSIX advisory lock)."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock, builds are rare there
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def national_database(path: Path = NATIONAL_DB, *, rebuild: bool = False) -> BuildInfo:
    """The national demo database at `path`: reused when cached and current, else built and timed.

    The build is timed from an empty file to a closed, checkpointed database, as
    `passdesk-admin demo --scale national` does it; then the integrity check runs on it. It is
    built beside `path` and renamed into place, under a lock, so a concurrent run never reads a
    half-built file.
    """
    meta = _meta_path(path)
    with _exclusive(path.with_name(path.name + ".lock")):
        if not rebuild and path.exists() and meta.exists() and _is_current(path):
            info = json.loads(meta.read_text(encoding="utf-8"))
            return BuildInfo(**{**info, "path": str(path), "cached": True})
        info = _build_national(path)
        remove_database(path)
        os.replace(info.path, path)
        info = BuildInfo(**{**asdict(info), "path": str(path)})
        meta.write_text(json.dumps(asdict(info), indent=2, ensure_ascii=False), encoding="utf-8")
        return info


def _build_national(target: Path) -> BuildInfo:
    from passdesk.demo import build
    from passdesk.services import open_services
    from passdesk.services.integrity import check_database

    path = target.with_name(f"{target.stem}-building-{os.getpid()}.sqlite3")
    remove_database(path)
    before = load()
    shown = [0.0]

    def progress(step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - shown[0] > 2 or done == total:
            print(f"\r  {step} {done}/{total}".ljust(70), end="", file=sys.stderr, flush=True)
            shown[0] = now

    print(f"Building the national demo database for {target} ...", file=sys.stderr)
    start = time.perf_counter()
    services = open_services(path)
    summary = build(services, seed=NATIONAL_SEED, scale="national", progress=progress)
    services.close()
    seconds = time.perf_counter() - start
    print(file=sys.stderr)
    after = load()
    size = file_size_mb(path)

    compact = path.with_name(path.stem + "-compact.sqlite3")
    remove_database(compact)
    start = time.perf_counter()
    with sqlite3.connect(path) as connection:
        connection.execute("VACUUM INTO ?", (str(compact),))
    connection.close()
    compact_seconds = time.perf_counter() - start
    compact_size = file_size_mb(compact)
    remove_database(compact)

    print("Checking it (passdesk-admin check) ...", file=sys.stderr)
    services = open_services(path)
    start = time.perf_counter()
    report = check_database(services)
    check_seconds = time.perf_counter() - start
    services.close()
    if not report.ok:
        print("\n".join(report.lines), file=sys.stderr)
    return BuildInfo(
        path=str(path),
        cached=False,
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=round(seconds, 2),
        size_mb=round(size, 1),
        compact_seconds=round(compact_seconds, 2),
        compact_size_mb=round(compact_size, 1),
        load_before=before,
        load_after=after,
        check_ok=report.ok,
        check_seconds=round(check_seconds, 2),
        summary={k: v for k, v in asdict(summary).items() if k != "password"},
    )


@contextmanager
def working_copy(source: Path, name: str) -> Iterator[Path]:
    """A throw-away copy of a database for benchmarks that write (the cache stays pristine)."""
    target = OUT / f"{name}-{os.getpid()}.sqlite3"
    remove_database(target)
    with sqlite3.connect(source) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    shutil.copyfile(source, target)
    try:
        yield target
    finally:
        remove_database(target)


def arguments(description: str, argv: Sequence[str] | None) -> argparse.Namespace:
    """The options every benchmark on the national database takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--db",
        type=Path,
        default=NATIONAL_DB,
        metavar="PATH",
        help=f"national demo database to build or reuse (default {NATIONAL_DB.relative_to(ROOT)})",
    )
    parser.add_argument("--rebuild", action="store_true", help="build it again even if cached")
    return parser.parse_args(argv)
