"""The person's rights on the serve panel: the information notice printed for them, their data
exported (PDF or JSON), their identity erased on request. The rules and the access log are the
services'; this box offers what the agent's role allows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import _
from passdesk.roles import Action, may
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, failure_message
from passdesk.ui.widgets.forms import dialog_buttons


class EraseDialog(QDialog):
    """Erase one person's identity: says what goes and what stays, asks why."""

    def __init__(self, context: UiContext, beneficiary_id: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context, self.beneficiary_id = context, beneficiary_id
        self.setWindowTitle(_("Erase the person's data"))
        explanation = QLabel(
            _(
                "The name, birth date, contact details, commune, profile and consent of "
                "beneficiary no. {id} are erased for good; their handouts, receipts (which will "
                'read "erased person") and the stock register stay, as do the funders\' '
                "figures. This cannot be undone."
            ).format(id=beneficiary_id)
        )
        explanation.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("erase_reason")
        self.reason_edit.setAccessibleName(_("Reason"))
        self.reason_edit.setPlaceholderText(_("e.g. written request of 3 March"))
        label = QLabel(_("&Why:"))
        label.setBuddy(self.reason_edit)
        self.message = MessageLabel(self, name="erase_message")
        self.erase_button = QPushButton(_("&Erase"))
        self.erase_button.setObjectName("erase_confirm_button")
        buttons, self.cancel_button = dialog_buttons(self.erase_button)
        self.cancel_button.clicked.connect(self.reject)
        self.erase_button.clicked.connect(self._on_erase_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.reason_edit, 1)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        QTimer.singleShot(0, self.reason_edit, self.reason_edit.setFocus)

    def _on_erase_button_clicked(self) -> None:
        try:
            self.context.services.erasure.erase(
                self.context.actor, self.beneficiary_id, self.reason_edit.text()
            )
        except PassDeskError as error:
            self.message.show_error(error.message)
            return
        self.accept()


class PersonDataBox(QGroupBox):
    """Notice, export, erasure for the person shown; `erased(id)` once they are erased."""

    erased = Signal(int)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Personal data"), parent)
        self.context = context
        self.beneficiary_id: int | None = None
        self.dialog: EraseDialog | None = None
        role = context.actor.role
        self.notice_button = QPushButton(_("Print the &notice…"))
        self.notice_button.setObjectName("notice_button")
        self.notice_button.setToolTip(
            _("The information notice, for the person to keep (its version is recorded)")
        )
        self.export_button = QPushButton(_("E&xport the data…"))
        self.export_button.setObjectName("export_button")
        self.export_button.setToolTip(_("Everything held about the person, as PDF or JSON"))
        self.export_button.setVisible(may(role, Action.EXPORT_PERSON))
        self.erase_button = QPushButton(_("Erase the data…"))
        self.erase_button.setObjectName("erase_button")
        self.erase_button.setToolTip(_("Erase the person's identity, on their request"))
        self.erase_button.setVisible(may(role, Action.ERASE_PERSON))
        self.message = MessageLabel(self, name="person_data_message")
        row = QHBoxLayout()
        for button in (self.notice_button, self.export_button, self.erase_button):
            row.addWidget(button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.notice_button.clicked.connect(self._on_notice_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.erase_button.clicked.connect(self._on_erase_button_clicked)

    def set_person(self, beneficiary_id: int | None) -> None:
        self.beneficiary_id = beneficiary_id
        self.message.clear_message()

    def _ask_path(self, title: str, name: str, filters: str) -> Path | None:
        start = str(Path.home() / name)
        chosen, _filter = QFileDialog.getSaveFileName(self, title, start, filters)
        return Path(chosen) if chosen else None

    def _on_notice_button_clicked(self) -> None:
        path = self._ask_path(
            _("Print the information notice to"), _("notice.pdf"), _("PDF files (*.pdf)")
        )
        if path is not None:
            self.write_notice(path)

    def write_notice(self, path: Path) -> None:
        if self.beneficiary_id is None:
            return
        person, notice = self.beneficiary_id, self.context.services.notice
        self.context.runner.run(
            lambda _control: notice.write(self.context.actor, path, beneficiary_id=person),
            on_result=lambda written: self.message.show_info(
                _("Information notice, version {version}, written to {path}.").format(
                    version=written.version, path=path
                )
            ),
            on_error=self._on_failed,
            owner=self,
        )

    def _on_export_button_clicked(self) -> None:
        if self.beneficiary_id is None:
            return
        path = self._ask_path(
            _("Export the person's data to"),
            _("data-{id}.pdf").format(id=self.beneficiary_id),
            _("PDF files (*.pdf);;JSON files (*.json)"),
        )
        if path is not None:
            self.export(path)

    def export(self, path: Path) -> None:
        if self.beneficiary_id is None:
            return
        person, exports = self.beneficiary_id, self.context.services.person_export
        self.message.show_info(_("Writing the export…"))
        self.context.runner.run(
            lambda _control: exports.export(self.context.actor, person, path),
            on_result=lambda written: self.message.show_info(
                _("The data of beneficiary {id} are written to {path}.").format(
                    id=person, path=written
                )
            ),
            on_error=self._on_failed,
            owner=self,
        )

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(
            failure_message(error, _("Writing the file failed; the details are in the log file."))
        )

    def _on_erase_button_clicked(self) -> None:
        if self.beneficiary_id is None:
            return
        if self.dialog is not None:
            self.dialog.deleteLater()
        dialog = EraseDialog(self.context, self.beneficiary_id, self)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self.erased.emit(dialog.beneficiary_id))
        dialog.open()
