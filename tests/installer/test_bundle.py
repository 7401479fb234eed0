"""The frozen bundle, run as a desk PC runs it: no Python on PATH, nothing from the source tree.

`make installer-test` (and `.ci/run`, after `make test`) runs these; `make test` leaves them out
(marker `installer`), since building the bundle takes a minute of both cores. The session
fixture builds dist/passdesk/ when it is older than the sources, else reuses it. The spec is
the one the Windows installer is built from, so what passes here holds for both systems but
for what only Windows does (paths, the Inno Setup script).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from passdesk import __version__, selftest

pytestmark = [pytest.mark.installer, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "passdesk"
WINDOW_SECONDS = 60  # the first start after a build reads 140 MB from disk


@pytest.fixture(scope="session")
def bundle() -> Path:
    subprocess.run(
        [sys.executable, str(ROOT / "installer" / "linux" / "build.py"), "--bundle-only"],
        check=True,
        cwd=ROOT,
    )
    return BUNDLE


@pytest.fixture
def desk_env(tmp_path: Path) -> dict[str, str]:
    """A PC's environment with no Python: PATH is an empty folder, no PYTHON* variables."""
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {
        "PATH": str(empty),
        "HOME": str(tmp_path / "home"),
        "PASSDESK_HOME": str(tmp_path / "passdesk"),
        "LANG": "C.UTF-8",
    }
    assert shutil.which("python3", path=env["PATH"]) is None
    assert shutil.which("python", path=env["PATH"]) is None
    return env


def run(command: list[str | Path], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(c) for c in command],
        env=env,
        cwd=env["HOME"] if Path(env["HOME"]).is_dir() else None,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def test_the_frozen_self_test_passes_every_step(bundle: Path, desk_env: dict[str, str]) -> None:
    result = run([bundle / "passdesk", "--self-test"], desk_env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "paquet installé" in lines[0]  # the frozen program, not a Python found somewhere
    for key, _step in selftest.STEPS:
        assert any(re.match(rf"ok\s+{key}\s", line) for line in lines), (key, result.stdout)
    assert lines[-1] == "Autotest réussi."
    # The resources come from inside the bundle, not from a source tree next to it.
    assert str(bundle / "_internal") in result.stdout


def test_the_frozen_console_tool_answers(bundle: Path, desk_env: dict[str, str]) -> None:
    result = run([bundle / "passdesk-admin", "--version"], desk_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"PassDesk {__version__}"


@pytest.fixture
def x_display(tmp_path: Path) -> Iterator[str]:
    """A private Xvfb server; its display name once it accepts clients."""
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        pytest.fail("Xvfb and xdotool are needed: make installer-test installs them (Debian)")
    read, write = os.pipe()
    server = subprocess.Popen(
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
        number = pipe.readline().strip()  # written once the server is ready
    try:
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def visible_windows(display: str, name: str) -> list[str]:
    result = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", name],
        env={"DISPLAY": display, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    return result.stdout.split()


def test_the_frozen_window_opens_on_a_desk_and_closes(
    bundle: Path, desk_env: dict[str, str], x_display: str
) -> None:
    made = run(
        [bundle / "passdesk-admin", "init", "--desk", "Mairie d'essai", "--password-stdin"],
        desk_env,
        input="motdepasse-essai\n",
    )
    assert made.returncode == 0, made.stderr
    window = subprocess.Popen(
        [str(bundle / "passdesk")],
        env={**desk_env, "DISPLAY": x_display, "QT_QPA_PLATFORM": "xcb"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        found: list[str] = []
        for _attempt in range(WINDOW_SECONDS * 10):
            found = visible_windows(x_display, "PassDesk — connexion")
            if found or window.poll() is not None:
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                window.wait(timeout=0.1)  # paces the polling; returns early if it dies
        assert found, f"no login window; the program said:\n{window.communicate(timeout=5)[0]}"
        subprocess.run(
            ["xdotool", "key", "--window", found[0], "Escape"],
            env={"DISPLAY": x_display, "PATH": "/usr/bin:/bin"},
            check=True,
        )
        output, _ = window.communicate(timeout=30)
        assert window.returncode == 0, output  # Escape on the login dialog: PassDesk ends
    finally:
        if window.poll() is None:
            window.kill()
            window.wait()
