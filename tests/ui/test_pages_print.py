"""Batch printing from the stock page: in a child process, with progress and Cancel.

The progress dialog is tested on its own with a stand-in task. How long the window may go
without processing events while a big batch prints is measured, against an idle window, by
benchmarks/bench_ui_print.py: a wall-clock bound here would fail on a busy machine.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt as QtNs
from PySide6.QtCore import QTimer

from passdesk import codes
from passdesk.errors import Refused
from passdesk.ui.pages.stock.page import StockPage
from passdesk.ui.pages.stock.print_booklets import PrintBookletsDialog
from passdesk.ui.progress import TaskProgressDialog
from passdesk.ui.worker import TaskRunner
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, PROGRAMME, Desk, build_desk

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.printing_desk  # its booklets are printed here (print on site)


@pytest.fixture
def runner(qtbot: Any) -> Any:
    runner = TaskRunner()
    yield runner
    assert runner.wait_all(60_000)
    qtbot.wait(0)  # deliver the last queued signals before the runner goes


# --- the progress dialog, with a stand-in task ------------------------------------------------


def slow_work(total: int, started: threading.Event | None = None) -> Any:
    def work(control: Any) -> int:
        for done in range(1, total + 1):
            if control.cancelled():
                raise Refused("stopped")
            if started is not None:
                started.set()
            time.sleep(0.005)  # stands for the work of one item, on the worker thread
            control.progress(done, total)
        return total

    return work


def test_the_progress_dialog_follows_the_task_and_closes(qtbot: Any, runner: Any) -> None:
    dialog = TaskProgressDialog("Travail", "En cours…")
    qtbot.addWidget(dialog)
    results: list[Any] = []
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        dialog.start(runner, slow_work(40), on_result=results.append, on_error=results.append)
        assert dialog.isVisible()
    assert results == [40]
    assert dialog.bar.maximum() == 40 and dialog.bar.value() == 40
    assert not dialog.isVisible()


def test_cancel_stops_the_task_and_reports_the_error(qtbot: Any, runner: Any) -> None:
    dialog = TaskProgressDialog("Travail", "En cours…")
    qtbot.addWidget(dialog)
    results: list[Any] = []
    started = threading.Event()
    dialog.start(
        runner, slow_work(10_000, started), on_result=results.append, on_error=results.append
    )
    qtbot.waitUntil(started.is_set)
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        qtbot.mouseClick(dialog.cancel_button, QtNs.MouseButton.LeftButton)
        assert dialog.label.text() == "Annulation en cours…"
        assert not dialog.cancel_button.isEnabled()
    assert len(results) == 1 and isinstance(results[0], Refused)
    assert dialog.bar.value() < 10_000


def test_escape_is_cancel_while_the_task_runs(qtbot: Any, runner: Any) -> None:
    dialog = TaskProgressDialog("Travail", "En cours…")
    qtbot.addWidget(dialog)
    results: list[Any] = []
    started = threading.Event()
    dialog.start(
        runner, slow_work(10_000, started), on_result=results.append, on_error=results.append
    )
    qtbot.waitUntil(started.is_set)
    with qtbot.waitSignal(dialog.finished_work, timeout=10_000):
        qtbot.keyClick(dialog, QtNs.Key.Key_Escape)
    assert isinstance(results[0], Refused)


# --- the print dialog ---------------------------------------------------------------------


def open_print_dialog(qtbot: Any, page: StockPage) -> PrintBookletsDialog:
    qtbot.mouseClick(page.print_button, QtNs.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: isinstance(page.dialog, PrintBookletsDialog) and page.dialog.isVisible()
    )
    assert isinstance(page.dialog, PrintBookletsDialog)
    return page.dialog


def make_page(qtbot: Any, desk: Desk, runner: Any = None) -> StockPage:
    page = StockPage(desk.context(desk.supervisor, runner))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_the_print_form_refuses_a_bad_code_and_a_missing_path(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    dialog = open_print_dialog(qtbot, page)
    assert dialog.range_choice.isChecked()  # nothing selected
    assert not dialog.selection_choice.isEnabled()
    dialog.from_code.setText(codes.booklet_code(PROGRAMME, 3).replace("C000003", "C000004"))
    qtbot.mouseClick(dialog.confirm_button, QtNs.MouseButton.LeftButton)
    assert "clé de contrôle" in dialog.from_message.text()
    dialog.from_code.setText(codes.booklet_code(PROGRAMME, 3))
    qtbot.mouseClick(dialog.confirm_button, QtNs.MouseButton.LeftButton)
    assert dialog.from_message.text() == ""
    assert "PDF" in dialog.path_message.text()


def test_the_print_form_builds_the_service_request(qtbot: Any, desk: Desk, tmp_path: Path) -> None:
    page = make_page(qtbot, desk)
    page.booklets_view.selectRow(0)
    page.booklets_view.selectionModel().select(
        page.booklets_model.index(3, 0),
        page.booklets_view.selectionModel().SelectionFlag.Select
        | page.booklets_view.selectionModel().SelectionFlag.Rows,
    )
    chosen = [b.code for b in page.selected_booklets()]
    assert len(chosen) == 2
    dialog = open_print_dialog(qtbot, page)
    assert dialog.selection_choice.isChecked()
    dialog.path.setText(str(tmp_path / "carnets.pdf"))
    assert dialog.request() == {
        "codes": tuple(chosen),
        "path": tmp_path / "carnets.pdf",
        "reprint_reason": None,
    }
    dialog.range_choice.setChecked(True)
    dialog.from_code.setText(codes.booklet_code(PROGRAMME, 11))
    dialog.count.setValue(5)
    assert dialog.request() == {
        "programme_code": PROGRAMME,
        "from_booklet": 11,
        "count": 5,
        "path": tmp_path / "carnets.pdf",
        "reprint_reason": None,
    }


def test_print_a_range_of_booklets_to_pdf(qtbot: Any, desk: Desk, tmp_path: Path) -> None:
    page = make_page(qtbot, desk)
    dialog = open_print_dialog(qtbot, page)
    target = tmp_path / "carnets.pdf"
    dialog.from_code.setText(codes.booklet_code(PROGRAMME, 1))
    dialog.count.setValue(3)
    dialog.path.setText(str(target))
    with qtbot.waitSignal(dialog.printed, timeout=30_000):
        qtbot.mouseClick(dialog.confirm_button, QtNs.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"%PDF")
    assert "3 carnets" in page.message.text()
    assert desk.services.stock.get_booklet(codes.booklet_code(PROGRAMME, 1)).print_count == 1


def test_a_cancelled_print_leaves_no_file(qtbot: Any, tmp_path: Path, runner: Any) -> None:
    big = build_desk(
        tmp_path / "print.sqlite3", booklets=200, people=0, places=0, lot_kind="print_on_site"
    )
    try:
        page = make_page(qtbot, big, runner)
        dialog = open_print_dialog(qtbot, page)
        target = tmp_path / "carnets.pdf"
        dialog.from_code.setText(codes.booklet_code(PROGRAMME, 1))
        dialog.count.setValue(200)
        dialog.path.setText(str(target))
        qtbot.mouseClick(dialog.confirm_button, QtNs.MouseButton.LeftButton)
        progress = dialog.progress
        assert progress is not None
        qtbot.waitUntil(lambda: progress.bar.value() >= 1, timeout=30_000)
        with qtbot.waitSignal(progress.finished_work, timeout=30_000):
            qtbot.mouseClick(progress.cancel_button, QtNs.MouseButton.LeftButton)
        assert "annulée" in dialog.message.text()
        assert not target.exists()
        assert dialog.isVisible()  # the agent may change something and print again
    finally:
        big.services.close()


def test_the_window_handles_events_while_a_child_process_prints(
    qtbot: Any, desk: Desk, tmp_path: Path, runner: Any
) -> None:
    """The drawing happens in another process, and the window's thread keeps running its event
    loop meanwhile (a 20 ms timer keeps firing) instead of waiting for the print."""
    page = make_page(qtbot, desk, runner)
    dialog = open_print_dialog(qtbot, page)
    target = tmp_path / "carnets.pdf"
    dialog.from_code.setText(codes.booklet_code(PROGRAMME, 1))
    dialog.count.setValue(40)
    dialog.path.setText(str(target))
    ticks: list[int] = []  # at each tick, how many child processes were running
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(len(multiprocessing.active_children())))
    timer.start()
    with qtbot.waitSignal(dialog.printed, timeout=120_000):
        qtbot.mouseClick(dialog.confirm_button, QtNs.MouseButton.LeftButton)
    timer.stop()
    assert target.read_bytes().startswith(b"%PDF")
    assert "40 carnets" in page.message.text()
    assert len(ticks) >= 3, "the window's thread stopped while the booklets printed"
    assert max(ticks) >= 1, "the print never ran in a child process"


def test_a_reprint_asks_for_its_reason_next_to_the_field(
    qtbot: Any, desk: Desk, tmp_path: Path
) -> None:
    first = codes.booklet_code(PROGRAMME, 1)
    desk.services.booklet_printing.print_booklets(
        desk.admin, programme_code=PROGRAMME, from_booklet=1, count=2, path=tmp_path / "a.pdf"
    )
    page = make_page(qtbot, desk)
    dialog = open_print_dialog(qtbot, page)
    dialog.from_code.setText(first)
    dialog.count.setValue(2)
    dialog.path.setText(str(tmp_path / "b.pdf"))
    qtbot.mouseClick(dialog.confirm_button, QtNs.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.reprint_message.text()))
    assert not (tmp_path / "b.pdf").exists()
    assert dialog.isVisible()
    dialog.reprint_reason.setText("Bourrage de l'imprimante")
    with qtbot.waitSignal(dialog.printed, timeout=30_000):
        qtbot.mouseClick(dialog.confirm_button, QtNs.MouseButton.LeftButton)
    assert (tmp_path / "b.pdf").exists()
    assert desk.services.stock.get_booklet(first).print_count == 2
