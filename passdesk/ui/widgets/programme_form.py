"""The one programme form: code, name, face value, booklet size, validity, limit per person,
funders and their shares in a small table, and whom the programme is for.

Used by the first-run assistant (without the targeting) and by the Programmes page's dialog.
The checks are the service's own (`parse_money`, `parse_date`, `parse_percent`,
`check_shares`): the form shows each refusal under its field, and clears it as soon as the
field changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from passdesk import codes
from passdesk.errors import InvalidInput, PassDeskError
from passdesk.formatting import format_date
from passdesk.i18n import _, ngettext
from passdesk.services.programmes import (
    MAX_VOUCHERS_PER_BOOKLET,
    TARGET_GROUPS,
    check_shares,
    parse_date,
    parse_money,
    parse_percent,
    parse_quota,
)
from passdesk.services.rows import ProgrammeRow
from passdesk.text import clean_name
from passdesk.ui.widgets.basics import MessageLabel
from passdesk.ui.widgets.forms import field_label

DEFAULT_FUNDERS = (("État", "100"),)


class FundersTable(QWidget):
    """Funders and their shares, one row each, typed in place; Add and Remove beside it."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("funders_table")
        self.table.setAccessibleName(_("Funders and their shares"))
        self.table.setAccessibleDescription(
            _("One funder a row: its name, then its share in percent; the shares add up to 100.")
        )
        self.table.setHorizontalHeaderLabels([_("Funder"), _("Share (%)")])
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.AllEditTriggers
            & ~QAbstractItemView.EditTrigger.CurrentChanged
        )
        rows = self.fontMetrics().lineSpacing() * 6
        self.table.setMinimumHeight(rows)
        self.table.setMaximumHeight(rows)
        self.add_button = QPushButton(_("&Add a funder"), self)
        self.add_button.setObjectName("add_funder_button")
        self.add_button.setAccessibleName(_("Add a funder"))
        self.remove_button = QPushButton(_("&Remove"), self)
        self.remove_button.setObjectName("remove_funder_button")
        self.remove_button.setAccessibleName(_("Remove the selected funder"))
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.table.itemChanged.connect(lambda _item: self.edited.emit())
        self.setFocusProxy(self.table)

    def set_shares(self, shares: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for name, percent in shares:
            self._append(name, percent)
        self.table.blockSignals(False)

    def _append(self, name: str, percent: str) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(name))
        share = QTableWidgetItem(percent)
        share.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, 1, share)
        return row

    def rows(self) -> list[tuple[str, str]]:
        """The rows as typed, empty ones left out."""
        found = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in (0, 1)]
            name, percent = (cell.text().strip() if cell else "" for cell in cells)
            if name or percent:
                found.append((name, percent))
        return found

    def shares(self) -> list[tuple[str, Decimal]]:
        """The funders and their shares, or InvalidInput naming the first problem."""
        shares = []
        for name, percent in self.rows():
            if not clean_name(name):
                raise InvalidInput(_("Give the funder's name on each row."), field="funders")
            shares.append((clean_name(name), parse_percent(percent)))
        if not shares:
            raise InvalidInput(_("Give at least one funder and its share."), field="funders")
        check_shares(shares)
        return shares

    def _on_add_button_clicked(self) -> None:
        left = Decimal(100) - sum(
            (p for _n, t in self.rows() for p in [_share_or_zero(t)]), Decimal(0)
        )
        row = self._append("", f"{left.normalize():f}" if left > 0 else "")
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.table.editItem(self.table.item(row, 0))
        self.edited.emit()

    def _on_remove_button_clicked(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.edited.emit()


def _share_or_zero(text: str) -> Decimal:
    try:
        return parse_percent(text)
    except InvalidInput:
        return Decimal(0)


class ProgrammeForm(QWidget):
    """A programme's fields with their messages; `values()` gives what the service takes."""

    edited = Signal(str)  # the key of the field the agent changed

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        targeting: bool = True,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.messages: dict[str, MessageLabel] = {}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        start, end = default_validity(today or date.today())
        example = codes.booklet_code("MGP19", 1)
        self.code = self._line("code", _("&Code"), _("Programme code"), _("e.g. MGP19"))
        self.code.setToolTip(
            _("Printed on every booklet and voucher, e.g. {code}.").format(code=example)
        )
        self.name = self._line(
            "name", _("&Name"), _("Programme name"), _("e.g. Pass numérique Métropole 2026")
        )
        self.face_value = self._line("face_value", _("Face valu&e (€)"), _("Face value in euros"))
        self.face_value.setText("10")
        self.per_booklet = QSpinBox(self)
        self.per_booklet.setObjectName("vouchers_per_booklet")
        self.per_booklet.setRange(1, MAX_VOUCHERS_PER_BOOKLET)
        self.per_booklet.setValue(10)
        self.per_booklet.setAccessibleName(_("Vouchers per booklet"))
        self.per_booklet.valueChanged.connect(lambda _v: self._on_edited("vouchers_per_booklet"))
        self._row("vouchers_per_booklet", _("&Vouchers per booklet"), self.per_booklet)
        self.valid_from = self._line(
            "valid_from", _("Valid fro&m"), _("Valid from"), _("DD/MM/YYYY")
        )
        self.valid_from.setText(format_date(start))
        self.valid_until = self._line(
            "valid_until", _("Valid &until"), _("Valid until"), _("DD/MM/YYYY")
        )
        self.valid_until.setText(format_date(end))
        self.limit = QSpinBox(self)
        self.limit.setObjectName("limit_per_person")
        self.limit.setRange(0, 99)
        self.limit.setSpecialValueText(_("no limit"))
        self.limit.setAccessibleName(_("Limit per person"))
        self.limit.setAccessibleDescription(
            _("How many booklets of this programme one person may receive; 0: no limit.")
        )
        self.limit.setToolTip(self.limit.accessibleDescription())
        self.limit.valueChanged.connect(self._on_limit_value_changed)
        self._on_limit_value_changed(0)
        self._row("limit_per_person", _("&Limit per person"), self.limit)
        self.funders = FundersTable(self)
        self.funders.set_shares(DEFAULT_FUNDERS)
        self.funders.edited.connect(lambda: self._on_edited("funders"))
        self._row("funders", _("Fun&ders"), self.funders)
        self.targets: dict[str, QCheckBox] = {}
        self.priorities: dict[str, QCheckBox] = {}
        self.quota: QSpinBox | None = None
        if targeting:
            self._targeting_rows()

    # --- building -----------------------------------------------------------------------

    def _line(self, key: str, label: str, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(key)
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _text: self._on_edited(key))
        self._row(key, label, edit)
        return edit

    def _row(self, key: str, label: str, field: QWidget) -> None:
        message = MessageLabel(
            self, name=_("{field}: message").format(field=label.replace("&", ""))
        )
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(field)
        box.addWidget(message)
        caption = QLabel(field_label(label), self)
        caption.setBuddy(field)
        self.form.addRow(caption, box)
        self.messages[key] = message

    def _targeting_rows(self) -> None:
        groups = QWidget(self)
        grid = QGridLayout(groups)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel(_("For"), groups), 0, 1)
        grid.addWidget(QLabel(_("Priority"), groups), 0, 2)
        for row, (key, label) in enumerate(TARGET_GROUPS.items(), start=1):
            grid.addWidget(QLabel(_(label), groups), row, 0)
            target = QCheckBox(groups)
            target.setAccessibleName(_("{group}: the programme is for it").format(group=_(label)))
            priority = QCheckBox(groups)
            priority.setAccessibleName(_("{group}: priority group").format(group=_(label)))
            target.toggled.connect(lambda _c: self._on_edited("target_groups"))
            priority.toggled.connect(lambda _c: self._on_edited("priority_groups"))
            grid.addWidget(target, row, 1, Qt.AlignmentFlag.AlignHCenter)
            grid.addWidget(priority, row, 2, Qt.AlignmentFlag.AlignHCenter)
            self.targets[key], self.priorities[key] = target, priority
        grid.setColumnStretch(0, 1)
        groups.setAccessibleName(_("Target groups"))
        groups.setToolTip(
            _(
                "None ticked under For: the programme is for everyone. Priority groups count "
                "towards the quota."
            )  # fmt: skip
        )
        self._row("target_groups", _("&Target groups"), groups)
        self.messages["priority_groups"] = self.messages["target_groups"]
        self.quota = QSpinBox(self)
        self.quota.setObjectName("priority_quota")
        self.quota.setRange(0, 100)
        self.quota.setSuffix(" %")
        self.quota.setSpecialValueText(_("no quota"))
        self.quota.setAccessibleName(_("Priority quota"))
        self.quota.setToolTip(_("The share of vouchers the priority groups must receive."))
        self.quota.valueChanged.connect(lambda _v: self._on_edited("priority_quota"))
        self._row("priority_quota", _("Priority &quota"), self.quota)

    # --- values -------------------------------------------------------------------------

    def set_programme(self, programme: ProgrammeRow, *, booklets_exist: bool) -> None:
        """Show a stored programme to edit: its code never changes, nor its face value and
        booklet size once booklets exist."""
        self.code.setText(programme.code)
        self.code.setReadOnly(True)
        self.name.setText(programme.name)
        self.face_value.setText(f"{programme.face_value:f}".replace(".", ","))
        self.per_booklet.setValue(programme.vouchers_per_booklet)
        for locked in (self.face_value, self.per_booklet):
            locked.setEnabled(not booklets_exist)
            if booklets_exist:
                locked.setToolTip(_("Printed on the booklets that exist: it cannot change."))
        self.valid_from.setText(format_date(programme.valid_from))
        self.valid_until.setText(format_date(programme.valid_until))
        self.limit.setValue(programme.limit_per_person or 0)
        self.funders.set_shares(
            [(s.funder, f"{s.percent.normalize():f}".replace(".", ",")) for s in programme.shares]
        )
        for key, box in self.targets.items():
            box.setChecked(key in programme.target_groups)
        for key, box in self.priorities.items():
            box.setChecked(key in programme.priority_groups)
        if self.quota is not None:
            self.quota.setValue(int(programme.priority_quota or 0))
        self.clear_messages()

    def values(self) -> dict[str, Any] | None:
        """The fields as the service takes them, or None after showing every problem."""
        self.clear_messages()
        values: dict[str, Any] = {}
        checks = (
            ("code", lambda: codes.validate_programme_code(self.code.text())),
            ("face_value", lambda: parse_money(self.face_value.text())),
            ("valid_from", lambda: parse_date(self.valid_from.text(), "valid_from")),
            ("valid_until", lambda: parse_date(self.valid_until.text(), "valid_until")),
            ("funders", self.funders.shares),
        )
        for key, check in checks:
            try:
                values[key] = check()
            except PassDeskError as error:
                self.show_error(key, error.message)
        if not clean_name(self.name.text()):
            self.show_error("name", _("Give the programme's name."))
        else:
            values["name"] = self.name.text()
        start, end = values.get("valid_from"), values.get("valid_until")
        if start is not None and end is not None and end <= start:
            self.show_error("valid_until", _("The end of validity must come after its start."))
        if any(m.text() for m in self.messages.values()):
            return None
        values["vouchers_per_booklet"] = self.per_booklet.value()
        values["limit_per_person"] = self.limit.value() or None
        if self.targets:
            values["target_groups"] = [k for k, b in self.targets.items() if b.isChecked()]
            values["priority_groups"] = [k for k, b in self.priorities.items() if b.isChecked()]
            quota = self.quota.value() if self.quota is not None else 0
            values["priority_quota"] = parse_quota(quota) if quota else None
        return values

    def show_error(self, field: str | None, message: str) -> bool:
        """Show a refusal under its field; False when the form has no such field."""
        label = self.messages.get(field or "")
        if label is None:
            return False
        label.show_error(message)
        return True

    def clear_messages(self) -> None:
        for message in self.messages.values():
            message.clear_message()

    def _on_limit_value_changed(self, value: int) -> None:
        self.limit.setSuffix(ngettext(" booklet", " booklets", value))
        self._on_edited("limit_per_person")

    def _on_edited(self, key: str) -> None:
        """A corrected field loses its message at once (the rest stay until checked again)."""
        message = self.messages.get(key)
        if message is not None:
            message.clear_message()
        if key == "valid_from":
            self.messages["valid_until"].clear_message()
        self.edited.emit(key)


def default_validity(today: date) -> tuple[date, date]:
    """From today to 31 December, or to the end of next year when December is near."""
    end = date(today.year, 12, 31)
    if (end - today).days < 60:
        end = date(today.year + 1, 12, 31)
    return today, end
