"""The person's handouts on the serve page: what they may still receive, their past handouts
(Enter shows a receipt again) and, for a supervisor, the cancellation of one of them."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.i18n import N_, _, ngettext
from passdesk.roles import Action, may
from passdesk.services.base import local_date
from passdesk.services.rows import Entitlement, HandoutRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.cancel_handout import CancelHandoutDialog
from passdesk.ui.widgets.basics import make_action
from passdesk.ui.widgets.forms import open_dialog
from passdesk.ui.widgets.table_models import Column, RowTableModel

CANCEL_HANDOUT_KEY = "Ctrl+Shift+Del"


def _handout_status(row: HandoutRow) -> str:
    """A handout's state, said of the handout ("remise", feminine in French)."""
    if row.cancelled:
        return _("cancelled")
    return _("given, with an override") if row.override_reason else _("given")


HANDOUT_COLUMNS: list[Column[HandoutRow]] = [
    Column(N_("Receipt"), lambda r: r.receipt_number),
    Column(N_("Date"), lambda r: local_date(r.created_at)),  # the desk's calendar day
    Column(N_("Booklets"), lambda r: tuple(b.booklet_code for b in r.booklets)),
    Column(N_("Value"), lambda r: r.total_value),
    Column(N_("Status"), _handout_status),
]


def entitlement_text(item: Entitlement) -> str:
    if item.limit is None:
        return ngettext(
            "{name} ({code}): {received} booklet received, no limit",
            "{name} ({code}): {received} booklets received, no limit",
            item.received,
        ).format(name=item.programme_name, code=item.programme_code, received=item.received)
    return ngettext(
        "{name} ({code}): {received} of {limit} booklet received, {remaining} left",
        "{name} ({code}): {received} of {limit} booklets received, {remaining} left",
        item.received,
    ).format(
        name=item.programme_name,
        code=item.programme_code,
        received=item.received,
        limit=item.limit,
        remaining=item.remaining,
    )


class _HistoryView(QTableView):
    """Asks for five lines and takes what is left. (An Ignored size policy, asking for none,
    let the scroll area squeeze the box below its minimum when a message wrapped, and the
    lines above the table were drawn over.)"""

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().sizeHint().width(), self.minimumHeight())


class HandoutHistory(QGroupBox):
    """Entitlements and past handouts of one person; `receipt_requested` asks for a past
    receipt, `cancelled` says a handout was cancelled (the booklets came back or not)."""

    receipt_requested = Signal(object)  # HandoutRow
    cancelled = Signal(object, bool)  # HandoutRow, returned to stock

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(_("Handouts"), parent)
        self._context = context
        self.may_cancel = may(context.actor.role, Action.CANCEL_HANDOUT)
        self.dialog: CancelHandoutDialog | None = None  # the last one opened (tests reach it)
        self.entitlements = QLabel(self)
        self.entitlements.setWordWrap(True)
        self.entitlements.setAccessibleName(_("What the person may still receive"))
        self.model: RowTableModel[HandoutRow] = RowTableModel(HANDOUT_COLUMNS, self)
        self.view = _HistoryView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(_("Past handouts"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setTabKeyNavigation(False)
        self.view.setToolTip(_("Enter or double-click: the receipt of that handout"))
        self.view.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.cancel_action = make_action(
            self,
            _("Cancel the selected &handout…"),
            CANCEL_HANDOUT_KEY,
            tip=_("Cancel the handout selected in the person's history (supervisor)"),
        )
        self.cancel_button = QPushButton(_("Cancel this han&dout…"), self)
        self.cancel_button.setObjectName("cancel_handout_button")
        self.cancel_button.setAccessibleName(_("Cancel this handout"))
        self.cancel_button.setToolTip(self.cancel_action.toolTip())
        self.cancel_button.setVisible(self.may_cancel)
        # The button beside what the person may receive: the table keeps every line it can.
        top = QHBoxLayout()
        top.addWidget(self.entitlements, 1)
        top.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        if self.may_cancel:
            self.addAction(self.cancel_action)
        self.view.activated.connect(self._on_view_activated)
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_changed)
        self.cancel_button.clicked.connect(self.cancel_action.trigger)
        self.cancel_action.triggered.connect(self._on_cancel_action_triggered)
        self._on_view_current_changed()

    def show_history(self, handouts: list[HandoutRow], rights: list[Entitlement]) -> None:
        self.model.set_rows(handouts)
        if rights:
            self.entitlements.setText("\n".join(entitlement_text(r) for r in rights))
        else:
            self.entitlements.setText(_("No programme is open today."))
        self._on_view_current_changed()

    def clear(self) -> None:
        self.model.set_rows([])
        self.entitlements.clear()
        self._on_view_current_changed()

    def selected(self) -> HandoutRow | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _on_view_activated(self, index: QModelIndex) -> None:
        handout = self.model.row_at(index.row())
        if handout is not None:
            self.receipt_requested.emit(handout)

    def _on_view_current_changed(self, *_args: object) -> None:
        handout = self.selected()
        allowed = self.may_cancel and handout is not None and not handout.cancelled
        self.cancel_action.setEnabled(allowed)
        self.cancel_button.setEnabled(allowed)

    def _on_cancel_action_triggered(self) -> None:
        handout = self.selected()
        if not self.may_cancel or handout is None or handout.cancelled:
            return
        dialog = CancelHandoutDialog(self._context, handout, self)
        dialog.cancelled.connect(self.cancelled)
        self.dialog = open_dialog(self.dialog, dialog)  # type: ignore[assignment]
