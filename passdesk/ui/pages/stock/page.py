"""The stock page: programmes and their counts, lots, booklets by status; receive, void, print,
and the daily closing.

Tables read the services' rows through the models of `widgets.table_models`; the booklet table
pages through the service (sorted and filtered in SQL). Each button is offered to the roles the
roles table allows for its action; the dialogs live in their own modules of this package.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from passdesk.documents.regie_records import ClosingRecord
from passdesk.errors import PassDeskError
from passdesk.formatting import format_money, format_number
from passdesk.i18n import N_, _, ngettext
from passdesk.roles import Action, may
from passdesk.services.rows import BookletRow, LotRow, ProgrammeRow, StockCounts
from passdesk.services.stock import BOOKLET_STATUS_LABELS, status_label
from passdesk.services.stock_counts import total as stock_total
from passdesk.ui.context import UiContext
from passdesk.ui.pages.stock.booklet_details import BookletDetailsDialog
from passdesk.ui.pages.stock.closing import ClosingDialog
from passdesk.ui.pages.stock.print_booklets import PrintBookletsDialog
from passdesk.ui.pages.stock.receive_lot import ReceiveLotDialog
from passdesk.ui.pages.stock.void import VoidDialog
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, scaled_font
from passdesk.ui.widgets.forms import field_label, open_dialog, shortcut_button
from passdesk.ui.widgets.table_models import (
    Column,
    PagedTableModel,
    RowTableModel,
    configure_view,
)

LOT_KIND_LABELS = {"delivered": N_("delivered"), "print_on_site": N_("printed on site")}
RECEIVE_SHORTCUT = "Ctrl+Shift+R"
VOID_SHORTCUT = "Ctrl+Shift+D"
PRINT_SHORTCUT = "Ctrl+Shift+P"
CLOSING_SHORTCUT = "Ctrl+Shift+J"


@dataclass(frozen=True)
class ProgrammeStock:
    """A programme with its booklet counts, one row of the programmes table."""

    programme: ProgrammeRow
    counts: StockCounts


PROGRAMME_COLUMNS: list[Column[ProgrammeStock]] = [
    Column(N_("Code"), lambda r: r.programme.code),
    Column(N_("Programme"), lambda r: r.programme.name),
    Column(N_("In stock"), lambda r: r.counts.in_stock, align_right=True),
    Column(N_("Vouchers in stock"), lambda r: r.counts.vouchers.in_stock, align_right=True),
    Column(
        N_("Value in stock"),
        lambda r: format_money(r.counts.vouchers.value_in_stock),
        align_right=True,
    ),
    Column(N_("Handed out"), lambda r: r.counts.handed_out, align_right=True),
    Column(N_("Voided"), lambda r: r.counts.voided, align_right=True),
    Column(N_("Expired"), lambda r: r.counts.expired, align_right=True),
    Column(N_("Received"), lambda r: r.counts.received, align_right=True),
    Column(N_("Valid until"), lambda r: r.programme.valid_until),
    Column(N_("Voucher value"), lambda r: r.programme.face_value, align_right=True),
    Column(
        N_("Vouchers per booklet"), lambda r: r.programme.vouchers_per_booklet, align_right=True
    ),
]
LOT_COLUMNS: list[Column[LotRow]] = [
    Column(N_("Programme"), lambda r: r.programme_code),
    Column(N_("First booklet"), lambda r: r.first_code),
    Column(N_("Last booklet"), lambda r: r.last_code),
    Column(N_("Booklets"), lambda r: r.count, align_right=True),
    Column(N_("Kind"), lambda r: _(LOT_KIND_LABELS.get(r.kind, r.kind))),
    Column(N_("Received on"), lambda r: r.received_at),
    Column(N_("Source"), lambda r: r.source),
]
BOOKLET_COLUMNS: list[Column[BookletRow]] = [
    Column(N_("Booklet"), lambda r: r.code, sort_key="code"),
    Column(N_("Number"), lambda r: r.number, sort_key="number", align_right=True),
    Column(N_("Status"), lambda r: _capitalised(status_label(r.status)), sort_key="status"),
    Column(N_("Printed"), lambda r: r.print_count, align_right=True),
    Column(N_("First voucher"), lambda r: r.first_voucher_code),
    Column(N_("Last voucher"), lambda r: r.last_voucher_code),
]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class StockPage(QWidget):
    """Programmes, lots and booklets; receive, void and print for supervisors."""

    stock_changed = Signal()  # a lot was received or a booklet voided (other pages may refresh)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Stock")
        self.setObjectName("stock_page")
        self.setAccessibleName(self.title)
        role = context.actor.role
        self.may_receive = may(role, Action.RECEIVE_STOCK)
        self.may_void = may(role, Action.VOID)
        self.may_print = may(role, Action.PRINT_BOOKLETS)
        self.may_close = may(role, Action.CLOSE_DAY)
        self.dialog: QDialog | None = None  # the dialog the page opened last (tests reach it)
        self._build()
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        heading = QLabel(self.title)
        scaled_font(heading, 1.4, bold=True)
        self.summary_label = WrapLabel()
        self.summary_label.setObjectName("stock_summary")
        self.message = MessageLabel(self, name="stock_message")

        self.receive_button = shortcut_button(
            _("&Receive a lot…"),
            RECEIVE_SHORTCUT,
            tip=_("Receive a lot by scanning its first and last booklet"),
            name="receive_button",
        )
        self.void_button = shortcut_button(
            _("&Void a booklet…"),
            VOID_SHORTCUT,
            tip=_("Void a lost, stolen, damaged or misprinted booklet"),
            name="void_button",
        )
        self.print_button = shortcut_button(
            _("&Print booklets…"),
            PRINT_SHORTCUT,
            tip=_("Print booklets to a PDF file"),
            name="print_button",
        )
        self.closing_button = shortcut_button(
            _("Daily &closing…"),
            CLOSING_SHORTCUT,
            tip=_("Count the booklets in the safe and record the day's closing"),
            name="closing_button",
        )
        self.closing_button.clicked.connect(self._on_closing_button_clicked)
        self.closing_button.setVisible(self.may_close)
        self.receive_button.clicked.connect(self._on_receive_button_clicked)
        self.void_button.clicked.connect(self._on_void_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        # An agent is not offered what their role may not do.
        self.receive_button.setVisible(self.may_receive)
        self.void_button.setVisible(self.may_void)
        self.print_button.setVisible(self.may_print)

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.receive_button)
        top.addWidget(self.void_button)
        top.addWidget(self.print_button)
        # The day's closing sits on the counts' line: the first row is as wide as it may be.
        counts_row = QHBoxLayout()
        counts_row.addWidget(self.summary_label, 1)
        counts_row.addWidget(self.closing_button)

        self.programmes_model: RowTableModel[ProgrammeStock] = RowTableModel(
            PROGRAMME_COLUMNS, self
        )
        self.programmes_view = QTableView()
        self.programmes_view.setObjectName("programmes_view")
        configure_view(
            self.programmes_view, self.programmes_model, _("Programmes"), stretch_last=False
        )
        self.programmes_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.programmes_view.selectionModel().currentRowChanged.connect(
            self._on_programmes_view_current_changed
        )

        self.lots_model: RowTableModel[LotRow] = RowTableModel(LOT_COLUMNS, self)
        self.lots_view = QTableView()
        self.lots_view.setObjectName("lots_view")
        configure_view(self.lots_view, self.lots_model, _("Lots"))
        self.lots_view.setSelectionMode(QTableView.SelectionMode.SingleSelection)

        # Programmes and lots take turns on the whole width: side by side, their dozen and
        # seven columns could only be read by scrolling sideways.
        self.upper_tabs = QTabWidget()
        self.upper_tabs.setObjectName("stock_tabs")
        self.upper_tabs.setAccessibleName(_("Programmes and lots received"))
        self.upper_tabs.tabBar().setAccessibleName(_("Programmes and lots received"))
        self.upper_tabs.addTab(self.programmes_view, _("Programmes"))
        self.upper_tabs.addTab(self.lots_view, _("Lots received"))

        self.programme_filter = QComboBox()
        self.programme_filter.setObjectName("programme_filter")
        self.programme_filter.setAccessibleName(_("Programme"))
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        self.status_filter.setAccessibleName(_("Status"))
        self.status_filter.addItem(_("All statuses"), None)
        for status, label in BOOKLET_STATUS_LABELS.items():
            self.status_filter.addItem(_(label), status)
        self.total_label = QLabel()
        self.total_label.setObjectName("booklet_total")
        programme_label = QLabel(field_label(_("Progr&amme")))
        programme_label.setBuddy(self.programme_filter)
        status_label_ = QLabel(field_label(_("S&tatus")))
        status_label_.setBuddy(self.status_filter)
        filters = QHBoxLayout()
        filters.addWidget(programme_label)
        filters.addWidget(self.programme_filter)
        filters.addWidget(status_label_)
        filters.addWidget(self.status_filter)
        filters.addStretch(1)
        filters.addWidget(self.total_label)

        self.booklets_model: PagedTableModel[BookletRow] = PagedTableModel(
            BOOKLET_COLUMNS, self._fetch_booklets, self._count_booklets, parent=self
        )
        self.booklets_view = QTableView()
        self.booklets_view.setObjectName("booklets_view")
        configure_view(self.booklets_view, self.booklets_model, _("Booklets"))
        self.booklets_view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)
        # Double-click or Enter: the booklet's details (voiding is the Void button's, on purpose).
        self.booklets_view.activated.connect(self._on_booklets_view_activated)
        self.booklets_view.setToolTip(_("Double-click or Enter: the booklet's details"))
        booklets_widget = QWidget()
        booklets_layout = QVBoxLayout(booklets_widget)
        booklets_layout.setContentsMargins(0, 0, 0, 0)
        booklets_layout.addLayout(filters)
        booklets_layout.addWidget(self.booklets_view)
        booklets_box = self._titled(_("Booklets"), booklets_widget)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("stock_splitter")
        self.splitter.addWidget(self.upper_tabs)
        self.splitter.addWidget(booklets_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        line = self.fontMetrics().lineSpacing()
        self.splitter.setSizes([line * 12, line * 30])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(counts_row)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

        self.programme_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.status_filter.currentIndexChanged.connect(self._on_filter_changed)
        for first, second in (
            (self.receive_button, self.void_button),
            (self.void_button, self.print_button),
            (self.print_button, self.closing_button),
            (self.closing_button, self.programmes_view),
            (self.programmes_view, self.lots_view),
            (self.lots_view, self.programme_filter),
            (self.programme_filter, self.status_filter),
            (self.status_filter, self.booklets_view),
        ):
            QWidget.setTabOrder(first, second)
        self.setFocusProxy(self.booklets_view)

    @staticmethod
    def _titled(title: str, content: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.addWidget(content)
        return box

    # --- data ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read programmes, counts, lots and the first page of booklets."""
        stock = self.context.services.stock
        programmes = self.context.services.programmes.list()
        counts = stock.counts_by_programme()
        rows = [ProgrammeStock(p, counts[p.code]) for p in programmes]
        selected = self.selected_programme()
        self.programmes_model.set_rows(rows)
        self.programme_filter.blockSignals(True)
        chosen = self.programme_filter.currentData()
        self.programme_filter.clear()
        self.programme_filter.addItem(_("All programmes"), None)
        for p in programmes:
            self.programme_filter.addItem(f"{p.code} — {p.name}", p.code)
        self.programme_filter.setCurrentIndex(max(self.programme_filter.findData(chosen), 0))
        self.programme_filter.blockSignals(False)
        total = stock_total(counts)
        vouchers = total.vouchers
        self.summary_label.setText(
            _(
                "{received} booklets received: {in_stock} in stock, {handed_out} handed out, "
                "{voided} voided, {expired} expired."
            ).format(
                received=format_number(total.received),
                in_stock=format_number(total.in_stock),
                handed_out=format_number(total.handed_out),
                voided=format_number(total.voided),
                expired=format_number(total.expired),
            )
            + "\n"
            + _(
                "{received} vouchers: {in_stock} in stock ({value}), {handed_out} handed out, "
                "{voided} voided, {expired} expired, {used} used."
            ).format(
                received=format_number(vouchers.received),
                in_stock=format_number(vouchers.in_stock),
                value=format_money(vouchers.value_in_stock),
                handed_out=format_number(vouchers.handed_out),
                voided=format_number(vouchers.voided),
                expired=format_number(vouchers.expired),
                used=format_number(vouchers.used),
            )
        )
        if selected is not None:
            for row, item in enumerate(rows):
                if item.programme.code == selected:
                    self.programmes_view.selectRow(row)
        self._reload_lots()
        self._reload_booklets()

    def selected_programme(self) -> str | None:
        index = self.programmes_view.currentIndex()
        item = self.programmes_model.row_at(index.row()) if index.isValid() else None
        return item.programme.code if item is not None else None

    def selected_booklets(self) -> list[BookletRow]:
        rows = sorted({i.row() for i in self.booklets_view.selectionModel().selectedRows()})
        return [r for r in (self.booklets_model.row_at(i) for i in rows) if r is not None]

    def selected_lot(self) -> LotRow | None:
        index = self.lots_view.currentIndex()
        return self.lots_model.row_at(index.row()) if index.isValid() else None

    def _reload_lots(self) -> None:
        self.lots_model.set_rows(self.context.services.stock.lots(self.selected_programme()))

    def _filters(self) -> tuple[str | None, str | None]:
        return self.programme_filter.currentData(), self.status_filter.currentData()

    def _fetch_booklets(
        self, offset: int, limit: int, sort: str | None, descending: bool
    ) -> list[BookletRow]:
        programme, status = self._filters()
        return self.context.services.stock.booklets(
            programme,
            status,
            offset=offset,
            limit=limit,
            sort=sort or "number",
            descending=descending,
        )

    def _count_booklets(self) -> int:
        programme, status = self._filters()
        return self.context.services.stock.count_booklets(programme, status)

    def _reload_booklets(self) -> None:
        self.booklets_model.reload()
        self.total_label.setText(
            ngettext("{n} booklet", "{n} booklets", self.booklets_model.total).format(
                n=format_number(self.booklets_model.total)
            )
        )

    # --- reactions ----------------------------------------------------------------------

    def _on_programmes_view_current_changed(self, *_args: object) -> None:
        code = self.selected_programme()
        self._reload_lots()
        index = self.programme_filter.findData(code)
        if code is not None and index >= 0:
            self.programme_filter.setCurrentIndex(index)

    def _on_filter_changed(self, *_args: object) -> None:
        self._reload_booklets()

    def _on_booklets_view_activated(self, index: QModelIndex) -> None:
        booklet = self.booklets_model.row_at(index.row())
        if booklet is None:
            return
        context = self.context
        try:
            details = context.services.booklet_history.details(context.actor, booklet.code)
        except PassDeskError as error:
            self.message.show_error(error.message)
            return
        self._open(BookletDetailsDialog(details, self))

    def _on_receive_button_clicked(self) -> None:
        if not self.may_receive:
            return
        dialog = ReceiveLotDialog(self.context, self)
        dialog.received.connect(self._on_lot_received)
        self._open(dialog)

    def _on_void_button_clicked(self) -> None:
        if not self.may_void:
            return
        selected = self.selected_booklets()
        dialog = VoidDialog(self.context, selected[0].code if selected else "", self)
        dialog.voided.connect(self._on_booklet_voided)
        self._open(dialog)

    def _on_print_button_clicked(self) -> None:
        if not self.may_print:
            return
        dialog = PrintBookletsDialog(
            self.context, self, selected=self.selected_booklets(), lot=self.selected_lot()
        )
        dialog.printed.connect(self._on_booklets_printed)
        self._open(dialog)

    def _on_closing_button_clicked(self) -> None:
        if not self.may_close:
            return
        dialog = ClosingDialog(self.context, self)
        dialog.closed.connect(self._on_day_closed)
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        self.message.clear_message()
        self.dialog = open_dialog(self.dialog, dialog)

    def _on_lot_received(self, lot: LotRow) -> None:
        self.message.show_info(
            _("Lot received: {count} booklets, {first} to {last}.").format(
                count=format_number(lot.count), first=lot.first_code, last=lot.last_code
            )
        )
        self.refresh()
        self.stock_changed.emit()

    def _on_booklet_voided(self, code: str) -> None:
        self.message.show_info(_("{code} is voided.").format(code=code))
        self.refresh()
        self.stock_changed.emit()

    def _on_day_closed(self, record: ClosingRecord) -> None:
        self.message.show_info(
            _("Closing no. {id} recorded; journal head {hash}.").format(
                id=record.closing_id, hash=record.head_hash[:16] + "…"
            )
        )

    def _on_booklets_printed(self, text: str) -> None:
        self.message.show_info(text)
        self.refresh()
