"""Composition root of the desk window: paths, logging, database, services, login, main window.

`passdesk --version` and `passdesk --self-test` answer without starting the window. The login dialog shows before the database
layer is even imported: the database opens in the background while the agent types (a cold
start is mostly imports). Everything a person may see goes through a French message box; a bug
is logged and shown calmly, never as a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from passdesk import __version__, i18n

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from passdesk.services import Services
    from passdesk.services.rows import Actor
    from passdesk.ui.login import LoginDialog
    from passdesk.ui.main_window import MainWindow
    from passdesk.ui.retention import RetentionKeeper
    from passdesk.ui.worker import TaskRunner

log = logging.getLogger("passdesk.app")

EXIT_OK, EXIT_ENVIRONMENT = 0, 3


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="passdesk", description="PassDesk desk window")
    parser.add_argument("--version", action="version", version=f"PassDesk {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation in a temporary folder, one line per step, and exit",
    )
    parser.add_argument(
        "--database",
        default=None,
        help="database file or SQLAlchemy URL (default: PASSDESK_DATABASE)",
    )
    args, _qt_args = parser.parse_known_args(argv)
    return args


def language_of(services: Services) -> str:
    """The saved language, French when unset or unreadable."""
    from passdesk.errors import PassDeskError

    try:
        language = str(services.settings.get("language"))
    except PassDeskError:
        return i18n.DEFAULT_LANGUAGE
    return language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def apply_language(app: QApplication, language: str) -> None:
    from passdesk.ui.qt_i18n import install_qt_translations

    i18n.set_language(language)
    install_qt_translations(app, language)


def application_icon() -> QIcon:
    """PassDesk's icon at every size drawn (resources/icons), for every window and the taskbar."""
    from PySide6.QtGui import QIcon

    from passdesk import paths

    icon = QIcon()
    for path in sorted(paths.resource("icons").glob("passdesk-*.png")):
        icon.addFile(str(path))
    return icon


