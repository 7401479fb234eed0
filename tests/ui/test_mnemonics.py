"""Every underlined letter works and is unique in its window (issue 8, defect 6).

Each window and dialog an administrator can open is shown in turn, in French and in English
(with Qt's own strings translated, as the app does); in each, every Alt+letter the agent sees
underlined must belong to one control only, and pressing it must reach that control (a
button whose `setShortcut` replaced its Alt+letter, as the stock page's did, reaches nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from passdesk import i18n
from passdesk.ui.qt_i18n import install_qt_translations
from tests.ui import pages_fixtures
from tests.ui.mnemonics import clashes, every_window, owners, press

pytestmark = pages_fixtures.OFFSCREEN_NOISE
desk = pages_fixtures.desk


@pytest.fixture(params=["fr", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    locale = QLocale()
    i18n.set_language(request.param)
    install_qt_translations(qapp, request.param)
    yield request.param
    install_qt_translations(qapp, "en")  # removes the translators
    QLocale.setDefault(locale)
    i18n.set_language("fr")


def test_every_underlined_letter_is_unique_and_works(
    qtbot: Any, desk: pages_fixtures.Desk, runner: Any, tmp_path: Path, language: str
) -> None:
    walked, problems = 0, []
    for name, window in every_window(desk, runner, tmp_path):
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda w=window: QApplication.activeWindow() is w)
        walked += len(owners(window))
        problems += [f"{name}: {key} is {texts}" for key, texts in clashes(window).items()]
        problems += [f"{name}: {problem}" for problem in press(window)]
    assert walked > 150  # the walk saw the windows' letters, so "no problem" means something
    assert problems == []


def test_the_stock_pages_letters_reach_their_buttons(
    qtbot: Any, desk: pages_fixtures.Desk, runner: Any, tmp_path: Path
) -> None:
    """The ones the issue names: Stock's Alt+R and Alt+I, the receipt's Alt+D and Alt+A, and
    the print dialog's two Alt+I, pressed for real (the receive dialog opens)."""
    from PySide6.QtCore import Qt

    from passdesk.ui.pages.stock.page import StockPage

    page = StockPage(desk.context(desk.supervisor, runner))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    qtbot.keyClick(page, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    assert page.dialog.windowTitle() == "Réceptionner un lot"
