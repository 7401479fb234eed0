"""Usable without a mouse: names for screen readers, shortcuts in tooltips, a sensible Tab order."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableView,
    QWidget,
)

from passdesk.ui.pages.beneficiaries.page import BeneficiariesPage
from passdesk.ui.pages.places.page import PlacesPage
from passdesk.ui.pages.settings import SettingsPage
from passdesk.ui.pages.stock.page import StockPage
from passdesk.ui.widgets.forms import button_shortcut
from tests.ui import pages_fixtures
from tests.ui.pages_fixtures import OFFSCREEN_NOISE, Desk

pytestmark = OFFSCREEN_NOISE
desk = pages_fixtures.desk

FIELDS = (QLineEdit, QComboBox, QSpinBox, QPlainTextEdit, QTableView, QAbstractButton)


def unnamed_controls(root: QWidget) -> list[str]:
    """Visible controls a screen reader could not name (no accessible name, text or buddy)."""
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy()}
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, FIELDS) or not widget.isVisibleTo(root):
            continue
        if isinstance(
            widget.parent(), QComboBox | QSpinBox | QTableView
        ) or widget.objectName().startswith("qt_"):
            continue  # Qt's own parts of a compound widget
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text or id(widget) in buddies):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


PAGES = [StockPage, BeneficiariesPage, PlacesPage, SettingsPage]


@pytest.mark.parametrize("page_class", PAGES, ids=lambda c: c.__name__)
def test_every_control_of_a_page_has_a_name_and_the_page_a_title(
    qtbot: Any, desk: Desk, page_class: type
) -> None:
    page = page_class(desk.context())
    qtbot.addWidget(page)
    page.show()
    assert page.title and page.accessibleName() == page.title
    assert unnamed_controls(page) == []
    page.refresh()  # every page can be refreshed by the window


def test_every_control_of_the_dialogs_has_a_name(qtbot: Any, desk: Desk) -> None:
    stock = StockPage(desk.context())
    qtbot.addWidget(stock)
    stock.show()
    stock.booklets_view.selectRow(0)
    for button in (stock.receive_button, stock.void_button, stock.print_button):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert stock.dialog is not None
        assert unnamed_controls(stock.dialog) == [], type(stock.dialog).__name__
        stock.dialog.reject()
    people = BeneficiariesPage(desk.context())
    qtbot.addWidget(people)
    people.show()
    people.view.selectRow(0)
    qtbot.mouseClick(people.edit_button, Qt.MouseButton.LeftButton)
    assert people.dialog is not None and unnamed_controls(people.dialog) == []
    places = PlacesPage(desk.context())
    qtbot.addWidget(places)
    places.show()
    qtbot.mouseClick(places.add_button, Qt.MouseButton.LeftButton)
    assert places.dialog is not None and unnamed_controls(places.dialog) == []


def test_shortcuts_are_named_in_tooltips(qtbot: Any, desk: Desk) -> None:
    stock = StockPage(desk.context())
    people = BeneficiariesPage(desk.context())
    places = PlacesPage(desk.context())
    settings = SettingsPage(desk.context())
    for page in (stock, people, places, settings):
        qtbot.addWidget(page)
    for button in (
        stock.receive_button,
        stock.void_button,
        stock.print_button,
        people.open_button,
        people.edit_button,
        places.add_button,
        places.edit_button,
        settings.save_button,
    ):
        shortcut = button_shortcut(button).toString(QKeySequence.SequenceFormat.NativeText)
        assert shortcut and shortcut in button.toolTip(), button.objectName()


def test_a_shortcut_opens_the_receive_dialog_and_tab_walks_its_fields(
    qtbot: Any, desk: Desk
) -> None:
    page = StockPage(desk.context())
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    qtbot.keyClick(
        page, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.first_code.setFocus()
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    # Receive waits for two codes
    assert order == ["last_code", "lot_kind", "source", "cancel_button"]
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
