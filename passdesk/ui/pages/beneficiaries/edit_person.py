"""Edit a person's record: the person form, each field's problem under it as the agent types,
and a quiet word when the record starts to look like another one (never blocking)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QPushButton, QVBoxLayout, QWidget

from passdesk.errors import PassDeskError
from passdesk.formatting import format_date
from passdesk.i18n import _
from passdesk.services.rows import BeneficiaryRow
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel
from passdesk.ui.widgets.forms import dialog_buttons
from passdesk.ui.widgets.person_form import PersonForm

# Once these fields are readable, other records with the same name and birth date are looked up.
IDENTITY_KEYS = {"last_name", "first_name", "birth_date"}


class BeneficiaryDialog(QDialog):
    """Edit a person's record; `saved` carries the record as stored."""

    saved = Signal(object)  # BeneficiaryRow

    def __init__(
        self, context: UiContext, person: BeneficiaryRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.person = person
        self.setWindowTitle(_("Edit {name}").format(name=person.full_name))
        self.form = PersonForm(self, groups=context.services.programmes.offered_target_groups())
        self.form.set_person(person)
        self.form.edited.connect(self._on_form_edited)
        self.similar = MessageLabel(self, name="similar_message")
        self.message = MessageLabel(self, name="form_message")
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setObjectName("save_button")
        buttons, self.cancel_button = dialog_buttons(self.save_button, enter_confirms=True)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.similar)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        first = self.form.edits["last_name"]
        QTimer.singleShot(0, first, first.setFocus)

    def _on_form_edited(self, key: str) -> None:
        self.message.clear_message()
        if key not in self.form.edits:
            return  # a profile tick cannot make the record look like another one
        self.similar.clear_message()
        if IDENTITY_KEYS & self.form.errors().keys():
            return
        others = self.similar_people()
        if others:
            self.similar.show_info(
                _("Looks like another record: {people}.").format(
                    people=", ".join(
                        f"{p.full_name} ({format_date(p.birth_date)})"
                        if p.birth_date
                        else p.full_name
                        for p in others
                    )
                )
            )

    def _on_save_button_clicked(self) -> None:
        self.message.clear_message()
        errors = self.form.check(every_field=True)
        if errors:
            self.form.focus_first(errors)
            self.message.show_error(_("Correct the fields marked above."))
            return
        beneficiaries = self.context.services.beneficiaries
        try:
            saved = beneficiaries.update(self.context.actor, self.person.id, self.form.data())
        except PassDeskError as error:
            if not self.form.show_error(error.field, error.message):
                self.message.show_error(error.message)
            return
        self.saved.emit(saved)
        self.accept()

    def similar_people(self) -> list[BeneficiaryRow]:
        """Other records that look like this one (shown, never blocking an edit)."""
        return self.context.services.beneficiaries.duplicates(
            self.form.data(), exclude_id=self.person.id
        )
