"""Cold start of the desk window: from launching the process to a usable login window, against
a bare PySide6 window on the same machine, each in a fresh subprocess (measured in one run).

    .venv/bin/python -m benchmarks.bench_startup [--runs 7]

"Usable" means the login dialog is shown and the event loop is running (it reacts to keys);
the child reports when its first zero-timer fires after `show()`. The database opens behind the
dialog (a Enter typed earlier is honoured then); that moment is reported on its own line. The PassDesk child goes
through `passdesk.app.main()` itself, on a database that already has a desk (so the login
dialog, not the first-run assistant, opens). Target: <= 1.5 s and <= 2x the bare window.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_RATIO = 1.5, 2.0

BARE = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
window = QLabel("bare PySide6 window")
window.show()
def ready():
    print("READY", flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""

PASSDESK = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
def ready():
    from passdesk.ui.login import LoginDialog
    dialogs = [w for w in app.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()]
    if not dialogs:
        QTimer.singleShot(1, ready)
        return
    print("READY", flush=True)
    QTimer.singleShot(0, lambda: opened(dialogs[0]))
def opened(dialog):
    if not dialog.ready:  # the database still opening in the background
        QTimer.singleShot(1, lambda: opened(dialog))
        return
    print("OPEN", flush=True)
    dialog.reject()
QTimer.singleShot(0, ready)
from passdesk.app import main
sys.exit(main(["--database", sys.argv[1]]))
"""


def prepare_database(folder: Path) -> Path:
    from passdesk.services import open_services

    path = folder / "startup.sqlite3"
    services = open_services(path)
    services.accounts.init_desk(
        name="Banc d'essai", admin_login="admin", admin_password="motdepasse-banc"
    )
    services.close()
    return path


def launch(code: str, *args: str, env: dict[str, str], opened: list[float] | None = None) -> float:
    """Seconds to the child's READY line; the OPEN line's time goes to `opened`, if any."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    if opened is not None and process.stdout.readline().strip() == "OPEN":
        opened.append(time.perf_counter() - started)
    _out, err = process.communicate(timeout=60)
    if line.strip() != "READY":
        raise RuntimeError(f"the child did not get ready:\n{err}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="PassDesk cold start vs a bare PySide6 window")
    parser.add_argument("--runs", type=int, default=7)
    args, _unknown = parser.parse_known_args(argv)  # run_all passes its options to all
    home = Path(tempfile.mkdtemp(prefix="passdesk-bench-startup-"))
    env = dict(os.environ, PASSDESK_HOME=str(home), PYTHONDONTWRITEBYTECODE="0")
    env.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
    os.environ["PASSDESK_HOME"] = str(home)
    database = prepare_database(home)

    bare: list[float] = []
    passdesk: list[float] = []
    opened: list[float] = []
    launch(BARE, env=env)  # warm the disk cache and .pyc files once for both
    launch(PASSDESK, str(database), env=env)
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        bare.append(launch(BARE, env=env))
        passdesk.append(launch(PASSDESK, str(database), env=env, opened=opened))

    b, p = statistics.median(bare), statistics.median(passdesk)
    ratio = p / b
    print(f"platform: {env['QT_QPA_PLATFORM']}, runs: {args.runs} each (median)")
    print(f"{'window':<34}{'median s':>10}{'min s':>8}{'max s':>8}")
    print(f"{'bare PySide6 window':<34}{b:>10.3f}{min(bare):>8.3f}{max(bare):>8.3f}")
    print(
        f"{'PassDesk login window (main())':<34}{p:>10.3f}{min(passdesk):>8.3f}"
        f"{max(passdesk):>8.3f}"
    )
    if opened:
        o = statistics.median(opened)
        print(
            f"{'  database open behind it (Enter works)':<34}{o:>10.3f}{min(opened):>8.3f}"
            f"{max(opened):>8.3f}"
        )
    print(f"ratio PassDesk / bare: {ratio:.2f}  (target <= {TARGET_RATIO})")
    ok = p <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print("OK" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
