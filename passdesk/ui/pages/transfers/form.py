"""The transfer form: a programme, the range's first booklet (its number, or its code scanned),
how many booklets and the receiving desk; then what is about to move, said in full, and only
then the button that moves it.

A scanner ends each code with Enter: that Enter moves to the next field and never transfers;
Enter on the destination desk says what will move, and Enter again (on the focused button)
moves it.
The form decides nothing about the range: the service checks every booklet when the agent
confirms, and its French refusal shows under the form, nothing moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk import codes
from passdesk.errors import InvalidInput
from passdesk.formatting import format_number
from passdesk.i18n import _, ngettext
from passdesk.services.rows import DeskRow, ProgrammeRow
from passdesk.services.transfer_rows import TransferRow
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, failure_message, scaled_font
from passdesk.ui.widgets.forms import enter_clicks, field_label

MAX_COUNT = 100_000  # as the service allows at once: more is a typing error


@dataclass(frozen=True)
class TransferPlan:
    """What the agent is about to confirm."""

    programme: ProgrammeRow
    first: int
    count: int
    source: DeskRow
    target: DeskRow

    @property
    def first_code(self) -> str:
        return codes.booklet_code(self.programme.code, self.first)

    @property
    def last_code(self) -> str:
        return codes.booklet_code(self.programme.code, self.first + self.count - 1)

    def describe(self) -> str:
        return ngettext(
            "{n} booklet of {programme} — {name}:\n{first},\nleaves {source} "
            "({source_name})\nfor {target} ({target_name}).",
            "{n} booklets of {programme} — {name}:\nfrom {first} to {last},\nleave {source} "
            "({source_name})\nfor {target} ({target_name}).",
            self.count,
        ).format(
            n=format_number(self.count),
            programme=self.programme.code,
            name=self.programme.name,
            first=self.first_code,
            last=self.last_code,
            source=self.source.code,
            source_name=self.source.name,
            target=self.target.code,
            target_name=self.target.name,
        )


class _EnterChecks(QObject):
    """Enter on the destination list asks for the confirmation, as on the count field."""

    def __init__(self, form: TransferForm) -> None:
        super().__init__(form)
        self._form = form

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._form.check()
            return True
        return False


class TransferForm(QGroupBox):
    """The form; `transferred` carries the TransferRow once the service moved the range."""

    transferred = Signal(object)  # TransferRow

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(_("New transfer"), parent)
        self.context = context
        self.setObjectName("transfer_form")
        self.plan: TransferPlan | None = None
        self._programmes: list[ProgrammeRow] = []
        self._desks: list[DeskRow] = []

        self.programme = QComboBox()
        self.programme.setObjectName("transfer_programme")
        self.programme.setAccessibleName(_("Programme"))
        self.first = QLineEdit()
        self.first.setObjectName("transfer_first")
        self.first.setAccessibleName(_("First booklet"))
        self.first.setToolTip(_("The first booklet's number, or scan its barcode"))
        self.first.setPlaceholderText(_("a number, or scan the booklet"))
        self.count = QLineEdit()
        self.count.setObjectName("transfer_count")
        self.count.setAccessibleName(_("Number of booklets"))
        self.count.setMaxLength(7)
        self.target = QComboBox()
        self.target.setObjectName("transfer_target")
        self.target.setAccessibleName(_("Receiving desk"))
        self.target.installEventFilter(_EnterChecks(self))
        self.check_button = QPushButton(_("&Check"))
        self.check_button.setObjectName("check_button")
        self.check_button.setToolTip(_("Say what will move, before anything moves"))
        self.summary = WrapLabel()
        self.summary.setObjectName("transfer_summary")
        self.summary.setAccessibleName(_("What will move"))
        scaled_font(self.summary, 1.0, bold=True)  # what the agent reads before confirming
        self.confirm_button = QPushButton(_("&Move these booklets"))
        self.confirm_button.setObjectName("confirm_button")
        self.confirm_button.setEnabled(False)
        self.message = MessageLabel(self, name="transfer_message")
        for button in (self.check_button, self.confirm_button):
            button.setAutoDefault(False)
            enter_clicks(button)

        form = QFormLayout()
        for text, field in (
            (_("&Programme"), self.programme),
            (_("First &booklet"), self.first),
            (_("&Number of booklets"), self.count),
            (_("&To the desk"), self.target),
        ):
            label = QLabel(field_label(text))
            label.setBuddy(field)
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.confirm_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.setFocusProxy(self.first)  # the page opens ready for a scan

        self.first.returnPressed.connect(self._on_first_return_pressed)
        self.count.returnPressed.connect(self._on_count_return_pressed)
        self.check_button.clicked.connect(self.check)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        for edit in (self.first, self.count):
            edit.textEdited.connect(self._forget_plan)
        for combo in (self.programme, self.target):
            combo.currentIndexChanged.connect(self._forget_plan)

    # --- what the choices are -----------------------------------------------------------

    def set_choices(self, programmes: list[ProgrammeRow], desks: list[DeskRow]) -> None:
        """The programmes and the desks the agent may send to (the service's rule, so that
        the list offers nothing it would refuse); the current choices are kept."""
        self._programmes, self._desks = programmes, desks
        targets = self.context.services.transfers.destinations(self.context.actor)
        for combo, items in (
            (self.programme, [(f"{p.code} — {p.name}", p.code) for p in programmes]),
            (
                self.target,
                [(f"{d.code} — {d.name}", d.code) for d in targets],
            ),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(combo.findData(chosen), 0))
            combo.blockSignals(False)
        self._forget_plan()

    def _programme_row(self, code: str | None) -> ProgrammeRow | None:
        return next((p for p in self._programmes if p.code == code), None)

    def _desk(self, code: str | None) -> DeskRow | None:
        return next((d for d in self._desks if d.code == code), None)

    # --- reading the fields -------------------------------------------------------------

    def _read_first(self) -> int:
        """The first booklet's number; a scanned booklet (or voucher) code also chooses the
        programme, and is written back as the register writes it."""
        text = self.first.text().strip()
        if not text:
            raise InvalidInput(_("Give the first booklet's number, or scan its barcode."))
        if text.isdigit():
            number = int(text)
            if number < 1:
                raise InvalidInput(_("A booklet number starts at 1."))
            return number
        parsed = codes.parse_code(text)
        programme = self._programme_row(parsed.programme_code)
        if programme is None:
            raise InvalidInput(
                _("No programme with the code {code}.").format(code=parsed.programme_code)
            )
        number = parsed.number
        if parsed.kind == codes.VOUCHER:
            number = codes.booklet_number_for_voucher(number, programme.vouchers_per_booklet)
        self.programme.blockSignals(True)
        self.programme.setCurrentIndex(self.programme.findData(programme.code))
        self.programme.blockSignals(False)
        self.first.setText(codes.booklet_code(programme.code, number))
        return number

    def _read_count(self) -> int:
        text = self.count.text().strip()
        if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
            raise InvalidInput(
                _("Give the number of booklets to move, from 1 to {max}.").format(
                    max=format_number(MAX_COUNT)
                )
            )
        return int(text)

    # --- reactions ----------------------------------------------------------------------

    def _forget_plan(self, *_args: object) -> None:
        self.plan = None
        self.confirm_button.setEnabled(False)
        self.summary.clear()

    def _on_first_return_pressed(self) -> None:
        self._forget_plan()
        try:
            self._read_first()
        except InvalidInput as error:
            self.message.show_error(error.message)
            return
        self.message.clear_message()
        # After this key event ends, or its Enter would reach the next field.
        QTimer.singleShot(0, self.count, self.count.setFocus)

    def _on_count_return_pressed(self) -> None:
        # The destination is chosen, never taken by default: Enter there asks for the check.
        QTimer.singleShot(0, self.target, self.target.setFocus)

    def check(self) -> None:
        """Say what will move and offer the button that moves it (focused: Enter confirms)."""
        self._forget_plan()
        programme = self._programme_row(self.programme.currentData())
        target = self._desk(self.target.currentData())
        source = self._desk_by_id(self.context.actor.desk_id)
        try:
            if programme is None:
                raise InvalidInput(_("This database has no programme yet."))
            if target is None or source is None:
                raise InvalidInput(_("There is no other desk to give booklets to."))
            first = self._read_first()
            programme = self._programme_row(self.programme.currentData()) or programme
            count = self._read_count()
        except InvalidInput as error:
            self.message.show_error(error.message)
            return
        self.message.clear_message()
        self.plan = TransferPlan(programme, first, count, source, target)
        self.summary.setText(self.plan.describe() + "\n" + _("Press Move to confirm."))
        self.confirm_button.setEnabled(True)
        QTimer.singleShot(0, self.confirm_button, self.confirm_button.setFocus)

    def _desk_by_id(self, desk_id: int) -> DeskRow | None:
        return next((d for d in self._desks if d.id == desk_id), None)

    def _on_confirm_button_clicked(self) -> None:
        plan = self.plan
        if plan is None:
            return
        actor, transfers = self.context.actor, self.context.services.transfers
        self.setEnabled(False)
        self.summary.setText(_("Moving the booklets…"))
        self.context.runner.run(
            lambda _control: transfers.transfer(
                actor,
                programme=plan.programme.code,
                first_booklet=plan.first,
                count=plan.count,
                to_desk=plan.target.code,
            ),
            on_result=self._on_transferred,
            on_error=self._on_refused,
            owner=self,
        )

    def _on_transferred(self, row: TransferRow) -> None:
        self.setEnabled(True)
        self._forget_plan()
        self.first.clear()
        self.count.clear()
        self.message.show_info(
            ngettext(
                "{n} booklet transferred from {source} to {target}: {first} to {last}.",
                "{n} booklets transferred from {source} to {target}: {first} to {last}.",
                row.count,
            ).format(
                n=format_number(row.count),
                source=row.from_code,
                target=row.to_code,
                first=row.first_code,
                last=row.last_code,
            )
        )
        self.first.setFocus()
        self.transferred.emit(row)

    def _on_refused(self, error: BaseException) -> None:
        self.setEnabled(True)
        self._forget_plan()
        self.message.show_error(failure_message(error))
        self.first.setFocus()
