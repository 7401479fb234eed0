"""The composition root: --version without Qt, a calm French message when the database is
unusable, Qt's own French, the last-resort exception hook, and the window's remembered state."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from passdesk import __version__, app
from passdesk.app import build_window
from passdesk.ui.main_window import PAGES, window_settings


def test_version_answers_without_starting_qt() -> None:
    code = (
        "import sys\n"
        "from passdesk.app import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print('qt loaded' if 'PySide6.QtWidgets' in sys.modules else 'no qt')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.splitlines() == [f"PassDesk {__version__}", "no qt"]


def test_an_unusable_database_is_said_in_french_never_as_a_traceback(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database at all" * 100)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "critical", lambda _parent, title, text: shown.append((title, text))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert app.main(["--database", str(broken)]) == 3
    assert shown and shown[0][0] == "PassDesk ne peut pas démarrer"
    assert "La base de données" in shown[0][1] or "base" in shown[0][1]
    assert "Traceback" not in shown[0][1]


def test_qt_standard_buttons_read_french(qapp) -> None:  # noqa: ANN001
    app.apply_language(qapp, "fr")
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save
    )
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Annuler"
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "Enregistrer"
    box.deleteLater()


def test_an_unexpected_error_is_logged_and_shown_calmly(
    qapp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # noqa: ANN001
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app.install_excepthook()
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        kind, error, tb = sys.exc_info()
    with caplog.at_level(logging.ERROR, logger="passdesk.app"):
        sys.excepthook(kind, error, tb)
    assert "ZeroDivisionError" in caplog.text
    assert len(shown) == 1
    assert "imprévu" in shown[0] and "Traceback" not in shown[0]


def test_pages_shortcuts_and_remembered_state(qtbot, desk, runner) -> None:  # noqa: ANN001
    window = build_window(desk.services, desk.admin, runner)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.current_page() is window.serve_page
    titles = [p.title for p in window.pages]
    assert titles[0] == "Accueil" and len(titles) == len(PAGES)
    assert titles[-2:] == ["Agents", "Données personnelles"]  # an administrator sees them all
    for number in range(len(PAGES), 0, -1):
        qtbot.keyClick(
            QApplication.focusWidget() or window,
            getattr(Qt.Key, f"Key_{number % 10}"),  # the tenth page is Ctrl+0
            Qt.KeyboardModifier.ControlModifier,
        )
        assert window.stack.currentIndex() == number - 1
    # Shortcuts are shown in the menus (menu text + shortcut) and in tooltips.
    actions = {a.text(): a for a in window.findChildren(type(window.quit_action))}
    new = actions["&Nouveau bénéficiaire…"]
    assert new.shortcut().toString() == "Ctrl+N" and "Ctrl+N" in new.toolTip()
    assert "Ctrl+N" in window.serve_page.new_button.toolTip()
    qtbot.keyClick(
        QApplication.focusWidget() or window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier
    )
    window.resize(700, 500)
    window.close()
    assert window_settings().value(f"window/page-agent-{desk.admin.id}") in (2, "2")

    again = build_window(desk.services, desk.admin, runner)
    qtbot.addWidget(again)
    assert again.stack.currentIndex() == 2
    assert again.size().width() == 700

    # Another agent on the same PC still opens on the home page.
    other = build_window(desk.services, desk.agent, runner)
    qtbot.addWidget(other)
    assert other.current_page() is other.serve_page


def test_an_agent_is_not_offered_the_settings(qtbot, desk, runner) -> None:  # noqa: ANN001
    window = build_window(desk.services, desk.agent, runner)
    qtbot.addWidget(window)
    assert "SettingsPage" not in [type(p).__name__ for p in window.pages]
    assert len(window.pages) == 6  # serve, people, stock, places, usage, reports


def test_text_follows_the_system_font(qtbot, qapp, desk, runner) -> None:  # noqa: ANN001
    original = qapp.font()
    big = QFont(original)
    big.setPointSizeF(original.pointSizeF() * 2)
    qapp.setFont(big)
    try:
        window = build_window(desk.services, desk.admin, runner)
        qtbot.addWidget(window)
        page = window.serve_page
        assert page.search_edit.font().pointSizeF() == big.pointSizeF()
        assert page.person_panel.heading.font().pointSizeF() > big.pointSizeF()
    finally:
        qapp.setFont(original)


def test_main_logs_in_shows_the_window_logs_out_and_quits(
    qtbot, qapp, desk, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    """The real main(): login dialog first, typed into, then the window; logging out shows
    the login again; leaving it ends PassDesk."""
    from PySide6.QtCore import QTimer

    from passdesk.ui.login import LoginDialog
    from passdesk.ui.main_window import MainWindow
    from tests.ui.conftest import AGENT_PASSWORD, type_text

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    database = str(desk.services.db.path)
    seen: list[str] = []

    def top(kind):  # noqa: ANN001, ANN202
        return next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()),
            None,
        )

    def drive() -> None:
        login = top(LoginDialog)
        if login is not None and login.ready and "login" not in seen:
            seen.append("login")
            type_text(qtbot, "chef", login.login_edit)
            type_text(qtbot, AGENT_PASSWORD, login.password_edit)
            qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
        window = top(MainWindow)
        if window is not None and "window" not in seen:
            seen.append("window")
            window.logout_action.trigger()  # Ctrl+Shift+L: the next agent logs in
        elif window is None and login is not None and login.ready and "window" in seen:
            seen.append("login again")
            QTimer.singleShot(0, login.reject)  # Escape on the login dialog quits
            return
        QTimer.singleShot(10, drive)

    QTimer.singleShot(0, drive)
    assert app.main(["--database", database]) == 0
    assert seen == ["login", "window", "login again"]


def test_opening_a_person_from_the_beneficiaries_page_serves_them(qtbot, desk, runner) -> None:  # noqa: ANN001
    window = build_window(desk.services, desk.agent, runner)
    qtbot.addWidget(window)
    beneficiaries = window.page("BeneficiariesPage")
    assert beneficiaries is not None
    window.show_page(window.pages.index(beneficiaries))
    beneficiaries.open_requested.emit(desk.known.id)
    assert window.current_page() is window.serve_page
    assert window.serve_page.person_panel.person.id == desk.known.id
