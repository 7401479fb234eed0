"""Receive a lot: scan its first and last booklet, read what will be recorded, confirm.

The dialog decides nothing about the lot: `StockService.plan_lot_between` says what the two
covers make and every reason they cannot be received, and the dialog shows each reason next to
its field. Planning reads the database, so it runs through the context's runner; a plan that
comes back after the codes were edited again is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk import codes
from passdesk.formatting import format_number
from passdesk.i18n import _
from passdesk.models import LotKind
from passdesk.services.lots import (
    COUNT,
    FIRST_BOOKLET,
    LAST_BOOKLET,
    PROGRAMME,
    LotPlan,
    LotProblem,
)
from passdesk.services.rows import LotRow
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, failure_message
from passdesk.ui.widgets.forms import add_field_row, dialog_buttons, field_label

# Where each problem of a plan is shown: the first cover's field, the last one's, or the dialog.
FIRST_FIELD_PROBLEMS = (FIRST_BOOKLET, PROGRAMME)
LAST_FIELD_PROBLEMS = (LAST_BOOKLET, COUNT)


def example_booklet(context: UiContext) -> str:
    """A booklet code that passes its own check: the desk's first programme's first booklet."""
    programmes = context.services.programmes.list()
    return codes.booklet_code(programmes[0].code if programmes else "MGP19", 1)


class ReceiveLotDialog(QDialog):
    """Scan the first and the last booklet of a lot, look at what will be recorded, confirm."""

    received = Signal(object)  # LotRow
    planned = Signal(object)  # LotPlan, once shown (whether it may be received or not)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Receive a lot"))
        self.plan: LotPlan | None = None  # a plan without problems, ready to confirm
        self._plan_seq = 0  # plans asked for; an answer to an older one is dropped
        intro = WrapLabel(
            _(
                "Scan the barcode of the lot's first booklet, then of its last one. "
                "Check what will be recorded, then confirm."
            )
        )
        self.first_code = QLineEdit()
        self.first_code.setObjectName("first_code")
        self.first_code.setAccessibleName(_("First booklet"))
        self.first_code.setPlaceholderText(_("e.g. {code}").format(code=example_booklet(context)))
        self.last_code = QLineEdit()
        self.last_code.setObjectName("last_code")
        self.last_code.setAccessibleName(_("Last booklet"))
        self.kind = QComboBox()
        self.kind.setObjectName("lot_kind")
        self.kind.setAccessibleName(_("Kind of lot"))
        self.kind.addItem(_("Delivered printed (a print is a reprint)"), LotKind.DELIVERED)
        self.kind.addItem(_("To print here (printed before handed out)"), LotKind.PRINT_ON_SITE)
        self.source = QLineEdit()
        self.source.setObjectName("source")
        self.source.setAccessibleName(_("Source"))
        self.source.setPlaceholderText(_("delivery note, funder… (optional)"))
        self.summary = WrapLabel()
        self.summary.setObjectName("receive_summary")
        self.message = MessageLabel(self, name="receive_message")
        self.confirm_button = QPushButton(_("&Receive"))
        self.confirm_button.setObjectName("confirm_button")
        self.confirm_button.setEnabled(False)
        buttons, self.cancel_button = dialog_buttons(self.confirm_button)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)

        form = QFormLayout()
        self.first_message = add_field_row(
            form, self, _("&First booklet"), self.first_code, "first"
        )
        self.last_message = add_field_row(form, self, _("&Last booklet"), self.last_code, "last")
        kind_label = QLabel(field_label(_("&Kind")))
        kind_label.setBuddy(self.kind)
        form.addRow(kind_label, self.kind)
        source_label = QLabel(field_label(_("&Source")))
        source_label.setBuddy(self.source)
        form.addRow(source_label, self.source)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

        self.first_code.returnPressed.connect(self._on_first_code_return_pressed)
        self.last_code.returnPressed.connect(self._on_last_code_return_pressed)
        self.first_code.textEdited.connect(self._on_code_edited)
        self.last_code.textEdited.connect(self._on_code_edited)
        self.source.returnPressed.connect(self._on_last_code_return_pressed)
        self.kind.currentIndexChanged.connect(self._on_code_edited)

    # --- planning -----------------------------------------------------------------------

    def _forget_plan(self) -> None:
        self._plan_seq += 1
        self.plan = None
        self.confirm_button.setEnabled(False)
        self.summary.clear()
        self.message.clear_message()

    def _ask_plan(self, *, whole_lot: bool) -> None:
        """Ask the service what the two codes make; `whole_lot` False checks the first only."""
        self._forget_plan()
        seq = self._plan_seq
        stock, first, last, kind = (
            self.context.services.stock,
            self.first_code.text(),
            self.last_code.text(),
            self.kind.currentData(),
        )
        self.context.runner.run(
            lambda _control: stock.plan_lot_between(first, last, kind=kind),
            on_result=lambda plan: self._on_planned(seq, plan, whole_lot),
            on_error=lambda error: self._on_plan_failed(seq, error),
            owner=self,
        )

    def _on_planned(self, seq: int, plan: LotPlan, whole_lot: bool) -> None:
        if seq != self._plan_seq:
            return  # the codes changed meanwhile: a newer plan is coming
        first_problems = [p for p in plan.problems if p.field in FIRST_FIELD_PROBLEMS]
        self._show(self.first_message, first_problems)
        if plan.first_booklet and not first_problems:
            self.first_code.setText(plan.first_code)  # as the register writes it
        if not whole_lot:
            if not first_problems:
                # After this key event ends, or its Enter would reach the next field's owner.
                QTimer.singleShot(0, self.last_code, self.last_code.setFocus)
            return
        self._show(self.last_message, [p for p in plan.problems if p.field in LAST_FIELD_PROBLEMS])
        self._show(
            self.message,
            [p for p in plan.problems if p.field not in FIRST_FIELD_PROBLEMS + LAST_FIELD_PROBLEMS],
        )
        if plan.ok:
            self.last_code.setText(plan.last_code)
            self.plan = plan
            self.summary.setText(self._describe(plan) + "\n" + self.kind.currentText())
            self.confirm_button.setEnabled(True)
            QTimer.singleShot(0, self.confirm_button, self.confirm_button.setFocus)
        self.planned.emit(plan)

    @staticmethod
    def _show(label: MessageLabel, problems: Sequence[LotProblem]) -> None:
        if problems:
            label.show_error(" ".join(p.message for p in problems))
        else:
            label.clear_message()

    def _on_plan_failed(self, seq: int, error: BaseException) -> None:
        if seq == self._plan_seq:
            self.message.show_error(failure_message(error))

    @staticmethod
    def _describe(plan: LotPlan) -> str:
        return _(
            "{count} booklets of {per} vouchers ({vouchers} vouchers) of programme {code} "
            "— {name},\nfrom {first} to {last}.\nPress Receive to record them."
        ).format(
            count=format_number(plan.count),
            per=plan.vouchers_per_booklet,
            vouchers=format_number(plan.vouchers),
            code=plan.programme_code,
            name=plan.programme_name,
            first=plan.first_code,
            last=plan.last_code,
        )

    # --- reactions ----------------------------------------------------------------------

    def _on_code_edited(self, *_args: object) -> None:
        self._forget_plan()

    def _on_first_code_return_pressed(self) -> None:
        self._ask_plan(whole_lot=False)

    def _on_last_code_return_pressed(self) -> None:
        self._ask_plan(whole_lot=True)

    def _on_confirm_button_clicked(self) -> None:
        if self.plan is None:
            return
        plan = self.plan
        actor, stock, source = self.context.actor, self.context.services.stock, self.source.text()
        self.setEnabled(False)
        self.summary.setText(_("Recording the lot…"))
        self.context.runner.run(
            lambda _control: stock.receive(
                actor,
                programme_code=plan.programme_code,
                first_booklet=plan.first_booklet,
                count=plan.count,
                source=source,
                kind=plan.kind,
            ),
            on_result=self._on_received,
            on_error=self._on_refused,
            owner=self,
        )

    def _on_received(self, lot: LotRow) -> None:
        self.setEnabled(True)
        self.received.emit(lot)
        self.accept()

    def _on_refused(self, error: BaseException) -> None:
        self.setEnabled(True)
        self._forget_plan()
        self.message.show_error(failure_message(error))
        self.last_code.setFocus()
