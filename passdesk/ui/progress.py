"""A progress dialog bound to one runner task: a bar, a Cancel button, closed when work ends.

Not a QProgressDialog: a modal one calls processEvents() from setValue, which is the re-entrant
loop the house avoids. Here the work runs through the runner and the dialog only listens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from passdesk.i18n import _
from passdesk.ui.widgets.basics import WrapLabel
from passdesk.ui.worker import SyncRunner, Task, TaskControl, TaskRunner


class TaskProgressDialog(QDialog):
    """Shows one task's progress; Cancel (or Escape) asks the task to stop at its next check."""

    finished_work = Signal()  # after on_result or on_error ran, whichever came

    def __init__(
        self,
        title: str,
        label: str,
        parent: QWidget | None = None,
        *,
        count_format: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.label = WrapLabel(label)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(_("Progress"))
        self.bar.setRange(0, 0)  # busy until the first report
        self.bar.setFormat(count_format or _("%v of %m"))  # %v done, %m total
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(_("Cancel"))  # French even before Qt's own catalogue loads
        self.cancel_button.setToolTip(_("Stop the work (Escape)"))
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 50)
        self.task: Task | None = None
        self.cancel_requested = False
        self._started = True  # no work is pending until start() is called

    def start(
        self,
        runner: TaskRunner | SyncRunner,
        work: Callable[[TaskControl], Any],
        *,
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Show the dialog, then run `work` through the runner; it closes when the work ends.

        The work starts on the next turn of the event loop, once the dialog is drawn: a worker
        busy in Python from the first instant would make the UI thread wait for the GIL at
        every step of showing it. `task` is set when the work starts.
        """
        self._started = False
        self.open()

        def result(value: Any) -> None:
            self._close_for_good()
            on_result(value)
            self.finished_work.emit()

        def error(failure: BaseException) -> None:
            self._close_for_good()
            on_error(failure)
            self.finished_work.emit()

        def launch() -> None:
            self._started = True
            self.task = runner.run(
                work, on_result=result, on_error=error, on_progress=self.set_progress, owner=self
            )
            if self.cancel_requested and not self.task.done:
                self.task.cancel()  # Cancel was pressed before the work started

        QTimer.singleShot(0, self, launch)

    def set_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    def reject(self) -> None:
        """Cancel or Escape: ask the work to stop; the dialog closes when the work says so."""
        waiting = not self._started
        if not waiting and (self.task is None or self.task.done):
            super().reject()
            return
        if not self.cancel_requested:
            self.cancel_requested = True
            if self.task is not None:
                self.task.cancel()
            self.label.setText(_("Cancelling…"))
            self.cancel_button.setEnabled(False)

    def _close_for_good(self) -> None:
        self.cancel_requested = False
        super().done(QDialog.DialogCode.Rejected)
