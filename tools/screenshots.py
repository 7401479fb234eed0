"""Screenshots of every page and dialog of the desk window, from a fresh demonstration database.

Run under Xvfb, one screen size at a time so that dialogs size themselves for that screen
(`make screenshots` does both):

    xvfb-run -a -s "-screen 0 1280x720x24" .venv/bin/python tools/screenshots.py --size 1280x720

Writes docs/screenshots/<width>x<height>/<screen>.png for each screen of tools/screens.py
(pages, dialogs, the first-run assistant, the login), in French (`--language en`: in
docs/screenshots/en-<width>x<height>/). The README shows some of the 1280x720 ones.

`--check` writes no image: it prints, as JSON, what is wrong with each screen (larger than the
screen, text cut without a tooltip, a control without an accessible name); the window tests
run it on an offscreen screen of each size (tests/ui/test_screens.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_wait(app) -> Callable[[Callable[[], bool]], None]:  # noqa: ANN001
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    def wait(condition: Callable[[], bool], timeout_ms: int = 20_000) -> None:
        deadline = QDeadlineTimer(timeout_ms)
        while not condition():
            if deadline.hasExpired():
                raise TimeoutError("the window did not reach the expected state")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        for _round in range(5):  # let layouts and repaints settle before the grab
            app.processEvents()

    return wait


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--language", choices=("fr", "en"), default="fr")
    parser.add_argument("--only", nargs="*", default=None, help="screen names to take")
    parser.add_argument("--size", action="append", type=_size, help="WIDTHxHEIGHT (repeat)")
    parser.add_argument("--check", action="store_true", help="print problems as JSON")
    parser.add_argument("--scale", type=float, default=None, help="QT_SCALE_FACTOR, e.g. 1.5")
    args = parser.parse_args(argv)
    if args.scale:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    home = Path(tempfile.mkdtemp(prefix="passdesk-screens-"))
    os.environ["PASSDESK_HOME"] = str(home)
    from passdesk import paths

    paths.set_base_dir(home)
    from PySide6.QtWidgets import QApplication

    from passdesk import app as passdesk_app
    from passdesk import demo
    from passdesk.services import open_services
    from passdesk.ui.style import install_style
    from passdesk.ui.worker import TaskRunner
    from tools import screen_checks, screens

    qt_app = QApplication(["passdesk-screenshots"])
    qt_app.setStyle("Fusion")  # the same look wherever the tool runs
    install_style(qt_app)
    passdesk_app.apply_language(qt_app, args.language)
    wait = make_wait(qt_app)
    runner = TaskRunner()
    services = open_services(home / "demo.sqlite3")
    print("building the demonstration database…", file=sys.stderr)
    demo.build(services, seed=args.seed, scale="small")
    passdesk_app.apply_language(qt_app, args.language)  # the demo stores French: keep ours
    empty = open_services(home / "new.sqlite3")
    stage = screens.open_stage(services, runner, wait)
    prefix = "" if args.language == "fr" else f"{args.language}-"
    suffix = f"@{round(args.scale * 100)}%" if args.scale else ""
    written = 0
    problems: dict[str, list[str]] = {}
    checked: list[str] = []
    tops: set[str] = set()
    for number, (width, height) in enumerate(args.size or screens.SIZES):
        folder = args.out / f"{prefix}{width}x{height}{suffix}"
        for screen in screens.all_screens():
            if args.only and screen.name not in args.only:
                continue
            with screens.shown(stage, screen, (width, height), empty=empty) as widget:
                tops.add(type(widget).__name__)
                if args.check:
                    found = screen_checks.problems_of(widget, (width, height), names=number == 0)
                    if found:
                        problems[f"{screen.name} {width}x{height}"] = found
                    checked.append(f"{screen.name} {width}x{height}")
                    continue
                folder.mkdir(parents=True, exist_ok=True)
                widget.grab().save(str(folder / f"{screen.name}.png"))
                written += 1
    stage.window.close()
    runner.wait_all()
    services.close()
    empty.close()
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(stage.scratch, ignore_errors=True)
    if args.check:
        if not args.only:
            missing = {type(p).__name__ for p in stage.window.pages} - screens.pages_shown()
            missing |= screens.dialog_classes() - tops
            if missing:
                problems["catalogue"] = [f"never shown: {', '.join(sorted(missing))}"]
        print(json.dumps({"checked": checked, "problems": problems}, ensure_ascii=False, indent=1))
        return 1 if problems else 0
    print(f"{written} screenshots written under {args.out}", file=sys.stderr)
    return 0


def _size(text: str) -> tuple[int, int]:
    width, _x, height = text.partition("x")
    return int(width), int(height)


if __name__ == "__main__":
    raise SystemExit(main())
