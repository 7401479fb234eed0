"""Look up any code from anywhere (issue 8, defect 4): Ctrl+L or F3 from any page, a scanner's
fast typing ending in Enter, the status, programme, receipt and journal history of the booklet
or voucher, and the person who received it with a key that opens them, for a role that may
see them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor
from tests.ui.conftest import Desk, focused, type_text
from tests.ui.test_serve_flow import open_window

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def hand_out_first_booklet(desk: Desk, actor: Actor) -> str:
    assert desk.known is not None
    handout = desk.services.handouts.hand_out(actor, desk.known.id, codes_=[desk.booklet(1)])
    return handout.receipt_number


def open_lookup(qtbot: Any, window: Any, key: Qt.Key, modifier: Any) -> Any:
    qtbot.keyClick(focused(), key, modifier)
    qtbot.waitUntil(lambda: window.lookup_dialog is not None and window.lookup_dialog.isVisible())
    dialog = window.lookup_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.code_edit)
    return dialog


def details(dialog: Any) -> str:
    layout = dialog.details
    return "\n".join(
        layout.itemAt(row, layout.ItemRole.FieldRole).widget().text()
        for row in range(layout.rowCount())
    )


def test_a_voucher_scanned_from_the_stock_page_shows_its_booklet_history_and_person(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    receipt = hand_out_first_booklet(desk, desk.agent)
    window = open_window(qtbot, desk, runner, login="chef")
    window.show_page(window.pages.index(window.page("StockPage")))
    qtbot.waitUntil(lambda: window.current_page() is window.page("StockPage"))
    dialog = open_lookup(qtbot, window, Qt.Key.Key_F3, Qt.KeyboardModifier.NoModifier)

    type_text(qtbot, desk.voucher(2))  # the booklet's second voucher, as a scanner types it
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: dialog.result is not None)
    assert desk.voucher(2) in dialog.heading.full_text()
    assert "Remis" in dialog.heading.full_text()
    shown = details(dialog)
    assert desk.booklet(1) in shown
    assert receipt in shown
    assert "Pass numérique Métropole (MGP26)" in shown
    events = [
        dialog.history_model.index(row, 1).data() for row in range(dialog.history_model.rowCount())
    ]
    assert events[0] == "reçu en stock"
    assert "remis" in events
    assert dialog.person.text() == "Remis à Hélène N'Diaye."
    assert dialog.isVisible()  # the scan's Enter did not press the button it made appear
    assert dialog.open_person_button.isVisible()

    # Alt+O opens the person on the serve page, the lookup closed.
    qtbot.keyClick(focused(), Qt.Key.Key_O, ALT)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    page = window.serve_page
    qtbot.waitUntil(lambda: window.current_page() is page)
    assert page.person_panel.person is not None
    assert page.person_panel.person.id == desk.known.id  # type: ignore[union-attr]


def test_an_agent_looks_up_a_booklet_from_a_person_being_served(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    """Ctrl+L with a person open: the lookup does not lose the person being served."""
    hand_out_first_booklet(desk, desk.agent)
    window = open_window(qtbot, desk, runner, login="agent")
    page = window.serve_page
    person = desk.services.beneficiaries.register(
        desk.agent,
        BeneficiaryInput(last_name="Martin", first_name="Luc", birth_date="01/02/1960"),
    )
    page.open_person(person.id)
    qtbot.waitUntil(lambda: page.person_panel.person is not None)
    dialog = open_lookup(qtbot, window, Qt.Key.Key_L, CTRL)
    type_text(qtbot, desk.booklet(1))
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result is not None)
    assert "Remis" in dialog.heading.full_text()
    assert dialog.person.text() == "Remis à Hélène N'Diaye."
    qtbot.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert page.person_panel.person is not None
    assert page.person_panel.person.id == person.id


def test_a_code_of_no_booklet_here_is_told_and_the_next_scan_replaces_it(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    window = open_window(qtbot, desk, runner)
    dialog = open_lookup(qtbot, window, Qt.Key.Key_L, CTRL)
    type_text(qtbot, "MGP26-C000001-00")  # wrong check digits
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.message.isVisible)
    assert dialog.message.is_error()
    assert dialog.result is None
    assert not dialog.history_view.isVisible()

    # The whole code is selected: the next scan replaces it, and the message goes.
    assert dialog.code_edit.selectedText() == "MGP26-C000001-00"
    type_text(qtbot, desk.booklet(3))
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result is not None)
    assert not dialog.message.isVisible()
    assert "En stock" in dialog.heading.full_text()
    assert dialog.person.text() == "Pas remis."
