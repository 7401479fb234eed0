"""The one person form: identity (name, birth date, address, phone, e-mail), then profile
(target group, needs, consent), each field with its problem under it in French.

Used wherever a person is entered or edited: the new-person and edit dialogs show both parts,
the serve page's panel the profile only (it shows the identity as text). The target groups
offered are those of the programmes handing out today (`set_target_groups`), priority ones
marked; a group a person already has stays offered. The checks are the
service's own (`field_errors`): the form shows them, it does not restate them. A field's
problem appears once the agent has changed that field; `check(every_field=True)`, on saving,
shows them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from passdesk.formatting import format_date
from passdesk.i18n import N_, _
from passdesk.services.beneficiaries import (
    DIAGNOSTIC_NEEDS,
    FIELD_LABELS,
    BeneficiaryInput,
    field_errors,
)
from passdesk.services.programmes import TARGET_GROUPS, TargetGroupChoice
from passdesk.services.rows import BeneficiaryRow
from passdesk.ui.widgets.basics import MessageLabel
from passdesk.ui.widgets.commune_fill import CommuneFiller
from passdesk.ui.widgets.forms import field_label

IDENTITY_FIELDS: tuple[tuple[str, str], ...] = (
    ("last_name", N_("&Last name")),
    ("first_name", N_("&First name")),
    ("birth_date", N_("&Birth date")),
    ("postcode", N_("&Postcode")),
    ("commune", N_("Co&mmune")),
    ("phone", N_("P&hone")),
    ("email", N_("&E-mail")),
)
PLACEHOLDERS = {
    "birth_date": N_("DD/MM/YYYY"),
    "postcode": N_("5 digits"),
    "phone": N_("06 12 34 56 78"),
}
TARGET_GROUP_LABEL = N_("&Target group")
CONSENT_TEXT = N_("The person &agrees to the processing of their data (notice read)")
CONTACT_TEXT = N_("The person may be called about their vouchers (follow-up)")


def _plain(label: str) -> str:
    """A label as a screen reader says it: translated, without its &-letter."""
    return _(label).replace("&", "")


class PersonForm(QWidget):
    """Identity and profile fields; `identity=False` shows the profile part only."""

    edited = Signal(str)  # the key the agent changed: an identity field, or a profile one

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        identity: bool = True,
        groups: Sequence[TargetGroupChoice] | None = None,
    ) -> None:
        super().__init__(parent)
        self.edits: dict[str, QLineEdit] = {}
        self.messages: dict[str, MessageLabel] = {}
        self._touched: set[str] = set()
        self._loading = False
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if identity:
            for key, label in IDENTITY_FIELDS:
                edit = QLineEdit(self)
                edit.setObjectName(key)
                edit.setAccessibleName(_plain(label))
                if key in PLACEHOLDERS:
                    edit.setPlaceholderText(_(PLACEHOLDERS[key]))
                edit.textEdited.connect(lambda _text, key=key: self._on_identity_edited(key))
                self.edits[key] = edit
                self._add_row(layout, _(label), edit, key)
            # The postcode fills the commune (official data shipped with the app, offline).
            self.commune_filler = CommuneFiller(self.edits["postcode"], self.edits["commune"])

        self.target_group = QComboBox(self)
        self.target_group.setObjectName("target_group")
        self.target_group.setAccessibleName(_plain(TARGET_GROUP_LABEL))
        self.set_target_groups(groups)
        self._add_row(layout, _(TARGET_GROUP_LABEL), self.target_group, "target_group")
        needs = QWidget(self)
        needs.setAccessibleName(_(FIELD_LABELS["diagnostic"]))
        needs_column = QVBoxLayout(needs)
        needs_column.setContentsMargins(0, 0, 0, 0)
        needs_column.setSpacing(0)
        self.needs: dict[str, QCheckBox] = {}
        for key, label in DIAGNOSTIC_NEEDS.items():
            box = QCheckBox(_(label), needs)
            box.setObjectName(f"need_{key}")
            box.setAccessibleName(_(label))
            needs_column.addWidget(box)
            self.needs[key] = box
        self._add_row(layout, _(FIELD_LABELS["diagnostic"]), needs, "diagnostic")
        self.consent = QCheckBox(_(CONSENT_TEXT), self)
        self.consent.setObjectName("consent")
        self.consent.setAccessibleName(_("Consent"))
        layout.addRow(self.consent)
        self.contact_consent = QCheckBox(_(CONTACT_TEXT), self)
        self.contact_consent.setObjectName("contact_consent")
        self.contact_consent.setAccessibleName(_("May be called"))
        layout.addRow(self.contact_consent)

        self.target_group.currentIndexChanged.connect(
            lambda _index: self._on_profile_edited("target_group")
        )
        for box in self.needs.values():
            box.toggled.connect(lambda _checked: self._on_profile_edited("diagnostic"))
        self.consent.toggled.connect(lambda _checked: self._on_profile_edited("consent"))
        self.contact_consent.toggled.connect(
            lambda _checked: self._on_profile_edited("contact_consent")
        )

    def _add_row(self, layout: QFormLayout, label_text: str, field: QWidget, key: str) -> None:
        message = MessageLabel(self, name=f"{key}_message")
        message.setAccessibleName(_("{field}: message").format(field=label_text.replace("&", "")))
        holder = QVBoxLayout()
        holder.setContentsMargins(0, 0, 0, 0)
        holder.setSpacing(0)
        holder.addWidget(field)
        holder.addWidget(message)
        label = QLabel(field_label(label_text), self)
        label.setBuddy(field)
        layout.addRow(label, holder)
        self.messages[key] = message

    def set_target_groups(self, groups: Sequence[TargetGroupChoice] | None) -> None:
        """Offer these groups (None: every group), keeping the one chosen."""
        chosen = self.target_group.currentData() or ""
        if groups is None:
            groups = [TargetGroupChoice(k, label, False) for k, label in TARGET_GROUPS.items()]
        self._loading, loading = True, self._loading
        try:
            self.target_group.clear()
            self.target_group.addItem(_("Not given"), "")
            for choice in groups:
                text = _(choice.label)
                if choice.priority:
                    text = _("{group} (priority)").format(group=text)
                self.target_group.addItem(text, choice.key)
            self._offer(chosen)
        finally:
            self._loading = loading

    def _offer(self, key: str) -> None:
        """Select `key`, adding it when the programmes no longer name it (the person has it)."""
        index = self.target_group.findData(key)
        if index < 0:
            label = TARGET_GROUPS.get(key)
            self.target_group.addItem(_(label) if label else key, key)
            index = self.target_group.count() - 1
        self.target_group.setCurrentIndex(index)

    # --- values -------------------------------------------------------------------------

    def set_person(self, person: BeneficiaryRow) -> None:
        """Show a stored person, as untouched fields (no message, no `edited`)."""
        self._loading = True
        try:
            identity = {
                "last_name": person.last_name,
                "first_name": person.first_name,
                "birth_date": format_date(person.birth_date) if person.birth_date else "",
                "postcode": person.postcode,
                "commune": person.commune,
                "phone": person.phone,
                "email": person.email,
            }
            for key, edit in self.edits.items():
                edit.setText(identity[key])
            self._offer(person.target_group)
            for key, box in self.needs.items():
                box.setChecked(key in person.diagnostic)
            self.consent.setChecked(person.consent)
            self.contact_consent.setChecked(person.contact_consent)
        finally:
            self._loading = False
        self._touched.clear()
        self.clear_messages()

    def data(self) -> BeneficiaryInput:
        """What the form holds, as the service takes it (empty identity when not shown)."""
        text = {
            key: self.edits[key].text() if key in self.edits else "" for key, _l in IDENTITY_FIELDS
        }
        return BeneficiaryInput(
            last_name=text["last_name"],
            first_name=text["first_name"],
            birth_date=text["birth_date"],
            postcode=text["postcode"],
            commune=text["commune"],
            phone=text["phone"],
            email=text["email"],
            target_group=self.target_group.currentData() or "",
            diagnostic=tuple(k for k, box in self.needs.items() if box.isChecked()),
            consent=self.consent.isChecked(),
            contact_consent=self.contact_consent.isChecked(),
        )

    # --- problems -----------------------------------------------------------------------

    def errors(self) -> dict[str, str]:
        """The problems of the fields this form shows (the service's rules), by field."""
        found = field_errors(self.data(), date.today())
        return {key: message for key, message in found.items() if key in self.messages}

    def check(self, *, every_field: bool = False) -> dict[str, str]:
        """Show the problems of the touched fields (of every field when saving); returns all."""
        errors = self.errors()
        for key, label in self.messages.items():
            if key in errors and (every_field or key in self._touched):
                label.show_error(errors[key])
            else:
                label.clear_message()
        return errors

    def show_error(self, field: str | None, message: str) -> bool:
        """Show a refusal under its field; False when the form has no such field."""
        label = self.messages.get(field or "")
        if label is None:
            return False
        label.show_error(message)
        return True

    def clear_messages(self) -> None:
        for label in self.messages.values():
            label.clear_message()

    def focus_first(self, errors: dict[str, str]) -> None:
        """Put the cursor in the first field, in form order, that has a problem."""
        for key, edit in self.edits.items():
            if key in errors:
                edit.setFocus()
                return

    # --- reactions ----------------------------------------------------------------------

    def _on_identity_edited(self, key: str) -> None:
        self._touched.add(key)
        self.check()
        self.edited.emit(key)

    def _on_profile_edited(self, key: str) -> None:
        if self._loading:
            return
        if key in self.messages:
            self.messages[key].clear_message()
        self.edited.emit(key)
