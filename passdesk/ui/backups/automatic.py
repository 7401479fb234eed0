"""The window's automatic backups: one when PassDesk closes, one a day while it stays open.

Both run off the UI thread through the session's runner. At closing, the window is already gone
and PassDesk waits for the backup before it ends; a small dialog shows its progress only if it
takes more than a moment, and its button lets the agent leave without it (the copy is dropped,
nothing else). Whatever happens (a USB drive that is not plugged in, a full disk) is said calmly
and PassDesk closes anyway: a backup never holds the close hostage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import _
from passdesk.services import Services
from passdesk.services.backups import BackupResult
from passdesk.ui.widgets.basics import failure_message
from passdesk.ui.worker import SyncRunner, Task, TaskRunner

log = logging.getLogger(__name__)

SHOW_PROGRESS_AFTER_MS = 700  # a backup quicker than this is not shown at all
DAILY_CHECK_MS = 60 * 60 * 1000  # is today's backup made? asked every hour
FIRST_DAILY_CHECK_MS = 30 * 1000  # and once shortly after the window opens


class ClosingProgress(QDialog):
    """ "Backing up before closing…", with a bar and a button to close without waiting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("PassDesk"))
        self.label = QLabel(_("Backing up the database before closing…"))
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(_("Progress"))
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.buttons = QDialogButtonBox()
        self.skip_button = self.buttons.addButton(
            _("Close without waiting"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.skip_button.setToolTip(_("The backup is dropped; the data stays as it is"))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 50)

    def set_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))


class ClosingBackup(QObject):
    """The backup made as PassDesk closes; `finished` once PassDesk may end (after the backup,
    after the agent chose not to wait, or after a calm message about a failure)."""

    finished = Signal()

    def __init__(
        self,
        services: Services,
        runner: TaskRunner | SyncRunner,
        *,
        tell: Callable[[str, str], None] | None = None,
    ) -> None:
        super().__init__()
        self._services, self._runner = services, runner
        self._tell = tell or _message_box
        self.dialog: ClosingProgress | None = None
        self.task: Task | None = None
        self.result: BackupResult | None = None
        self.error: BaseException | None = None
        self._done = False

    def start(self) -> None:
        self.task = self._runner.run(
            lambda control: self._services.backups.create(
                "closing", progress=control.progress, cancel=control.cancelled
            ),
            on_result=self._on_backup_done,
            on_error=self._on_backup_failed,
            on_progress=self._on_backup_progress,
        )
        if not self._done:
            QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, self, self._show_progress)

    def _show_progress(self) -> None:
        if self._done:
            return
        self.dialog = ClosingProgress()
        self.dialog.rejected.connect(self._on_dialog_rejected)
        self.dialog.show()

    def _on_backup_progress(self, done: int, total: int) -> None:
        if self.dialog is not None:
            self.dialog.set_progress(done, total)

    def _on_dialog_rejected(self) -> None:
        if self._done:
            return
        log.info("closing backup skipped by the agent")
        if self.task is not None:
            self.task.cancel()
        self._finish()

    def _on_backup_done(self, result: Any) -> None:
        if self._done:
            return
        self.result = result
        log.info("closing backup made")
        if result.second_problem:
            self._close_dialog()
            self._tell(_("PassDesk"), result.second_problem)
        self._finish()

    def _on_backup_failed(self, error: BaseException) -> None:
        if self._done:
            return
        self.error = error
        self._close_dialog()
        self._tell(
            _("PassDesk"),
            _(
                "The backup made at closing could not be done: {problem} Your data is intact "
                "in the database; PassDesk will back it up next time."
            ).format(problem=failure_message(error)),
        )
        self._finish()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        self._close_dialog()
        self.finished.emit()


def _message_box(title: str, text: str) -> None:
    QMessageBox.information(None, title, text)


class DailyBackup(QObject):
    """Makes the day's backup while the window stays open (PassDesk may run for days at a
    counter); says how it went through `notify` (the status bar)."""

    done = Signal(object)  # the BackupResult, or the error

    def __init__(
        self,
        services: Services,
        runner: TaskRunner | SyncRunner,
        notify: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services, self._runner, self._notify = services, runner, notify
        self.running = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check_now)

    def start(self) -> None:
        """The first check shortly after the window opens, then one every hour."""
        self.timer.setInterval(FIRST_DAILY_CHECK_MS)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def check_now(self) -> bool:
        """Start the day's backup if none was made today; True if one was started."""
        self.timer.setInterval(DAILY_CHECK_MS)
        if self.running:
            return False
        try:
            due = self._services.backups.due_today()
        except PassDeskError:  # an unusable backup folder: the backup itself will say so
            due = True
        if not due:
            return False
        self.running = True
        self._runner.run(
            lambda control: self._services.backups.create(
                "daily", progress=control.progress, cancel=control.cancelled
            ),
            on_result=self._on_backup_done,
            on_error=self._on_backup_failed,
        )
        return True

    def _on_backup_done(self, result: Any) -> None:
        self.running = False
        self._notify(result.second_problem or _("Today's backup is made."))
        self.done.emit(result)

    def _on_backup_failed(self, error: BaseException) -> None:
        self.running = False
        self._notify(
            _("Today's backup could not be made: {problem}").format(problem=failure_message(error))
        )
        self.done.emit(error)
