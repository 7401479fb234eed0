"""Look up any code from anywhere (Ctrl+L or F3): what the booklet or voucher is, its status,
its history from the journal and, for the roles that may see it, who received it.

An agent holding a voucher a place sent back, or a booklet found on the counter, scans it here
without leaving the person they are serving. The answer is the lookup service's; the history
is the journal's (passdesk.services.code_history).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.formatting import format_date, format_money, format_timestamp
from passdesk.i18n import N_, _
from passdesk.services.code_history import EVENT_LABELS, CodeEvent
from passdesk.services.rows import LookupResult
from passdesk.services.stock import status_label
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import (
    ElidedLabel,
    MessageLabel,
    WrapLabel,
    add_clear_button,
    scaled_font,
)
from passdesk.ui.widgets.forms import field_label
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view

LOOKUP_KEYS = ("Ctrl+L", "F3")

HISTORY_COLUMNS: list[Column[CodeEvent]] = [
    Column(N_("Date"), lambda e: e.at),
    Column(N_("Event"), lambda e: _(EVENT_LABELS.get(e.kind, e.kind))),
    Column(N_("Code"), lambda e: e.code),
    Column(N_("Receipt"), lambda e: e.receipt_number or ""),
    Column(N_("Agent"), lambda e: e.agent),
]


def describe(result: LookupResult) -> list[tuple[str, str]]:
    """The lookup's answer as labelled lines, the person left for `person_text`."""
    kind = _("Voucher") if result.kind == "voucher" else _("Booklet")
    lines = [
        (_("Code"), f"{kind} {result.code}"),
        (_("Status"), status_label(result.status).capitalize()),
        (_("Programme"), f"{result.programme_name} ({result.programme_code})"),
        (
            _("Vouchers"),
            _("{first} to {last}").format(
                first=result.first_voucher_code, last=result.last_voucher_code
            ),
        ),
        (_("Face value"), format_money(result.face_value)),
        (_("Valid until"), format_date(result.valid_until)),
    ]
    if result.kind == "voucher":
        lines.insert(2, (_("Booklet"), result.booklet_code))
    if result.holder_desk is not None:
        lines.append((_("Held by"), result.holder_desk))
    if result.receipt_number:
        handed = format_timestamp(result.handed_out_at) if result.handed_out_at else ""
        lines.append((_("Receipt"), " — ".join(p for p in (result.receipt_number, handed) if p)))
    return lines


class CodeLookupDialog(QDialog):
    """Scan or type a code, Enter: its answer and history; `open_person_requested` carries
    the person who received it, for an agent who may see them."""

    open_person_requested = Signal(int)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result: LookupResult | None = None
        self.setWindowTitle(_("Look up a code"))
        self.setAccessibleName(self.windowTitle())
        self.code_edit = QLineEdit(self)
        self.code_edit.setObjectName("lookup_code")
        self.code_edit.setAccessibleName(_("Code to look up"))
        self.code_edit.setPlaceholderText(_("Scan or type a booklet or voucher code, then Enter"))
        add_clear_button(self.code_edit)
        code_label = QLabel(field_label(_("&Code")), self)
        code_label.setBuddy(self.code_edit)
        self.message = MessageLabel(self, name=_("Lookup message"))
        self.heading = ElidedLabel("", self)
        self.heading.setObjectName("lookup_heading")
        scaled_font(self.heading, 1.2, bold=True)
        self.details = QFormLayout()
        self.person = WrapLabel("", self)
        self.person.setObjectName("lookup_person")
        self.open_person_button = QPushButton(_("&Open this person"), self)
        self.open_person_button.setObjectName("open_person_button")
        self.open_person_button.setAccessibleName(_("Open the person who received it"))
        self.open_person_button.hide()
        self.history_model: RowTableModel[CodeEvent] = RowTableModel(HISTORY_COLUMNS, self)
        self.history_view = QTableView(self)
        self.history_view.setObjectName("lookup_history")
        configure_view(self.history_view, self.history_model, _("History of the code"))
        self.history_label = QLabel(_("&History"), self)
        self.history_label.setBuddy(self.history_view)
        self.close_button = QPushButton(_("Close"), self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        search = QHBoxLayout()
        search.addWidget(code_label)
        search.addWidget(self.code_edit, 1)
        person_row = QHBoxLayout()
        person_row.addWidget(self.person, 1)
        person_row.addWidget(self.open_person_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(search)
        layout.addWidget(self.message)
        layout.addWidget(self.heading)
        layout.addLayout(self.details)
        layout.addLayout(person_row)
        layout.addWidget(self.history_label)
        layout.addWidget(self.history_view, 1)
        layout.addLayout(buttons)
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().lineSpacing()
        self.resize(char * 100, line * 30)
        self.code_edit.returnPressed.connect(self._on_code_edit_return_pressed)
        self.code_edit.textEdited.connect(lambda _text: self.message.clear_message())
        self.open_person_button.clicked.connect(self._on_open_person_button_clicked)
        self._show(None)
        self.code_edit.setFocus()

    def look_up(self, code: str) -> bool:
        """Show what `code` is; False (and a message) when it is no code of this desk. The
        answer is read by the agent, so when it names who received the booklet the lookup is
        kept in the access log (`lookup_shown`, as the console's `lookup` does)."""
        services, actor = self.context.services, self.context.actor
        try:
            result = services.lookup.lookup_shown(actor, code)
            history = services.lookup.history(result.code)
        except PassDeskError as error:
            self._show(None)
            self.message.show_error(error.message)
            self.code_edit.selectAll()
            return False
        self.message.clear_message()
        self._show(result)
        self.history_model.set_rows(history)
        self.code_edit.selectAll()  # the next scan replaces this code
        return True

    def _show(self, result: LookupResult | None) -> None:
        self.result = result
        while self.details.rowCount():
            self.details.removeRow(0)
        self.history_model.set_rows([])
        shown = result is not None
        for widget in (self.heading, self.person, self.history_label, self.history_view):
            widget.setVisible(shown)
        self.open_person_button.hide()
        if result is None:
            return
        lines = describe(result)
        self.heading.setText(f"{lines[0][1]} — {lines[1][1]}")
        for label, value in lines[1:]:
            cell = WrapLabel(value, self)
            cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            cell.setAccessibleName(f"{label}: {value}")
            self.details.addRow(field_label(label), cell)
        self.person.setText(self._person_text(result))
        can_open = result.beneficiary_id is not None and result.status == "handed_out"
        self.open_person_button.setVisible(can_open)

    @staticmethod
    def _person_text(result: LookupResult) -> str:
        if result.receipt_number is None:
            return _("Not handed out.")
        if result.holder_desk is not None:
            return _("Handed out by another desk, which alone may say to whom.")
        if result.beneficiary_name is None:
            return _("Handed out; your role does not show to whom.")
        return _("Handed out to {name}.").format(name=result.beneficiary_name)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter in the code field looks the code up and does nothing more: the dialog would
        otherwise pass it on to its default button, which the answer just showed ("Open this
        person"), and a scan would leave the dialog before anyone read it."""
        if self.focusWidget() is self.code_edit and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_code_edit_return_pressed(self) -> None:
        code = self.code_edit.text().strip()
        if code:
            self.look_up(code)

    def _on_open_person_button_clicked(self) -> None:
        if self.result is not None and self.result.beneficiary_id is not None:
            self.open_person_requested.emit(self.result.beneficiary_id)
            self.accept()
