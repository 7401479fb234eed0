"""Fixtures of the window tests: a real database with a desk, stock and one person, a real
background runner, the window built the way app.py builds it.

`desk` is tests/desks.py's SERVE_DESK (the page tests use its `pages_desk`, through
tests/ui/pages_fixtures.py); `services` is an empty migrated database, for the first run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from passdesk.services import Services, open_services
from tests.desks import (
    ADMIN_PASSWORD,
    AGENT_PASSWORD,
    Desk,
    Plan,
    Templates,
    open_serve_desk,
)

__all__ = ["ADMIN_PASSWORD", "AGENT_PASSWORD", "Desk", "focused", "type_text"]


# The offscreen platform warns each time a window is shown or raised; that says nothing about
# the window.
OFFSCREEN_NOISE = (
    "This plugin does not support propagateSizeHints",
    r"This plugin does not support raise\(\)",
)
WINDOW_TEST_PREFIXES = ("test_app_", "test_serve_", "test_login_", "test_first_run_")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).name.startswith(WINDOW_TEST_PREFIXES):
            item.add_marker(pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE))


@pytest.fixture
def services(tmp_path: Path, desk_templates: Templates) -> Iterator[Services]:
    path = tmp_path / "desk.sqlite3"
    desk_templates.copy(Plan(), path)
    services = open_services(path)
    yield services
    services.close()


@pytest.fixture
def desk(tmp_path: Path, desk_templates: Templates) -> Iterator[Desk]:
    desk = open_serve_desk(desk_templates, tmp_path / "desk.sqlite3")
    yield desk
    desk.close()


@pytest.fixture
def runner(qapp):  # noqa: ANN001, ANN201
    from passdesk.ui.worker import TaskRunner

    runner = TaskRunner()
    yield runner
    runner.wait_all()
    runner.deleteLater()


def focused():  # noqa: ANN201
    """The widget with the keyboard focus (a test types only where a person could)."""
    from PySide6.QtWidgets import QApplication

    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def type_text(qtbot, text: str, widget=None) -> None:  # noqa: ANN001
    """Type `text` key by key where the focus is; QTest.keyClicks only knows ASCII, so an
    accented letter is sent as a key event carrying its text, as a French keyboard does."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    target = widget or focused()
    for char in text:
        if char.isascii():
            qtbot.keyClicks(target, char)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                target,
                Qt.Key.Key_unknown,
                char,
                Qt.KeyboardModifier.NoModifier,
            )
