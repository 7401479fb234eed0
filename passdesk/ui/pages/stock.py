"""The stock page: programmes and their counts, lots, booklets by status; receive, void, print.

Tables read the services' rows through the models of `table_models`; the booklet table pages
through the service (sorted and filtered in SQL). Receiving, voiding and printing are offered
to supervisors and administrators only; long work goes through the context's runner.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk import codes
from passdesk.errors import InvalidInput, PassDeskError, Refused
from passdesk.i18n import N_, _, ngettext
from passdesk.jobs import in_subprocess
from passdesk.roles import Action, may
from passdesk.services.booklet_printing import print_booklets_job
from passdesk.services.rows import BookletRow, LotRow, ProgrammeRow, StockCounts
from passdesk.services.stock import (
    AGENT_VOID_REASONS,
    BOOKLET_STATUS_LABELS,
    status_label,
    void_reason_label,
)
from passdesk.ui.context import UiContext
from passdesk.ui.forms import dialog_buttons, field_label, open_dialog, shortcut_button
from passdesk.ui.progress import TaskProgressDialog
from passdesk.ui.table_models import Column, PagedTableModel, RowTableModel, configure_view
from passdesk.ui.widgets import MessageLabel, scaled_font

RECEIVE_SHORTCUT = "Ctrl+Shift+R"
VOID_SHORTCUT = "Ctrl+Shift+D"
PRINT_SHORTCUT = "Ctrl+Shift+P"


@dataclass(frozen=True)
class ProgrammeStock:
    """A programme with its booklet counts, one row of the programmes table."""

    programme: ProgrammeRow
    counts: StockCounts


PROGRAMME_COLUMNS: list[Column[ProgrammeStock]] = [
    Column(N_("Code"), lambda r: r.programme.code),
    Column(N_("Programme"), lambda r: r.programme.name),
    Column(N_("In stock"), lambda r: r.counts.in_stock, align_right=True),
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


def _parse_booklet(text: str) -> codes.ParsedCode:
    """A scanned booklet cover code, or InvalidInput in French (a voucher code is refused)."""
    parsed = codes.parse_code(text)
    if parsed.kind != codes.BOOKLET:
        raise InvalidInput(
            _("{code} is a voucher code: scan the barcode on the booklet's cover.").format(
                code=parsed.code
            )
        )
    return parsed


class StockPage(QWidget):
    """Programmes, lots and booklets; receive, void and print for supervisors."""

    stock_changed = Signal()  # a lot was received or a booklet voided (other pages may refresh)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Stock")
        self.setObjectName("stock_page")
        self.setAccessibleName(self.title)
        self.may_manage = may(context.actor.role, Action.RECEIVE_STOCK)
        self.dialog: QDialog | None = None  # the dialog the page opened last (tests reach it)
        self._build()
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        heading = QLabel(self.title)
        scaled_font(heading, 1.4, bold=True)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("stock_summary")
        self.summary_label.setWordWrap(True)
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
        self.receive_button.clicked.connect(self._on_receive_button_clicked)
        self.void_button.clicked.connect(self._on_void_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        for button in (self.receive_button, self.void_button, self.print_button):
            button.setVisible(self.may_manage)  # an agent is not offered what they may not do

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.receive_button)
        top.addWidget(self.void_button)
        top.addWidget(self.print_button)

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

        programmes_box = self._titled(_("Programmes"), self.programmes_view)
        lots_box = self._titled(_("Lots received"), self.lots_view)

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
        programme_label = QLabel(field_label(_("&Programme")))
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
        self.booklets_view.doubleClicked.connect(self._on_booklets_view_double_clicked)
        booklets_widget = QWidget()
        booklets_layout = QVBoxLayout(booklets_widget)
        booklets_layout.setContentsMargins(0, 0, 0, 0)
        booklets_layout.addLayout(filters)
        booklets_layout.addWidget(self.booklets_view)
        booklets_box = self._titled(_("Booklets"), booklets_widget)

        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(programmes_box)
        upper.addWidget(lots_box)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        char = self.fontMetrics().averageCharWidth()
        upper.setSizes([char * 110, char * 60])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("stock_splitter")
        self.splitter.addWidget(upper)
        self.splitter.addWidget(booklets_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        line = self.fontMetrics().lineSpacing()
        self.splitter.setSizes([line * 12, line * 30])

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

        self.programme_filter.currentIndexChanged.connect(self._on_filter_changed)
        self.status_filter.currentIndexChanged.connect(self._on_filter_changed)
        for first, second in (
            (self.receive_button, self.void_button),
            (self.void_button, self.print_button),
            (self.print_button, self.programmes_view),
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
        rows = [ProgrammeStock(p, stock.counts(p.code)) for p in programmes]
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
        total = stock.counts()
        self.summary_label.setText(
            _(
                "{received} booklets received: {in_stock} in stock, {handed_out} handed out, "
                "{voided} voided, {expired} expired."
            ).format(
                received=_number(total.received),
                in_stock=_number(total.in_stock),
                handed_out=_number(total.handed_out),
                voided=_number(total.voided),
                expired=_number(total.expired),
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
                n=_number(self.booklets_model.total)
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

    def _on_booklets_view_double_clicked(self, *_args: object) -> None:
        if self.may_manage:
            self._on_void_button_clicked()

    def _on_receive_button_clicked(self) -> None:
        if not self.may_manage:
            return
        dialog = ReceiveLotDialog(self.context, self)
        dialog.received.connect(self._on_lot_received)
        self._open(dialog)

    def _on_void_button_clicked(self) -> None:
        if not self.may_manage:
            return
        selected = self.selected_booklets()
        dialog = VoidDialog(self.context, selected[0].code if selected else "", self)
        dialog.voided.connect(self._on_booklet_voided)
        self._open(dialog)

    def _on_print_button_clicked(self) -> None:
        if not self.may_manage:
            return
        dialog = PrintBookletsDialog(
            self.context, self, selected=self.selected_booklets(), lot=self.selected_lot()
        )
        dialog.printed.connect(self._on_booklets_printed)
        self._open(dialog)

    def _open(self, dialog: QDialog) -> None:
        self.message.clear_message()
        self.dialog = open_dialog(self.dialog, dialog)

    def _on_lot_received(self, lot: LotRow) -> None:
        self.message.show_info(
            _("Lot received: {count} booklets, {first} to {last}.").format(
                count=_number(lot.count), first=lot.first_code, last=lot.last_code
            )
        )
        self.refresh()
        self.stock_changed.emit()

    def _on_booklet_voided(self, code: str) -> None:
        self.message.show_info(_("{code} is voided.").format(code=code))
        self.refresh()
        self.stock_changed.emit()

    def _on_booklets_printed(self, text: str) -> None:
        self.message.show_info(text)
        self.refresh()


def _number(n: int) -> str:
    """A count with the French thousands separator (a thin no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


class ReceiveLotDialog(QDialog):
    """Scan the first and the last booklet of a lot, look at what will be recorded, confirm."""

    received = Signal(object)  # LotRow

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Receive a lot"))
        self.plan: tuple[str, int, int] | None = None  # programme, first number, count
        intro = QLabel(
            _(
                "Scan the barcode of the lot's first booklet, then of its last one. "
                "Check what will be recorded, then confirm."
            )
        )
        intro.setWordWrap(True)
        self.first_code = QLineEdit()
        self.first_code.setObjectName("first_code")
        self.first_code.setAccessibleName(_("First booklet"))
        self.first_code.setPlaceholderText(_("e.g. MGP19-C000001-24"))
        self.first_message = MessageLabel(self, name="first_message")
        self.last_code = QLineEdit()
        self.last_code.setObjectName("last_code")
        self.last_code.setAccessibleName(_("Last booklet"))
        self.last_message = MessageLabel(self, name="last_message")
        self.source = QLineEdit()
        self.source.setObjectName("source")
        self.source.setAccessibleName(_("Source"))
        self.source.setPlaceholderText(_("delivery note, funder… (optional)"))
        self.summary = QLabel()
        self.summary.setObjectName("receive_summary")
        self.summary.setWordWrap(True)
        self.message = MessageLabel(self, name="receive_message")
        self.confirm_button = QPushButton(_("&Receive"))
        self.confirm_button.setObjectName("confirm_button")
        self.confirm_button.setEnabled(False)
        buttons, self.cancel_button = dialog_buttons(self.confirm_button)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)

        form = QFormLayout()
        for label, field, message in (
            (_("&First booklet"), self.first_code, self.first_message),
            (_("&Last booklet"), self.last_code, self.last_message),
        ):
            box = QVBoxLayout()
            box.addWidget(field)
            box.addWidget(message)
            caption = QLabel(field_label(label))
            caption.setBuddy(field)
            form.addRow(caption, box)
        source_label = QLabel(field_label(_("&Source")))
        source_label.setBuddy(self.source)
        form.addRow(source_label, self.source)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

        self.first_code.returnPressed.connect(self._on_first_code_return_pressed)
        self.last_code.returnPressed.connect(self._on_last_code_return_pressed)
        self.first_code.textEdited.connect(self._on_code_edited)
        self.last_code.textEdited.connect(self._on_code_edited)
        self.source.returnPressed.connect(self._on_last_code_return_pressed)

    def _on_code_edited(self, *_args: object) -> None:
        self.plan = None
        self.confirm_button.setEnabled(False)
        self.summary.clear()
        self.message.clear_message()

    def _on_first_code_return_pressed(self) -> None:
        if self._check_first() is not None:
            # After this key event ends, or its Enter would reach the next field's owner.
            QTimer.singleShot(0, self.last_code, self.last_code.setFocus)

    def _on_last_code_return_pressed(self) -> None:
        if self.check():
            QTimer.singleShot(0, self.confirm_button, self.confirm_button.setFocus)

    def _check_first(self) -> codes.ParsedCode | None:
        self.first_message.clear_message()
        try:
            first = _parse_booklet(self.first_code.text())
            self.context.services.programmes.get(first.programme_code)
        except PassDeskError as error:
            self.first_message.show_error(error.message)
            return None
        self.first_code.setText(first.code)
        return first

    def check(self) -> bool:
        """Read both codes; when they make a lot, show it and enable the confirmation."""
        self.plan = None
        self.confirm_button.setEnabled(False)
        self.summary.clear()
        self.message.clear_message()
        self.last_message.clear_message()
        first = self._check_first()
        if first is None:
            return False
        try:
            last = _parse_booklet(self.last_code.text())
        except PassDeskError as error:
            self.last_message.show_error(error.message)
            return False
        self.last_code.setText(last.code)
        if last.programme_code != first.programme_code:
            self.last_message.show_error(
                _(
                    "This booklet belongs to programme {other}, the first one to {programme}: "
                    "a lot holds booklets of one programme."
                ).format(other=last.programme_code, programme=first.programme_code)
            )
            return False
        if last.number < first.number:
            self.last_message.show_error(
                _(
                    "The last booklet comes before the first one: scan the first booklet of the "
                    "lot in the first field."
                )
            )
            return False
        programme = self.context.services.programmes.get(first.programme_code)
        count = last.number - first.number + 1
        self.plan = (programme.code, first.number, count)
        self.summary.setText(
            _(
                "{count} booklets of {per} vouchers ({vouchers} vouchers) of programme {code} "
                "— {name},\nfrom {first} to {last}.\nPress Receive to record them."
            ).format(
                count=_number(count),
                per=programme.vouchers_per_booklet,
                vouchers=_number(count * programme.vouchers_per_booklet),
                code=programme.code,
                name=programme.name,
                first=first.code,
                last=last.code,
            )
        )
        self.confirm_button.setEnabled(True)
        return True

    def _on_confirm_button_clicked(self) -> None:
        if self.plan is None and not self.check():
            return
        assert self.plan is not None
        programme, first, count = self.plan
        actor, stock, source = self.context.actor, self.context.services.stock, self.source.text()
        self.setEnabled(False)
        self.summary.setText(_("Recording the lot…"))
        self.context.runner.run(
            lambda _control: stock.receive(
                actor, programme_code=programme, first_booklet=first, count=count, source=source
            ),
            on_result=self._on_received,
            on_error=self._on_refused,
        )

    def _on_received(self, lot: LotRow) -> None:
        self.setEnabled(True)
        self.received.emit(lot)
        self.accept()

    def _on_refused(self, error: BaseException) -> None:
        self.setEnabled(True)
        self.plan = None
        self.confirm_button.setEnabled(False)
        self.summary.clear()
        self.message.show_error(_message(error))
        self.last_code.setFocus()


