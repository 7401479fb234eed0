"""The frozen bundle: its size, its 10 largest parts, its cold start to the login window against
a bare frozen PySide6 window built by the same spec, and (with --build) how long a build takes.

    make installer-bench        (or: .venv/bin/python -m benchmarks.installer_bundle [--runs 7] [--build])

Not a `bench_*` module, so `make bench` does not build bundles. Each start is a new process on a
private Xvfb screen, with the environment of a PC without Python; the time runs from launching
the executable to the moment its window is mapped and visible (`xdotool search --onlyvisible`,
polled about every 5 ms). PassDesk opens on a database that has a desk, so it shows the login
dialog, as it does every morning. Both programs get one unmeasured start first (disk cache);
then their starts alternate, so that machine noise hits both alike.
Targets (issue 14): bundle <= 150 MB; start <= 1.5 s and <= 2x the bare window.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "installer" / "linux"))

import build  # noqa: E402 - installer/linux/build.py

BUNDLE = ROOT / "dist" / "passdesk"
BARE_DIST = ROOT / "build" / "bare" / "dist"
BARE = BARE_DIST / "bare"
TARGET_MB, TARGET_SECONDS, TARGET_RATIO = 150, 1.5, 2.0
LOGIN_TITLE = "PassDesk — connexion"
BARE_TITLE = "bare PySide6 window"


def build_bare() -> float:
    return build.pyinstaller(
        build.SPEC,
        BARE_DIST,
        ROOT / "build" / "bare" / "work",
        env={**os.environ, "PASSDESK_FREEZE": "bare"},
    )


def sizes(folder: Path) -> tuple[int, int, Counter[str]]:
    """Bytes (apparent), bytes on disk, and bytes per part: each Qt library, each other folder."""
    apparent = on_disk = 0
    parts: Counter[str] = Counter()
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        stat = path.stat()
        apparent += stat.st_size
        on_disk += stat.st_blocks * 512
        relative = path.relative_to(folder).parts
        inside = relative[1:] if relative[0] == "_internal" else relative
        if inside[:3] == ("PySide6", "Qt", "lib") or len(inside) == 1:
            key = "/".join(inside)
        elif inside[:2] == ("PySide6", "Qt"):
            key = "/".join(inside[:3]) + "/"
        elif inside[0] == "PySide6":
            key = "PySide6/*.so (bindings)"
        else:
            key = inside[0] + "/"
        parts[key] += stat.st_size
    return apparent, on_disk, parts


class Screen:
    """A private Xvfb server."""

    def __enter__(self) -> Screen:
        read, write = os.pipe()
        self.server = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with open(read) as pipe:
            self.display = ":" + pipe.readline().strip()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.terminate()
        self.server.wait(timeout=30)

    def visible(self, title: str) -> bool:
        result = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", title],
            env={"DISPLAY": self.display, "PATH": os.environ["PATH"]},
            capture_output=True,
            text=True,
        )
        return bool(result.stdout.strip())


def time_to_window(
    screen: Screen, executable: Path, title: str, env: dict[str, str], timeout: float = 60
) -> float:
    log = Path(env["HOME"]) / "last-start.txt"
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(executable)],
        env={**env, "DISPLAY": screen.display, "QT_QPA_PLATFORM": "xcb"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        while not screen.visible(title):
            if process.poll() is not None:
                raise RuntimeError(
                    f"{executable} ended ({process.returncode}) before its window:\n"
                    + log.read_text()
                )
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{executable}: no window after {timeout} s")
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)


def desk_environment(home: Path) -> dict[str, str]:
    empty = home / "bin"
    empty.mkdir(parents=True)
    return {"PATH": str(empty), "HOME": str(home), "PASSDESK_HOME": str(home), "LANG": "C.UTF-8"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--build", action="store_true", help="rebuild both bundles, timed")
    args, _unknown = parser.parse_known_args(argv)

    load_before = os.getloadavg()
    build_seconds = bare_seconds = None
    if args.build:
        shutil.rmtree(ROOT / "build" / "pyinstaller", ignore_errors=True)
        started = time.perf_counter()
        build.build_bundle(force=True)
        build_seconds = time.perf_counter() - started
        shutil.rmtree(ROOT / "build" / "bare", ignore_errors=True)
        bare_seconds = build_bare()
    else:
        build.build_bundle(force=False)
        if not (BARE / "bare").is_file():
            bare_seconds = build_bare()

    home = Path(tempfile.mkdtemp(prefix="passdesk-bench-frozen-"))
    try:
        env = desk_environment(home)
        subprocess.run(
            [str(BUNDLE / "passdesk-admin"), "init", "--desk", "Banc d'essai", "--password-stdin"],
            env=env,
            input="banc essai gravier lanterne\n",
            text=True,
            check=True,
            capture_output=True,
        )
        bare: list[float] = []
        passdesk: list[float] = []
        with Screen() as screen:
            first_bare = time_to_window(screen, BARE / "bare", BARE_TITLE, env)
            first_passdesk = time_to_window(screen, BUNDLE / "passdesk", LOGIN_TITLE, env)
            for _ in range(args.runs):
                bare.append(time_to_window(screen, BARE / "bare", BARE_TITLE, env))
                passdesk.append(time_to_window(screen, BUNDLE / "passdesk", LOGIN_TITLE, env))
    finally:
        shutil.rmtree(home, ignore_errors=True)

    apparent, on_disk, parts = sizes(BUNDLE)
    _bare_apparent, bare_disk, _ = sizes(BARE)
    b, p = statistics.median(bare), statistics.median(passdesk)
    ratio = p / b
    mb = 1e6
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
        f"load {' '.join(f'{x:.2f}' for x in load_before)} -> "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"\n{'figure':<46}{'target':>10}{'measured':>11}{'baseline':>11}{'ratio':>7}")
    ok_size = on_disk / mb <= TARGET_MB
    print(
        f"{'bundle size on disk (du), MB':<46}{TARGET_MB:>10}{on_disk / mb:>11.1f}"
        f"{bare_disk / mb:>11.1f}{on_disk / bare_disk:>7.2f}"
    )
    print(f"{'  apparent size (sum of file sizes), MB':<46}{'':>10}{apparent / mb:>11.1f}")
    print(
        f"{'cold start to login window, median s':<46}{TARGET_SECONDS:>10}{p:>11.3f}{b:>11.3f}"
        f"{ratio:>7.2f}"
    )
    print(
        f"{'  min - max s':<46}{'':>10}"
        f"{f'{min(passdesk):.3f}-{max(passdesk):.3f}':>12}{f'{min(bare):.3f}-{max(bare):.3f}':>12}"
    )
    print(
        f"{'  first start (after the build), s':<46}{'':>10}{first_passdesk:>11.3f}{first_bare:>11.3f}"
    )
    if build_seconds is not None:
        print(f"{'build time of the bundle (clean), s':<46}{'':>10}{build_seconds:>11.0f}")
    if bare_seconds is not None:
        print(f"{'build time of the bare baseline, s':<46}{'':>10}{bare_seconds:>11.0f}")
    print(f"\n10 largest parts of {BUNDLE.relative_to(ROOT)} (apparent MB):")
    for name, size in parts.most_common(10):
        print(f"  {size / mb:7.1f}  {name}")
    ok_time = p <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print("\nOK" if ok_size and ok_time else "\nOVER TARGET")
    return 0 if ok_size and ok_time else 1


if __name__ == "__main__":
    raise SystemExit(main())
