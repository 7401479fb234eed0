"""The settings page: the desk's details, then every declared parameter as a generated form.

The parameters part is not wired field by field: `ParameterForm` builds it from the service's
`PARAMETERS` declarations. Saving checks everything first (the service's own `parse_value` and
SIRET check) and stores nothing while any field is refused; each refusal shows under its field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import _, current_language
from passdesk.roles import Action, may
from passdesk.services.accounts import check_siret
from passdesk.services.settings import DESK_PARAMETERS, PARAMETERS, Parameter, parse_value
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, scaled_font
from passdesk.ui.widgets.forms import add_field_row, field_label, shortcut_button
from passdesk.ui.widgets.parameter_form import ParameterForm

SAVE_SHORTCUT = "Ctrl+S"


class SettingsPage(QWidget):
    """Desk details and parameters; only an administrator may change them."""

    def __init__(
        self,
        context: UiContext,
        parent: QWidget | None = None,
        parameters: tuple[Parameter, ...] = PARAMETERS,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Settings")
        self.setObjectName("settings_page")
        self.setAccessibleName(self.title)
        self.may_edit = may(context.actor.role, Action.EDIT_SETTINGS)
        # The territory's own parameters (several desks in the database) show only to an
        # administrator of the desk that decides for the territory (the coordination, else the
        # first desk).
        territory = context.services.settings.territory_parameters(context.actor)
        self.parameters = parameters = parameters + territory
        self.stored: dict[str, Any] = {}
        self.logo_png: bytes | None = None
        self._logo_changed = False

        heading = QLabel(self.title)
        scaled_font(heading, 1.4, bold=True)
        self.read_only_note = QLabel(_("Only an administrator may change these settings."))
        self.read_only_note.setVisible(not self.may_edit)

        # The desk: a fixed form (it is one record, not declared parameters).
        desk_box = QGroupBox(_("The desk"))
        desk_form = QFormLayout(desk_box)
        self.desk_edits: dict[str, QLineEdit] = {}
        self.desk_messages: dict[str, MessageLabel] = {}
        desk_labels = {
            "name": _("&Name"),
            "address": _("A&ddress"),
            "postcode": _("&Postcode"),
            "commune": _("Co&mmune"),
            "siret": _("S&IRET"),
        }
        for key in desk_labels:
            edit = QLineEdit()
            edit.setObjectName(f"desk_{key}")
            edit.setAccessibleName(desk_labels[key].replace("&", ""))
            edit.textEdited.connect(self._on_desk_field_edited)
            self.desk_edits[key] = edit
            self.desk_messages[key] = add_field_row(
                desk_form, self, desk_labels[key], edit, f"desk_{key}"
            )
        self.desk_edits["siret"].setPlaceholderText(_("14 digits (optional)"))
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logo_preview")
        self.logo_preview.setAccessibleName(_("Logo"))
        self.logo_button = QPushButton(_("Choose a &logo…"))
        self.logo_button.setObjectName("logo_button")
        self.logo_clear_button = QPushButton(_("Remove the log&o"))
        self.logo_clear_button.setObjectName("logo_clear_button")
        self.logo_button.clicked.connect(self._on_logo_button_clicked)
        self.logo_clear_button.clicked.connect(self._on_logo_clear_button_clicked)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.logo_button)
        logo_row.addWidget(self.logo_clear_button)
        logo_row.addStretch(1)
        self.logo_message = MessageLabel(self, name="logo_message")
        logo_box = QVBoxLayout()
        logo_box.addLayout(logo_row)
        logo_box.addWidget(self.logo_message)
        logo_label = QLabel(field_label(_("Logo")))
        logo_label.setBuddy(self.logo_button)
        desk_form.addRow(logo_label, logo_box)

        # The parameters: generated from the declarations; those about the desk itself (its
        # opening hours, its data-protection contact) show with its name and address.
        parameters_box = QGroupBox(_("Receipts, printing and language"))
        keys = {p.key for p in parameters}
        placed_in = {k: desk_form for k in DESK_PARAMETERS if k in keys}
        territory_box = QGroupBox(_("The territory's desks"))
        territory_form = QFormLayout(territory_box)
        placed_in |= {p.key: territory_form for p in territory}
        self.form = ParameterForm(parameters, placed_in=placed_in)
        self.form.setObjectName("parameter_form")
        self.form.changed.connect(self._on_form_changed)
        box_layout = QVBoxLayout(parameters_box)
        box_layout.addWidget(self.form)
        self.language_note = MessageLabel(self, name="language_note")

        self.message = MessageLabel(self, name="settings_message")
        self.save_button = shortcut_button(
            _("Sa&ve the settings"), SAVE_SHORTCUT, name="save_button"
        )
        self.revert_button = QPushButton(_("&Undo the changes"))
        self.revert_button.setObjectName("revert_button")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.revert_button.clicked.connect(self._on_revert_button_clicked)
        for button in (
            self.save_button,
            self.revert_button,
            self.logo_button,
            self.logo_clear_button,
        ):
            button.setVisible(self.may_edit)
        desk_box.setEnabled(self.may_edit)
        parameters_box.setEnabled(self.may_edit)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(desk_box)
        content_layout.addWidget(parameters_box)
        content_layout.addWidget(territory_box)
        territory_box.setVisible(bool(territory))
        content_layout.addWidget(self.language_note)
        content_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addStretch()  # the buttons keep their size while no message shows
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.read_only_note)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        order: list[QWidget] = [*self.desk_edits.values(), self.logo_button, self.logo_clear_button]
        editors = self.form.editors
        order += [editors[k].widget for k in DESK_PARAMETERS if k in editors]
        order += [e.widget for k, e in editors.items() if k not in DESK_PARAMETERS]
        order += [self.revert_button, self.save_button]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self.setFocusProxy(self.desk_edits["name"])
        self.refresh()

    # --- data ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show what is stored (undoing unsaved changes)."""
        desk = self.context.services.accounts.desk()
        for key, edit in self.desk_edits.items():
            edit.setText(getattr(desk, key) or "")
        for message in self.desk_messages.values():
            message.clear_message()
        self.logo_message.clear_message()
        self._show_logo(desk.logo_png)
        self._logo_changed = False
        settings = self.context.services.settings
        self.stored = {p.key: settings.get(p.key) for p in self.parameters}
        self.form.set_values(self.stored)
        self.language_note.clear_message()
        self.message.clear_message()

    def _show_logo(self, png: bytes | None) -> None:
        self.logo_png = png
        self.logo_clear_button.setEnabled(png is not None and self.may_edit)
        if not png:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(_("No logo"))
            return
        pixmap = QPixmap()
        pixmap.loadFromData(png)
        height = self.fontMetrics().height() * 3
        self.logo_preview.setPixmap(
            pixmap.scaledToHeight(height, Qt.TransformationMode.SmoothTransformation)
        )

    def changed_parameters(self) -> dict[str, Any]:
        """The parameters whose editor differs from what is stored, as typed."""
        values = self.form.values()
        return {
            key: value for key, value in values.items() if str(value) != str(self.stored.get(key))
        }

    # --- reactions ----------------------------------------------------------------------

    def _on_desk_field_edited(self, *_args: object) -> None:
        sender = self.sender()
        key = sender.objectName().removeprefix("desk_") if sender else ""
        if key in self.desk_messages:
            self.desk_messages[key].clear_message()
        self.message.clear_message()

    def _on_form_changed(self, key: str) -> None:
        self.message.clear_message()
        if key == "language":
            chosen = self.form.values()[key]
            if chosen != current_language():
                self.language_note.show_info(
                    _("The new language applies after PassDesk is restarted.")
                )
            else:
                self.language_note.clear_message()

    def _on_logo_button_clicked(self) -> None:
        from passdesk.ui.first_run import png_from_file  # the one logo reader of the window

        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose the logo"), "", _("Images (*.png *.jpg *.jpeg)")
        )
        if not path:
            return
        self.set_logo_file(path, png_from_file)

    def set_logo_file(self, path: str, reader: Any = None) -> bool:
        """Take the logo from an image file (what the Choose button does after its dialog)."""
        if reader is None:
            from passdesk.ui.first_run import png_from_file as reader
        self.logo_message.clear_message()
        try:
            png = reader(path)
        except PassDeskError as error:
            self.logo_message.show_error(error.message)
            return False
        self._show_logo(png)
        self._logo_changed = True
        return True

    def _on_logo_clear_button_clicked(self) -> None:
        self._show_logo(None)
        self._logo_changed = True

    def _on_revert_button_clicked(self) -> None:
        self.refresh()

    def _on_save_button_clicked(self) -> None:
        self.save()

    def save(self) -> bool:
        """Check every field, then store them all; while one is refused, store nothing."""
        if not self.may_edit:
            return False
        self.form.clear_errors()
        for message in self.desk_messages.values():
            message.clear_message()
        self.message.clear_message()
        refused = False
        desk = {key: edit.text() for key, edit in self.desk_edits.items()}
        if not desk["name"].strip():
            self.desk_messages["name"].show_error(_("Give the desk's name."))
            refused = True
        try:
            check_siret(desk["siret"])
        except PassDeskError as error:
            self.desk_messages["siret"].show_error(error.message)
            refused = True
        changed = self.changed_parameters()
        by_key = {p.key: p for p in self.parameters}
        for key, raw in changed.items():
            try:
                parse_value(by_key[key], raw)
            except PassDeskError as error:
                self.form.show_error(key, error.message)
                refused = True
        if refused:
            self.message.show_error(_("Nothing was saved: correct the fields marked above."))
            return False
        actor, services = self.context.actor, self.context.services
        try:
            services.accounts.update_desk(
                actor,
                name=desk["name"],
                address=desk["address"],
                postcode=desk["postcode"],
                commune=desk["commune"],
                siret=desk["siret"] or None,
                logo_png=self.logo_png,
                keep_logo=not self._logo_changed,
            )
            for key, raw in changed.items():
                services.settings.set(actor, key, raw)
        except PassDeskError as error:
            target = self.desk_messages.get(error.field or "")
            if error.field in self.form.editors:
                self.form.show_error(error.field, error.message)
            elif target is not None:
                target.show_error(error.message)
            else:
                self.message.show_error(error.message)
            return False
        language_changed = "language" in changed
        self.refresh()
        self.message.show_info(_("Settings saved."))
        if language_changed:
            self.language_note.show_info(_("The new language applies after PassDesk is restarted."))
        return True
