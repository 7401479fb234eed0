"""The window meets a PC's trouble calmly: PASSDESK_HOME naming a file, a log folder it cannot
write, another application's database; a French dialog, never a traceback."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from passdesk import app, paths
from tests.ui.conftest import Desk


def _record(monkeypatch: pytest.MonkeyPatch, kind: str) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, kind, lambda _parent, title, text, *_more: shown.append((title, text))
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    return shown


def test_passdesk_home_naming_a_file_is_a_calm_dialog(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    paths.set_base_dir(None)
    monkeypatch.setenv("PASSDESK_HOME", str(blocker))
    critical = _record(monkeypatch, "critical")
    warned = _record(monkeypatch, "warning")
    assert app.main([]) == 3
    assert critical and critical[0][0] == "PassDesk ne peut pas démarrer"
    assert "PASSDESK_HOME" in critical[0][1] and "Traceback" not in critical[0][1]
    assert warned and "sans fichier de log" in warned[0][1]  # the log could not be opened either
    assert blocker.read_text() == "x"


def test_another_applications_database_is_refused_in_a_dialog(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    foreign = tmp_path / "agenda.sqlite3"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE rendez_vous (id INTEGER PRIMARY KEY)")
        connection.commit()
    original = foreign.read_bytes()
    critical = _record(monkeypatch, "critical")
    assert app.main(["--database", str(foreign)]) == 3
    assert critical and "ne ressemble pas à une base PassDesk" in critical[0][1]
    assert foreign.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("agenda")) == [
        "agenda.sqlite3"
    ]


def test_an_unwritable_log_folder_is_said_and_the_window_still_starts(
    qapp: Any, desk: Desk, read_only_folder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from passdesk.ui.login import LoginDialog

    home: Path = read_only_folder.path
    home.chmod(0o755)
    (home / "logs").mkdir()
    (home / "logs").chmod(0o555)
    paths.set_base_dir(home)
    monkeypatch.setenv("PASSDESK_HOME", str(home))
    warned = _record(monkeypatch, "warning")
    failed = _record(monkeypatch, "critical")
    seen: list[str] = []
    turns = [0]

    def leave_at_login() -> None:
        # (other tests' login dialogs may still be around: only the visible, ready one)
        login = next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, LoginDialog) and w.isVisible() and w.ready
            ),
            None,
        )
        if login is not None:
            seen.append("login")
            login.reject()
            return
        turns[0] += 1
        if turns[0] > 3000 or failed:  # never hang the suite: fail instead
            QApplication.instance().exit(99)
            return
        QTimer.singleShot(10, leave_at_login)

    QTimer.singleShot(0, leave_at_login)
    try:
        with read_only_folder.in_effect():
            status = app.main(["--database", str(desk.services.db.path)])
    finally:
        (home / "logs").chmod(0o755)
    assert status == 0 and seen == ["login"]
    assert warned and "Le fichier de log ne peut pas être écrit dans" in warned[0][1]
    assert str(home / "logs") in warned[0][1]
