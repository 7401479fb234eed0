"""The hint above the pages of a desk that has received no booklet yet.

A new desk comes out of the first-run assistant onto an empty serve page: nothing can be
handed out before a first lot is received, and nothing said so. Until a lot is received, this
banner says what to do next and, for those who may receive stock, opens the reception.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from passdesk.i18n import _
from passdesk.roles import Action, may
from passdesk.ui.context import UiContext
from passdesk.ui.pages.stock.page import RECEIVE_SHORTCUT
from passdesk.ui.widgets.basics import WrapLabel, with_shortcut


class FirstStockHint(QFrame):
    """Shown while the desk has no booklet at all; `receive_requested` opens the reception."""

    receive_requested = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setObjectName("first_stock_hint")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("First stock"))
        self.may_receive = may(context.actor.role, Action.RECEIVE_STOCK)
        if self.may_receive:
            text = _(
                "No booklet has been received yet: nothing can be handed out. Next step: "
                "receive the first lot by scanning its first and last booklet."
            )
        else:
            text = _(
                "No booklet has been received yet: nothing can be handed out. Ask a supervisor "
                "to receive the first lot on the Stock page."
            )
        self.label = WrapLabel(text, self)
        self.label.setObjectName("first_stock_text")
        self.button = QPushButton(_("&Receive the first lot…"), self)
        self.button.setObjectName("first_stock_button")
        self.button.setAccessibleName(_("Receive the first lot"))
        self.button.setAccessibleDescription(text)
        self.button.setToolTip(
            with_shortcut(_("Open the Stock page's reception"), RECEIVE_SHORTCUT)
        )
        self.button.setVisible(self.may_receive)
        self.button.clicked.connect(self.receive_requested)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def refresh(self) -> None:
        """Shown while no lot was ever received (the figures are the stock page's own)."""
        received = self._context.services.stock.counts().received
        self.setVisible(received == 0)
