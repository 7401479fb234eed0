"""The beneficiaries page: everyone registered, a page at a time; search, open, edit.

Opening a person hands them to the serve page: the page emits `open_requested(id)` and the main
window routes it. Editing happens in `BeneficiaryDialog`, checked as the agent types with the
same rules as the service (`field_errors`), so a refusal appears next to its field.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
from passdesk.formatting import format_date
from passdesk.i18n import N_, _, ngettext
from passdesk.services.beneficiaries import (
    DIAGNOSTIC_NEEDS,
    FIELD_LABELS,
    BeneficiaryInput,
    field_errors,
)
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.rows import BeneficiaryRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.new_person import read_person_form
from passdesk.ui.widgets.basics import MessageLabel, scaled_font
from passdesk.ui.widgets.forms import (
    add_field_row,
    dialog_buttons,
    field_label,
    open_dialog,
    shortcut_button,
)
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
        self.search.setClearButtonEnabled(True)
        search_label = QLabel(field_label(_("&Search")))
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
        person = self.selected()
        if person is None:
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


class BeneficiaryDialog(QDialog):
    """Edit a person's record; each field's problem shows under it as the agent types."""

    saved = Signal(object)  # BeneficiaryRow

    FIELDS = ("last_name", "first_name", "birth_date", "postcode", "commune", "phone", "email")

    def __init__(
        self, context: UiContext, person: BeneficiaryRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.person = person
        self.setWindowTitle(_("Edit {name}").format(name=person.full_name))
        self.edits: dict[str, QLineEdit] = {}
        self.messages: dict[str, MessageLabel] = {}
        initial = {
            "last_name": person.last_name,
            "first_name": person.first_name,
            "birth_date": format_date(person.birth_date) if person.birth_date else "",
            "postcode": person.postcode,
            "commune": person.commune,
            "phone": person.phone,
            "email": person.email,
        }
        placeholders = {"birth_date": _("DD/MM/YYYY"), "phone": _("06 12 34 56 78")}
        mnemonics = {
            "last_name": _("&Last name"),
            "first_name": _("&First name"),
            "birth_date": _("&Birth date"),
            "postcode": _("&Postcode"),
            "commune": _("Co&mmune"),
            "phone": _("P&hone"),
            "email": _("E-&mail"),
        }
        form = QFormLayout()
        for key in self.FIELDS:
            edit = QLineEdit(initial[key])
            edit.setObjectName(key)
            edit.setAccessibleName(_(FIELD_LABELS[key]))
            if key in placeholders:
                edit.setPlaceholderText(placeholders[key])
            edit.textEdited.connect(self._on_field_edited)
            self.edits[key] = edit
            self._add_row(form, mnemonics[key], edit, key)

        self.target_group = QComboBox()
        self.target_group.setObjectName("target_group")
        self.target_group.setAccessibleName(_(FIELD_LABELS["target_group"]))
        self.target_group.addItem(_("Not given"), "")
        for key, label in TARGET_GROUPS.items():
            self.target_group.addItem(_(label), key)
        self.target_group.setCurrentIndex(max(self.target_group.findData(person.target_group), 0))
        self._add_row(form, _("&Target group"), self.target_group, "target_group")

        needs_box = QGroupBox(_("Needs (short diagnostic)"))
        needs_layout = QVBoxLayout(needs_box)
        self.needs: dict[str, QCheckBox] = {}
        for key, label in DIAGNOSTIC_NEEDS.items():
            box = QCheckBox(_(label))
            box.setObjectName(f"need_{key}")
            box.setChecked(key in person.diagnostic)
            needs_layout.addWidget(box)
            self.needs[key] = box
        self.consent = QCheckBox(
            _("The person agrees to the processing of their data (notice read)")
        )
        self.consent.setObjectName("consent")
        self.consent.setChecked(person.consent)
        self.similar = MessageLabel(self, name="similar_message")
        self.message = MessageLabel(self, name="form_message")
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setObjectName("save_button")
        buttons, self.cancel_button = dialog_buttons(self.save_button, enter_confirms=True)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(needs_box)
        layout.addWidget(self.consent)
        layout.addWidget(self.similar)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        QTimer.singleShot(0, self.edits["last_name"], self.edits["last_name"].setFocus)

    def _add_row(self, form: QFormLayout, label_text: str, field: QWidget, key: str) -> None:
        self.messages[key] = add_field_row(form, self, label_text, field, key)

    def data(self) -> BeneficiaryInput:
        return read_person_form(self.edits, self.target_group, self.needs, self.consent)

    def check(self) -> dict[str, str]:
        """Show every field's problem (the service's own rules); returns them."""
        errors = field_errors(self.data(), date.today())
        for key, message in self.messages.items():
            if key in errors:
                message.show_error(errors[key])
            else:
                message.clear_message()
        return errors

    def _on_field_edited(self, *_args: object) -> None:
        self.message.clear_message()
        errors = self.check()
        self.similar.clear_message()
        if not {"last_name", "first_name", "birth_date"} & errors.keys():
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
        if self.check():
            self.message.show_error(_("Correct the fields marked above."))
            return
        data = self.data()
        beneficiaries = self.context.services.beneficiaries
        try:
            saved = beneficiaries.update(self.context.actor, self.person.id, data)
        except PassDeskError as error:
            target = self.messages.get(error.field or "", self.message)
            target.show_error(error.message)
            return
        self.saved.emit(saved)
        self.accept()

    def similar_people(self) -> list[BeneficiaryRow]:
        """Other records that look like this one (shown, never blocking an edit)."""
        return self.context.services.beneficiaries.duplicates(
            self.data(), exclude_id=self.person.id
        )
