"""Long text and dates in the serve page (issue 8, defects 5 and 7), typed as the agent types:
a 103-character name leaves "Next booklet" and the history's status column on the panel and is
whole in a tooltip; a name past the register's length has its own message; a date the
calendar lacks is told so, not sent back to the format it has; no message is cut."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from passdesk.services.beneficiary_input import MAX_NAME_LENGTH, BeneficiaryInput
from tests.ui.conftest import Desk, focused, type_text
from tests.ui.test_serve_flow import open_window
from tools.screen_checks import text_height
from tools.screens import LONG_NAME

CTRL = Qt.KeyboardModifier.ControlModifier


def right_edge_in(widget: QWidget, outer: QWidget) -> int:
    return widget.mapTo(outer, QPoint(widget.width(), 0)).x()


def new_person_dialog(qtbot: Any, window: Any) -> Any:
    page = window.serve_page
    qtbot.keyClick(focused(), Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: page.new_dialog is not None and page.new_dialog.isVisible())
    dialog = page.new_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.form.edits["last_name"])
    return dialog


def whole(label: Any) -> bool:
    """The label shows every line of its text."""
    return label.isVisible() and label.contentsRect().height() + 1 >= text_height(label)


def test_a_date_that_does_not_exist_is_told_so(qtbot: Any, desk: Desk, runner: Any) -> None:
    window = open_window(qtbot, desk, runner)
    window.resize(1280, 720)
    dialog = new_person_dialog(qtbot, window)
    form = dialog.form
    for _field in ("last_name", "first_name"):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    assert focused() is form.edits["birth_date"]
    type_text(qtbot, "29/02/1991")
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    message = form.messages["birth_date"]
    qtbot.waitUntil(message.isVisible)
    assert message.text() == "Cette date n'existe pas : février 1991 compte 28 jours."
    qtbot.waitUntil(lambda: whole(message))


def test_a_name_longer_than_the_register_holds_has_its_own_message(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    window = open_window(qtbot, desk, runner)
    dialog = new_person_dialog(qtbot, window)
    type_text(qtbot, "a" * (MAX_NAME_LENGTH + 1))
    qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    message = dialog.form.messages["last_name"]
    qtbot.waitUntil(message.isVisible)
    assert message.text() == (
        f"Un nom compte au plus {MAX_NAME_LENGTH} caractères ({MAX_NAME_LENGTH + 1} saisis)."
    )
    qtbot.waitUntil(lambda: whole(message))


def test_a_103_character_name_leaves_the_panel_whole(qtbot: Any, desk: Desk, runner: Any) -> None:
    first, last = LONG_NAME
    person = desk.services.beneficiaries.register(
        desk.agent,
        BeneficiaryInput(last_name=last, first_name=first, birth_date="12/04/1985"),
    )
    window = open_window(qtbot, desk, runner)
    window.resize(1280, 720)
    page = window.serve_page
    page.open_person(person.id)
    panel = page.person_panel
    qtbot.waitUntil(lambda: panel.person is not None and panel.heading.isVisible())
    qtbot.waitUntil(lambda: panel.heading.is_elided())
    assert len(f"{first} {last}") == 103
    assert last.upper() in panel.heading.toolTip()
    assert panel.heading.toolTip() == panel.heading.full_text()
    viewport = panel.parentWidget()
    while viewport is not None and viewport.objectName() != "qt_scrollarea_viewport":
        viewport = viewport.parentWidget()
    visible_right = viewport.width() if viewport is not None else panel.width()
    outer = viewport or panel
    assert right_edge_in(panel.next_button, outer) <= visible_right
    header = panel.handouts_view.horizontalHeader()
    last_column = header.count() - 1
    status_right = header.sectionViewportPosition(last_column) + header.sectionSize(last_column)
    assert status_right <= panel.handouts_view.viewport().width()
