"""The agents' dialogs: a new account, a password set by an administrator, and an agent's own
new password (which asks the current one first). Every rule is the service's: the dialogs
only show its refusals under the field at fault."""

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

from passdesk.errors import InvalidInput, PassDeskError
from passdesk.i18n import _
from passdesk.roles import ROLE_LABELS, Role
from passdesk.services.rows import AgentRow
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel
from passdesk.ui.widgets.forms import add_field_row, dialog_buttons


def _password_edit(name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(accessible)
    return edit


class _FormDialog(QDialog):
    """A form whose fields show the service's refusals under themselves."""

    def __init__(self, title: str, confirm_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.fields: dict[str, QWidget] = {}
        self.messages: dict[str, MessageLabel] = {}
        self.message = MessageLabel(self, name="form_message")
        self.save_button = QPushButton(confirm_text)
        self.save_button.setObjectName("save_button")
        buttons, self.cancel_button = dialog_buttons(self.save_button, enter_confirms=True)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message)
        self.layout_.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def add(self, key: str, label: str, field: QWidget) -> None:
        self.fields[key] = field
        self.messages[key] = add_field_row(self.form, self, label, field, key)

    def focus_first(self) -> None:
        first = next(iter(self.fields.values()))
        QTimer.singleShot(0, first, first.setFocus)

    def show_error(self, error: PassDeskError) -> None:
        target = self.messages.get(error.field or "", self.message)
        target.show_error(error.message)
        field = self.fields.get(error.field or "")
        if field is not None:
            field.setFocus()

    def _on_save_button_clicked(self) -> None:
        for message in (*self.messages.values(), self.message):
            message.clear_message()
        try:
            self.save()
        except PassDeskError as error:
            self.show_error(error)
            return
        self.accept()

    def save(self) -> None:
        raise NotImplementedError

    def same_password(self, first: QLineEdit, again: QLineEdit) -> str:
        if first.text() != again.text():
            raise InvalidInput(_("The two passwords differ."), field="again")
        return first.text()


class AgentDialog(_FormDialog):
    """A new account: login, name, role and a first password the agent changes later."""

    saved = Signal(object)  # AgentRow

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Add an agent"), _("&Create the account"), parent)
        self.context = context
        self.login = QLineEdit()
        self.login.setObjectName("login")
        self.login.setPlaceholderText(_("e.g. marie.dupont"))
        self.login.setAccessibleName(_("Login"))
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.display_name.setAccessibleName(_("Name"))
        self.role = QComboBox()
        self.role.setObjectName("role")
        self.role.setAccessibleName(_("Role"))
        for role in Role:
            self.role.addItem(_(ROLE_LABELS[role]), role)
        self.password = _password_edit("password", _("Password"))
        self.again = _password_edit("again", _("Password again"))
        self.add("login", _("&Login"), self.login)
        self.add("display_name", _("&Name"), self.display_name)
        self.add("role", _("&Role"), self.role)
        self.add("password", _("&Password"), self.password)
        self.add("again", _("Password &again"), self.again)
        self.focus_first()

    def save(self) -> None:
        password = self.same_password(self.password, self.again)
        row = self.context.services.accounts.add_agent(
            self.context.actor,
            login=self.login.text(),
            display_name=self.display_name.text(),
            role=self.role.currentData(),
            password=password,
        )
        self.saved.emit(row)


class PasswordDialog(_FormDialog):
    """A new password for `agent` set by an administrator, or (agent=None) the logged-in
    agent's own, which asks the current password first."""

    saved = Signal()

    def __init__(
        self, context: UiContext, agent: AgentRow | None = None, parent: QWidget | None = None
    ) -> None:
        own = agent is None
        title = (
            _("Change my password")
            if own
            else _("New password for {name}").format(name=agent.display_name)
        )
        super().__init__(title, _("&Save the password"), parent)
        self.context = context
        self.agent = agent
        self.current: QLineEdit | None = None
        if own:
            self.current = _password_edit("current", _("Current password"))
            self.add("current", _("&Current password"), self.current)
        else:
            hint = WrapLabel(_("Give it to the agent in person; a reset also lifts a lock."))
            self.layout_.insertWidget(0, hint)
        self.password = _password_edit("password", _("New password"))
        self.again = _password_edit("again", _("New password again"))
        self.add("password", _("&New password"), self.password)
        self.add("again", _("New password &again"), self.again)
        self.focus_first()

    def save(self) -> None:
        new = self.same_password(self.password, self.again)
        accounts, actor = self.context.services.accounts, self.context.actor
        if self.current is not None:
            try:
                accounts.change_own_password(actor, self.current.text(), new)
            except PassDeskError as error:
                if error.field == "password" and not isinstance(error, InvalidInput):
                    error.field = "current"  # the refusal is about the current one
                raise
        else:
            assert self.agent is not None
            accounts.set_password(actor, self.agent.login, new)
        self.saved.emit()
