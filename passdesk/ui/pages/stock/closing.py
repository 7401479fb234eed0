"""Daily closing: count the booklets in the safe (scan each one, or type the count per
programme), watch the differences as they come, explain them, record, save the sheet.

A scanner types fast and ends each code with Enter: the scan field reads one code per Enter and
stays ready for the next. Every rule is the service's: the code parser refuses a typo,
`compare_scanned` and `compare_counts` say what differs, `close_day` records (and refuses a
closing whose differences are not explained). Usable with the keyboard and a scanner alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.documents.regie_records import ClosingCount, ClosingRecord
from passdesk.errors import PassDeskError
from passdesk.formatting import format_number, format_time
from passdesk.i18n import N_, _
from passdesk.services.closing import (
    ClosingComparison,
    ExpectedStock,
    ScannedBooklet,
    compare_counts,
    compare_scanned,
)
from passdesk.services.stock import status_label
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, failure_message
from passdesk.ui.widgets.forms import add_field_row, dialog_buttons, field_label
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view

MAX_COUNT = 1_000_000
SHOWN_MISSING = 40  # the codes not yet scanned, listed up to this many

COUNT_COLUMNS: list[Column[ClosingCount]] = [
    Column(N_("Programme"), lambda c: f"{c.programme_code} — {c.programme_name}"),
    Column(N_("In stock (register)"), lambda c: format_number(c.expected), align_right=True),
    Column(N_("Counted"), lambda c: format_number(c.counted), align_right=True),
    Column(
        N_("Difference"), lambda c: f"{c.difference:+d}" if c.difference else "0", align_right=True
    ),
]


class ClosingDialog(QDialog):
    """Count the safe, compare with the register, record the day's closing, save its sheet."""

    closed = Signal(object)  # ClosingRecord, once recorded
    sheet_written = Signal(str)  # the sheet's path

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.expected: ExpectedStock | None = None
        self.scanned: list[ScannedBooklet] = []
        self.spins: dict[str, QSpinBox] = {}
        self.record: ClosingRecord | None = None
        self.setWindowTitle(_("Daily closing"))
        self._build()
        self._load()
        # Ready for the first scan as soon as the dialog shows.
        QTimer.singleShot(0, self.scan_field, self.scan_field.setFocus)

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        intro = WrapLabel(
            _(
                "Count the booklets in the safe: scan each one (the scanner ends each code "
                "with Enter), or type how many booklets of each programme you counted. "
                "Differences with the register show as they come."
            )
        )
        self.already = MessageLabel(self, name="closing_already")
        self.scan_choice = QRadioButton(_("&Scan each booklet"))
        self.scan_choice.setObjectName("scan_choice")
        self.count_choice = QRadioButton(_("&Type the counts"))
        self.count_choice.setObjectName("count_choice")
        group = QButtonGroup(self)
        group.addButton(self.scan_choice)
        group.addButton(self.count_choice)
        self.scan_choice.setChecked(True)
        choices = QHBoxLayout()
        choices.addWidget(self.scan_choice)
        choices.addWidget(self.count_choice)
        choices.addStretch(1)

        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("closing_scan")
        self.scan_field.setAccessibleName(_("Scanned code"))
        self.scan_field.setPlaceholderText(_("scan a booklet, then the next…"))
        self.scanned_label = QLabel()
        self.scanned_label.setObjectName("scanned_count")
        scan_form = QFormLayout()
        self.scan_message = add_field_row(scan_form, self, _("&Code"), self.scan_field, "scan")
        scan_form.addRow("", self.scanned_label)
        scan_page = QWidget()
        scan_page.setLayout(scan_form)
        self.count_form = QFormLayout()
        count_page = QWidget()
        count_page.setLayout(self.count_form)
        self.modes = QStackedWidget()
        self.modes.addWidget(scan_page)
        self.modes.addWidget(count_page)

        self.counts_model: RowTableModel[ClosingCount] = RowTableModel(COUNT_COLUMNS, self)
        self.counts_view = QTableView()
        self.counts_view.setObjectName("closing_counts")
        configure_view(self.counts_view, self.counts_model, _("Counts"), stretch_last=False)
        self.counts_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        line = self.fontMetrics().lineSpacing()
        self.counts_view.setMaximumHeight(line * 8)
        self.differences = QPlainTextEdit()
        self.differences.setObjectName("closing_differences")
        self.differences.setAccessibleName(_("Differences"))
        self.differences.setReadOnly(True)
        self.differences.setTabChangesFocus(True)
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("closing_explanation")
        self.explanation.setAccessibleName(_("Explanation"))
        self.explanation.setTabChangesFocus(True)
        self.explanation.setPlaceholderText(_("required when the safe and the register differ"))
        self.explanation.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        lower = QFormLayout()
        self.explanation_message = add_field_row(
            lower, self, _("E&xplanation"), self.explanation, "explanation"
        )

        self.sheet_path = QLineEdit()
        self.sheet_path.setObjectName("sheet_path")
        self.sheet_path.setAccessibleName(_("Closing sheet (PDF)"))
        self.browse_button = QPushButton(_("C&hoose…"))
        self.browse_button.setAutoDefault(False)
        self.sheet_button = QPushButton(_("&Save the sheet"))
        self.sheet_button.setObjectName("sheet_button")
        self.sheet_button.setAutoDefault(True)  # Enter saves once it has the focus
        sheet_row = QHBoxLayout()
        sheet_label = QLabel(field_label(_("Closing &sheet (PDF)")))
        sheet_label.setBuddy(self.sheet_path)
        sheet_row.addWidget(sheet_label)
        sheet_row.addWidget(self.sheet_path, 1)
        sheet_row.addWidget(self.browse_button)
        sheet_row.addWidget(self.sheet_button)
        self.sheet_box = QWidget()
        self.sheet_box.setLayout(sheet_row)
        self.sheet_box.hide()

        self.message = MessageLabel(self, name="closing_message")
        self.confirm_button = QPushButton(_("&Record the closing"))
        self.confirm_button.setObjectName("confirm_button")
        # "Annuler" is the French word for void: the other button says "Fermer".
        buttons, self.cancel_button = dialog_buttons(self.confirm_button, cancel_text=_("Close"))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.already)
        layout.addLayout(choices)
        layout.addWidget(self.modes)
        layout.addWidget(self.counts_view)
        layout.addWidget(self.differences, 1)
        layout.addLayout(lower)
        layout.addWidget(self.message)
        layout.addWidget(self.sheet_box)
        layout.addLayout(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)

        self.scan_choice.toggled.connect(self._on_scan_choice_toggled)
        self.scan_field.returnPressed.connect(self._on_scan_field_return_pressed)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.sheet_button.clicked.connect(self._on_sheet_button_clicked)
        self.sheet_path.returnPressed.connect(self._on_sheet_button_clicked)
        for first, second in (
            (self.scan_field, self.scan_choice),
            (self.scan_choice, self.count_choice),
            (self.count_choice, self.explanation),
            (self.explanation, self.confirm_button),
            (self.confirm_button, self.cancel_button),
        ):
            QWidget.setTabOrder(first, second)

    def _add_count_fields(self, expected: ExpectedStock) -> None:
        for code in sorted(expected.names):
            if not expected.count(code):
                continue
            spin = QSpinBox()
            spin.setObjectName(f"count_{code}")
            spin.setRange(0, MAX_COUNT)
            spin.setAccessibleName(_("Booklets of {code} counted").format(code=code))
            spin.valueChanged.connect(self._on_count_changed)
            label = QLabel(field_label(f"{code} — {expected.names[code]}"))
            label.setBuddy(spin)
            self.count_form.addRow(label, spin)
            self.spins[code] = spin
        if not self.spins:
            self.count_form.addRow(QLabel(_("No booklet is in stock.")))

    # --- data ---------------------------------------------------------------------------

    def _load(self) -> None:
        closing = self.context.services.closing
        self.context.runner.run(
            lambda _control: (closing.expected(), closing.closed_today()),
            on_result=self._on_loaded,
            on_error=lambda error: self.message.show_error(failure_message(error)),
            owner=self,
        )

    def _on_loaded(self, loaded: tuple[ExpectedStock, ClosingRecord | None]) -> None:
        self.expected, first = loaded
        self._add_count_fields(self.expected)
        if first is not None:
            self.already.show_info(
                _(
                    "Today was closed at {time} (closing no. {id}): this closing will correct "
                    "it; say why in the explanation."
                ).format(time=format_time(first.closed_at), id=first.closing_id)
            )
        self.sheet_path.setText(str(Path.home() / _("closing-{day}.pdf").format(day=date.today())))
        self._refresh()

    def comparison(self) -> ClosingComparison | None:
        """What the closing would record now; None until the register's stock is loaded, or
        when the counts typed are not acceptable (the service says why on recording)."""
        if self.expected is None:
            return None
        if self.scan_choice.isChecked():
            return compare_scanned(self.expected, self.scanned)
        try:
            return compare_counts(self.expected, self._counts())
        except PassDeskError:
            return None

    def _counts(self) -> dict[str, int]:
        return {code: spin.value() for code, spin in self.spins.items()}

    def _refresh(self) -> None:
        comparison = self.comparison()
        self.counts_model.set_rows(list(comparison.counts) if comparison else [])
        self.scanned_label.setText(
            _("{n} booklets scanned.").format(n=format_number(len(self.scanned)))
        )
        self.differences.setPlainText(self._describe(comparison))

    @staticmethod
    def _describe(comparison: ClosingComparison | None) -> str:
        if comparison is None:
            return ""
        if not comparison.has_differences:
            return _("No difference: the safe and the register agree.")
        lines = []
        if comparison.not_in_stock:
            lines.append(_("In the safe, not in stock in the register:"))
            lines += [
                f"  {code} ({status_label(status)})" for code, status in comparison.not_in_stock
            ]
        if comparison.unknown:
            lines.append(_("Codes this desk never received:"))
            lines += [f"  {code}" for code in comparison.unknown]
        if comparison.missing:
            lines.append(
                _("In stock in the register, not found in the safe ({n}):").format(
                    n=format_number(len(comparison.missing))
                )
            )
            shown = comparison.missing[:SHOWN_MISSING]
            lines += [f"  {code}" for code in shown]
            if len(comparison.missing) > len(shown):
                lines.append("  …")
        return "\n".join(lines)

    # --- reactions ----------------------------------------------------------------------

    def _on_scan_choice_toggled(self, scanning: bool) -> None:
        self.modes.setCurrentIndex(0 if scanning else 1)
        self._refresh()
        if scanning:
            QTimer.singleShot(0, self.scan_field, self.scan_field.setFocus)
        elif self.spins:
            first = next(iter(self.spins.values()))
            # Selected, as Tab would: the number typed replaces the 0.
            QTimer.singleShot(0, first, lambda: first.setFocus(Qt.FocusReason.TabFocusReason))

    def _on_count_changed(self, *_args: object) -> None:
        self._refresh()

    def _on_scan_field_return_pressed(self) -> None:
        text = self.scan_field.text()
        if not text.strip():
            return
        self.scan_message.clear_message()
        try:
            booklet = self.context.services.closing.identify(text)
        except PassDeskError as error:
            self.scan_message.show_error(error.message)
            self.scan_field.selectAll()  # the next scan replaces the bad one
            return
        self.scan_field.clear()
        if any(b.code == booklet.code for b in self.scanned):
            self.scan_message.show_info(_("{code} was already scanned.").format(code=booklet.code))
            return
        self.scanned.append(booklet)
        self._refresh()
        comparison = self.comparison()
        if comparison is None:
            return
        if booklet.code in comparison.unknown:
            self.scan_message.show_error(
                _("{code} was never received by this desk.").format(code=booklet.code)
            )
        for code, status in comparison.not_in_stock:
            if code == booklet.code:
                self.scan_message.show_error(
                    _("{code} is {status} in the register: it should not be in the safe.").format(
                        code=code, status=status_label(status)
                    )
                )

    def _on_confirm_button_clicked(self) -> None:
        if self.expected is None:
            return
        self.explanation_message.clear_message()
        self.message.clear_message()
        explanation = self.explanation.toPlainText()
        actor, closing = self.context.actor, self.context.services.closing
        scanned = [b.code for b in self.scanned] if self.scan_choice.isChecked() else None
        counts = None if scanned is not None else self._counts()
        self.setEnabled(False)
        self.context.runner.run(
            lambda _control: closing.close_day(
                actor, scanned=scanned, counts=counts, explanation=explanation
            ),
            on_result=self._on_closed,
            on_error=self._on_refused,
            owner=self,
        )

    def _on_closed(self, record: ClosingRecord) -> None:
        self.setEnabled(True)
        self.record = record
        for widget in (
            self.confirm_button,
            self.scan_field,
            self.explanation,
            self.modes,
            self.scan_choice,
            self.count_choice,
        ):
            widget.setEnabled(False)
        self.message.show_info(
            _("Closing no. {id} recorded. Journal head: {hash}").format(
                id=record.closing_id, hash=record.head_hash
            )
        )
        self.sheet_box.show()
        self.closed.emit(record)
        QTimer.singleShot(0, self.sheet_button, self.sheet_button.setFocus)

    def _on_refused(self, error: BaseException) -> None:
        self.setEnabled(True)
        if getattr(error, "field", None) == "explanation":
            self.explanation_message.show_error(failure_message(error))
            QTimer.singleShot(0, self.explanation, self.explanation.setFocus)
        else:
            self.message.show_error(failure_message(error))

    def _on_browse_button_clicked(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the closing sheet"), self.sheet_path.text(), _("PDF files (*.pdf)")
        )
        if chosen:
            self.sheet_path.setText(chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf")

    def _on_sheet_button_clicked(self) -> None:
        if self.record is None:
            return
        path, closing_id = self.sheet_path.text().strip(), self.record.closing_id
        if not path:
            self.message.show_error(_("Choose where to save the PDF file."))
            return
        closing = self.context.services.closing
        self.context.runner.run(
            lambda _control: closing.write_sheet(closing_id, Path(path)),
            on_result=self._on_sheet_written,
            on_error=lambda error: self.message.show_error(failure_message(error)),
            owner=self,
        )

    def _on_sheet_written(self, path: Path) -> None:
        self.message.show_info(_("Closing sheet written to {path}.").format(path=path))
        self.sheet_written.emit(str(path))
