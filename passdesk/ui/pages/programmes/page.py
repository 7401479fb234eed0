"""The programmes page: every programme with its validity, limit and funders; an administrator
adds one or edits one (in `dialog.ProgrammeDialog`) after the first-run assistant."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QTableView, QVBoxLayout, QWidget

from passdesk.formatting import format_money, format_percent
from passdesk.i18n import N_, _, ngettext
from passdesk.roles import Action, may
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.rows import ProgrammeRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.programmes.dialog import ProgrammeDialog
from passdesk.ui.widgets.basics import MessageLabel, scaled_font
from passdesk.ui.widgets.forms import open_dialog, shortcut_button
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view

ADD_SHORTCUT = "Ctrl+Shift+N"
EDIT_SHORTCUT = "Ctrl+E"


def funders_text(programme: ProgrammeRow) -> str:
    return ", ".join(f"{s.funder} {format_percent(s.percent)}" for s in programme.shares)


def groups_text(programme: ProgrammeRow) -> str:
    if not programme.target_groups:
        return _("everyone")
    return ", ".join(
        _("{group} (priority)").format(group=_(TARGET_GROUPS[g]))
        if g in programme.priority_groups
        else _(TARGET_GROUPS[g])
        for g in programme.target_groups
        if g in TARGET_GROUPS
    )


def limit_text(programme: ProgrammeRow) -> str:
    if programme.limit_per_person is None:
        return _("no limit")
    return ngettext("{n} booklet", "{n} booklets", programme.limit_per_person).format(
        n=programme.limit_per_person
    )


PROGRAMME_COLUMNS: list[Column[ProgrammeRow]] = [
    Column(N_("Code"), lambda r: r.code),
    Column(N_("Programme"), lambda r: r.name),
    Column(
        N_("Booklet"),
        lambda r: f"{r.vouchers_per_booklet} × {format_money(r.face_value)}",
        align_right=True,
    ),
    Column(N_("Valid from"), lambda r: r.valid_from),
    Column(N_("Valid until"), lambda r: r.valid_until),
    Column(N_("Limit per person"), limit_text),
    Column(N_("Funders"), funders_text),
    Column(N_("For"), groups_text),
]


class ProgrammesPage(QWidget):
    """The programmes, by code; Enter on one edits it."""

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Programmes")
        self.setObjectName("programmes_page")
        self.setAccessibleName(self.title)
        self.may_edit = may(context.actor.role, Action.MANAGE_PROGRAMMES)
        self.dialog: QDialog | None = None  # the last dialog the page opened

        heading = QLabel(self.title)
        scaled_font(heading, 1.4, bold=True)
        self.message = MessageLabel(self, name="programmes_message")
        self.model: RowTableModel[ProgrammeRow] = RowTableModel(PROGRAMME_COLUMNS, self)
        self.view = QTableView()
        self.view.setObjectName("programmes_list")
        configure_view(self.view, self.model, _("Programmes"))
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.add_button = shortcut_button(
            _("&New programme…"),
            ADD_SHORTCUT,
            tip=_("Add a programme, its funders and its validity"),
            name="add_programme_button",
        )
        self.edit_button = shortcut_button(
            _("&Edit…"), EDIT_SHORTCUT, tip=_("Edit the selected programme"), name="edit_button"
        )
        for button in (self.add_button, self.edit_button):
            button.setVisible(self.may_edit)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.add_button)
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        QWidget.setTabOrder(self.add_button, self.edit_button)
        QWidget.setTabOrder(self.edit_button, self.view)
        self.setFocusProxy(self.view)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self.context.services.programmes.list())
        if self.model.rowCount() and not self.view.currentIndex().isValid():
            self.view.selectRow(0)
        self._update_buttons()

    def selected(self) -> ProgrammeRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self, *_args: object) -> None:
        self.edit_button.setEnabled(self.selected() is not None)

    def _on_add_button_clicked(self) -> None:
        if self.may_edit:
            self._open(ProgrammeDialog(self.context, None, self))

    def _on_edit_button_clicked(self) -> None:
        programme = self.selected()
        if self.may_edit and programme is not None:
            self._open(ProgrammeDialog(self.context, programme, self))

    def _on_view_activated(self, index: QModelIndex) -> None:
        programme = self.model.row_at(index.row())
        if self.may_edit and programme is not None:
            self._open(ProgrammeDialog(self.context, programme, self))

    def _open(self, dialog: ProgrammeDialog) -> None:
        self.message.clear_message()
        dialog.saved.connect(self._on_programme_saved)
        self.dialog = open_dialog(self.dialog, dialog)

    def _on_programme_saved(self, programme: ProgrammeRow) -> None:
        self.message.show_info(_("Programme {code} is saved.").format(code=programme.code))
        self.refresh()
        for row in range(self.model.rowCount()):
            found = self.model.row_at(row)
            if found is not None and found.code == programme.code:
                self.view.selectRow(row)
