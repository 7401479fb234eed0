"""The window while a batch prints: how long its thread goes without processing events.

    .venv/bin/python -m benchmarks.bench_ui_print [--booklets 200] [--runs 3]

The stock page of a small desk prints `--booklets` booklets through its print dialog, as an
agent does (the real background runner, the drawing in a child process). Meanwhile a 20 ms
timer on the window's thread records when it fires: a gap between two ticks is a time the
window could not repaint or take a key. In the same run, the same page with nothing printing
is timed for as long (the bare baseline: what the machine and Qt's timer give anyway).
Target (issue 3): the window never freezes for more than 100 ms, i.e. the worst gap <= 100 ms.
This used to be a test; on a shared 2-core machine its wall-clock bound failed now and then
(44-192 ms measured), so it is a measurement with its context, not a pass/fail of the suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.common import Figure, load, machine, percentile, save_results, table

TARGET_MS = 100.0
TICK_MS = 20


def gaps_ms(started: float, ticks: Sequence[float]) -> list[float]:
    """Milliseconds between the start and each tick of the timer, tick after tick."""
    moments = [started, *ticks]
    return [(b - a) * 1000 for a, b in zip(moments, moments[1:], strict=False)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--booklets", type=int, default=200, help="booklets a print holds")
    parser.add_argument("--runs", type=int, default=3, help="prints (and idle spans) timed")
    args, _unknown = parser.parse_known_args(argv)  # run_all passes its options to all
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp(prefix="passdesk-bench-print-"))
    os.environ["PASSDESK_HOME"] = str(folder / "home")

    from PySide6.QtCore import QEventLoop, Qt, QTimer, qInstallMessageHandler
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from passdesk import codes, paths
    from passdesk.app import apply_language
    from passdesk.models import Role
    from passdesk.services import open_services
    from passdesk.ui.context import UiContext
    from passdesk.ui.pages.stock import PrintBookletsDialog, StockPage
    from passdesk.ui.worker import TaskRunner

    paths.set_base_dir(folder / "home")
    # The offscreen platform says this at every show; it is not about PassDesk.
    qInstallMessageHandler(
        lambda _mode, _where, text: (
            None if "propagateSizeHints" in text else print(text, file=sys.stderr)
        )
    )
    app = QApplication([])
    apply_language(app, "fr")
    services = open_services(folder / "desk.sqlite3")
    admin = services.accounts.init_desk(name="Banc d'essai", admin_login="admin")
    services.accounts.add_agent(admin, login="sup", display_name="Référent", role=Role.SUPERVISOR)
    services.programmes.add(
        admin,
        code="MGP19",
        name="Pass Numérique",
        face_value="10",
        vouchers_per_booklet=5,
        valid_from="2026-01-01",
        valid_until="2099-12-31",
        funders=[("État", Decimal(100))],
    )
    services.stock.receive(
        admin, programme_code="MGP19", first_booklet=1, count=args.booklets * args.runs
    )
    runner = TaskRunner()
    page = StockPage(UiContext(services, services.accounts.actor("sup"), runner))
    page.resize(1200, 800)
    page.show()

    def wait(condition: Callable[[], bool], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the print did not finish")
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    def timed(span: Callable[[QEventLoop], Any]) -> tuple[float, list[float]]:
        """Run the event loop through `span` (which quits it); the start and the ticks."""
        ticks: list[float] = []
        timer = QTimer()
        timer.setInterval(TICK_MS)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        loop = QEventLoop()
        timer.start()
        started = time.perf_counter()
        span(loop)
        loop.exec()
        timer.stop()
        return started, ticks

    printing: list[float] = []
    idle: list[float] = []
    seconds: list[float] = []
    load_before = load()
    for run in range(args.runs):
        QTest.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
        wait(lambda: isinstance(page.dialog, PrintBookletsDialog) and page.dialog.isVisible(), 10)
        dialog = page.dialog
        assert isinstance(dialog, PrintBookletsDialog)
        dialog.from_code.setText(codes.booklet_code("MGP19", run * args.booklets + 1))
        dialog.count.setValue(args.booklets)
        dialog.path.setText(str(folder / f"carnets-{run}.pdf"))

        def start_print(loop: QEventLoop, dialog: PrintBookletsDialog = dialog) -> None:
            dialog.printed.connect(loop.quit)
            dialog.rejected.connect(loop.quit)
            QTest.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)

        started, ticks = timed(start_print)
        elapsed = time.perf_counter() - started
        if not (folder / f"carnets-{run}.pdf").exists():
            raise SystemExit(f"the print failed: {dialog.message.text()}")
        gaps = gaps_ms(started, ticks)
        printing += gaps
        seconds.append(elapsed)
        # The baseline: the same window, nothing running, for as long as the print took.
        span = int(elapsed * 1000)
        started, ticks = timed(lambda loop, span=span: QTimer.singleShot(span, loop.quit))
        idle += gaps_ms(started, ticks)
        print(
            f"  run {run + 1}: {args.booklets} booklets in {elapsed:.1f} s, worst gap "
            f"{max(gaps):.0f} ms; idle window {max(idle[-len(ticks) :]):.0f} ms",
            file=sys.stderr,
        )
    load_after = load()
    runner.wait_all()
    services.close()

    figures = [
        Figure(
            f"worst gap between {TICK_MS} ms timer ticks while {args.booklets} booklets print",
            max(printing),
            "ms",
            target=TARGET_MS,
            baseline=max(idle),
            baseline_label="idle window, same run",
            note=f"{args.runs} prints of {min(seconds):.1f}-{max(seconds):.1f} s",
        ),
        Figure(
            "99th percentile gap while printing",
            percentile(printing, 99),
            "ms",
            baseline=percentile(idle, 99),
            baseline_label="idle window",
        ),
        Figure(
            "median gap while printing",
            percentile(printing, 50),
            "ms",
            baseline=percentile(idle, 50),
            baseline_label="idle window",
        ),
    ]
    context = {
        "machine": machine(),
        "load_before": load_before,
        "load_after": load_after,
        "booklets": args.booklets,
        "runs": args.runs,
        "print_seconds": seconds,
    }
    print(f"load average: {load_before} before, {load_after} after")
    print(table(figures))
    print(f"results: {save_results('ui_print', figures, context)}")
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
