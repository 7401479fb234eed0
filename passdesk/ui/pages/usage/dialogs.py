"""The usage page's dialogs: name a column mapping of a usage file, record a follow-up call."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import _
from passdesk.services.followup import OUTCOMES
from passdesk.services.usage_reading import FIELD_LABELS, FIELDS
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel
from passdesk.ui.widgets.forms import dialog_buttons


class MappingDialog(QDialog):
    """Which of the file's columns holds the code, the date, the place and the amount."""

    def __init__(
        self, context: UiContext, header: tuple[str, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Columns of the usage file"))
        self.name = QLineEdit()
        self.name.setObjectName("mapping_name")
        self.name.setAccessibleName(_("Mapping name"))
        self.columns: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.addRow(_("&Name of this mapping"), self.name)
        for index, field_name in enumerate(FIELDS):
            box = QComboBox()
            box.setObjectName(f"column_{field_name}")
            box.addItems(list(header))
            box.setCurrentIndex(min(index, len(header) - 1))
            self.columns[field_name] = box
            form.addRow(_(FIELD_LABELS[field_name]).capitalize(), box)
        self.message = MessageLabel(self, name="mapping_message")
        self.save_button = QPushButton(_("&Save"))
        buttons, cancel = dialog_buttons(self.save_button)
        cancel.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _on_save_button_clicked(self) -> None:
        columns = {f: box.currentText() for f, box in self.columns.items()}
        try:
            self.context.services.usage.save_mapping(self.context.actor, self.name.text(), columns)
        except PassDeskError as error:
            self.message.show_error(error.message)
            return
        self.accept()


class CallDialog(QDialog):
    """Record a follow-up call to one person: its outcome and a note."""

    def __init__(
        self, context: UiContext, beneficiary_id: int, name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.beneficiary_id = beneficiary_id
        self.setWindowTitle(_("Call to {name}").format(name=name))
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        for key, label in OUTCOMES.items():
            self.outcome.addItem(_(label), key)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        form = QFormLayout()
        form.addRow(_("&Outcome"), self.outcome)
        form.addRow(_("No&te"), self.note)
        self.message = MessageLabel(self, name="call_message")
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setObjectName("save_call_button")
        buttons, cancel = dialog_buttons(self.save_button)
        cancel.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _on_save_button_clicked(self) -> None:
        try:
            self.context.services.followup.record_call(
                self.context.actor,
                self.beneficiary_id,
                self.outcome.currentData(),
                self.note.text(),
            )
        except PassDeskError as error:
            self.message.show_error(error.message)
            return
        self.accept()
