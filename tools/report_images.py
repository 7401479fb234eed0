"""The funders' report and the dashboard as images for the docs, from a demonstration database.

Run under Xvfb so anyone can make them again the same way:

    xvfb-run -a -s "-screen 0 1400x900x24" .venv/bin/python tools/report_images.py

Writes docs/report.png (the PDF report's first page), docs/report-tables.png (its second
page) and docs/dashboard.png (the serve page with no one open). The demonstration's history
ends on 25 November 2026: the report covers 2026 and the window's clock is set to the
demonstration's last day, so the dashboard's weeks are the demonstration's last ones.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WIDTH, HEIGHT = 1280, 800
DEMO_END = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)


def wait_until(app, condition: Callable[[], bool], timeout_ms: int = 20_000) -> None:  # noqa: ANN001
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    deadline = QDeadlineTimer(timeout_ms)
    while not condition():
        if deadline.hasExpired():
            raise TimeoutError("the window did not reach the expected state")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def pdf_page(pdf: Path, page: int, target: Path, dpi: int = 80) -> None:
    stem = target.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-png",
            "-singlefile",
            "-f",
            str(page),
            "-l",
            str(page),
            str(pdf),
            str(stem),
        ],
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="passdesk-report-images-"))
    os.environ["PASSDESK_HOME"] = str(home)
    from passdesk import paths

    paths.set_base_dir(home)
    from PySide6.QtWidgets import QApplication

    from passdesk import app as passdesk_app
    from passdesk import demo
    from passdesk.services import open_services
    from passdesk.services.report_figures import ReportQuery
    from passdesk.ui.worker import TaskRunner

    qt_app = QApplication(["passdesk-report-images"])
    passdesk_app.apply_language(qt_app, "fr")
    services = open_services(home / "demo.sqlite3")
    print("building the demonstration database…", file=sys.stderr)
    demo.build(services, seed=args.seed, scale="small")
    services.close()
    services = open_services(home / "demo.sqlite3", clock=lambda: DEMO_END)
    admin = services.accounts.actor()

    pdf = home / "rapport.pdf"
    services.reports.write(admin, ReportQuery(date(2026, 1, 1), date(2026, 11, 30)), "pdf", pdf)
    pdf_page(pdf, 1, args.out / "report.png")
    pdf_page(pdf, 2, args.out / "report-tables.png")

    runner = TaskRunner()
    window = passdesk_app.build_window(services, admin, runner)
    window.resize(WIDTH, HEIGHT)
    window.show_page(0)
    window.show()
    wait_until(qt_app, window.isVisible)
    page = window.serve_page
    assert page.dashboard is not None
    dashboard = page.dashboard
    wait_until(qt_app, lambda: dashboard.board is not None)
    # Laid out again once the figures (and the gauges' wrapped text) are in.
    wait_until(qt_app, lambda: dashboard.height() <= dashboard.parentWidget().height())
    window.grab().save(str(args.out / "dashboard.png"))
    window.close()
    runner.wait_all()
    services.close()
    shutil.rmtree(home, ignore_errors=True)
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
