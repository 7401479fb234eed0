"""The personal-data page (administrators): the information notice in force, who the retention
purge would erase now (and erasing them), and the access log of the last six months. Numbers
only: the page names no one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.formatting import format_date
from passdesk.i18n import N_, _, ngettext
from passdesk.roles import Action, may
from passdesk.services.access_log import ACTIONS, AccessRow
from passdesk.services.erasure import ACTIVITY, PurgeCandidate, PurgePreview, PurgeResult
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, failure_message, scaled_font
from passdesk.ui.widgets.forms import shortcut_button
from passdesk.ui.widgets.table_models import Column, RowTableModel, configure_view

CANDIDATE_COLUMNS: list[Column[PurgeCandidate]] = [
    Column(N_("Beneficiary no."), lambda c: c.beneficiary_id, align_right=True),
    Column(N_("Last activity"), lambda c: c.last_activity.astimezone().date()),
    Column(N_("What it was"), lambda c: _(ACTIVITY[c.kind])),
]
ACCESS_COLUMNS: list[Column[AccessRow]] = [
    Column(N_("Date"), lambda r: r.at),
    Column(N_("Agent"), lambda r: r.agent_login or _("PassDesk")),
    Column(N_("Beneficiary no."), lambda r: r.beneficiary_id, align_right=True),
    Column(N_("Action"), lambda r: _(ACTIONS[r.action])),
    Column(N_("Detail"), lambda r: r.detail),
]


class PrivacyPage(QWidget):
    """Notice, retention purge, access log; each part refreshed with the page."""

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.title = _("Personal data")
        self.setObjectName("privacy_page")
        self.setAccessibleName(self.title)
        self.preview: PurgePreview | None = None
        heading = QLabel(self.title)
        scaled_font(heading, 1.4, bold=True)

        notice_box = QGroupBox(_("Information notice"))
        self.notice_label = QLabel()
        self.notice_label.setObjectName("notice_label")
        self.notice_label.setWordWrap(True)
        self.notice_button = shortcut_button(
            _("Save the notice as &PDF…"),
            tip=_("The notice as the settings make it, on one page"),
            name="save_notice_button",
        )
        self.notice_button.clicked.connect(self._on_notice_button_clicked)
        notice_row = QHBoxLayout(notice_box)
        notice_row.addWidget(self.notice_label, 1)
        notice_row.addWidget(self.notice_button)

        purge_box = QGroupBox(_("Retention period"))
        self.purge_label = QLabel()
        self.purge_label.setObjectName("purge_label")
        self.purge_label.setWordWrap(True)
        self.candidates: RowTableModel[PurgeCandidate] = RowTableModel(CANDIDATE_COLUMNS, self)
        self.candidates_view = QTableView()
        self.candidates_view.setObjectName("purge_view")
        configure_view(self.candidates_view, self.candidates, _("People the purge would erase"))
        self.candidates_view.resizeColumnsToContents()  # empty, it shows its headings whole
        self.purge_button = shortcut_button(
            _("&Erase them now"),
            tip=_("Erase the people listed (PassDesk does it by itself each day)"),
            name="purge_button",
        )
        self.purge_button.setVisible(may(context.actor.role, Action.PURGE))
        self.purge_button.setEnabled(False)
        self.purge_button.clicked.connect(self._on_purge_button_clicked)
        purge_layout = QVBoxLayout(purge_box)
        purge_top = QHBoxLayout()
        purge_top.addWidget(self.purge_label, 1)
        purge_top.addWidget(self.purge_button)
        purge_layout.addLayout(purge_top)
        purge_layout.addWidget(self.candidates_view)

        log_box = QGroupBox(_("Access log (six months)"))
        self.person_edit = QLineEdit()
        self.person_edit.setObjectName("access_person")
        self.person_edit.setAccessibleName(_("Beneficiary number"))
        self.person_edit.setPlaceholderText(_("A beneficiary number, or empty for everyone"))
        self.person_edit.returnPressed.connect(self.load_log)
        placeholder = self.person_edit.fontMetrics().horizontalAdvance(
            self.person_edit.placeholderText()
        )
        self.person_edit.setMinimumWidth(placeholder + self.fontMetrics().averageCharWidth() * 4)
        person_label = QLabel(_("&Beneficiary no.:"))
        person_label.setBuddy(self.person_edit)
        self.log_count = QLabel()
        self.log_count.setObjectName("access_count")
        self.entries: RowTableModel[AccessRow] = RowTableModel(ACCESS_COLUMNS, self)
        self.entries_view = QTableView()
        self.entries_view.setObjectName("access_view")
        configure_view(self.entries_view, self.entries, _("Access log"))
        self.entries_view.resizeColumnsToContents()
        filter_row = QHBoxLayout()
        filter_row.addWidget(person_label)
        filter_row.addWidget(self.person_edit)
        filter_row.addWidget(self.log_count, 1)
        log_layout = QVBoxLayout(log_box)
        log_layout.addLayout(filter_row)
        log_layout.addWidget(self.entries_view)

        self.message = MessageLabel(self, name="privacy_message")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        layout.addWidget(notice_box)
        layout.addWidget(purge_box, 1)
        layout.addWidget(log_box, 2)
        self.setFocusProxy(self.person_edit)
        self.refresh()

    # --- data ---------------------------------------------------------------------------

    def refresh(self) -> None:
        notice = self.context.services.notice.current()
        if notice.version is not None and notice.since is not None:
            self.notice_label.setText(
                _(
                    "Version {version}, in force since {date}. It is generated from Settings "
                    "(the desk, the retention period, the data-protection contact)."
                ).format(version=notice.version, date=format_date(notice.since.date()))
            )
        else:
            self.notice_label.setText(
                _(
                    "The settings changed the notice: its new version is stored when it is "
                    "first printed or shown."
                )
            )
        self.load_log()
        self.load_preview()

    def load_log(self) -> None:
        text = self.person_edit.text().strip()
        person = int(text) if text.isdigit() else None
        if text and person is None:
            self.message.show_error(_("A beneficiary number is a whole number."))
            return
        self.message.clear_message()
        rows = self.context.services.access_log.entries(self.context.actor, beneficiary_id=person)
        self.entries.set_rows(rows)
        self.log_count.setText(ngettext("{n} entry", "{n} entries", len(rows)).format(n=len(rows)))

    def load_preview(self) -> None:
        """Who the purge would erase: read off the UI thread (every person is looked at)."""
        self.purge_label.setText(_("Looking for the people past their retention period…"))
        self.purge_button.setEnabled(False)
        erasure, actor = self.context.services.erasure, self.context.actor
        self.context.runner.run(
            lambda _control: erasure.preview(actor),
            on_result=self._on_preview_ready,
            on_error=self._on_failed,
            owner=self,
        )

    def _on_preview_ready(self, preview: PurgePreview) -> None:
        self.preview = preview
        self.candidates.set_rows(list(preview.candidates))
        count = len(preview.candidates)
        self.purge_label.setText(
            ngettext(
                "{n} person has had no handout, use of a voucher or contact since {date} "
                "({months} months): erased at the next daily run. {kept} kept, {erased} "
                "already erased.",
                "{n} people have had no handout, use of a voucher or contact since {date} "
                "({months} months): erased at the next daily run. {kept} kept, {erased} "
                "already erased.",
                count,
            ).format(
                n=count,
                date=format_date(preview.cutoff.astimezone().date()),
                months=preview.months,
                kept=preview.kept,
                erased=preview.already_erased,
            )
        )
        self.purge_button.setEnabled(count > 0)

    def _on_failed(self, error: BaseException) -> None:
        self.message.show_error(
            failure_message(error, _("This failed; the details are in the log file."))
        )

    # --- reactions ----------------------------------------------------------------------

    def _on_purge_button_clicked(self) -> None:
        self.purge_button.setEnabled(False)
        erasure, actor = self.context.services.erasure, self.context.actor
        self.context.runner.run(
            lambda _control: erasure.purge(actor),
            on_result=self._on_purge_done,
            on_error=self._on_failed,
            owner=self,
        )

    def _on_purge_done(self, result: PurgeResult) -> None:
        self.load_log()
        self.load_preview()
        self.message.show_info(
            ngettext("{n} person erased.", "{n} people erased.", result.erased).format(
                n=result.erased
            )
        )

    def _on_notice_button_clicked(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(
            self,
            _("Save the information notice to"),
            str(Path.home() / _("notice.pdf")),
            _("PDF files (*.pdf)"),
        )
        if chosen:
            self.save_notice(Path(chosen))

    def save_notice(self, path: Path) -> None:
        try:
            notice = self.context.services.notice.write(self.context.actor, path)
        except PassDeskError as error:
            self.message.show_error(error.message)
            return
        self.refresh()
        self.message.show_info(
            _("Information notice, version {version}, written to {path}.").format(
                version=notice.version, path=path
            )
        )
