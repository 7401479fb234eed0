"""The Backups dialog (File menu, administrators): the backups listed, one made now, one
verified, one restored after saying what will be lost.

Every step that reads or writes a file runs through the window's runner. A restore first shows
its plan (the journal events after the backup, the receipt numbers that will follow) and asks
for confirmation; once done, the window logs out, since the register behind every page changed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.formatting import format_file_size, format_timestamp
from passdesk.i18n import _
from passdesk.services.backup_restore import RestorePlan
from passdesk.services.backups import BackupRow, kind_label
from passdesk.ui.context import UiContext
from passdesk.ui.progress import TaskProgressDialog
from passdesk.ui.widgets.basics import MessageLabel, failure_message

log = logging.getLogger(__name__)


def row_text(row: BackupRow) -> str:
    where = [_("data folder")] if row.in_data_folder else []
    where += [_("second folder")] if row.in_second_folder else []
    return "{date} — {kind} — {size} — {where}".format(
        date=format_timestamp(row.taken_at),
        kind=kind_label(row.kind),
        size=format_file_size(row.size),
        where=", ".join(where),
    )


class RestoreConfirmation(QDialog):
    """What a restore will lose, in full, and the one button that does it."""

    def __init__(self, row: BackupRow, plan: RestorePlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Restore a backup"))
        heading = QLabel(
            _("Restore the backup of {date} in place of the database?").format(
                date=format_timestamp(row.taken_at)
            )
        )
        heading.setWordWrap(True)
        self.details = QPlainTextEdit("\n".join(plan.lines()))
        self.details.setReadOnly(True)
        self.details.setObjectName("restore_plan")
        self.details.setAccessibleName(_("What the restore will lose"))
        self.details.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        note = QLabel(
            _(
                "The database as it is now is kept as a backup first; you will log in again "
                "afterwards."
            )
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = self.buttons.addButton(
            _("&Restore"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        self.restore_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.details, 1)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)


class BackupsDialog(QDialog):
    """The list of backups and what can be done with them; `restored` after a restore."""

    restored = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Backups"))
        self.setObjectName("backups_dialog")
        services = context.services
        folder = services.backups.second_folder()
        where = QLabel(
            _("Backups are kept in {data}").format(data=services.backups.data_folder())
            + (
                "\n" + _("and copied to {folder}").format(folder=folder)
                if folder is not None
                else "\n" + _("(no second folder: choose one in Settings)")
            )
        )
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list = QListWidget()
        self.list.setObjectName("backups_list")
        self.list.setAccessibleName(_("Backups, newest first"))
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.message = MessageLabel(self, name="backups_message")
        self.create_button = QPushButton(_("&Back up now"))
        self.verify_button = QPushButton(_("&Verify"))
        self.restore_button = QPushButton(_("&Restore…"))
        close = QPushButton(_("Close"))
        for name, button in (
            ("create_button", self.create_button),
            ("verify_button", self.verify_button),
            ("restore_button", self.restore_button),
        ):
            button.setObjectName(name)
            button.setAutoDefault(False)
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumSize(
            self.fontMetrics().averageCharWidth() * 90, self.fontMetrics().lineSpacing() * 20
        )
        self.rows: list[BackupRow] = []
        self.plan: RestorePlan | None = None
        self.refresh()

    # --- the list -----------------------------------------------------------------------

    def refresh(self) -> None:
        self.rows = self.context.services.backups.list()
        self.list.clear()
        for row in self.rows:
            item = QListWidgetItem(row_text(row), self.list)
            item.setToolTip(str(row.path))
        if self.rows:
            self.list.setCurrentRow(0)
        else:
            self.message.show_info(_("No backup yet."))
        self._on_list_current_row_changed(self.list.currentRow())

    def selected(self) -> BackupRow | None:
        row = self.list.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _on_list_current_row_changed(self, row: int) -> None:
        chosen = 0 <= row < len(self.rows)
        self.verify_button.setEnabled(chosen)
        self.restore_button.setEnabled(chosen)

    # --- back up now ----------------------------------------------------------------------

    def _on_create_button_clicked(self) -> None:
        self.message.clear_message()
        backups = self.context.services.backups
        dialog = TaskProgressDialog(_("Backups"), _("Backing up the database…"), self)
        dialog.start(
            self.context.runner,
            lambda control: backups.create(
                "manual", progress=control.progress, cancel=control.cancelled
            ),
            on_result=self._on_created,
            on_error=self._on_failed,
        )

    def _on_created(self, result: Any) -> None:
        self.refresh()
        text = _("Backup made and verified: {name}").format(name=Path(result.path).name)
        if result.second_problem:
            text += "\n" + result.second_problem
        self.message.show_info(text)

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(failure_message(error))

    # --- verify ----------------------------------------------------------------------------

    def _on_verify_button_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.message.clear_message()
        backups = self.context.services.backups
        dialog = TaskProgressDialog(_("Backups"), _("Verifying the backup…"), self)
        dialog.start(
            self.context.runner,
            lambda control: backups.verify(row.path, cancel=control.cancelled),
            on_result=self._on_verified,
            on_error=self._on_failed,
        )

    def _on_verified(self, report: Any) -> None:
        text = "\n".join(report.lines)
        if report.ok:
            self.message.show_info(text)
        else:
            self.message.show_error(text)

    # --- restore ---------------------------------------------------------------------------

    def _on_restore_button_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.message.clear_message()
        restore = self.context.services.restore
        self.context.runner.run(
            lambda _control: restore.plan(row.path),
            on_result=lambda plan: self._confirm(row, plan),
            on_error=self._on_failed,
        )

    def _confirm(self, row: BackupRow, plan: RestorePlan) -> None:
        self.plan = plan
        confirmation = RestoreConfirmation(row, plan, self)
        confirmation.setObjectName("restore_confirmation")
        confirmation.accepted.connect(lambda: self._restore(row))
        confirmation.open()

    def _restore(self, row: BackupRow) -> None:
        restore, actor = self.context.services.restore, self.context.actor
        dialog = TaskProgressDialog(_("Backups"), _("Restoring the backup…"), self)
        dialog.cancel_button.setEnabled(False)  # a restore is one transaction: it finishes
        dialog.start(
            self.context.runner,
            lambda control: restore.restore(row.path, actor, progress=control.progress),
            on_result=self._on_restored,
            on_error=self._on_failed,
        )

    def _on_restored(self, result: Any) -> None:
        log.info("backup restored from the window")
        QMessageBox.information(
            self,
            _("Backups"),
            _(
                "The backup was restored. The database as it was is kept in {path}. Log in "
                "again to go on."
            ).format(path=result.safety_copy),
        )
        self.accept()
        self.restored.emit()
