"""The beneficiaries page: everyone registered, a page at a time; search, open, edit.

Opening a person hands them to the serve page: the page emits `open_requested(id)` and the main
window routes it. Editing happens in `edit_person.BeneficiaryDialog`.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import N_, _, ngettext
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.rows import BeneficiaryRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.beneficiaries.edit_person import BeneficiaryDialog
from passdesk.ui.widgets.basics import MessageLabel, add_clear_button, scaled_font
from passdesk.ui.widgets.forms import field_label, open_dialog, shortcut_button
from passdesk.ui.widgets.table_models import Column, PagedTableModel, configure_view

OPEN_SHORTCUT = "Ctrl+O"
EDIT_SHORTCUT = "Ctrl+E"
SEARCH_RESULTS = 200  # a search shows at most this many people (narrow it by typing more)


def _group_label(key: str) -> str:
    return _(TARGET_GROUPS[key]) if key in TARGET_GROUPS else ""


BENEFICIARY_COLUMNS: list[Column[BeneficiaryRow]] = [
    Column(N_("Last name"), lambda r: r.last_name),
    Column(N_("First name"), lambda r: r.first_name),
    Column(N_("Birth date"), lambda r: r.birth_date),
    Column(N_("Postcode"), lambda r: r.postcode),
    Column(N_("Commune"), lambda r: r.commune),
    Column(N_("Target group"), lambda r: _group_label(r.target_group)),
    Column(N_("Consent"), lambda r: r.consent),
]


class BeneficiariesPage(QWidget):
    """Everyone registered, in name order; type to search, Enter to open, Ctrl+E to edit."""

    open_requested = Signal(int)  # a beneficiary id: the main window shows them on Serve

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Beneficiaries")
        self.setObjectName("beneficiaries_page")
        self.setAccessibleName(self.title)
        self.dialog: QDialog | None = None  # the last dialog the page opened
        self._results: list[BeneficiaryRow] = []

        heading = QLabel(self.title)
        scaled_font(heading, 1.4, bold=True)
        self.search = QLineEdit()
        self.search.setObjectName("beneficiary_search")
        self.search.setAccessibleName(_("Search a person"))
        self.search.setPlaceholderText(_("Type a name (accents and case ignored)"))
        add_clear_button(self.search)
        search_label = QLabel(field_label(_("Sea&rch")))
        search_label.setBuddy(self.search)
        self.count_label = QLabel()
        self.count_label.setObjectName("beneficiary_count")
        self.message = MessageLabel(self, name="beneficiaries_message")

        self.model: PagedTableModel[BeneficiaryRow] = PagedTableModel(
            BENEFICIARY_COLUMNS,
            self._fetch_all,
            self.context.services.beneficiaries.count,
            parent=self,
        )
        self.view = QTableView()
        self.view.setObjectName("beneficiaries_view")
        configure_view(self.view, self.model, _("Beneficiaries"))
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)

        self.open_button = shortcut_button(
            _("&Open"), OPEN_SHORTCUT, tip=_("Serve the selected person"), name="open_button"
        )
        self.edit_button = shortcut_button(
            _("&Edit…"),
            EDIT_SHORTCUT,
            tip=_("Edit the selected person's record"),
            name="edit_button",
        )

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.open_button)
        top.addWidget(self.edit_button)
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(search_row)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        QWidget.setTabOrder(self.search, self.view)
        QWidget.setTabOrder(self.view, self.open_button)
        QWidget.setTabOrder(self.open_button, self.edit_button)
        self.setFocusProxy(self.search)

        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.refresh()

    # --- data ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the list (or the current search) from the first page."""
        text = self.search.text().strip()
        beneficiaries = self.context.services.beneficiaries
        if text:
            self._results = beneficiaries.search(text, limit=SEARCH_RESULTS)
            self.model.set_source(self._fetch_results, lambda: len(self._results))
            self.count_label.setText(
                ngettext("{n} person found", "{n} people found", len(self._results)).format(
                    n=len(self._results)
                )
            )
        else:
            self._results = []
            self.model.set_source(self._fetch_all, beneficiaries.count)
            self.count_label.setText(
                ngettext("{n} person registered", "{n} people registered", self.model.total).format(
                    n=self.model.total
                )
            )
        self._update_buttons()

    def _fetch_all(
        self, offset: int, limit: int, _sort: str | None, _descending: bool
    ) -> list[BeneficiaryRow]:
        return self.context.services.beneficiaries.list(offset=offset, limit=limit)

    def _fetch_results(
        self, offset: int, limit: int, _sort: str | None, _descending: bool
    ) -> list[BeneficiaryRow]:
        return self._results[offset : offset + limit]

    def selected(self) -> BeneficiaryRow | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    # --- reactions ----------------------------------------------------------------------

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected() is not None
        self.open_button.setEnabled(chosen)
        self.edit_button.setEnabled(chosen)

    def _on_search_text_changed(self, _text: str) -> None:
        self.message.clear_message()
        self.refresh()

    def _on_search_return_pressed(self) -> None:
        if self.model.rowCount() == 0:
            return
        if self.model.rowCount() == 1:  # one match: Enter opens it, as on the serve page
            person = self.model.row_at(0)
            assert person is not None
            self.open_requested.emit(person.id)
            return
        self.view.setFocus()
        self.view.selectRow(0)

    def _on_view_activated(self, index: QModelIndex) -> None:
        person = self.model.row_at(index.row())
        if person is not None:
            self.open_requested.emit(person.id)

    def _on_open_button_clicked(self) -> None:
        person = self.selected()
        if person is not None:
            self.open_requested.emit(person.id)

    def _on_edit_button_clicked(self) -> None:
        selected = self.selected()
        if selected is None:
            return
        try:  # read again (another desk may have changed it), and logged as opened
            person = self.context.services.beneficiaries.open(self.context.actor, selected.id)
        except PassDeskError as error:
            self.message.show_error(error.message)
            return
        dialog = BeneficiaryDialog(self.context, person, self)
        dialog.saved.connect(self._on_person_saved)
        self.dialog = open_dialog(self.dialog, dialog)

    def _on_person_saved(self, person: BeneficiaryRow) -> None:
        self.message.show_info(_("{name}'s record is saved.").format(name=person.full_name))
        self.refresh()
        for row in range(self.model.rowCount()):
            found = self.model.row_at(row)
            if found is not None and found.id == person.id:
                self.view.selectRow(row)
                break
