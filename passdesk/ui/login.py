"""The login dialog: login and password, one calm message for every failure.

It can be shown before the database is open (`services=None`): the agent types while the
database opens in the background, and an early Enter is honoured once it is ready. On a
demonstration desk it shows the demonstration's logins and their password (demo-only, invented
data), so that a desk reopened after a restart can be tried again.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import _
from passdesk.ui.widgets.basics import MessageLabel, scaled_font

if TYPE_CHECKING:  # the dialog must show before SQLAlchemy is even imported
    from passdesk.services import Services
    from passdesk.services.rows import Actor


class LoginDialog(QDialog):
    """Asks for a login and password; `actor` holds the agent once accepted."""

    def __init__(
        self, services: Services | None, parent: QWidget | None = None, *, login: str = ""
    ) -> None:
        super().__init__(parent)
        self._services: Services | None = None
        self._pending = False
        self.actor: Actor | None = None
        self.setWindowTitle(_("PassDesk — log in"))
        self.setAccessibleName(_("Log in"))

        self.heading = QLabel("PassDesk", self)
        scaled_font(self.heading, 1.3, bold=True)
        self.login_edit = QLineEdit(login, self)
        self.login_edit.setAccessibleName(_("Login"))
        self.login_edit.setPlaceholderText(_("e.g. marie.dupont"))
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(_("Password"))
        self.message = MessageLabel(self, name=_("Login message"))
        self.demo_hint = QLabel(self)
        self.demo_hint.setObjectName("demo_hint")
        self.demo_hint.setWordWrap(True)
        self.demo_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_hint.hide()

        form = QFormLayout()
        form.addRow(_("&Login"), self.login_edit)
        form.addRow(_("&Password"), self.password_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Log in"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.demo_hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 50)
        self.setTabOrder(self.login_edit, self.password_edit)
        (self.password_edit if login else self.login_edit).setFocus()
        if services is not None:
            self.set_services(services)

    @property
    def ready(self) -> bool:
        return self._services is not None

    def set_services(self, services: Services) -> None:
        """The database is open: show the desk's name, and log in if Enter came early. Desks
        sharing the database keep the neutral heading: the agent's desk is known only once
        logged in, and another desk's name would tell them they are at the wrong one."""
        self._services = services
        with contextlib.suppress(PassDeskError):
            desk = services.accounts.desk()
            if not services.desks.several():
                self.heading.setText(desk.name)
            if desk.demo:
                self._show_demo_logins()
        if self._pending:
            self._pending = False
            self.message.clear_message()
            self._on_buttons_accepted()

    def _show_demo_logins(self) -> None:
        from passdesk.demo.data import ACCOUNTS, PASSWORD
        from passdesk.roles import ROLE_LABELS

        self.setWindowTitle(_("PassDesk — log in") + " — " + _("DEMONSTRATION"))
        logins = ", ".join(
            _("{login} ({role})").format(login=login, role=_(ROLE_LABELS[role]))
            for login, _name, role in ACCOUNTS
        )
        self.demo_hint.setText(
            "\n".join(
                (
                    _("DEMONSTRATION desk: invented people and vouchers."),
                    _("Logins: {logins}.").format(logins=logins),
                    _("Password of every demonstration account: {password}").format(
                        password=PASSWORD
                    ),
                )
            )
        )
        self.demo_hint.setAccessibleName(self.demo_hint.text())
        self.demo_hint.show()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 72)
        if not self.login_edit.text():
            self.login_edit.setFocus()

    def _on_buttons_accepted(self) -> None:
        login = self.login_edit.text().strip()
        if not login:
            self.message.show_error(_("Type your login."))
            self.login_edit.setFocus()
            return
        if self._services is None:
            self._pending = True
            self.message.show_info(_("Opening the database…"))
            return
        try:
            self.actor = self._services.act_as(
                self._services.accounts.authenticate(login, self.password_edit.text())
            )
        except PassDeskError as error:
            self.message.show_error(error.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.accept()
