"""End of validity in the window: the daily expiry run and the D-30 banner above the pages.

At start-up and then once a day while the window stays open, `DailyExpiry` asks the expiry
service (off the UI thread) to expire what ended and to list what ends within 30 days; the
banner shows the latter. A desk PC is often left open for days, so a timer looks every hour
whether the desk's calendar day has changed (the service's clock says which day it is).
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from passdesk.i18n import _, ngettext
from passdesk.services.expiry import ExpiryResult, ProgrammeAlert, alert_text
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import WrapLabel

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 60 * 60 * 1000  # whether the day changed, every hour


class DailyExpiry(QObject):
    """Runs the expiry and the alerts at start and on each new day; `checked` gives both."""

    checked = Signal(object, object)  # ExpiryResult, list[ProgrammeAlert]

    def __init__(self, context: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.last_day: date | None = None  # the day of the last run started
        self.timer = QTimer(self)
        self.timer.setObjectName("daily_expiry_timer")
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self.timer.start()
        self.run()

    def run(self) -> None:
        expiry, actor = self._context.services.expiry, self._context.actor
        self.last_day = expiry.today()
        self._context.runner.run(
            lambda _control: (expiry.expire(actor), expiry.alerts()),
            on_result=self._on_done,
            on_error=self._on_failed,
        )

    def _on_timer_timeout(self) -> None:
        if self._context.services.expiry.today() != self.last_day:
            self.run()

    def _on_done(self, done: tuple[ExpiryResult, list[ProgrammeAlert]]) -> None:
        self.checked.emit(*done)

    @staticmethod
    def _on_failed(error: BaseException) -> None:
        # Nothing was expired; the next day (or the next start) tries again.
        log.warning("the daily expiry check failed: %s", type(error).__name__)


class ValidityBanner(QFrame):
    """What ends within 30 days, above the pages; hidden when nothing does."""

    show_stock_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("validity_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("End of validity"))
        self.setStyleSheet("#validity_banner { background: #FFF4D6; border: 1px solid #C98A00; }")
        self.label = WrapLabel()
        self.label.setObjectName("validity_text")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setStyleSheet("color: #4A3200;")
        self.button = QPushButton(_("See the stock"))
        self.button.setObjectName("validity_show_stock")
        self.button.setToolTip(_("Show the stock page and what is left"))
        self.button.clicked.connect(self.show_stock_requested)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.alerts: list[ProgrammeAlert] = []
        self.hide()

    def show_alerts(self, alerts: list[ProgrammeAlert]) -> None:
        self.alerts = list(alerts)
        if not alerts:
            self.label.clear()
            self.hide()
            return
        title = ngettext(
            "End of validity: {n} programme ends within 30 days.",
            "End of validity: {n} programmes end within 30 days.",
            len(alerts),
        ).format(n=len(alerts))
        text = "\n".join([title, *(alert_text(a) for a in alerts)])
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self.button.setAccessibleDescription(text)
        self.show()
