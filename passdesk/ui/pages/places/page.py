"""The places page: the directory of qualified places printed on receipts; add and edit (in
`edit_place.PlaceDialog`).

Supervisors and administrators edit the directory (the service refuses agents anyway); agents
see it, to tell a person where to go.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk import opening_hours
from passdesk.i18n import N_, _, ngettext
from passdesk.roles import Action, may
from passdesk.services.rows import PlaceRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.places.edit_place import PlaceDialog
from passdesk.ui.pages.places.import_places import PlaceImportDialog
from passdesk.ui.widgets.basics import MessageLabel, scaled_font
from passdesk.ui.widgets.forms import open_dialog, shortcut_button
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view

ADD_SHORTCUT = "Ctrl+Shift+N"
EDIT_SHORTCUT = "Ctrl+E"
IMPORT_SHORTCUT = "Ctrl+Shift+I"

PLACE_COLUMNS: list[Column[PlaceRow]] = [
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Address"), lambda r: r.address),
    Column(N_("Postcode"), lambda r: r.postcode),
    Column(N_("Commune"), lambda r: r.commune),
    Column(N_("Phone"), lambda r: r.phone),
    Column(N_("Opening hours"), lambda r: opening_hours.describe(r.opening_hours)),
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
        self.import_button = shortcut_button(
            _("&Import…"),
            IMPORT_SHORTCUT,
            tip=_("Import the national open data of digital-inclusion places (CSV)"),
            name="import_places_button",
        )
        for button in (self.add_button, self.edit_button, self.import_button):
            button.setVisible(self.may_edit)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        QWidget.setTabOrder(self.add_button, self.edit_button)
        QWidget.setTabOrder(self.edit_button, self.view)
        self.setFocusProxy(self.view)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
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

    def _on_import_button_clicked(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Import places"), str(Path.home()), _("CSV files (*.csv)")
        )
        if chosen:
            self.open_import(Path(chosen))

    def open_import(self, path: Path) -> PlaceImportDialog:
        """The preview of `path`, then its import on the agent's word."""
        dialog = PlaceImportDialog(self.context, path, self)
        dialog.imported.connect(self._on_places_imported)
        self.dialog = open_dialog(self.dialog, dialog)
        dialog.start()
        return dialog

    def _on_places_imported(self, plan: object) -> None:
        self.message.show_info(_("The places directory is updated."))
        self.refresh()

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