def _message(error: BaseException) -> str:
    """What to tell the agent: the service's French message, or a calm generic one."""
    if isinstance(error, PassDeskError):
        return error.message
    return _("Something went wrong; nothing was recorded. The details are in the log file.")


class VoidDialog(QDialog):
    """Void one booklet (or one voucher) with a reason; the register records who and why."""

    voided = Signal(str)

    def __init__(self, context: UiContext, code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Void a booklet"))
        intro = QLabel(
            _(
                "A voided booklet can never be handed out again. Scan or type its code "
                "(or a voucher's code to void that voucher only), then give the reason."
            )
        )
        intro.setWordWrap(True)
        self.code = QLineEdit(code)
        self.code.setObjectName("void_code")
        self.code.setAccessibleName(_("Code"))
        self.code_message = MessageLabel(self, name="code_message")
        self.reason = QComboBox()
        self.reason.setObjectName("void_reason")
        self.reason.setAccessibleName(_("Reason"))
        for reason in AGENT_VOID_REASONS:
            self.reason.addItem(void_reason_label(reason), reason.value)
        self.reason_message = MessageLabel(self, name="reason_message")
        self.confirm_button = QPushButton(_("&Void"))
        self.confirm_button.setObjectName("confirm_button")
        # "Annuler" is the French word for void: the other button says "Fermer", not "Annuler".
        buttons, self.cancel_button = dialog_buttons(self.confirm_button, cancel_text=_("Close"))
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.code.returnPressed.connect(self._on_code_return_pressed)

        form = QFormLayout()
        code_box = QVBoxLayout()
        code_box.addWidget(self.code)
        code_box.addWidget(self.code_message)
        code_label = QLabel(field_label(_("&Code")))
        code_label.setBuddy(self.code)
        form.addRow(code_label, code_box)
        reason_box = QVBoxLayout()
        reason_box.addWidget(self.reason)
        reason_box.addWidget(self.reason_message)
        reason_label = QLabel(field_label(_("&Reason")))
        reason_label.setBuddy(self.reason)
        form.addRow(reason_label, reason_box)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def _on_code_return_pressed(self) -> None:
        self.code_message.clear_message()
        try:
            booklet = self.context.services.stock.get_booklet(self.code.text())
        except PassDeskError as error:
            self.code_message.show_error(error.message)
            return
        self.code_message.show_info(
            _("Booklet {code}: {status}.").format(
                code=booklet.code, status=status_label(booklet.status)
            )
        )
        QTimer.singleShot(0, self.reason, self.reason.setFocus)

    def _on_confirm_button_clicked(self) -> None:
        self.code_message.clear_message()
        self.reason_message.clear_message()
        try:
            code = self.context.services.stock.void(
                self.context.actor, self.code.text(), self.reason.currentData()
            )
        except PassDeskError as error:
            target = self.reason_message if error.field == "reason" else self.code_message
            target.show_error(error.message)
            return
        self.voided.emit(code)
        self.accept()


class PrintBookletsDialog(QDialog):
    """Print booklets to a PDF: a range of a lot, or the booklets selected in the table."""

    printed = Signal(str)  # what to tell the agent once the file is written

    def __init__(
        self,
        context: UiContext,
        parent: QWidget | None = None,
        *,
        selected: list[BookletRow] | None = None,
        lot: LotRow | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.selected = list(selected or [])
        self.setWindowTitle(_("Print booklets"))
        self.progress: TaskProgressDialog | None = None

        self.range_choice = QRadioButton(_("A &range of booklets"))
        self.range_choice.setObjectName("range_choice")
        self.selection_choice = QRadioButton(
            ngettext(
                "The &selected booklet ({n})", "The &selected booklets ({n})", len(self.selected)
            ).format(n=len(self.selected))
        )
        self.selection_choice.setObjectName("selection_choice")
        self.selection_choice.setEnabled(bool(self.selected))
        group = QButtonGroup(self)
        group.addButton(self.range_choice)
        group.addButton(self.selection_choice)
        (self.selection_choice if self.selected else self.range_choice).setChecked(True)

        self.from_code = QLineEdit(lot.first_code if lot else "")
        self.from_code.setObjectName("from_code")
        self.from_code.setAccessibleName(_("From booklet"))
        self.from_code.setPlaceholderText(_("scan or type the first booklet to print"))
        self.from_message = MessageLabel(self, name="from_message")
        self.count = QSpinBox()
        self.count.setObjectName("count")
        self.count.setAccessibleName(_("Number of booklets"))
        self.count.setRange(1, 100_000)
        self.count.setValue(lot.count if lot else 1)
        self.count_message = MessageLabel(self, name="count_message")
        self.reprint_reason = QLineEdit()
        self.reprint_reason.setObjectName("reprint_reason")
        self.reprint_reason.setAccessibleName(_("Reprint reason"))
        self.reprint_reason.setPlaceholderText(_("only if some booklets were printed before"))
        self.reprint_message = MessageLabel(self, name="reprint_message")
        self.path = QLineEdit()
        self.path.setObjectName("pdf_path")
        self.path.setAccessibleName(_("PDF file"))
        self.browse_button = QPushButton(_("C&hoose…"))
        self.browse_button.setObjectName("browse_button")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.path_message = MessageLabel(self, name="path_message")
        self.message = MessageLabel(self, name="print_message")
        self.confirm_button = QPushButton(_("&Print"))
        self.confirm_button.setObjectName("confirm_button")
        buttons, self.cancel_button = dialog_buttons(self.confirm_button)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.range_choice.toggled.connect(self._on_range_choice_toggled)

        form = QFormLayout()
        from_box = QVBoxLayout()
        from_box.addWidget(self.from_code)
        from_box.addWidget(self.from_message)
        from_label = QLabel(field_label(_("&From booklet")))
        from_label.setBuddy(self.from_code)
        form.addRow(from_label, from_box)
        count_label = QLabel(field_label(_("N&umber of booklets")))
        count_label.setBuddy(self.count)
        count_box = QVBoxLayout()
        count_box.addWidget(self.count)
        count_box.addWidget(self.count_message)
        form.addRow(count_label, count_box)
        range_box = QWidget()
        range_box.setLayout(form)
        self.range_box = range_box
        lower = QFormLayout()
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse_button)
        path_box = QVBoxLayout()
        path_box.addLayout(path_row)
        path_box.addWidget(self.path_message)
        path_label = QLabel(field_label(_("PDF &file")))
        path_label.setBuddy(self.path)
        lower.addRow(path_label, path_box)
        reprint_box = QVBoxLayout()
        reprint_box.addWidget(self.reprint_reason)
        reprint_box.addWidget(self.reprint_message)
        reprint_label = QLabel(field_label(_("Reprint r&eason")))
        reprint_label.setBuddy(self.reprint_reason)
        lower.addRow(reprint_label, reprint_box)

        layout = QVBoxLayout(self)
        layout.addWidget(self.range_choice)
        layout.addWidget(range_box)
        layout.addWidget(self.selection_choice)
        layout.addLayout(lower)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self._on_range_choice_toggled(self.range_choice.isChecked())

    def _on_range_choice_toggled(self, checked: bool) -> None:
        self.range_box.setEnabled(checked)

    def _on_browse_button_clicked(self) -> None:
        start = self.path.text() or str(Path.home() / _("booklets.pdf"))
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Print booklets to"), start, _("PDF files (*.pdf)")
        )
        if chosen:
            if not chosen.lower().endswith(".pdf"):
                chosen += ".pdf"
            self.path.setText(chosen)

    def request(self) -> dict[str, Any] | None:
        """The arguments of print_booklets from the form, or None with messages shown."""
        for label in (
            self.from_message,
            self.count_message,
            self.path_message,
            self.reprint_message,
            self.message,
        ):
            label.clear_message()
        arguments: dict[str, Any] = {}
        if self.selection_choice.isChecked():
            arguments["codes"] = tuple(b.code for b in self.selected)
        else:
            try:
                first = _parse_booklet(self.from_code.text())
            except PassDeskError as error:
                self.from_message.show_error(error.message)
                return None
            self.from_code.setText(first.code)
            arguments.update(
                programme_code=first.programme_code,
                from_booklet=first.number,
                count=self.count.value(),
            )
        path = self.path.text().strip()
        if not path:
            self.path_message.show_error(_("Choose where to save the PDF file."))
            return None
        arguments["path"] = Path(path)
        reason = self.reprint_reason.text().strip()
        arguments["reprint_reason"] = reason or None
        return arguments

    def _on_confirm_button_clicked(self) -> None:
        arguments = self.request()
        if arguments is None:
            return
        actor = self.context.actor
        self.progress = TaskProgressDialog(
            _("Printing booklets"),
            _("Writing {path}…").format(path=arguments["path"]),
            self,
            count_format=_("%v of %m vouchers"),
        )
        self.progress.setObjectName("print_progress")
        # In a child process: drawing thousands of pages in a thread would make this window
        # wait for the GIL at every repaint (see passdesk.jobs).
        self.progress.start(
            self.context.runner,
            in_subprocess(print_booklets_job, self.context.services.db.url, actor, arguments),
            on_result=lambda summary: self._on_printed(summary, arguments["path"]),
            on_error=self._on_print_failed,
        )

    def _on_printed(self, summary: Any, path: Path) -> None:
        self.printed.emit(_describe_print(summary, path))
        self.accept()

    def _on_print_failed(self, error: BaseException) -> None:
        if (
            isinstance(error, Refused)
            and self.progress is not None
            and self.progress.task is not None
            and self.progress.task.control.cancelled()
        ):
            self.message.show_info(_("Printing cancelled: no file was written."))
            return
        text = _message(error)
        field = getattr(error, "field", None)
        target = {
            "reprint_reason": self.reprint_message,
            "path": self.path_message,
            "from_booklet": self.from_message,
            "programme_code": self.from_message,
            "count": self.count_message,
            "code": self.from_message if self.range_choice.isChecked() else self.message,
        }.get(field or "", self.message)
        target.show_error(text)


def _describe_print(summary: Any, path: Path) -> str:
    """The sentence after a print, from whatever the summary tells (booklets, pages)."""
    booklets = getattr(summary, "booklets", None)
    if isinstance(booklets, list | tuple):
        booklets = len(booklets)
    if booklets is None:
        booklets = getattr(summary, "booklet_count", None)
    if isinstance(booklets, int):
        return ngettext(
            "{n} booklet printed to {path}.", "{n} booklets printed to {path}.", booklets
        ).format(n=_number(booklets), path=path)
    return _("Booklets printed to {path}.").format(path=path)
