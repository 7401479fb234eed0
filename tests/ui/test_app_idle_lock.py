"""The idle lock: after the set time without input the window hides the person's panel and the
search results (and closes a dialog that may show a person), asks the agent's password, and
lets another agent log in with one key. Time is driven through the lock's timer: a test sets
a tiny interval and waits on the window's state, never sleeps."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit

from passdesk.app import build_window
from passdesk.ui.idle_lock import ActivityWatcher
from tests.ui.conftest import AGENT_PASSWORD, type_text


def shown_window(qtbot, desk, runner, actor):  # noqa: ANN001, ANN201
    window = build_window(desk.services, actor, runner)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_the_setting_gives_the_delay_in_minutes(qtbot, desk, runner) -> None:  # noqa: ANN001
    assert desk.services.settings.get("idle_lock_minutes") == 5
    desk.services.settings.set(desk.admin, "idle_lock_minutes", 2)
    window = shown_window(qtbot, desk, runner, desk.agent)
    assert window.idle.timer.interval() == 2 * 60_000 and window.idle.timer.isActive()


def test_idle_lock_hides_the_person_and_the_results_until_the_password(qtbot, desk, runner) -> None:  # noqa: ANN001
    window = shown_window(qtbot, desk, runner, desk.agent)
    page = window.serve_page
    page.search_edit.setFocus()
    with qtbot.waitSignal(page.results_shown):
        type_text(qtbot, "n'diaye", page.search_edit)
    assert page.results_view.isVisible()
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.person_panel.person is not None)
    assert page.person_panel.isVisible()
    # a dialog that shows a person is open when the agent walks away
    qtbot.keyClick(page.search_edit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.new_dialog is not None and page.new_dialog.isVisible())

    window.idle.set_interval(20)  # the set minutes, made tiny
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    assert not page.person_panel.isVisible()
    assert not page.results_view.isVisible()
    assert page.new_dialog is None  # closed (and forgotten) by the lock
    assert window.lock_screen.isVisible()
    assert not any(a.isEnabled() for a in (window.logout_action, *window.page_actions))
    assert not window.serve_page.menu_actions()[0].isEnabled()

    # a wrong password is refused there, and counts as a wrong login does
    type_text(qtbot, "pas-le-bon", window.lock_screen.password_edit)
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_Return)
    assert window.locked and "incorrect" in window.lock_screen.message.text()
    type_text(qtbot, AGENT_PASSWORD, window.lock_screen.password_edit)
    qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_Return)
    assert not window.locked
    assert page.person_panel.isVisible() and page.person_panel.person is not None
    assert window.logout_action.isEnabled()
    assert window.idle.timer.isActive()


def test_one_key_on_the_lock_screen_lets_another_agent_log_in(qtbot, desk, runner) -> None:  # noqa: ANN001
    window = shown_window(qtbot, desk, runner, desk.agent)
    window.lock_action.setEnabled(True)
    window.lock()
    assert window.locked and window.lock_screen.password_edit.hasFocus()
    with qtbot.waitSignal(window.logout_requested):
        qtbot.keyClick(window.lock_screen.password_edit, Qt.Key.Key_Escape)
    assert window.logged_out


def test_any_key_or_click_postpones_the_lock(qtbot) -> None:  # noqa: ANN001
    watcher = ActivityWatcher(60_000)
    target = QLineEdit()  # a widget of its own that takes keys and clicks, whatever ran before
    qtbot.addWidget(target)
    target.show()
    try:
        QTest.keyClick(target, Qt.Key.Key_A)
        assert watcher.restarts == 0  # not armed: nothing to postpone
        watcher.start()
        QTest.keyClick(target, Qt.Key.Key_A)
        QTest.mouseClick(target, Qt.MouseButton.LeftButton)
        assert watcher.restarts >= 2 and watcher.timer.isActive()
    finally:
        watcher.close()
