"""The daily closing dialog of the stock page, driven with the keyboard and a scanner alone:
scans counted as they come, a typo refused by the check digits, differences listed, the
explanation asked for, the closing recorded and its sheet saved."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from passdesk import codes
from passdesk.ui.pages.stock.closing import ClosingDialog
from passdesk.ui.pages.stock.page import CLOSING_SHORTCUT, StockPage
from passdesk.ui.widgets.forms import button_shortcut
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, OTHER_PROGRAMME, PROGRAMME, Desk
from tests.ui.test_pages_keyboard import unnamed_controls

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk


def make_page(qtbot: Any, desk: Desk) -> StockPage:
    page = StockPage(desk.context(desk.agent))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def open_closing(qtbot: Any, page: StockPage) -> ClosingDialog:
    assert page.closing_button.isVisible()  # an agent closes the day
    assert button_shortcut(page.closing_button) == QKeySequence(CLOSING_SHORTCUT)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    qtbot.keyClick(
        page, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: isinstance(page.dialog, ClosingDialog) and page.dialog.isVisible())
    dialog = page.dialog
    assert isinstance(dialog, ClosingDialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.waitUntil(lambda: dialog.scan_field.hasFocus())
    return dialog


def scan(qtbot: Any, dialog: ClosingDialog, text: str) -> None:
    """What a USB scanner does: fast typing, then Enter, where the focus is."""
    assert dialog.scan_field.hasFocus()
    qtbot.keyClicks(dialog.scan_field, text)
    qtbot.keyClick(dialog.scan_field, Qt.Key.Key_Return)


def in_stock(desk: Desk) -> list[str]:
    return [b.code for b in desk.services.stock.booklets(status="in_stock", limit=None)]


def last_event(desk: Desk) -> tuple[str, dict]:
    with sqlite3.connect(desk.services.db.path) as connection:
        kind, details = connection.execute(
            "SELECT kind, details FROM ledger_event ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return kind, json.loads(details)


def test_scanning_the_safe_with_a_typo_and_a_missing_booklet_then_recording(
    qtbot: Any, qtmodeltester: Any, desk: Desk, tmp_path: Path
) -> None:
    missing = codes.booklet_code(PROGRAMME, 7)
    desk.services.stock.void(desk.supervisor, codes.booklet_code(PROGRAMME, 9), "lost")
    page = make_page(qtbot, desk)
    dialog = open_closing(qtbot, page)
    assert unnamed_controls(dialog) == []

    good = [c for c in in_stock(desk) if c != missing]
    typo = good[0][:-1] + str((int(good[0][-1]) + 1) % 10)
    scan(qtbot, dialog, typo)
    assert "clé de contrôle" in dialog.scan_message.text()
    assert dialog.scanned == []
    for code in good:
        scan(qtbot, dialog, code)
    scan(qtbot, dialog, good[3])  # scanned twice: counted once
    assert "déjà été scanné" in dialog.scan_message.text()
    scan(qtbot, dialog, codes.booklet_code(PROGRAMME, 9))  # voided, yet in the safe
    assert "ne devrait pas être dans le coffre" in dialog.scan_message.text()
    assert len(dialog.scanned) == len(good) + 1
    qtmodeltester.check(dialog.counts_model)
    rows = {c.programme_code: c for c in dialog.counts_model.loaded_rows()}
    assert (rows[PROGRAMME].expected, rows[PROGRAMME].counted) == (39, 39)  # 38 found + 9
    assert (rows[OTHER_PROGRAMME].expected, rows[OTHER_PROGRAMME].counted) == (10, 10)
    text = dialog.differences.toPlainText()
    assert missing in text and codes.booklet_code(PROGRAMME, 9) in text

    # Recording without a word of explanation is refused at the explanation, nothing recorded.
    dialog.confirm_button.setFocus()
    qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)
    assert "expliquez" in dialog.explanation_message.text()
    assert last_event(desk)[0] == "voided"
    qtbot.waitUntil(dialog.explanation.hasFocus)
    qtbot.keyClicks(dialog.explanation, "Carnet 7 au guichet, carnet 9 retrouve.")
    qtbot.keyClick(dialog.explanation, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is not dialog.explanation  # Tab leaves the text box
    dialog.confirm_button.setFocus()
    with qtbot.waitSignal(dialog.closed) as closed:
        qtbot.keyClick(dialog.confirm_button, Qt.Key.Key_Return)
    record = closed.args[0]
    kind, details = last_event(desk)
    assert kind == "closed" and details["missing"] == [missing]
    assert record.head_hash in dialog.message.text()
    qtbot.waitUntil(dialog.sheet_button.hasFocus)

    sheet = tmp_path / "cloture.pdf"
    dialog.sheet_path.setText(str(sheet))
    with qtbot.waitSignal(dialog.sheet_written):
        qtbot.keyClick(dialog.sheet_button, Qt.Key.Key_Return)
    text = "".join(page.extract_text() for page in PdfReader(sheet).pages).replace(" ", "")
    assert record.head_hash in text
    assert "Clôture n°" in page.message.text()


def test_typed_counts_show_the_difference_and_record_a_correction(qtbot: Any, desk: Desk) -> None:
    desk.services.closing.close_day(desk.agent, counts={PROGRAMME: 40, OTHER_PROGRAMME: 10})
    page = make_page(qtbot, desk)
    dialog = open_closing(qtbot, page)
    assert "corrigera" in dialog.already.text()

    qtbot.keyClick(dialog.scan_field, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(dialog.count_choice.isChecked)  # a mnemonic clicks with a short animation
    first = dialog.spins[OTHER_PROGRAMME]  # CD33 comes first: programmes in code order
    qtbot.waitUntil(first.hasFocus)
    qtbot.keyClicks(first, "10")
    qtbot.keyClick(first, Qt.Key.Key_Tab)
    spin = dialog.spins[PROGRAMME]
    qtbot.waitUntil(spin.hasFocus)
    qtbot.keyClicks(spin, "38")
    assert (first.value(), spin.value()) == (10, 38)
    rows = {c.programme_code: c for c in dialog.counts_model.loaded_rows()}
    assert rows[PROGRAMME].difference == -2
    qtbot.keyClicks(dialog.explanation, "Deux carnets au bureau du referent.")
    with qtbot.waitSignal(dialog.closed) as closed:
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert closed.args[0].corrects is not None
    assert last_event(desk)[1]["counts"][PROGRAMME] == {"expected": 40, "counted": 38}
