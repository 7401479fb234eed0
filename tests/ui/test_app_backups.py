"""The window's backups: one as PassDesk closes (shown only if it takes a moment, never holding
the close), one a day, and the administrators' Backups dialog whose restore first shows what
it will lose."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from passdesk import app, paths
from passdesk.app import build_window
from passdesk.services.backups import BackupService
from passdesk.ui.backups import automatic
from passdesk.ui.backups.automatic import ClosingBackup, ClosingProgress, DailyBackup
from passdesk.ui.backups.dialog import RestoreConfirmation
from tests.ui.conftest import AGENT_PASSWORD, Desk, type_text


def backups_of(kind: str) -> list[Path]:
    return sorted(paths.backup_dir().glob(f"*-{kind}.sqlite3"))


def test_the_closing_backup_is_made_and_a_missing_usb_drive_said_calmly(
    qtbot: Any, desk: Desk, runner: Any, tmp_path: Path
) -> None:
    desk.services.settings.set(desk.admin, "backup_folder", str(tmp_path / "usb"))
    told: list[str] = []
    closing = ClosingBackup(desk.services, runner, tell=lambda _title, text: told.append(text))
    with qtbot.waitSignal(closing.finished, timeout=30_000):
        closing.start()
    assert len(backups_of("closing")) == 1
    assert closing.result is not None and closing.result.second_problem
    assert len(told) == 1 and "clé USB débranchée" in told[0]


def test_a_closing_backup_that_fails_lets_passdesk_close(
    qtbot: Any, desk: Desk, runner: Any
) -> None:
    (paths.data_dir() / "backups").write_text("a file where the backups folder goes")
    told: list[str] = []
    closing = ClosingBackup(desk.services, runner, tell=lambda _title, text: told.append(text))
    with qtbot.waitSignal(closing.finished, timeout=30_000):
        closing.start()
    assert closing.error is not None
    assert len(told) == 1 and "n'a pas pu être faite" in told[0]
    assert "Vos données sont intactes" in told[0] and "Traceback" not in told[0]


def test_a_long_closing_backup_shows_its_progress_and_may_be_left(
    qtbot: Any, desk: Desk, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(automatic, "SHOW_PROGRESS_AFTER_MS", 0)
    release = threading.Event()
    real_create = BackupService.create

    def slow_create(self: BackupService, kind: str = "manual", **options: Any) -> Any:
        release.wait(30)
        return real_create(self, kind, **options)

    monkeypatch.setattr(BackupService, "create", slow_create)
    closing = ClosingBackup(desk.services, runner, tell=lambda _t, _m: None)
    closing.start()
    qtbot.waitUntil(lambda: closing.dialog is not None and closing.dialog.isVisible())
    dialog = closing.dialog
    assert isinstance(dialog, ClosingProgress)
    assert "avant la fermeture" in dialog.label.text()
    with qtbot.waitSignal(closing.finished, timeout=5_000):
        qtbot.mouseClick(dialog.skip_button, Qt.MouseButton.LeftButton)
    release.set()
    runner.wait_all()
    assert backups_of("closing") == []  # cancelled before the copy: no file at all
    assert not list(paths.backup_dir().glob(".*.part"))


def test_the_daily_backup_is_made_once_a_day(qtbot: Any, desk: Desk, runner: Any) -> None:
    said: list[str] = []
    daily = DailyBackup(desk.services, runner, said.append)
    with qtbot.waitSignal(daily.done, timeout=30_000):
        assert daily.check_now()
    assert len(backups_of("daily")) == 1 and said == ["La sauvegarde du jour est faite."]
    assert not daily.check_now()  # made today already
    assert len(backups_of("daily")) == 1


def test_only_administrators_are_offered_the_backups(qtbot: Any, desk: Desk, runner: Any) -> None:
    admin = build_window(desk.services, desk.admin, runner)
    qtbot.addWidget(admin)
    assert admin.backups_action.text() == "&Sauvegardes…"
    for actor in (desk.supervisor, desk.agent):
        other = build_window(desk.services, actor, runner)
        qtbot.addWidget(other)
        assert not hasattr(other, "backups_action")


def test_a_restore_from_the_window_shows_what_it_loses_then_logs_out(
    qtbot: Any, desk: Desk, runner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    window = build_window(desk.services, desk.admin, runner)
    qtbot.addWidget(window)
    window.show()
    window.backups_action.trigger()
    dialog = window.backups_dialog
    assert dialog.list.count() == 0
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=30_000)
    assert "faite à la main" in dialog.list.item(0).text()

    assert desk.known is not None
    given = desk.services.handouts.hand_out(desk.agent, desk.known.id, next_programme="MGP26")
    dialog.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _visible(RestoreConfirmation) is not None, timeout=30_000)
    confirmation = _visible(RestoreConfirmation)
    plan = confirmation.details.toPlainText()
    assert "qui seront perdus (1)" in plan and f"récépissé {given.receipt_number}" in plan
    assert "reprendront au numéro" in plan
    with qtbot.waitSignal(window.logout_requested, timeout=30_000):
        qtbot.mouseClick(confirmation.restore_button, Qt.MouseButton.LeftButton)
    assert told and "restaurée" in told[0]
    assert desk.services.handouts.for_beneficiary(desk.known.id) == []
    again = desk.services.handouts.hand_out(desk.agent, desk.known.id, next_programme="MGP26")
    assert again.receipt_number > given.receipt_number  # never the lost handout's number


def _visible(kind: type) -> Any:
    return next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None
    )


def test_closing_the_window_backs_up_before_passdesk_ends(
    qtbot: Any, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real main(): log in, close the window; PassDesk ends once the backup is made."""
    from passdesk.ui.login import LoginDialog
    from passdesk.ui.main_window import MainWindow

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    seen: list[str] = []
    turns = [0]

    def drive() -> None:
        turns[0] += 1
        if turns[0] > 3000:  # never hang the suite: fail instead
            QApplication.instance().exit(99)
            return
        login = next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, LoginDialog) and w.isVisible() and w.ready
            ),
            None,
        )
        if login is not None and "login" not in seen:
            seen.append("login")
            type_text(qtbot, "chef", login.login_edit)
            type_text(qtbot, AGENT_PASSWORD, login.password_edit)
            qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
        window = _visible(MainWindow)
        if window is not None and "window" not in seen:
            seen.append("window")
            window.close()  # the agent closes PassDesk at the end of the day
            return
        QTimer.singleShot(10, drive)

    QTimer.singleShot(0, drive)
    assert app.main(["--database", str(desk.services.db.path)]) == 0
    assert seen == ["login", "window"]
    assert len(backups_of("closing")) == 1
