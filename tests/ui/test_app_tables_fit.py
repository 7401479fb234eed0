"""Tables fit the window (issue 8, defect 11): at 1400 and 1280 pixels the stock page's tables
and the other pages' lists need no sideways scrolling; a column narrowed to fit cuts its text
with "…" and its cell's tooltip shows it whole; a table keeps the widths the agent sets."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTableView

from passdesk.app import build_window
from tests.ui.conftest import Desk

TABLES = (
    ("StockPage", "programmes_view"),
    ("StockPage", "booklets_view"),
    ("StockPage", "lots_view"),
    ("ProgrammesPage", "view"),
    ("BeneficiariesPage", "view"),
    ("AgentsPage", "view"),
)


def shown_window(qtbot: Any, desk: Desk, runner: Any, width: int) -> Any:
    window = build_window(desk.services, desk.admin, runner)
    qtbot.addWidget(window)
    window.resize(width, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def show_table(qtbot: Any, window: Any, page_name: str, attribute: str) -> QTableView:
    page = window.page(page_name)
    window.show_page(window.pages.index(page))
    qtbot.waitUntil(lambda: window.current_page() is page)
    if page_name == "StockPage" and attribute == "lots_view":
        page.upper_tabs.setCurrentIndex(1)
    view = getattr(page, attribute)
    qtbot.waitUntil(view.isVisible)
    qtbot.waitUntil(lambda: view.model().rowCount() > 0)
    return view


@pytest.mark.parametrize("width", [1400, 1280])
@pytest.mark.parametrize(("page_name", "attribute"), TABLES)
def test_tables_need_no_sideways_scrolling(
    qtbot: Any, desk: Desk, runner: Any, width: int, page_name: str, attribute: str
) -> None:
    window = shown_window(qtbot, desk, runner, width)
    view = show_table(qtbot, window, page_name, attribute)
    header = view.horizontalHeader()
    bar = view.horizontalScrollBar()
    qtbot.waitUntil(lambda: header.length() <= view.viewport().width() + 1)
    qtbot.waitUntil(lambda: not bar.isVisible())


def test_a_narrowed_column_shows_its_whole_text_in_a_tooltip_and_a_set_width_is_kept(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    window = shown_window(qtbot, desk, runner, 1280)
    view = show_table(qtbot, window, "StockPage", "programmes_view")
    model, header = view.model(), view.horizontalHeader()
    name = model.index(0, 1)
    assert name.data(Qt.ItemDataRole.ToolTipRole) == name.data()
    assert view.textElideMode() == Qt.TextElideMode.ElideRight

    # A width the agent drags is kept when the window is resized.
    handle = QPoint(header.sectionViewportPosition(0) + header.sectionSize(0) - 1, 5)
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=handle)
    qtbot.mouseMove(header.viewport(), handle + QPoint(40, 0))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=handle + QPoint(40, 0))
    chosen = header.sectionSize(0)
    window.resize(1400, 800)
    qtbot.waitUntil(lambda: view.viewport().width() > 1000)
    assert header.sectionSize(0) == chosen
