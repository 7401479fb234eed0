"""Screenshots of the desk window for the README, from a fresh demonstration database.

Run under Xvfb so anyone can regenerate them the same way:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tools/screenshots.py

Writes docs/screenshots/serve.png (search results), person.png (a person's panel with a scanned
booklet waiting for confirmation) and stock.png (the stock page, when it exists).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WIDTH, HEIGHT = 1280, 800


def wait_until(app, condition: Callable[[], bool], timeout_ms: int = 20_000) -> None:  # noqa: ANN001
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            raise TimeoutError("the window did not reach the expected state")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    home = Path(tempfile.mkdtemp(prefix="passdesk-screens-"))
    os.environ["PASSDESK_HOME"] = str(home)
    from passdesk import paths

    paths.set_base_dir(home)
    from PySide6.QtWidgets import QApplication

    from passdesk import app as passdesk_app
    from passdesk import demo
    from passdesk.services import open_services
    from passdesk.ui.worker import TaskRunner

    qt_app = QApplication(["passdesk-screenshots"])
    passdesk_app.apply_language(qt_app, "fr")
    services = open_services(home / "demo.sqlite3")
    print("building the demonstration database…", file=sys.stderr)
    demo.build(services, seed=args.seed, scale="small")
    runner = TaskRunner()
    window = passdesk_app.build_window(services, services.accounts.actor(), runner)
    window.resize(WIDTH, HEIGHT)
    window.show_page(0)
    window.show()
    wait_until(qt_app, window.isVisible)
    page = window.serve_page

    # A person who already received something, found by the first letters of their name.
    person = next(
        p
        for p in services.beneficiaries.list(limit=500)
        if services.handouts.for_beneficiary(p.id)
        and any(r.remaining for r in services.handouts.entitlements(p.id))
    )
    query = person.last_name[:4]
    page.search_edit.setText(query)
    page.refresh()
    wait_until(qt_app, lambda: page.results_model.rowCount() > 0)
    qt_app.processEvents()
    window.grab().save(str(args.out / "serve.png"))

    page.open_person(person.id)
    page.person_panel.next_action.trigger()
    qt_app.processEvents()
    window.grab().save(str(args.out / "person.png"))

    stock = window.page("StockPage")
    if stock is not None:
        window.show_page(window.pages.index(stock))
        wait_until(qt_app, lambda: window.current_page() is stock)
        runner.wait_all()
        for _ in range(20):
            qt_app.processEvents()
        window.grab().save(str(args.out / "stock.png"))
    else:
        print("no stock page in this version: stock.png not taken", file=sys.stderr)

    window.close()
    runner.wait_all()
    services.close()
    for name in ("serve.png", "person.png", "stock.png"):
        target = args.out / name
        if target.exists():
            print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
