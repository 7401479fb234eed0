"""The whole serve flow with the keyboard only: log in, search, register a person (a near match
is shown first), scan a booklet as a scanner types it, confirm, read the receipt, and be
refused when the same booklet is scanned again."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from passdesk.app import build_window
from passdesk.ui.login import LoginDialog
from tests.ui.conftest import AGENT_PASSWORD, focused, type_text

CTRL = Qt.KeyboardModifier.ControlModifier


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def log_in(qtbot, services, login: str, password: str):  # noqa: ANN001, ANN201
    dialog = LoginDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    type_here(qtbot, login)
    key(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, password)
    with qtbot.waitSignal(dialog.accepted):
        key(qtbot, Qt.Key.Key_Return)
    return dialog.actor


def open_window(qtbot, desk, runner, login: str = "agent"):  # noqa: ANN001, ANN201
    actor = log_in(qtbot, desk.services, login, AGENT_PASSWORD)
    window = build_window(desk.services, actor, runner)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def type_here(qtbot, text: str) -> None:  # noqa: ANN001
    """Type where the focus is, as a person (or a USB scanner) would."""
    type_text(qtbot, text)


def key(qtbot, k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    qtbot.keyClick(focused(), k, modifier)


@pytest.mark.slow
def test_serve_a_person_with_the_keyboard_only(qtbot, desk, runner) -> None:  # noqa: ANN001
    window = open_window(qtbot, desk, runner)
    page = window.serve_page
    assert QApplication.focusWidget() is page.search_edit

    # Search as you type: accents and case ignored.
    with qtbot.waitSignal(page.results_shown):
        type_here(qtbot, "ndiaye helene")
    assert page.results_model.rowCount() == 1
    assert "N'DIAYE Hélène" in page.results_model.index(0, 0).data()

    # A new person who looks like her: the search fills the names, the cursor waits in the
    # birth date; the probable match is shown side by side first.
    key(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.new_dialog is not None and page.new_dialog.isVisible())
    dialog = page.new_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.form.edits["birth_date"])
    assert dialog.form.edits["last_name"].text() == "Ndiaye"
    assert dialog.form.edits["first_name"].text() == "Helene"
    type_here(qtbot, "12/03/1980")
    key(qtbot, Qt.Key.Key_Return)
    assert dialog.duplicates.isVisible()
    shown = [label.text() for label in dialog.duplicates.findChildren(QLabel)]
    assert "NDIAYE Helene" in shown and "N'DIAYE Hélène" in shown  # typed | registered
    assert "peut-être déjà enregistrée" in dialog.duplicates.message.text()
    assert QApplication.focusWidget() is dialog.duplicates.open_button
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.duplicates.save_anyway_button
    with qtbot.waitSignal(dialog.finished):
        key(qtbot, Qt.Key.Key_Return)
    panel = page.person_panel
    qtbot.waitUntil(lambda: panel.person is not None)
    assert panel.person.last_name == "Ndiaye" and panel.person.id != desk.known.id
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.scan_edit)

    # Scan a booklet as a USB scanner types it: the keys, then Enter.
    code = desk.booklet(3)
    type_here(qtbot, code)
    key(qtbot, Qt.Key.Key_Return)
    assert panel.confirmation.isVisible()
    assert desk.voucher(11) in panel.confirmation.details.text()  # booklet 3 = vouchers 11-15
    assert desk.voucher(15) in panel.confirmation.details.text()

    # Ctrl+Enter confirms; the receipt opens in its preview.
    with qtbot.waitSignal(panel.handed_out) as handed:
        key(qtbot, Qt.Key.Key_Return, CTRL)
    handout = handed.args[0]
    assert [b.booklet_code for b in handout.booklets] == [code]
    with qtbot.waitSignal(page.receipt_ready, timeout=20_000) as receipt:
        pass  # written off the UI thread
    path = receipt.args[0]
    assert handout.receipt_number in path.name
    assert path.exists()
    text = pdf_text(path)
    assert "Helene" in text and "NDIAYE" in text.upper()
    qtbot.waitUntil(lambda: page.receipt_dialog is not None and page.receipt_dialog.isVisible())
    receipt_dialog = page.receipt_dialog
    assert receipt_dialog.document.pageCount() >= 1
    key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not receipt_dialog.isVisible())

    # Back to an empty, focused search for the next person.
    assert page.search_edit.text() == "" and panel.person is None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search_edit)

    # The same booklet again, for the first person: refused, in French, next to the field.
    with qtbot.waitSignal(page.results_shown):
        type_here(qtbot, "hélène n'diaye")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.person is not None)
    assert panel.person.id == desk.known.id
    type_here(qtbot, code)
    key(qtbot, Qt.Key.Key_Return)
    assert not panel.confirmation.isVisible()
    assert panel.scan_message.isVisible()
    assert f"Le carnet {code} a déjà été remis" in panel.scan_message.text()
    assert panel.scan_message.accessibleDescription() == panel.scan_message.text()
