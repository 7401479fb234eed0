"""The places page: the directory of qualified places printed on receipts; add and edit.

Supervisors and administrators edit the directory (the service refuses agents anyway); agents
see it, to tell a person where to go.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import N_, _, ngettext
from passdesk.roles import Action, may
from passdesk.services.places import SERVICES, PlaceInput
from passdesk.services.rows import PlaceRow
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, scaled_font
from passdesk.ui.widgets.forms import (
    add_field_row,
    dialog_buttons,
    open_dialog,
    shortcut_button,
)
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view

ADD_SHORTCUT = "Ctrl+Shift+N"
EDIT_SHORTCUT = "Ctrl+E"

PLACE_COLUMNS: list[Column[PlaceRow]] = [
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Address"), lambda r: r.address),
    Column(N_("Postcode"), lambda r: r.postcode),
    Column(N_("Commune"), lambda r: r.commune),
    Column(N_("Phone"), lambda r: r.phone),
    Column(N_("Opening hours"), lambda r: r.opening_hours),
    Column(N_("Active"), lambda r: r.active),
    Column(N_("Services"), lambda r: r.services),
]


class PlacesPage(QWidget):
    """The directory, in commune then name order; Enter on a place edits it."""

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Places")
        self.setObjectName("places_page")
        self.setAccessibleName(self.title)
        self.may_edit = may(context.actor.role, Action.EDIT_PLACES)
        self.dialog: QDialog | None = None  # the last dialog the page opened

        heading = QLabel(_("Qualified places"))
        scaled_font(heading, 1.4, bold=True)
        self.count_label = QLabel()
        self.count_label.setObjectName("place_count")
        self.message = MessageLabel(self, name="places_message")
        self.model: RowTableModel[PlaceRow] = RowTableModel(PLACE_COLUMNS, self)
        self.view = QTableView()
        self.view.setObjectName("places_view")
        configure_view(self.view, self.model, _("Qualified places"))
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.add_button = shortcut_button(
            _("&Add a place…"),
            ADD_SHORTCUT,
            tip=_("Add a place to the directory"),
            name="add_button",
        )
        self.edit_button = shortcut_button(
            _("&Edit…"), EDIT_SHORTCUT, tip=_("Edit the selected place"), name="edit_button"
        )
        for button in (self.add_button, self.edit_button):
            button.setVisible(self.may_edit)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        QWidget.setTabOrder(self.add_button, self.edit_button)
        QWidget.setTabOrder(self.edit_button, self.view)
        self.setFocusProxy(self.view)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        places = self.context.services.places.list()
        self.model.set_rows(places)
        self.count_label.setText(
            ngettext("{n} place", "{n} places", len(places)).format(n=len(places))
        )
        self._update_buttons()

    def selected(self) -> PlaceRow | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    def _update_buttons(self, *_args: object) -> None:
        self.edit_button.setEnabled(self.selected() is not None)

    def _on_add_button_clicked(self) -> None:
        if self.may_edit:
            self._open(PlaceDialog(self.context, None, self))

    def _on_edit_button_clicked(self) -> None:
        place = self.selected()
        if self.may_edit and place is not None:
            self._open(PlaceDialog(self.context, place, self))

    def _on_view_activated(self, index: QModelIndex) -> None:
        place = self.model.row_at(index.row())
        if self.may_edit and place is not None:
            self._open(PlaceDialog(self.context, place, self))

    def _open(self, dialog: PlaceDialog) -> None:
        self.message.clear_message()
        dialog.saved.connect(self._on_place_saved)
        self.dialog = open_dialog(self.dialog, dialog)

    def _on_place_saved(self, place: PlaceRow) -> None:
        self.message.show_info(_("{name} is saved in the directory.").format(name=place.name))
        self.refresh()
        for row, item in enumerate(self.model.loaded_rows()):
            if item.id == place.id:
                self.view.selectRow(row)
                break


class PlaceDialog(QDialog):
    """Add a place (place=None) or edit one; the service's refusals show under their field."""

    saved = Signal(object)  # PlaceRow

    TEXT_FIELDS = (
        ("name", N_("&Name")),
        ("address", N_("A&ddress")),
        ("postcode", N_("&Postcode")),
        ("commune", N_("Co&mmune")),
        ("phone", N_("P&hone")),
        ("email", N_("E-&mail")),
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
        self.edits: dict[str, QLineEdit] = {}
        self.messages: dict[str, MessageLabel] = {}
        form = QFormLayout()
        for key, label_text in self.TEXT_FIELDS:
            edit = QLineEdit(str(getattr(place, key)) if place else "")
            edit.setObjectName(key)
            edit.setAccessibleName(_(label_text).replace("&", ""))
            edit.textEdited.connect(self._on_field_edited)
            if key == "opening_hours":
                edit.setPlaceholderText(_("e.g. Mo-Fr 09:00-12:00"))
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