def install_excepthook() -> None:
    """Log any uncaught exception and show one calm French dialog instead of a traceback."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        show_calm_error()

    sys.excepthook = hook


def show_calm_error() -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from passdesk.i18n import _
    from passdesk.logsetup import log_file_text

    if QApplication.instance() is None:
        return
    QMessageBox.warning(
        QApplication.activeWindow(),
        _("PassDesk"),
        _(
            "Something unexpected happened. What you were doing may not have been saved; "
            "check it, then carry on. The details are in the log file ({folder}); give it to "
            "your IT contact."
        ).format(folder=log_file_text()),
    )


def build_window(services: Services, actor: Actor, runner: TaskRunner) -> MainWindow:
    from passdesk.ui.context import UiContext
    from passdesk.ui.main_window import MainWindow

    return MainWindow(UiContext(services=services, actor=actor, runner=runner))


def database_probably_exists(database: str | None) -> bool:
    """Cheap guess, before any database code is imported: a SQLite file that is there (or a
    server URL) has a desk, so the login dialog can show at once."""
    value = database or os.environ.get("PASSDESK_DATABASE") or ""
    if "://" in value:
        return not value.startswith("sqlite")
    from passdesk import paths
    from passdesk.errors import PassDeskError

    try:
        path = os.path.expanduser(value) if value else str(paths.default_database_path())
    except PassDeskError:  # PASSDESK_HOME unusable: opening the database says so
        return False
    return os.path.isfile(path) and os.path.getsize(path) > 0


def database_folder(database: str | None) -> Path | None:
    """The folder of the SQLite file the window opens, for the start-up sweep (None for a
    server); read from the text alone, before the database layer is imported."""
    from passdesk import paths
    from passdesk.errors import PassDeskError

    value = database or os.environ.get("PASSDESK_DATABASE") or ""
    if "://" in value:
        if not value.startswith("sqlite:///"):
            return None
        value = value.removeprefix("sqlite:///").split("?", 1)[0]
    try:
        path = Path(value).expanduser() if value else paths.default_database_path()
    except PassDeskError:
        return None
    return path.parent if path.parent.is_dir() else None


class DeskSession:
    """Login (or first run), then the main window, until the agent quits; drives the app's one
    event loop instead of nesting dialogs' own."""

    def __init__(self, app: QApplication, database: str | None, runner: TaskRunner) -> None:
        self.app, self.database, self.runner = app, database, runner
        self.services: Services | None = None
        self.login: LoginDialog | None = None
        self.window: MainWindow | None = None
        self.retention: RetentionKeeper | None = None
        self._keep: list[Any] = []
        self.worked = False  # an agent logged in: PassDesk backs up as it closes
        self.daily: Any = None
        self.closing: Any = None

    def start(self) -> None:
        if database_probably_exists(self.database):
            self._show_login()
            database = self.database
            self.runner.run(
                lambda _control: self._open(database),
                on_result=self._on_services_opened,
                on_error=self._on_open_failed,
            )
            return
        try:
            services = self._open(self.database)
        except Exception as error:  # noqa: BLE001 - EnvironmentProblem shown, others logged
            self._on_open_failed(error)
            return
        self._on_services_opened(services)

    @staticmethod
    def _open(database: str | None) -> Services:
        from passdesk.documents.fonts import register_fonts
        from passdesk.services import open_services

        services = open_services(database)
        # Parsing the receipt fonts takes ~100 ms of Python: done here, behind the login,
        # rather than in the first receipt's thread while the agent watches the window.
        register_fonts()
        return services

    def _on_open_failed(self, error: BaseException) -> None:
        from PySide6.QtWidgets import QMessageBox

        from passdesk.errors import EnvironmentProblem
        from passdesk.i18n import _

        if self.login is not None:
            self.login.hide()
        if isinstance(error, EnvironmentProblem):
            log.error("database unusable at start-up")
            QMessageBox.critical(None, _("PassDesk cannot start"), error.message)
        else:
            log.error("opening the database failed", exc_info=error)
            show_calm_error()
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: self.app.exit(EXIT_ENVIRONMENT))  # also before exec()

    def _on_services_opened(self, services: Services) -> None:
        self.services = services
        language = language_of(services)
        if language != i18n.current_language():
            apply_language(self.app, language)
            if self.login is not None:  # shown in the default language: show it again
                self.login.hide()
                self._keep.append(self.login)
                self.login = None
                self._show_login()
        if not services.accounts.is_initialised():
            if self.login is not None:
                self.login.hide()
            self._show_first_run()
        elif self.login is not None:
            self.login.set_services(services)
        else:
            self._show_login()

    def _show_login(self) -> None:
        from passdesk.ui.login import LoginDialog

        login = LoginDialog(self.services)
        self.login = login
        login.accepted.connect(lambda: self._on_logged_in(login.actor))
        login.rejected.connect(self.quit)
        login.show()
        login.raise_()
        login.activateWindow()

    def _show_first_run(self) -> None:
        from passdesk.ui.first_run import FirstRunWizard

        assert self.services is not None
        wizard = FirstRunWizard(self.services, self.runner)
        self._keep.append(wizard)
        wizard.accepted.connect(lambda: self._on_first_run_done(wizard))
        wizard.rejected.connect(lambda: self.app.exit(EXIT_OK))
        wizard.show()

    def _on_first_run_done(self, wizard: Any) -> None:
        assert self.services is not None
        apply_language(self.app, language_of(self.services))
        self._on_logged_in(wizard.actor)

    def _on_logged_in(self, actor: Actor | None) -> None:
        if actor is None or self.services is None:
            self.quit()
            return
        from passdesk.ui.backups.automatic import DailyBackup

        if self.retention is None:  # once a session, whoever logs in: start-up, then daily
            from passdesk.ui.retention import RetentionKeeper

            self.retention = RetentionKeeper(self.services, self.runner)
            self.retention.start()
        window = build_window(self.services, actor, self.runner)
        self.window = window
        self.worked = True
        window.logout_requested.connect(self._on_logout_requested)
        window.closed.connect(self._on_window_closed)
        if self.daily is None:
            self.daily = DailyBackup(self.services, self.runner, self._notify)
            self.daily.start()
        window.show()

    def _notify(self, text: str) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(text, 30_000)

    def quit(self) -> None:
        """End PassDesk; after an agent's work, once the closing backup is made (or skipped)."""
        if self.daily is not None:
            self.daily.stop()
        if not self.worked or self.services is None:
            self.app.exit(EXIT_OK)
            return
        if self.closing is not None:
            return  # already backing up
        from passdesk.ui.backups.automatic import ClosingBackup

        self.closing = ClosingBackup(self.services, self.runner)
        self.closing.finished.connect(lambda: self.app.exit(EXIT_OK))
        self.closing.start()

    def _on_logout_requested(self) -> None:
        self.login = None
        self._show_login()

    def _on_window_closed(self) -> None:
        window = self.window
        if window is not None and not window.logged_out:
            self.quit()
        if window is not None:
            window.deleteLater()
        self.window = None

    def close(self) -> None:
        if self.daily is not None:
            self.daily.stop()
        self.runner.wait_all()
        if self.services is not None:
            self.services.close()


def main(argv: Sequence[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # print jobs run in child processes (passdesk.jobs)
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from passdesk import selftest

        return selftest.run()

    from passdesk import paths, staged
    from passdesk.logsetup import configure_logging, unavailable

    paths.owner_only_new_files()
    configure_logging()
    swept = paths.sweep_receipt_previews()
    if swept:
        log.info("%s receipt preview folders left by an ended PassDesk removed", swept)
    staged.sweep_known_folders([database_folder(args.database)])
    from PySide6.QtWidgets import QApplication, QMessageBox

    from passdesk.ui.style import install_style
    from passdesk.ui.worker import TaskRunner

    app = QApplication.instance() or QApplication(["passdesk"])
    assert isinstance(app, QApplication)
    install_style(app)
    app.setApplicationName("PassDesk")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(application_icon())
    app.setQuitOnLastWindowClosed(False)  # the session decides when PassDesk ends
    apply_language(app, i18n.DEFAULT_LANGUAGE)
    install_excepthook()
    if unavailable() is not None:
        QMessageBox.warning(None, "PassDesk", str(unavailable()))
    runner = TaskRunner()
    session = DeskSession(app, args.database, runner)
    session.start()
    try:
        return app.exec()
    finally:
        session.close()
        app.setQuitOnLastWindowClosed(True)


if __name__ == "__main__":
    raise SystemExit(main())
