"""The Transfers page (issue 13), offered when the database holds several desks: what each desk
holds in stock, the form that gives a range of booklets to another desk, and the transfers made
so far. The rules (which booklets may go, to whom) are the transfer service's."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.i18n import N_, _
from passdesk.services.transfer_rows import HoldingRow, TransferRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.transfers.form import TransferForm
from passdesk.ui.widgets.basics import scaled_font
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view

HOLDING_COLUMNS: list[Column[HoldingRow]] = [
    Column(N_("Desk code"), lambda r: r.desk_code),
    Column(N_("Name of the desk"), lambda r: r.desk_name),
    Column(N_("Programme"), lambda r: r.programme_code),
    Column(N_("In stock"), lambda r: r.in_stock, align_right=True),
]
TRANSFER_COLUMNS: list[Column[TransferRow]] = [
    Column(N_("Date"), lambda r: r.at),
    Column(N_("Programme"), lambda r: r.programme_code),
    Column(N_("First booklet"), lambda r: r.first_code),
    Column(N_("Last booklet"), lambda r: r.last_code),
    Column(N_("Booklets"), lambda r: r.count, align_right=True),
    Column(N_("From the desk"), lambda r: r.from_code),
    Column(N_("To the desk"), lambda r: r.to_code),
    Column(N_("By"), lambda r: r.agent_login),
]
RECENT = 200  # transfers listed: a territory makes a few a week


def several_desks(context: UiContext) -> bool:
    """Whether the page has a use: a database of one desk has nobody to transfer to."""
    return context.services.desks.several()


class TransfersPage(QWidget):
    """The form and the desks' stock side by side, the transfers below."""

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Transfers")
        self.setObjectName("transfers_page")
        self.setAccessibleName(self.title)

        heading = QLabel(_("Transfers between desks"))
        scaled_font(heading, 1.4, bold=True)
        self.form = TransferForm(context, self)
        self.form.transferred.connect(self._on_form_transferred)

        self.holdings: RowTableModel[HoldingRow] = RowTableModel(HOLDING_COLUMNS, self)
        self.holdings_view = QTableView()
        self.holdings_view.setObjectName("holdings_view")
        configure_view(self.holdings_view, self.holdings, _("Booklets in stock at each desk"))
        self.transfers: RowTableModel[TransferRow] = RowTableModel(TRANSFER_COLUMNS, self)
        self.transfers_view = QTableView()
        self.transfers_view.setObjectName("transfers_view")
        configure_view(self.transfers_view, self.transfers, _("Recent transfers"))

        holdings_box = QVBoxLayout()
        holdings_box.addWidget(QLabel(_("Booklets in stock at each desk")))
        holdings_box.addWidget(self.holdings_view, 1)
        upper = QHBoxLayout()
        upper.addWidget(self.form, 1)
        upper.addLayout(holdings_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(upper, 1)
        layout.addWidget(QLabel(_("Recent transfers")))
        layout.addWidget(self.transfers_view, 1)
        QWidget.setTabOrder(self.form.confirm_button, self.holdings_view)
        QWidget.setTabOrder(self.holdings_view, self.transfers_view)
        self.setFocusProxy(self.form)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the desks' stock, the transfers, and the form's choices."""
        services = self.context.services
        self.form.set_choices(services.programmes.list(), services.desks.desks())
        self.holdings.set_rows(services.transfers.holdings(self.context.actor))
        self.transfers.set_rows(services.transfers.transfers(limit=RECENT))

    def _on_form_transferred(self, _row: TransferRow) -> None:
        self.holdings.set_rows(self.context.services.transfers.holdings(self.context.actor))
        self.transfers.set_rows(self.context.services.transfers.transfers(limit=RECENT))
        self.transfers_view.selectRow(0)  # the one just made, on top
