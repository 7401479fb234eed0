"""The idle lock: no key, click or wheel for the set minutes and the window hides every
person's data behind a screen that asks the agent's password, or lets another agent log in
with one key (Escape).

Activity is seen by one event filter on the application, so that typing in any window or
dialog counts; the delay is a single-shot QTimer restarted at each input event. The lock
screen checks the password through the services, with the same lockout as the login.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import _
from passdesk.services.rows import Actor
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, scaled_font, with_shortcut
from passdesk.ui.widgets.forms import extra_shortcut

ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
SWITCH_KEY = Qt.Key.Key_Escape


class ActivityWatcher(QObject):
    """Emits `idle` once no input event reached the application for `interval_ms`."""

    idle = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.idle)
        self.restarts = 0  # how often activity postponed the lock (tests read it)
        app = QApplication.instance()
        assert app is not None
        self._app = app
        app.installEventFilter(self)

    def set_interval(self, interval_ms: int) -> None:
        self.timer.setInterval(interval_ms)
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def close(self) -> None:
        self.timer.stop()
        self._app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in ACTIVITY and self.timer.isActive():
            self.timer.start()
            self.restarts += 1
        return False


class LockScreen(QWidget):
    """Shown instead of the pages: the agent's password unlocks; Escape switches agent."""

    unlocked = Signal()
    switch_requested = Signal()

    def __init__(
        self,
        authenticate: Callable[[str, str], Actor],
        actor: Actor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._authenticate = authenticate
        self._actor = actor
        self.setObjectName("lock_screen")
        self.setAccessibleName(_("PassDesk is locked"))
        heading = QLabel(_("PassDesk is locked"))
        scaled_font(heading, 1.6, bold=True)
        who = WrapLabel(
            _("{agent} was away: type your password to carry on.").format(agent=actor.display_name)
        )
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("lock_password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(_("Password"))
        self.message = MessageLabel(self, name="lock_message")
        self.unlock_button = QPushButton(_("&Unlock"))
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setDefault(True)
        self.switch_button = QPushButton(_("&Switch agent (Esc)"))
        self.switch_button.setObjectName("switch_button")
        extra_shortcut(self.switch_button, SWITCH_KEY)  # Alt+S still works
        self.switch_button.setToolTip(
            with_shortcut(_("Log out: another agent logs in"), QKeySequence(SWITCH_KEY))
        )

        buttons = QHBoxLayout()
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(self.switch_button)
        box = QVBoxLayout()
        box.addWidget(heading)
        box.addWidget(who)
        box.addWidget(self.password_edit)
        box.addWidget(self.message)
        box.addLayout(buttons)
        card = QWidget()
        card.setLayout(box)
        card.setMaximumWidth(self.fontMetrics().averageCharWidth() * 70)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(card)
        column.addStretch(2)
        outer.addLayout(column, 3)
        outer.addStretch(1)
        self.setFocusProxy(self.password_edit)

        self.password_edit.returnPressed.connect(self._on_unlock_button_clicked)
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.switch_button.clicked.connect(self.switch_requested)

    def reset(self) -> None:
        self.password_edit.clear()
        self.message.clear_message()
        self.password_edit.setFocus()

    def _on_unlock_button_clicked(self) -> None:
        try:
            self._authenticate(self._actor.login, self.password_edit.text())
        except PassDeskError as error:
            self.message.show_error(error.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.password_edit.clear()
        self.unlocked.emit()
