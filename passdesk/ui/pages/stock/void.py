"""Void a booklet or one voucher, with the reason the register keeps (lost, stolen, damaged,
misprinted: the reasons an agent may give are the service's `AGENT_VOID_REASONS`)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import _
from passdesk.services.stock import AGENT_VOID_REASONS, status_label, void_reason_label
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import WrapLabel
from passdesk.ui.widgets.forms import add_field_row, dialog_buttons


class VoidDialog(QDialog):
    """Void one booklet (or one voucher) with a reason; the register records who and why."""

    voided = Signal(str)

    def __init__(self, context: UiContext, code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Void a booklet"))
        intro = WrapLabel(
            _(
                "A voided booklet can never be handed out again. Scan or type its code "
                "(or a voucher's code to void that voucher only), then give the reason."
            )
        )
        self.code = QLineEdit(code)
        self.code.setObjectName("void_code")
        self.code.setAccessibleName(_("Code"))
        self.reason = QComboBox()
        self.reason.setObjectName("void_reason")
        self.reason.setAccessibleName(_("Reason"))
        for reason in AGENT_VOID_REASONS:
            self.reason.addItem(void_reason_label(reason), reason.value)
        self.confirm_button = QPushButton(_("&Void"))
        self.confirm_button.setObjectName("confirm_button")
        # "Annuler" is the French word for void: the other button says "Fermer", not "Annuler".
        buttons, self.cancel_button = dialog_buttons(self.confirm_button, cancel_text=_("Close"))
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.code.returnPressed.connect(self._on_code_return_pressed)

        form = QFormLayout()
        self.code_message = add_field_row(form, self, _("&Code"), self.code, "code")
        self.reason_message = add_field_row(form, self, _("&Reason"), self.reason, "reason")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def _on_code_return_pressed(self) -> None:
        self.code_message.clear_message()
        try:
            booklet = self.context.services.stock.get_booklet(self.code.text())
        except PassDeskError as error:
            self.code_message.show_error(error.message)
            return
        self.code_message.show_info(
            _("Booklet {code}: {status}.").format(
                code=booklet.code, status=status_label(booklet.status)
            )
        )
        QTimer.singleShot(0, self.reason, self.reason.setFocus)

    def _on_confirm_button_clicked(self) -> None:
        self.code_message.clear_message()
        self.reason_message.clear_message()
        try:
            code = self.context.services.stock.void(
                self.context.actor, self.code.text(), self.reason.currentData()
            )
        except PassDeskError as error:
            target = self.reason_message if error.field == "reason" else self.code_message
            target.show_error(error.message)
            return
        self.voided.emit(code)
        self.accept()
