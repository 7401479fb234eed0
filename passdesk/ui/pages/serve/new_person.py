"""The "new beneficiary" form: checked as the agent types, probable duplicates shown side by side
with what was typed before anything is saved."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import N_, _
from passdesk.services.beneficiaries import (
    DIAGNOSTIC_NEEDS,
    BeneficiaryInput,
    Duplicates,
    field_errors,
)
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.rows import BeneficiaryRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.columns import short_date
from passdesk.ui.widgets.basics import MessageLabel, buddy_label, scaled_font, with_shortcut

TEXT_FIELDS = (
    ("last_name", N_("&Last name")),
    ("first_name", N_("&First name")),
    ("birth_date", N_("&Birth date")),
    ("postcode", N_("Post&code")),
    ("commune", N_("Co&mmune")),
    ("phone", N_("P&hone")),
    ("email", N_("&E-mail")),
)


def read_person_form(
    edits: dict[str, QLineEdit],
    target_group: QComboBox,
    needs: dict[str, QCheckBox],
    consent: QCheckBox,
) -> BeneficiaryInput:
    """What a person form (new or edit) holds, as the service takes it."""
    text = {key: edit.text() for key, edit in edits.items()}
    return BeneficiaryInput(
        last_name=text["last_name"],
        first_name=text["first_name"],
        birth_date=text["birth_date"],
        postcode=text["postcode"],
        commune=text["commune"],
        phone=text["phone"],
        email=text["email"],
        target_group=target_group.currentData() or "",
        diagnostic=tuple(k for k, box in needs.items() if box.isChecked()),
        consent=consent.isChecked(),
    )


def target_group_combo(parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    combo.addItem(_("Not given"), "")
    for key, label in TARGET_GROUPS.items():
        combo.addItem(_(label), key)
    combo.setAccessibleName(_("Target group"))
    return combo


def diagnostic_boxes(parent: QWidget) -> dict[str, QCheckBox]:
    boxes = {}
    for key, label in DIAGNOSTIC_NEEDS.items():
        box = QCheckBox(_(label), parent)
        box.setAccessibleName(_(label))
        boxes[key] = box
    return boxes


class DuplicatePanel(QFrame):
    """What was typed next to the probable match, with the two ways out."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("Probable duplicate"))
        self.message = MessageLabel(self, name=_("Duplicate warning"))
        self._grid = QGridLayout()
        self.open_button = QPushButton(_("&Open the existing record"), self)
        self.open_button.setAccessibleName(_("Open the existing record"))
        self.save_anyway_button = QPushButton(_("It is someone else: &save"), self)
        self.save_anyway_button.setAccessibleName(_("It is someone else: save"))
        self.open_button.clicked.connect(self._on_open_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(self._grid)
        layout.addWidget(self.open_button)
        layout.addWidget(self.save_anyway_button)
        self._match: BeneficiaryRow | None = None
        self.hide()

    def show_match(self, typed: BeneficiaryInput, error: Duplicates) -> None:
        self._match = error.candidates[0]
        self.message.show_error(error.message)
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        headings = (_("You typed"), _("Already registered"))
        for column, text in enumerate(headings, start=1):
            label = QLabel(text, self)
            scaled_font(label, 1.0, bold=True)
            self._grid.addWidget(label, 0, column)
        match = self._match
        birth = (
            typed.birth_date if isinstance(typed.birth_date, str) else short_date(typed.birth_date)
        )
        lines = (
            (
                _("Name"),
                f"{typed.last_name.upper()} {typed.first_name}",
                f"{match.last_name.upper()} {match.first_name}",
            ),
            (_("Birth date"), birth or "", short_date(match.birth_date)),
            (
                _("Commune"),
                f"{typed.postcode} {typed.commune}".strip(),
                f"{match.postcode} {match.commune}".strip(),
            ),
            (_("Phone"), typed.phone, match.phone),
        )
        for row, (label, mine, theirs) in enumerate(lines, start=1):
            self._grid.addWidget(QLabel(label, self), row, 0)
            for column, text in ((1, mine), (2, theirs)):
                cell = QLabel(text, self)
                cell.setAccessibleName(f"{label}: {text}")
                self._grid.addWidget(cell, row, column)
        self.show()

    def _on_open_button_clicked(self) -> None:
        if self._match is not None:
            self.open_requested.emit(self._match.id)


class NewBeneficiaryDialog(QDialog):
    """Returns the saved person in `saved`, or `open_existing_id` when the agent chose the match."""

    def __init__(
        self, context: UiContext, parent: QWidget | None = None, *, last_name: str = ""
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.saved: BeneficiaryRow | None = None
        self.open_existing_id: int | None = None
        self._touched: set[str] = set()
        self.setWindowTitle(_("New beneficiary"))
        self.setAccessibleName(_("New beneficiary"))

        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, MessageLabel] = {}
        placeholders = {
            "birth_date": _("DD/MM/YYYY"),
            "postcode": _("5 digits"),
            "phone": _("06 12 34 56 78"),
        }
        for key, label in TEXT_FIELDS:
            edit = QLineEdit(self)
            edit.setAccessibleName(_(label).replace("&", ""))
            edit.setPlaceholderText(placeholders.get(key, ""))
            edit.textEdited.connect(lambda _text, key=key: self._on_field_edited(key))
            error = MessageLabel(
                self, name=_("{field}: message").format(field=_(label).replace("&", ""))
            )
            holder = QVBoxLayout()
            holder.setContentsMargins(0, 0, 0, 0)
            holder.setSpacing(0)
            holder.addWidget(edit)
            holder.addWidget(error)
            form.addRow(buddy_label(_(label), edit, self), holder)
            self.edits[key], self.errors[key] = edit, error
        self.edits["last_name"].setText(last_name)
        self.target_group = target_group_combo(self)
        form.addRow(_("&Target group"), self.target_group)
        needs = QGroupBox(_("Needs (short diagnostic)"), self)
        needs_layout = QVBoxLayout(needs)
        self.needs = diagnostic_boxes(needs)
        for box in self.needs.values():
            needs_layout.addWidget(box)
        self.consent = QCheckBox(
            _("The person agrees to the processing of their data (notice read)"), self
        )
        self.consent.setAccessibleName(_("Consent"))

        self.duplicates = DuplicatePanel(self)
        self.duplicates.open_requested.connect(self._on_duplicates_open_requested)
        self.duplicates.save_anyway_button.clicked.connect(self._on_save_anyway_button_clicked)
        self.message = MessageLabel(self, name=_("Form message"))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip(
            with_shortcut(_("Save the person"), QKeySequence(Qt.Key.Key_Return))
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(needs)
        layout.addWidget(self.consent)
        layout.addWidget(self.duplicates)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.edits["last_name" if not last_name else "first_name"].setFocus()

    # --- reading the form ---------------------------------------------------------------

    def data(self) -> BeneficiaryInput:
        return read_person_form(self.edits, self.target_group, self.needs, self.consent)

    def _show_errors(self, every_field: bool) -> dict[str, str]:
        errors = field_errors(self.data(), date.today())
        for key, label in self.errors.items():
            if key in errors and (every_field or key in self._touched):
                label.show_error(errors[key])
            else:
                label.clear_message()
        return errors

    # --- reacting -----------------------------------------------------------------------

    def _on_field_edited(self, key: str) -> None:
        self._touched.add(key)
        self.duplicates.hide()
        self.message.clear_message()
        self._show_errors(every_field=False)

    def _on_buttons_accepted(self) -> None:
        self._save(allow_duplicate=False)

    def _on_save_anyway_button_clicked(self) -> None:
        self._save(allow_duplicate=True)

    def _on_duplicates_open_requested(self, beneficiary_id: int) -> None:
        self.open_existing_id = beneficiary_id
        self.accept()

    def _save(self, *, allow_duplicate: bool) -> None:
        errors = self._show_errors(every_field=True)
        if errors:
            first = (
                next(key for key, _label in TEXT_FIELDS if key in errors)
                if any(k in self.edits for k in errors)
                else None
            )
            if first:
                self.edits[first].setFocus()
            self.message.show_error(_("Correct the fields marked above."))
            return
        data = self.data()
        try:
            self.saved = self._context.services.beneficiaries.register(
                self._context.actor, data, allow_duplicate=allow_duplicate
            )
        except Duplicates as error:
            self.duplicates.show_match(data, error)
            self.duplicates.open_button.setFocus()
            return
        except PassDeskError as error:
            target = self.errors.get(error.field or "")
            (target or self.message).show_error(error.message)
            return
        self.accept()
