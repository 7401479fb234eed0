"""docs/installer-window.png: the installed PassDesk's login window, title-bar icon included.

    make installer-screenshot

Installs the tar.gz that `make installer` made into a throw-away home with its own install.sh,
creates a desk with the installed passdesk-admin, starts the installed passdesk on a private
Xvfb screen managed by openbox (a window manager that draws the window's icon in its title bar),
and grabs the window with its frame.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "installer-window.png"
TITLE = "PassDesk — connexion"
MARGIN = 24


def xdotool(display: str, *args: str) -> str:
    return subprocess.run(
        ["xdotool", *args],
        env={"DISPLAY": display, "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
    ).stdout.strip()


def wait_for_window(display: str, title: str, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = xdotool(display, "search", "--onlyvisible", "--name", title).split()
        if found:
            return found[0]
        if process.poll() is not None:
            raise SystemExit(f"PassDesk ended ({process.returncode}) before its window")
        time.sleep(0.1)
    raise SystemExit("no PassDesk window after 60 s")


def grab(display: str, path: Path) -> None:
    """The whole screen, read by Qt from the X server (window frames and icons included)."""
    code = (
        "import sys\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "app = QGuiApplication(sys.argv[:1])\n"
        "sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)\n"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env={**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
        check=True,
    )


def crop_to_window(screen: Path) -> None:
    """The window and its frame, cut out of the black screen, on a light margin."""
    from PIL import Image

    with Image.open(screen) as image:
        box = image.convert("L").point(lambda v: 255 if v > 8 else 0).getbbox()
        if box is None:
            raise SystemExit("the screen is empty")
        window = image.crop(box)
    canvas = Image.new("RGB", (window.width + 2 * MARGIN, window.height + 2 * MARGIN), "#e8e8e8")
    canvas.paste(window, (MARGIN, MARGIN))
    canvas.save(OUT)


def main() -> int:
    archives = sorted((ROOT / "dist").glob("passdesk-*-linux-*.tar.gz"))
    if not archives:
        raise SystemExit("no dist/passdesk-*.tar.gz: run make installer first")
    with tempfile.TemporaryDirectory(prefix="passdesk-shot-") as folder:
        home = Path(folder)
        with tarfile.open(archives[-1]) as tar:
            tar.extractall(home / "unpacked", filter="tar")
        unpacked = next((home / "unpacked").iterdir())
        env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        subprocess.run([str(unpacked / "install.sh")], env=env, check=True)
        installed = home / ".local" / "opt" / "passdesk"
        subprocess.run(
            [str(installed / "passdesk-admin"), "init", "--desk", "Mairie de Villeurbanne"],
            env={**env, "PASSDESK_PASSWORD": "capture-d-ecran-installee"},
            check=True,
        )
        read, write = os.pipe()
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1024x640x24", "-br", "-noreset"],
            pass_fds=(write,),
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with open(read) as pipe:
            display = ":" + pipe.readline().strip()
        manager = subprocess.Popen(["openbox"], env={**env, "DISPLAY": display})
        window = subprocess.Popen([str(installed / "passdesk")], env={**env, "DISPLAY": display})
        try:
            wait_for_window(display, TITLE, window)
            time.sleep(1.0)  # let openbox draw the frame and the icon
            grab(display, home / "screen.png")
            crop_to_window(home / "screen.png")
        finally:
            for process in (window, manager, server):
                process.terminate()
                process.wait(timeout=30)
    print(OUT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
