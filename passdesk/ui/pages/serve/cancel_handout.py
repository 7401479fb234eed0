"""Cancelling a past handout from the person's history (a supervisor): the reason, and on a
later day whether the booklets came back intact (back to stock) or not (voided).

The service decides what each answer does and when the question must be asked
(`HandoutService.cancel`, `cancel_asks_returned`): the same day the booklets are taken as back
unless the agent says otherwise; on a later day the agent must choose, so that an intact
booklet is not voided by default (public value lost) nor a missing one put back in stock.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.formatting import format_date, format_money
from passdesk.i18n import _, ngettext
from passdesk.services.base import local_date
from passdesk.services.rows import HandoutRow
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel
from passdesk.ui.widgets.forms import add_field_row, dialog_buttons


class CancelHandoutDialog(QDialog):
    """Asks the reason (and whether the booklets came back); `cancelled` carries the cancelled
    handout and whether its booklets went back to stock."""

    cancelled = Signal(object, bool)  # HandoutRow, returned to stock

    def __init__(
        self, context: UiContext, handout: HandoutRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.handout = handout
        self.setWindowTitle(_("Cancel handout {receipt}").format(receipt=handout.receipt_number))
        self.setAccessibleName(self.windowTitle())
        self.asks_returned = context.services.handouts.cancel_asks_returned(handout)

        summary = QLabel(
            ngettext(
                "Receipt {receipt} of {date}: booklet {codes}, {value}.",
                "Receipt {receipt} of {date}: booklets {codes}, {value}.",
                len(handout.booklets),
            ).format(
                receipt=handout.receipt_number,
                date=format_date(local_date(handout.created_at)),
                codes=", ".join(b.booklet_code for b in handout.booklets),
                value=format_money(handout.total_value),
            ),
            self,
        )
        summary.setWordWrap(True)
        summary.setAccessibleName(summary.text())
        form = QFormLayout()
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("reason_edit")
        self.reason_edit.setAccessibleName(_("Reason for the cancellation"))
        self.reason_edit.setPlaceholderText(_("e.g. the wrong person was selected"))
        self.reason_message = add_field_row(form, self, _("&Reason"), self.reason_edit, "reason")

        self.returned_button = QRadioButton(
            _("The booklets came back &intact: they go back to stock"), self
        )
        self.returned_button.setObjectName("returned_button")
        self.not_returned_button = QRadioButton(
            _("The booklets did &not come back: they are voided"), self
        )
        self.not_returned_button.setObjectName("not_returned_button")
        self.returned_group = QButtonGroup(self)
        self.returned_group.addButton(self.returned_button)
        self.returned_group.addButton(self.not_returned_button)
        question = QLabel(
            _(
                "This handout was made on an earlier day: say whether its booklets came back "
                "to the desk."
            )
            if self.asks_returned
            else _("Handed out today: the booklets are taken as back unless you say otherwise."),
            self,
        )
        question.setWordWrap(True)
        if not self.asks_returned:
            self.returned_button.setChecked(True)
        self.returned_message = MessageLabel(self, name="returned_message")
        self.message = MessageLabel(self, name=_("Cancellation message"))

        self.confirm_button = QPushButton(_("Cancel the &handout"), self)
        self.confirm_button.setObjectName("confirm_button")
        buttons, self.keep_button = dialog_buttons(
            self.confirm_button, cancel_text=_("&Keep it"), enter_confirms=True
        )
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(form)
        layout.addWidget(question)
        layout.addWidget(self.returned_button)
        layout.addWidget(self.not_returned_button)
        layout.addWidget(self.returned_message)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.keep_button.clicked.connect(self.reject)
        self.reason_edit.textEdited.connect(lambda _text: self.reason_message.clear_message())
        self.returned_group.buttonToggled.connect(
            lambda *_args: self.returned_message.clear_message()
        )
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 75)
        self.reason_edit.setFocus()

    def returned(self) -> bool | None:
        if self.returned_button.isChecked():
            return True
        if self.not_returned_button.isChecked():
            return False
        return None

    def _on_confirm_button_clicked(self) -> None:
        reason = self.reason_edit.text().strip()
        returned = self.returned()
        if not reason:
            self.reason_message.show_error(_("Give the reason for the cancellation."))
            self.reason_edit.setFocus()
            return
        if returned is None:
            self.returned_message.show_error(_("Say whether the booklets came back intact or not."))
            self.returned_button.setFocus()
            return
        try:
            cancelled = self._context.services.handouts.cancel(
                self._context.actor, self.handout.id, reason, returned=returned
            )
        except PassDeskError as error:
            self.message.show_error(error.message)
            return
        self.cancelled.emit(cancelled, returned)
        self.accept()
