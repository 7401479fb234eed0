"""The programmes page (issue 8, defect 4): after the first-run assistant, an administrator adds
a programme with its funders typed in a small table and a limit per person, and edits one; what
booklets carry cannot change once they exist; the journal keeps each change."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from passdesk.ui.pages.programmes.dialog import ProgrammeDialog
from passdesk.ui.pages.programmes.page import ProgrammesPage
from tests.ui import pages_fixtures
from tests.ui.conftest import focused, type_text
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, PROGRAMME, Desk

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def make_page(qtbot: Any, desk: Desk, actor: Any = None) -> ProgrammesPage:
    page = ProgrammesPage(desk.context(actor))
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.view.setFocus()
    return page


def open_dialog(qtbot: Any, page: ProgrammesPage, key: Qt.Key, modifier: Any) -> ProgrammeDialog:
    qtbot.keyClick(focused(), key, modifier)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert isinstance(dialog, ProgrammeDialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def select_all_and_type(qtbot: Any, text: str) -> None:
    qtbot.keyClick(focused(), Qt.Key.Key_A, CTRL)
    type_text(qtbot, text)


def test_add_a_programme_with_two_funders_and_a_limit(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    before = page.model.rowCount()
    dialog = open_dialog(qtbot, page, Qt.Key.Key_N, CTRL | SHIFT)
    form = dialog.form
    assert focused() is form.code
    type_text(qtbot, "CD69")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(qtbot, "Pass Rhône seniors")
    qtbot.keyClick(focused(), Qt.Key.Key_L, ALT)  # the limit per person
    assert focused() is form.limit
    qtbot.keyClick(focused(), Qt.Key.Key_Up)
    assert form.limit.text() == "1 carnet"
    qtbot.keyClick(focused(), Qt.Key.Key_Up)
    assert form.limit.text() == "2 carnets"

    # The default funder's share changed in place, then a second funder added with the rest.
    table = form.funders.table
    table.setFocus()
    table.setCurrentCell(0, 1)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    select_all_and_type(qtbot, "70")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(0, 1).text() == "70")
    assert dialog.isVisible() and not form.messages["code"].isVisible()
    qtbot.mouseClick(form.funders.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: table.rowCount() == 2)
    assert table.item(1, 1).text() == "30"  # what is left of 100 %
    qtbot.waitUntil(lambda: table.viewport().isAncestorOf(QApplication.focusWidget()))
    type_text(qtbot, "Département du Rhône")
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # ends the cell, does not save yet
    qtbot.waitUntil(lambda: form.funders.rows()[-1][0] == "Département du Rhône")
    assert form.funders.rows() == [("État", "70"), ("Département du Rhône", "30")]
    assert not any(m.isVisible() for m in form.messages.values())

    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(focused(), Qt.Key.Key_E, ALT)  # &Enregistrer
    stored = {p.code: p for p in desk.services.programmes.list()}["CD69"]
    assert stored.name == "Pass Rhône seniors"
    assert stored.limit_per_person == 2
    assert [(s.funder, s.percent) for s in stored.shares] == [
        ("État", Decimal(70)),
        ("Département du Rhône", Decimal(30)),
    ]
    assert page.model.rowCount() == before + 1
    assert page.selected() is not None and page.selected().code == "CD69"
    assert "CD69" in page.message.text()


def test_shares_that_do_not_add_up_are_refused_under_the_table_and_cleared_once_fixed(
    qtbot: Any, desk: Desk
) -> None:
    page = make_page(qtbot, desk)
    dialog = open_dialog(qtbot, page, Qt.Key.Key_N, CTRL | SHIFT)
    form = dialog.form
    type_text(qtbot, "CD70")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    type_text(qtbot, "Pass Ain")
    form.funders.set_shares([("État", "45"), ("Métropole de Lyon", "50")])
    qtbot.keyClick(focused(), Qt.Key.Key_E, ALT)  # &Enregistrer
    message = form.messages["funders"]
    qtbot.waitUntil(message.isVisible)
    assert "95" in message.text()
    assert dialog.isVisible()
    assert "CD70" not in {p.code for p in desk.services.programmes.list()}
    form.funders.table.item(1, 1).setText("55")  # corrected: the message goes at once
    assert not message.isVisible()


def test_edit_a_programme_whose_booklets_exist(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    row = next(r for r in range(page.model.rowCount()) if page.model.row_at(r).code == PROGRAMME)
    page.view.selectRow(row)
    dialog = open_dialog(qtbot, page, Qt.Key.Key_E, CTRL)
    form = dialog.form
    assert QApplication.focusWidget() is form.name
    assert form.code.isReadOnly()
    assert not form.face_value.isEnabled() and not form.per_booklet.isEnabled()
    select_all_and_type(qtbot, "Pass numérique Gironde 2026")
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(focused(), Qt.Key.Key_E, ALT)  # &Enregistrer
    stored = {p.code: p for p in desk.services.programmes.list()}[PROGRAMME]
    assert stored.name == "Pass numérique Gironde 2026"
    assert page.selected() is not None and page.selected().code == PROGRAMME


def test_only_an_administrator_changes_programmes(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk, desk.supervisor)
    assert page.model.rowCount() >= 2
    assert not page.add_button.isVisible() and not page.edit_button.isVisible()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert page.dialog is None


def test_every_underlined_letter_of_the_programme_dialog_is_its_own(qtbot: Any, desk: Desk) -> None:
    page = make_page(qtbot, desk)
    dialog = open_dialog(qtbot, page, Qt.Key.Key_N, CTRL | SHIFT)
    letters: dict[str, list[str]] = {}
    for widget in dialog.findChildren(QAbstractButton) + dialog.findChildren(QLabel):
        found = re.search(r"&([^&\s])", widget.text())
        if found and widget.isVisible():
            letters.setdefault(found.group(1).lower(), []).append(widget.text())
    assert {k: v for k, v in letters.items() if len(v) > 1} == {}
    qtbot.keyClick(focused(), Qt.Key.Key_H, ALT)  # C&hèques par carnet
    assert focused() is dialog.form.per_booklet
