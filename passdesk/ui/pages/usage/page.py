"""The usage page: import the operator's usage file (in a child process, with progress and
Cancel), see its anomalies and export them, the usage rate, and the people to call, whose list
exports for a calling session and whose calls are recorded here.

Supervisors import; every agent sees the list and records calls (the roles table says so).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError, Refused
from passdesk.formatting import format_number, format_percent
from passdesk.i18n import N_, _
from passdesk.jobs import in_subprocess
from passdesk.roles import Action, may
from passdesk.services.followup import OUTCOMES, FollowUpRow
from passdesk.services.usage_import import UsageImportResult, import_usage_job
from passdesk.ui.context import UiContext
from passdesk.ui.pages.usage.dialogs import CallDialog, MappingDialog
from passdesk.ui.progress import TaskProgressDialog
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, failure_message, scaled_font
from passdesk.ui.widgets.forms import open_dialog, shortcut_button
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view

FOLLOW_UP_COLUMNS: list[Column[FollowUpRow]] = [
    Column(N_("Name"), lambda r: r.name),
    Column(N_("Handed out on"), lambda r: r.handed_out_on),
    Column(N_("Weeks"), lambda r: r.weeks, align_right=True),
    Column(N_("Phone"), lambda r: r.phone),
    Column(N_("Last call"), lambda r: r.last_call_on or ""),
    Column(N_("Outcome"), lambda r: _(OUTCOMES[r.last_outcome]) if r.last_outcome else ""),
]
AUTOMATIC = ""


class UsagePage(QWidget):
    """Usage file import and follow-up."""

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Usage")
        self.setObjectName("usage_page")
        self.setAccessibleName(self.title)
        self.may_import = may(context.actor.role, Action.IMPORT_USAGE)
        self.dialog: QDialog | None = None
        self.progress: TaskProgressDialog | None = None
        self.result: UsageImportResult | None = None

        heading = QLabel(_("Usage and follow-up"))
        scaled_font(heading, 1.4, bold=True)
        self.rate_label = WrapLabel()
        self.rate_label.setObjectName("usage_rate")
        self.mapping = QComboBox()
        self.mapping.setObjectName("mapping")
        self.mapping.setAccessibleName(_("Columns of the usage file"))
        self.mapping.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.mapping.setMinimumContentsLength(12)
        self.import_button = shortcut_button(
            _("&Import a usage file…"), "Ctrl+Shift+U",
            tip=_("Import the operator's usage file (CSV or XLSX)"), name="import_usage_button",
        )  # fmt: skip
        self.export_anomalies_button = shortcut_button(
            _("Export the &anomalies…"), None, tip=_("Save the anomalies as a CSV file"),
            name="export_anomalies_button",
        )  # fmt: skip
        self.export_anomalies_button.setEnabled(False)
        for widget in (self.mapping, self.import_button, self.export_anomalies_button):
            widget.setVisible(self.may_import)
        self.outcome = QListWidget()
        self.outcome.setObjectName("import_outcome")
        self.outcome.setAccessibleName(_("What the last import did"))
        self.outcome.setVisible(False)
        self.message = MessageLabel(self, name="usage_message")

        self.model: RowTableModel[FollowUpRow] = RowTableModel(FOLLOW_UP_COLUMNS, self)
        self.view = QTableView()
        self.view.setObjectName("followup_view")
        configure_view(self.view, self.model, _("People to call"))
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.export_list_button = shortcut_button(
            _("Export the calling &list…"), None, tip=_("Save the list as CSV or XLSX"),
            name="export_list_button",
        )  # fmt: skip
        self.call_button = shortcut_button(
            _("Record a &call…"), None, tip=_("Record a call to the selected person"),
            name="call_button",
        )  # fmt: skip

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        imports = QHBoxLayout()  # a row of its own: the page stays narrow
        imports.addWidget(self.mapping, 1)
        imports.addWidget(self.import_button)
        imports.addWidget(self.export_anomalies_button)
        calls = QHBoxLayout()
        self.list_label = WrapLabel()
        self.list_label.setObjectName("followup_count")
        calls.addWidget(self.list_label)
        calls.addStretch(1)
        calls.addWidget(self.export_list_button)
        calls.addWidget(self.call_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(imports)
        layout.addWidget(self.rate_label)
        layout.addWidget(self.message)
        layout.addWidget(self.outcome)
        layout.addLayout(calls)
        layout.addWidget(self.view, 1)
        self.setFocusProxy(self.view)

        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.export_anomalies_button.clicked.connect(self._on_export_anomalies_button_clicked)
        self.export_list_button.clicked.connect(self._on_export_list_button_clicked)
        self.call_button.clicked.connect(self._on_call_button_clicked)
        self.refresh()

    def refresh(self) -> None:
        services = self.context.services
        rate = services.followup.usage_rate()
        first = services.followup.first_use()
        text = _("Usage rate: {rate} ({used} of {handed} vouchers handed out).").format(
            rate=format_percent(round(100 * rate.rate, 1)),
            used=format_number(rate.used),
            handed=format_number(rate.handed_out),
        )
        if first.median_days is not None:
            text += " " + _("First use after {days} days (median).").format(
                days=format_number(round(first.median_days))
            )
        self.rate_label.setText(text)
        current = self.mapping.currentData()
        self.mapping.clear()
        self.mapping.addItem(_("Columns: code, date, place, amount"), AUTOMATIC)
        for name in services.usage.mappings():
            self.mapping.addItem(_("Columns: {name}").format(name=name), name)
        self.mapping.addItem(_("New column mapping…"), None)
        # The mapping chosen before, else the automatic one (never "New column mapping…", whose
        # data is None like an empty combo's: the next import would ask for a mapping).
        found = self.mapping.findData(current) if current is not None else 0
        self.mapping.setCurrentIndex(max(found, 0))
        rows = services.followup.to_call(self.context.actor)
        self.model.set_rows(rows)
        self.list_label.setText(
            _("{n} people have used no voucher {weeks} weeks after their handout.").format(
                n=format_number(len(rows)), weeks=services.settings.get("followup_weeks")
            )
        )

    # --- import -------------------------------------------------------------------------

    def _on_import_button_clicked(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Import a usage file"), str(Path.home()), _("Usage files (*.csv *.xlsx)")
        )
        if chosen:
            self.start_import(Path(chosen))

    def start_import(self, path: Path) -> None:
        """Import `path` in a child process, with a progress dialog that can cancel it."""
        self.message.clear_message()
        mapping = self.mapping.currentData()
        if mapping is None:  # "New column mapping…": chosen from the file's own columns
            header = self.context.services.usage.file_header(path)
            dialog = MappingDialog(self.context, header, self)
            dialog.accepted.connect(lambda: self._after_mapping(dialog, path))
            self.dialog = open_dialog(self.dialog, dialog)
            return
        self.progress = TaskProgressDialog(
            _("Importing the usage file"),
            _("Reading {path}…").format(path=path),
            self,
            count_format="%p %",
        )
        self.progress.setObjectName("usage_progress")
        self.progress.start(
            self.context.runner,
            in_subprocess(
                import_usage_job,
                self.context.services.db.url,
                self.context.actor,
                path,
                mapping or None,
                False,
            ),
            on_result=self._on_imported,
            on_error=self._on_import_failed,
        )

    def _after_mapping(self, dialog: MappingDialog, path: Path) -> None:
        name = dialog.name.text().strip()
        self.refresh()
        self.mapping.setCurrentIndex(max(self.mapping.findData(name), 0))
        self.start_import(path)

    def _on_imported(self, result: UsageImportResult) -> None:
        self.result = result
        self.outcome.clear()
        self.outcome.addItems(result.lines())
        self.outcome.setVisible(True)
        self.export_anomalies_button.setEnabled(bool(result.anomalies))
        self.message.show_info(result.lines()[0])
        self.refresh()

    def _on_import_failed(self, error: BaseException) -> None:
        if isinstance(error, Refused) and self.progress and self.progress.cancel_requested:
            self.message.show_info(_("The import was cancelled: nothing was recorded."))
            return
        self.message.show_error(failure_message(error))

    def _on_export_anomalies_button_clicked(self) -> None:
        if self.result is None:
            return
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Export the anomalies"), str(Path.home() / _("anomalies.csv")),
            _("CSV files (*.csv)"),
        )  # fmt: skip
        if chosen:
            self.result.write_anomalies(Path(chosen))
            self.message.show_info(_("Anomalies written to {path}.").format(path=chosen))

    # --- follow-up ----------------------------------------------------------------------

    def _on_export_list_button_clicked(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Export the calling list"), str(Path.home() / _("calling-list.xlsx")),
            _("Spreadsheets (*.xlsx *.csv)"),
        )  # fmt: skip
        if chosen:
            try:
                self.context.services.followup.export_calling_list(self.context.actor, Path(chosen))
            except PassDeskError as error:
                self.message.show_error(error.message)
                return
            self.message.show_info(_("Calling list written to {path}.").format(path=chosen))

    def _on_call_button_clicked(self) -> None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None:
            self.message.show_error(_("Select the person you called."))
            return
        dialog = CallDialog(self.context, row.beneficiary_id, row.name, self)
        dialog.accepted.connect(self.refresh)
        self.dialog = open_dialog(self.dialog, dialog)
