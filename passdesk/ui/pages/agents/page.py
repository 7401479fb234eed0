"""The Agents page (administrators): every account with its role and state, and the history of
the selected one. An account is never deleted, only disabled: the journal names its agent.
The rules (the last administrator stays, a weak password is refused...) are the service's."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import N_, _
from passdesk.roles import ROLE_LABELS, Role
from passdesk.services.accounts import EVENT_LABELS
from passdesk.services.rows import AgentEventRow, AgentRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.agents.dialogs import AgentDialog, PasswordDialog
from passdesk.ui.widgets.basics import MessageLabel, scaled_font
from passdesk.ui.widgets.forms import open_dialog, shortcut_button
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view


def agent_state(row: AgentRow) -> str:
    parts = [_("active") if row.active else _("disabled")]
    if row.locked:
        parts.append(_("locked"))
    if not row.has_password:
        parts.append(_("no password"))
    return ", ".join(parts)


AGENT_COLUMNS: list[Column[AgentRow]] = [
    Column(N_("Login"), lambda r: r.login),
    Column(N_("Name"), lambda r: r.display_name),
    Column(N_("Role"), lambda r: _(ROLE_LABELS[r.role])),
    Column(N_("State"), agent_state),
]
EVENT_COLUMNS: list[Column[AgentEventRow]] = [
    Column(N_("Date"), lambda e: e.at),
    Column(
        N_("What happened"),
        lambda e: (
            _(EVENT_LABELS[e.kind])
            + (f" ({_(ROLE_LABELS[Role(e.detail)])})" if e.detail in set(Role) else "")
        ),
    ),
    Column(N_("By"), lambda e: e.by_login or _("PassDesk")),
]


class AgentsPage(QWidget):
    """Accounts on top, the selected one's history below; buttons act on the selection."""

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Agents")
        self.setObjectName("agents_page")
        self.setAccessibleName(self.title)
        self.dialog: QDialog | None = None

        heading = QLabel(_("The desk's agents"))
        scaled_font(heading, 1.4, bold=True)
        self.message = MessageLabel(self, name="agents_message")
        self.model: RowTableModel[AgentRow] = RowTableModel(AGENT_COLUMNS, self)
        self.view = QTableView()
        self.view.setObjectName("agents_view")
        configure_view(self.view, self.model, _("Agents"))
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.events: RowTableModel[AgentEventRow] = RowTableModel(EVENT_COLUMNS, self)
        self.events_view = QTableView()
        self.events_view.setObjectName("agent_events_view")
        configure_view(self.events_view, self.events, _("History of the selected account"))

        self.add_button = shortcut_button(
            _("&Add an agent…"), "Ctrl+Shift+N", tip=_("Create an account"), name="add_button"
        )
        self.password_button = shortcut_button(
            _("New &password…"),
            tip=_("Set a new password for the selected agent"),
            name="password_button",
        )
        self.active_button = shortcut_button(_("&Disable"), name="active_button")
        self.unlock_button = shortcut_button(
            _("&Unlock"), tip=_("Lift the lock put by wrong passwords"), name="unlock_button"
        )
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("role_combo")
        self.role_combo.setAccessibleName(_("Role"))
        for role in Role:
            self.role_combo.addItem(_(ROLE_LABELS[role]), role)
        self.role_button = shortcut_button(
            _("Give this &role"), tip=_("Give the selected agent this role"), name="role_button"
        )

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.add_button)
        actions = QHBoxLayout()
        for widget in (
            self.password_button,
            self.active_button,
            self.unlock_button,
            self.role_combo,
            self.role_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(QLabel(_("History of the selected account")))
        history_layout.addWidget(self.events_view)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("agents_splitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(history)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addLayout(actions)
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.view)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.password_button.clicked.connect(self._on_password_button_clicked)
        self.active_button.clicked.connect(self._on_active_button_clicked)
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.role_button.clicked.connect(self._on_role_button_clicked)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.model.modelReset.connect(self._on_selection_changed)
        self.refresh()

    def refresh(self) -> None:
        chosen = self.selected()
        self.model.set_rows(self.context.services.accounts.agents())
        if chosen is not None:
            self.select(chosen.login)
        self._on_selection_changed()

    def select(self, login: str) -> None:
        for row, agent in enumerate(self.model.loaded_rows()):
            if agent.login == login:
                self.view.selectRow(row)
                return

    def selected(self) -> AgentRow | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row()):
            return None
        return self.model.row_at(index.row())

    def _on_selection_changed(self, *_args: object) -> None:
        agent = self.selected()
        for button in (self.password_button, self.active_button, self.role_button):
            button.setEnabled(agent is not None)
        self.unlock_button.setEnabled(agent is not None and agent.locked)
        self.active_button.setText(_("&Enable") if agent and not agent.active else _("&Disable"))
        if agent is not None:
            self.role_combo.setCurrentIndex(self.role_combo.findData(agent.role))
            self.events.set_rows(
                self.context.services.accounts.events(self.context.actor, agent.login)
            )
        else:
            self.events.set_rows([])

    # --- actions ---------------------------------------------------------------------------

    def _act(self, work, done: str) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
        agent = self.selected()
        if agent is None:
            return
        try:
            work(agent)
        except PassDeskError as error:
            self.message.show_error(error.message)
            return
        self.message.show_info(done.format(name=agent.display_name, login=agent.login))
        self.refresh()

    def _on_active_button_clicked(self) -> None:
        agent = self.selected()
        enable = agent is not None and not agent.active
        self._act(
            lambda a: self.context.services.accounts.set_active(
                self.context.actor, a.login, enable
            ),
            _("{name} can log in again.") if enable else _("{name} can no longer log in."),
        )

    def _on_unlock_button_clicked(self) -> None:
        self._act(
            lambda a: self.context.services.accounts.unlock(self.context.actor, a.login),
            _("{name} is unlocked and can log in."),
        )

    def _on_role_button_clicked(self) -> None:
        role = self.role_combo.currentData()
        self._act(
            lambda a: self.context.services.accounts.set_role(self.context.actor, a.login, role),
            _("{name} is now {role}.").replace("{role}", _(ROLE_LABELS[role])),
        )

    def _on_add_button_clicked(self) -> None:
        self.message.clear_message()
        dialog = AgentDialog(self.context, self)
        dialog.saved.connect(self._on_agent_saved)
        self.dialog = open_dialog(self.dialog, dialog)

    def _on_agent_saved(self, agent: AgentRow) -> None:
        self.message.show_info(
            _("{name} can log in as {login}.").format(name=agent.display_name, login=agent.login)
        )
        self.refresh()
        self.select(agent.login)

    def _on_password_button_clicked(self) -> None:
        agent = self.selected()
        if agent is None:
            return
        self.message.clear_message()
        dialog = PasswordDialog(self.context, agent, self)
        dialog.saved.connect(lambda: self._on_password_saved(agent))
        self.dialog = open_dialog(self.dialog, dialog)

    def _on_password_saved(self, agent: AgentRow) -> None:
        self.message.show_info(_("New password saved for {name}.").format(name=agent.display_name))
        self.refresh()
