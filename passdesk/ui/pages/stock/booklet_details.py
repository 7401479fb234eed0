"""A booklet's details, opened by a double-click (or Enter) in the stock page's booklet table:
its status, what happened to it (the journal), its handouts with their receipts and, for the
roles that may see it, the person, and its prints. Nothing here changes the booklet: voiding
stays the stock page's own, deliberate, action."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.i18n import N_, _, ngettext
from passdesk.services.booklet_history import (
    EVENT_LABELS,
    BookletDetails,
    BookletEvent,
    BookletHandout,
)
from passdesk.services.booklet_printing import PrintHistoryRow
from passdesk.services.stock import status_label, void_reason_label
from passdesk.ui.widgets.basics import scaled_font
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view


def _what(event: BookletEvent) -> str:
    what = _(EVENT_LABELS.get(event.kind, event.kind))
    if event.reason and event.kind == "voided":
        what = _("{what} ({reason})").format(what=what, reason=void_reason_label(event.reason))
    return what


EVENT_COLUMNS: list[Column[BookletEvent]] = [
    Column(N_("When"), lambda e: e.at),
    Column(N_("What"), _what),
    Column(N_("Receipt"), lambda e: e.receipt or ""),
    Column(N_("By"), lambda e: e.agent_name),
]
HANDOUT_COLUMNS: list[Column[BookletHandout]] = [
    Column(N_("Receipt"), lambda h: h.receipt_number),
    Column(N_("Handed out"), lambda h: h.handed_out_at),
    Column(N_("Cancelled"), lambda h: h.cancelled_at),
    Column(N_("Person"), lambda h: h.beneficiary_name or _("(not shown to your role)")),
]
PRINT_COLUMNS: list[Column[PrintHistoryRow]] = [
    Column(N_("Printed"), lambda p: p.printed_at),
    Column(N_("Duplicate"), lambda p: p.reprint),
    Column(N_("Reason"), lambda p: p.reason or ""),
    Column(N_("By"), lambda p: p.agent_name),
]


class BookletDetailsDialog(QDialog):
    """One booklet's history, read-only; Escape or Close returns to the stock page."""

    def __init__(self, details: BookletDetails, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details = details
        self.setWindowTitle(_("Booklet {code}").format(code=details.code))
        self.setAccessibleName(self.windowTitle())
        heading = QLabel(self.windowTitle(), self)
        scaled_font(heading, 1.3, bold=True)
        status = status_label(details.status)
        if details.void_reason:
            status = _("{what} ({reason})").format(
                what=status, reason=void_reason_label(details.void_reason)
            )
        printed = (
            ngettext(
                "Printed {n} time by the desk.",
                "Printed {n} times by the desk.",
                details.print_count,
            ).format(n=details.print_count)
            if details.print_count
            else _("Never printed by the desk.")
        )
        self.summary = QLabel(
            _("{programme} ({code}), {vouchers} vouchers. Status: {status}.").format(
                programme=details.programme_name,
                code=details.programme_code,
                vouchers=details.vouchers,
                status=status,
            )
            + " "
            + printed,
            self,
        )
        self.summary.setObjectName("booklet_summary")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.summary.text())

        self.events_model = RowTableModel(EVENT_COLUMNS, self)
        self.events_model.set_rows(details.events)
        self.handouts_model = RowTableModel(HANDOUT_COLUMNS, self)
        self.handouts_model.set_rows(details.handouts)
        self.prints_model = RowTableModel(PRINT_COLUMNS, self)
        self.prints_model.set_rows(details.prints)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        self.events_view = self._table(
            layout, _("What happened to it"), self.events_model, _("Nothing recorded yet.")
        )
        self.handouts_view = self._table(
            layout, _("Handouts"), self.handouts_model, _("Never handed out.")
        )
        self.prints_view = self._table(
            layout, _("Prints"), self.prints_model, _("Never printed by the desk.")
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        room = self.screen().availableGeometry()
        char = self.fontMetrics().averageCharWidth()
        self.resize(min(char * 110, int(room.width() * 0.9)), min(700, int(room.height() * 0.85)))
        self.events_view.setFocus()

    def _table(
        self,
        layout: QVBoxLayout,
        title: str,
        model: RowTableModel,  # type: ignore[type-arg]
        empty_text: str,
    ) -> QTableView:
        """A titled table, or the sentence saying it is empty (then it takes no room)."""
        box = QGroupBox(title, self)
        view = QTableView(box)
        configure_view(view, model, title)
        inner = QVBoxLayout(box)
        inner.addWidget(view)
        if not model.rowCount():
            inner.addWidget(QLabel(empty_text, box))
            view.hide()
        layout.addWidget(box, model.rowCount())
        return view
