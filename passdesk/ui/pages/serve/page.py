"""The serve page, where the window opens: find or register the person, hand out, print the
receipt, and come back to an empty search for the next person.

A returning person takes four key actions to a printed receipt: type the name, Enter, scan,
Ctrl+Enter (confirm and print: see `receipt_flow`). A search may hold a birth date or a year
(`search_terms`); Ctrl+N carries what was searched into the new person's form.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.i18n import N_, _, ngettext
from passdesk.roles import Action, may
from passdesk.services.rows import BeneficiaryRow, HandoutRow
from passdesk.services.search_terms import search_terms
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.dashboard import DashboardView
from passdesk.ui.pages.serve.new_person import NewBeneficiaryDialog
from passdesk.ui.pages.serve.person_panel import PersonPanel
from passdesk.ui.pages.serve.receipt import ReceiptDialog
from passdesk.ui.pages.serve.receipt_flow import ReceiptFlow
from passdesk.ui.widgets.basics import (
    MessageLabel,
    add_clear_button,
    failure_message,
    make_action,
    shortcut_text,
)
from passdesk.ui.widgets.table_models import Column, RowTableModel

log = logging.getLogger(__name__)

SEARCH_RESULT_COLUMNS: list[Column[BeneficiaryRow]] = [
    Column(N_("Name"), lambda r: f"{r.last_name.upper()} {r.first_name}"),
    Column(N_("Birth date"), lambda r: r.birth_date),
    Column(N_("Commune"), lambda r: " ".join(p for p in (r.postcode, r.commune) if p)),
]


class ServePage(QWidget):
    """Search, person, scan, confirm, receipt; `results_shown` fires when results are on screen."""

    results_shown = Signal(int)  # number of rows

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.title = _("Serve")
        self.new_dialog: NewBeneficiaryDialog | None = None
        self._search_seq = 0
        self._searching = False
        self._shown_seq = 0
        self._open_when_ready = False
        self.last_search_ms: float | None = None  # keystroke to results on screen
        self._typed_at = 0.0

        self.search_edit = QLineEdit(self)
        self.search_edit.setAccessibleName(_("Search for a person"))
        self.search_edit.setPlaceholderText(
            _("Search a person by name (accents and case ignored), then Enter")
        )
        add_clear_button(self.search_edit)
        self.search_action = make_action(
            self, _("&Search a person"), "Ctrl+F", tip=_("Go to the search field")
        )
        self.new_action = make_action(
            self, _("&New beneficiary…"), "Ctrl+N", tip=_("Register a new beneficiary")
        )
        self.back_action = make_action(
            self,
            _("Next &person"),
            "Esc",
            tip=_("Cancel the scanned booklet, or go back to an empty search"),
        )
        self.new_button = QPushButton(_("New beneficiary"), self)
        self.new_button.setAccessibleName(_("New beneficiary"))
        self.new_button.setToolTip(self.new_action.toolTip())
        self.search_message = MessageLabel(self, name=_("Search message"))

        self.results_model: RowTableModel[BeneficiaryRow] = RowTableModel(
            SEARCH_RESULT_COLUMNS, self
        )
        self.results_view = QTableView(self)
        self.results_view.setModel(self.results_model)
        self.results_view.setAccessibleName(_("Search results"))
        self.results_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setTabKeyNavigation(False)
        self.results_view.verticalHeader().hide()
        self.results_view.setWordWrap(False)
        self.results_view.setAlternatingRowColors(True)
        header = self.results_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.results_count = QLabel(self)
        self.results_count.setAccessibleName(_("Number of results"))
        self.results_count.setWordWrap(True)  # "nobody matches…" never widens the results

        self.person_panel = PersonPanel(context, self)
        self.person_panel.clear()
        self.receipts = ReceiptFlow(context, self, self.person_panel.scan_message)
        self.receipt_ready = self.receipts.receipt_ready

        search_row = QHBoxLayout()
        search_label = QLabel(_("&Person:"), self)
        search_label.setBuddy(self.search_edit)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.new_button)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.results_count)
        left_layout.addWidget(self.results_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("serve_splitter")
        person_scroll = self._scrolled(self.person_panel)
        # While no one is open, the right side shows the desk's dashboard instead of the panel.
        self.right = QStackedWidget(self)
        self.dashboard: DashboardView | None = None
        if may(context.actor.role, Action.VIEW_REPORTS):
            self.dashboard = DashboardView(context, self)
            self.right.addWidget(self._scrolled(self.dashboard))
        self.right.addWidget(person_scroll)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.right)  # a small laptop screen scrolls, nothing is cut
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().averageCharWidth()
        self.splitter.setSizes([em * 60, em * 90])  # until the agent moves it (remembered)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addWidget(self.search_message)
        layout.addWidget(self.receipts.last_line)  # what was just handed out
        layout.addWidget(self.splitter, 1)

        for action in (
            self.search_action,
            self.new_action,
            self.back_action,
            self.receipts.last_receipt_action,
        ):
            self.addAction(action)
        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.search_edit.installEventFilter(self)
        self.results_view.activated.connect(self._on_results_view_activated)
        self.new_button.clicked.connect(self.new_action.trigger)
        self.new_action.triggered.connect(self._on_new_action_triggered)
        self.search_action.triggered.connect(self._on_search_action_triggered)
        self.back_action.triggered.connect(self._on_back_action_triggered)
        self.person_panel.handed_out.connect(self._on_person_panel_handed_out)
        self.person_panel.receipt_requested.connect(self.receipts.show_again)
        self.receipts.next_person.connect(self.reset)
        self.person_panel.data_box.erased.connect(self._on_person_erased)
        self.setTabOrder(self.search_edit, self.new_button)
        self.setTabOrder(self.new_button, self.results_view)
        self.setTabOrder(self.results_view, self.person_panel.scan_edit)
        self.search_edit.setFocus()
        self.setFocusProxy(self.search_edit)
        self._show_dashboard(True)

    def _scrolled(self, widget: QWidget) -> QScrollArea:
        scroll = QScrollArea(self)
        scroll.setWidget(widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

    def _show_dashboard(self, shown: bool) -> None:
        """The dashboard (refreshed) while no one is open, the person's panel otherwise."""
        if self.dashboard is None:
            return
        self.right.setCurrentIndex(0 if shown else 1)
        if shown:
            self.dashboard.refresh()

    # --- the page contract --------------------------------------------------------------

    def refresh(self) -> None:
        if self.search_edit.text().strip():
            self._start_search()
        if self.person_panel.person is not None:
            self.open_person(self.person_panel.person.id)

    def menu_actions(self) -> list[QAction]:
        return [
            self.search_action,
            self.new_action,
            *self.person_panel.actions_for_menu(),
            self.receipts.last_receipt_action,
            self.back_action,
        ]

    # --- search as you type -------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.results_model.rowCount() > 0
        ):
            self.results_view.setFocus()
            self.results_view.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def _on_search_edit_text_edited(self, _text: str) -> None:
        self._typed_at = time.perf_counter()
        self._open_when_ready = False
        self.search_message.clear_message()
        self._start_search()

    def _start_search(self) -> None:
        """Search at once; keys typed while a query runs are merged into the next one (the
        latest text wins), so a fast typist costs one query per pause and no added delay."""
        self._search_seq += 1
        if self._searching:
            return  # _on_search_done starts the latest text
        self._run_search(self._search_seq)

    def _run_search(self, seq: int) -> None:
        text = self.search_edit.text()
        if not text.strip():
            self._show_results(seq, [])
            return
        self._searching = True
        search = self._context.services.beneficiaries.search
        self._context.runner.run(
            lambda _control: search(text),
            on_result=lambda rows: self._on_search_done(seq, rows),
            on_error=lambda error: self._on_search_failed(seq, error),
            owner=self,
        )

    def _on_search_done(self, seq: int, rows: list[Any]) -> None:
        self._searching = False
        if seq != self._search_seq:
            self._run_search(self._search_seq)  # the text changed meanwhile
            return
        self._show_results(seq, rows)

    def _show_results(self, seq: int, rows: list[Any]) -> None:
        if seq != self._search_seq:
            return  # an older query answered after a newer one was typed
        self._shown_seq = seq
        self.results_model.set_rows(rows)
        if rows:
            self.results_view.selectRow(0)
            self.results_count.setText(
                ngettext("{n} person found", "{n} people found", len(rows)).format(n=len(rows))
            )
        else:
            self.results_count.setText(self._nobody_text(self.search_edit.text()))
        self.results_count.setAccessibleDescription(self.results_count.text())
        if self._typed_at:
            self.last_search_ms = (time.perf_counter() - self._typed_at) * 1000
        self.results_shown.emit(len(rows))
        if self._open_when_ready:
            self._open_when_ready = False
            self._open_current()

    def _nobody_text(self, text: str) -> str:
        """What an empty result says: nobody matches (and what to try), a year alone (which
        asks nothing), or a date being typed."""
        if not text.strip():
            return ""
        terms = search_terms(text)
        if terms.lone_year is not None:
            return _("A year alone names nobody: add the name (diallo 1964) or the whole date.")
        if terms.incomplete and not terms.words and terms.born is None:
            return _("Type the whole birth date (DD/MM/YYYY) or the year of birth.")
        return _(
            "Nobody matches this search. Check the spelling, try the birth date "
            "(DD/MM/YYYY), or register a new beneficiary ({key})."
        ).format(key=shortcut_text(self.new_action.shortcut()))

    def _on_search_failed(self, seq: int, error: BaseException) -> None:
        self._searching = False
        if seq != self._search_seq:
            self._run_search(self._search_seq)
            return
        self.search_message.show_error(
            failure_message(error, _("The search failed; the details are in the log file."))
        )

    def _search_settled(self) -> bool:
        return not self._searching and self._shown_seq == self._search_seq

    def _on_search_edit_return_pressed(self) -> None:
        if not self.search_edit.text().strip():
            return
        if self._search_settled():
            self._open_current()
        else:
            self._open_when_ready = True  # Enter typed before the results came: open then

    def _open_current(self) -> None:
        index = self.results_view.currentIndex()
        person = self.results_model.row_at(index.row() if index.isValid() else 0)
        if person is not None:
            self.open_person(person.id)

    def _on_results_view_activated(self, index: QModelIndex) -> None:
        person = self.results_model.row_at(index.row())
        if person is not None:
            self.open_person(person.id)

    def _on_search_action_triggered(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    # --- the person ---------------------------------------------------------------------

    def open_person(self, beneficiary_id: int) -> None:
        """Show a person (from the results, a new registration or another page)."""
        self._show_dashboard(False)  # first: the panel's fields take the focus once shown
        try:
            self.person_panel.show_person(beneficiary_id)
        except PassDeskError as error:
            if self.person_panel.person is None:
                self._show_dashboard(True)
            self.search_message.show_error(error.message)

    def _on_new_action_triggered(self) -> None:
        # What was searched is carried into the form: "dupont ana 12/04/1985" fills three fields.
        dialog = NewBeneficiaryDialog(self._context, self, search=self.search_edit.text())
        self.new_dialog = dialog
        dialog.finished.connect(lambda _result: self._on_new_dialog_finished(dialog))
        self.back_action.setEnabled(False)  # Escape belongs to the form while it is open
        dialog.open()

    def _on_new_dialog_finished(self, dialog: NewBeneficiaryDialog) -> None:
        self.new_dialog = None
        self.back_action.setEnabled(True)
        dialog.deleteLater()
        self.window().activateWindow()  # the keyboard comes back here, whatever the platform
        chosen = dialog.saved.id if dialog.saved else dialog.open_existing_id
        if chosen is not None:
            self.search_edit.clear()
            self.results_model.set_rows([])
            self.results_count.setText("")
            self.open_person(chosen)
        else:
            self.search_edit.setFocus()

    def _on_back_action_triggered(self) -> None:
        if self.person_panel.cancel_confirmation():
            return
        self.reset()

    def reset(self) -> None:
        """Ready for the next person: empty search, focused."""
        self._search_seq += 1
        self._shown_seq = self._search_seq
        self._open_when_ready = False
        self.search_edit.clear()
        self.results_model.set_rows([])
        self.results_count.setText("")
        self.search_message.clear_message()
        self.person_panel.clear()
        self._show_dashboard(True)
        self.search_edit.setFocus()

    def _on_person_erased(self, beneficiary_id: int) -> None:
        self.reset()
        self.search_message.show_info(
            _("The identity of beneficiary {id} is erased; their handouts stay in the register.")
            .format(id=beneficiary_id)
        )  # fmt: skip

    # --- receipt ------------------------------------------------------------------------

    @property
    def receipt_dialog(self) -> ReceiptDialog | None:
        return self.receipts.dialog

    def _on_person_panel_handed_out(self, handout: HandoutRow) -> None:
        self.receipts.handed_out(handout, self.person_panel.person)
