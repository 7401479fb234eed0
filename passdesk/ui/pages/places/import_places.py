"""Import the national places directory: read the file (off the UI thread), show what would
change (new, changed, gone, outside the radius, rejected rows with their reason), then import
it whole on the agent's word, or not at all."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QListWidget, QPushButton, QVBoxLayout, QWidget

from passdesk.i18n import _
from passdesk.services.place_import import PlaceImportPlan
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, failure_message
from passdesk.ui.widgets.forms import dialog_buttons


class PlaceImportDialog(QDialog):
    """The preview of one places file; Import writes it (all or nothing)."""

    imported = Signal(object)  # PlaceImportPlan

    def __init__(self, context: UiContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.path = path
        self.plan: PlaceImportPlan | None = None
        self.setWindowTitle(_("Import places"))
        self.summary = WrapLabel(_("Reading {path}…").format(path=path))
        self.summary.setObjectName("import_summary")
        self.details = QListWidget()
        self.details.setObjectName("import_details")
        self.details.setAccessibleName(_("Rejected rows and warnings"))
        self.message = MessageLabel(self, name="import_message")
        self.import_button = QPushButton(_("&Import"))
        self.import_button.setObjectName("import_button")
        self.import_button.setEnabled(False)
        buttons, self.cancel_button = dialog_buttons(self.import_button)
        self.cancel_button.clicked.connect(self.reject)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)

    def start(self) -> None:
        """Read the file and compare it with the directory, off the UI thread."""
        service = self.context.services.place_import
        self.context.runner.run(
            lambda _control: service.plan_import(self.path),
            on_result=self._on_planned,
            on_error=self._on_failed,
            owner=self,
        )

    def _on_planned(self, plan: PlaceImportPlan) -> None:
        self.plan = plan
        lines = plan.lines()  # the same sentences as the console
        self.summary.setText(lines[0])
        self.details.clear()
        self.details.addItems(lines[1:])
        self.import_button.setEnabled(plan.can_apply)
        if not plan.can_apply:
            self.message.show_error(
                _("Rejected rows must be fixed in the file first: nothing will be imported.")
            )

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(failure_message(error))

    def _on_import_button_clicked(self) -> None:
        actor, service = self.context.actor, self.context.services.place_import
        self.import_button.setEnabled(False)
        self.context.runner.run(
            lambda _control: service.import_places(actor, self.path),
            on_result=self._on_imported,
            on_error=self._on_failed,
            owner=self,
        )

    def _on_imported(self, plan: PlaceImportPlan) -> None:
        self.imported.emit(plan)
        self.accept()
