"""The reports page: choose a period, a programme and a funder; preview the report as it will
leave the desk (small cells hidden); write it as a PDF, an XLSX workbook, a .zip of CSV files,
or the pseudonymised export a funder may ask for. In a database of several desks, the
coordination's administrators also choose the desk reported on, or the whole territory.

The figures are computed and the documents written in a child process (passdesk.jobs), behind
a progress window, so the window never waits. Every agent sees the preview; supervisors write
the documents, administrators the pseudonymised export (passdesk.roles).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from passdesk.documents.report_record import ReportRecord, Table
from passdesk.formatting import format_date
from passdesk.i18n import N_, _
from passdesk.jobs import in_subprocess
from passdesk.roles import Action, may
from passdesk.services.report_figures import TERRITORY, ReportQuery
from passdesk.services.reports import report_job
from passdesk.ui.context import UiContext
from passdesk.ui.pages.reports.table_model import ReportTableModel
from passdesk.ui.progress import TaskProgressDialog
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, failure_message, scaled_font
from passdesk.ui.widgets.forms import field_label, shortcut_button

log = logging.getLogger(__name__)

PREVIEW_SHORTCUT = "Ctrl+Return"
PERIODS = (
    ("this_month", N_("This month")),
    ("last_month", N_("Last month")),
    ("this_year", N_("This year")),
    ("last_year", N_("Last year")),
    ("custom", N_("Other period")),
)
# kind -> (button text, file filter, file suffix)
EXPORTS = {
    "pdf": (N_("&PDF report…"), N_("PDF files (*.pdf)"), ".pdf"),
    "xlsx": (N_("E&xcel workbook…"), N_("Excel workbooks (*.xlsx)"), ".xlsx"),
    "csv": (N_("&CSV files (.zip)…"), N_("Zip archives of CSV files (*.zip)"), ".zip"),
    "pseudonymised": (
        N_("Pseudonymised &export…"),
        N_("CSV files (*.csv)"),
        ".csv",
    ),
}


def period_of(choice: str, today: date) -> tuple[date, date] | None:
    """The days a quick choice covers (None: the agent's own dates)."""
    first_of_month = today.replace(day=1)
    if choice == "this_month":
        return first_of_month, today
    if choice == "last_month":
        end = first_of_month - timedelta(days=1)
        return end.replace(day=1), end
    if choice == "this_year":
        return date(today.year, 1, 1), today
    if choice == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReportsPage(QWidget):
    """Filters, preview tabs and export buttons; `preview_ready` and `exported` tell tests (and
    the status bar) that the work is done."""

    preview_ready = Signal()
    exported = Signal(object)  # the Path written

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Reports")
        self.setObjectName("reports_page")
        self.setAccessibleName(self.title)
        role = context.actor.role
        self.may_export = may(role, Action.EXPORT_REPORTS)
        self.may_export_individual = may(role, Action.EXPORT_PSEUDONYMISED)
        self.record: ReportRecord | None = None
        self.progress: TaskProgressDialog | None = None
        self._build()
        self.refresh()

    # --- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        heading = QLabel(_("Reports for the funders"))
        scaled_font(heading, 1.4, bold=True)

        self.period_choice = QComboBox()
        self.period_choice.setObjectName("period_choice")
        for key, label in PERIODS:
            self.period_choice.addItem(_(label), key)
        self.start_edit = self._date_edit("start_edit", _("From"))
        self.end_edit = self._date_edit("end_edit", _("To"))
        self.programme_filter = QComboBox()
        self.programme_filter.setObjectName("report_programme")
        self.programme_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.programme_filter.setMinimumContentsLength(14)
        self.programme_filter.setAccessibleName(_("Programme"))
        self.funder_filter = QComboBox()
        self.funder_filter.setObjectName("report_funder")
        self.funder_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.funder_filter.setMinimumContentsLength(14)
        self.funder_filter.setAccessibleName(_("Funder"))
        self.preview_button = shortcut_button(
            _("Pre&view"), PREVIEW_SHORTCUT, tip=_("Compute the report"), name="preview_button"
        )
        filters = QGridLayout()
        for row, fields in enumerate(
            (
                (
                    (_("Pe&riod"), self.period_choice),
                    (_("Fro&m"), self.start_edit),
                    (_("&To"), self.end_edit),
                ),
                (
                    (_("Progr&amme"), self.programme_filter),
                    (_("Fu&nder"), self.funder_filter),
                ),
            )
        ):
            for column, (text, field) in enumerate(fields):
                label = QLabel(field_label(text))
                label.setBuddy(field)
                filters.addWidget(label, 2 * row, column)
                filters.addWidget(field, 2 * row + 1, column)
        filters.addWidget(self.preview_button, 3, 2)
        filters.setColumnStretch(3, 1)
        self.desk_filter = self._desk_filter()
        if self.desk_filter is not None:
            label = QLabel(field_label(_("&Desk")))
            label.setBuddy(self.desk_filter)
            filters.addWidget(label, 4, 0)
            filters.addWidget(self.desk_filter, 5, 0, 1, 2)

        self.export_buttons: dict[str, Any] = {}
        exports = QHBoxLayout()
        for kind, (text, _filter, _suffix) in EXPORTS.items():
            button = shortcut_button(_(text), name=f"export_{kind}")
            button.clicked.connect(lambda _checked=False, k=kind: self._on_export_clicked(k))
            self.export_buttons[kind] = button
            exports.addWidget(button)
        exports.addStretch(1)
        self.cp1252 = QCheckBox(_("CSV for older Windows software (Windows-1252)"))
        self.cp1252.setObjectName("csv_cp1252")
        for kind, button in self.export_buttons.items():
            allowed = self.may_export_individual if kind == "pseudonymised" else self.may_export
            button.setVisible(allowed)
        self.cp1252.setVisible(self.may_export)

        self.message = MessageLabel(self, name="reports_message")
        self.scope = WrapLabel()
        self.scope.setObjectName("report_scope")
        self.disclosure = WrapLabel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("report_tabs")
        self.tabs.setAccessibleName(_("Report tables"))
        self.tabs.tabBar().setAccessibleName(_("Report tables"))

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(filters)
        layout.addLayout(exports)
        layout.addWidget(self.cp1252)
        layout.addWidget(self.message)
        layout.addWidget(self.scope)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.disclosure)

        self.period_choice.currentIndexChanged.connect(self._on_period_choice_changed)
        self.start_edit.dateChanged.connect(self._on_date_edited)
        self.end_edit.dateChanged.connect(self._on_date_edited)
        self.preview_button.clicked.connect(self.preview)
        self.period_choice.setCurrentIndex(2)  # this year
        self._on_period_choice_changed(2)

    def _desk_filter(self) -> QComboBox | None:
        """The desk reported on, offered only to those who may choose (`desk_choices`): their
        own desk first, then the others, then the whole territory."""
        desks = self.context.services.reports.desk_choices(self.context.actor)
        if not desks:
            return None
        combo = QComboBox()
        combo.setObjectName("report_desk")
        combo.setAccessibleName(_("Desk reported on"))
        own = self.context.actor.desk_id
        for desk in sorted(desks, key=lambda d: d.id != own):
            combo.addItem(f"{desk.code} – {desk.name}", None if desk.id == own else desk.code)
        combo.addItem(_("The whole territory"), TERRITORY)
        return combo

    def _date_edit(self, name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        return edit

    # --- the page contract --------------------------------------------------------------

    def refresh(self) -> None:
        """The programmes and funders to choose from (keeping what is chosen)."""
        programmes = self.context.services.programmes.list()
        chosen_programme = self.programme_filter.currentData()
        chosen_funder = self.funder_filter.currentData()
        self.programme_filter.clear()
        self.programme_filter.addItem(_("All programmes"), None)
        for p in programmes:
            self.programme_filter.addItem(f"{p.code} – {p.name}", p.code)
        funders = sorted({s.funder for p in programmes for s in p.shares}, key=str.casefold)
        self.funder_filter.clear()
        self.funder_filter.addItem(_("All funders"), None)
        for name in funders:
            self.funder_filter.addItem(name, name)
        self.programme_filter.setCurrentIndex(
            max(self.programme_filter.findData(chosen_programme), 0)
        )
        self.funder_filter.setCurrentIndex(max(self.funder_filter.findData(chosen_funder), 0))

    def query(self) -> ReportQuery:
        return ReportQuery(
            _date(self.start_edit.date()),
            _date(self.end_edit.date()),
            programme=self.programme_filter.currentData(),
            funder=self.funder_filter.currentData(),
            desk=self.desk_filter.currentData() if self.desk_filter is not None else None,
        )

    # --- period -------------------------------------------------------------------------

    def _on_period_choice_changed(self, _index: int) -> None:
        days = period_of(self.period_choice.currentData(), date.today())
        if days is None:
            return
        for edit, day in zip((self.start_edit, self.end_edit), days, strict=True):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)

    def _on_date_edited(self, _value: QDate) -> None:
        custom = self.period_choice.findData("custom")
        if self.period_choice.currentIndex() != custom:
            self.period_choice.blockSignals(True)
            self.period_choice.setCurrentIndex(custom)
            self.period_choice.blockSignals(False)

    # --- preview ------------------------------------------------------------------------

    def preview(self) -> None:
        """Compute the report and show its tables as they will leave the desk."""
        self.message.clear_message()
        query = self.query()
        self._run(
            _("Preparing the report"),
            _("Computing the figures from {start} to {end}…").format(
                start=format_date(query.start), end=format_date(query.end)
            ),
            query,
            None,
            None,
            on_result=self._on_preview_done,
        )

    def _on_preview_done(self, record: ReportRecord) -> None:
        self.show_record(record)
        self.preview_ready.emit()

    def show_record(self, record: ReportRecord) -> None:
        self.record = record
        self.scope.setText(
            "\n".join(
                [
                    _("From {start} to {end}").format(
                        start=format_date(record.start), end=format_date(record.end)
                    ),
                    *record.scope,
                ]
            )
        )
        self.disclosure.setText(record.disclosure)
        current = self.tabs.currentIndex()
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            widget.deleteLater()
        for table in record.all_tables:
            self.tabs.addTab(self._table_view(table), table.title)
        self.tabs.setCurrentIndex(max(current, 0))

    def _table_view(self, table: Table) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        view = QTableView(holder)
        view.setObjectName(f"report_table_{table.key}")
        view.setModel(ReportTableModel(table, view))
        view.setAccessibleName(table.title)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAlternatingRowColors(True)
        view.setTabKeyNavigation(False)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        column.addWidget(view, 1)
        if table.note:
            note = WrapLabel(table.note)
            column.addWidget(note)
        return holder

    # --- documents ----------------------------------------------------------------------

    def _on_export_clicked(self, kind: str) -> None:
        query = self.query()
        _text, file_filter, suffix = EXPORTS[kind]
        name = f"{_('report')}-{query.start.isoformat()}-{query.end.isoformat()}{suffix}"
        chosen, _selected = QFileDialog.getSaveFileName(
            self, _("Save the report as"), str(Path.home() / name), _(file_filter)
        )
        if not chosen:
            return
        if not chosen.lower().endswith(suffix):
            chosen += suffix
        self.export(kind, Path(chosen))

    def export(self, kind: str, path: Path) -> None:
        """Write the chosen document to `path` (what the export buttons do once a file is
        chosen)."""
        self.message.clear_message()
        if kind == "pseudonymised" and not self.funder_filter.currentData():
            self.message.show_error(
                _("Choose the funder first: each funder's pseudonyms are its own.")
            )
            return
        encoding = "cp1252" if self.cp1252.isChecked() else "utf-8"
        self._run(
            _("Writing the report"),
            _("Writing {path}…").format(path=path),
            self.query(),
            kind,
            str(path),
            encoding=encoding,
            on_result=lambda _written: self._on_exported(path),
        )

    def _on_exported(self, path: Path) -> None:
        self.message.show_info(_("Report written to {path}.").format(path=path))
        self.exported.emit(path)

    def _run(
        self,
        title: str,
        label: str,
        query: ReportQuery,
        kind: str | None,
        path: str | None,
        *,
        on_result: Any,
        encoding: str = "utf-8",
    ) -> None:
        self.progress = TaskProgressDialog(title, label, self)
        self.progress.setObjectName("report_progress")
        self.progress.start(
            self.context.runner,
            in_subprocess(
                report_job,
                self.context.services.db.url,
                self.context.actor,
                query,
                kind,
                path,
                encoding,
            ),
            on_result=on_result,
            on_error=self._on_failed,
        )

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(
            failure_message(
                error, _("The report could not be made; the details are in the log file.")
            )
        )
