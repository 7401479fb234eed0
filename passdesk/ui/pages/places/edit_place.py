"""Add a place to the directory or edit one: its address, contact, opening hours and the
services it offers (the open-data standard's names); the service's refusals show under their
field."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import N_, _
from passdesk.services.places import SERVICES, PlaceInput
from passdesk.services.rows import PlaceRow
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel
from passdesk.ui.widgets.forms import add_field_row, dialog_buttons
from passdesk.ui.widgets.hours_editor import OpeningHoursField


class PlaceDialog(QDialog):
    """Add a place (place=None) or edit one; the service's refusals show under their field."""

    saved = Signal(object)  # PlaceRow

    TEXT_FIELDS = (
        ("name", N_("&Name")),
        ("address", N_("A&ddress")),
        ("postcode", N_("&Postcode")),
        ("commune", N_("Co&mmune")),
        ("phone", N_("P&hone")),
        ("email", N_("&E-mail")),
        ("website", N_("&Website")),
        ("opening_hours", N_("&Opening hours")),
    )

    def __init__(
        self, context: UiContext, place: PlaceRow | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.place = place
        self.setWindowTitle(_("Edit a place") if place else _("Add a place"))
        self.edits: dict[str, QLineEdit | OpeningHoursField] = {}
        self.messages: dict[str, MessageLabel] = {}
        form = QFormLayout()
        for key, label_text in self.TEXT_FIELDS:
            value = str(getattr(place, key)) if place else ""
            name = _(label_text).replace("&", "")
            # The hours are set day by day and shown in words, not typed in OSM's syntax.
            edit: QLineEdit | OpeningHoursField = (
                OpeningHoursField(value, name=name) if key == "opening_hours" else QLineEdit(value)
            )
            edit.setObjectName(key)
            edit.setAccessibleName(name)
            edit.textEdited.connect(self._on_field_edited)
            self.edits[key] = edit
            self._add_row(form, _(label_text), edit, key)

        services_box = QGroupBox(_("Services offered"))
        services_layout = QVBoxLayout(services_box)
        self.services: dict[str, QCheckBox] = {}
        for i, service in enumerate(SERVICES):
            box = QCheckBox(service)  # the open-data standard's names, in French by definition
            box.setObjectName(f"service_{i}")
            box.setChecked(bool(place and service in place.services))
            services_layout.addWidget(box)
            self.services[service] = box
        self.services_message = MessageLabel(self, name="services_message")
        self.messages["services"] = self.services_message
        services_layout.addWidget(self.services_message)
        self.active = QCheckBox(_("&Active (printed on receipts)"))
        self.active.setObjectName("active")
        self.active.setChecked(place.active if place else True)
        self.message = MessageLabel(self, name="form_message")
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setObjectName("save_button")
        buttons, self.cancel_button = dialog_buttons(self.save_button, enter_confirms=True)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(services_box)
        layout.addWidget(self.active)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        QTimer.singleShot(0, self.edits["name"], self.edits["name"].setFocus)

    def _add_row(self, form: QFormLayout, label_text: str, field: QWidget, key: str) -> None:
        self.messages[key] = add_field_row(form, self, label_text, field, key)

    def data(self) -> PlaceInput:
        text = {key: edit.text() for key, edit in self.edits.items()}
        return PlaceInput(
            name=text["name"],
            address=text["address"],
            postcode=text["postcode"],
            commune=text["commune"],
            phone=text["phone"],
            email=text["email"],
            website=text["website"],
            opening_hours=text["opening_hours"],
            services=tuple(s for s, box in self.services.items() if box.isChecked()),
            active=self.active.isChecked(),
        )

    def _on_field_edited(self, *_args: object) -> None:
        field = self.sender().objectName() if self.sender() else ""
        if field in self.messages:
            self.messages[field].clear_message()
        self.message.clear_message()

    def _on_save_button_clicked(self) -> None:
        for message in self.messages.values():
            message.clear_message()
        self.message.clear_message()
        places, actor = self.context.services.places, self.context.actor
        try:
            if self.place is None:
                saved = places.add(actor, self.data())
            else:
                saved = places.update(actor, self.place.id, self.data())
        except PassDeskError as error:
            target = self.messages.get(error.field or "", self.message)
            target.show_error(error.message)
            widget = self.edits.get(error.field or "")
            if widget is not None:
                widget.setFocus()
            return
        self.saved.emit(saved)
        self.accept()
