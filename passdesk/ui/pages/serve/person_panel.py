"""The person's panel on the serve page: profile ticks, past handouts, what they may still
receive, the scan field and the confirmation panel of one handout."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.formatting import format_date
from passdesk.i18n import N_, _, ngettext
from passdesk.roles import Action, may
from passdesk.services.base import local_date
from passdesk.services.rows import BeneficiaryRow, Entitlement, HandoutRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.confirmation import ConfirmationPanel
from passdesk.ui.widgets.basics import (
    ElidedLabel,
    MessageLabel,
    WrapLabel,
    add_clear_button,
    make_action,
    scaled_font,
    shortcut_text,
)
from passdesk.ui.widgets.person_form import PersonForm
from passdesk.ui.widgets.table_models import Column, RowTableModel

log = logging.getLogger(__name__)

CONFIRM_KEYS = ("Ctrl+Return", "Ctrl+Enter")  # both named "Entrée" (qt_i18n), as on the key
NEXT_BOOKLET_KEY = "F9"


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


def phone_for_reading(phone: str) -> str:
    """0473143813 -> 04 73 14 38 13 (stored compact, read in pairs)."""
    if len(phone) == 10 and phone.isdigit():
        return " ".join(phone[i : i + 2] for i in range(0, 10, 2))
    return phone


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


class PersonPanel(QWidget):
    """One person at the desk; `handed_out` carries the new handout once confirmed."""

    handed_out = Signal(object)  # HandoutRow
    receipt_requested = Signal(object)  # HandoutRow of a past handout: show its receipt again
    closed = Signal()

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.person: BeneficiaryRow | None = None
        can_override = may(context.actor.role, Action.OVERRIDE_LIMIT)

        # A long name is cut with "…" (whole in its tooltip) rather than widen the panel and
        # push the scan field's buttons off it.
        self.heading = ElidedLabel("", self)
        scaled_font(self.heading, 1.4, bold=True)
        self.identity = WrapLabel("", self)

        # Scan and confirm: first, where the eye and the focus go.
        scan_box = QGroupBox(_("Hand out a booklet"), self)
        self.scan_edit = QLineEdit(scan_box)
        self.scan_edit.setAccessibleName(_("Booklet or voucher code"))
        self.scan_edit.setPlaceholderText(_("Scan or type a booklet or voucher code, then Enter"))
        add_clear_button(self.scan_edit)
        scan_label = QLabel(_("&Code:"), scan_box)
        scan_label.setBuddy(self.scan_edit)
        self.next_action = make_action(
            self,
            _("&Next booklet in stock"),
            NEXT_BOOKLET_KEY,
            tip=_("Take the next booklet in stock"),
        )
        self.next_button = QPushButton(_("Next booklet"), scan_box)
        self.next_button.setToolTip(self.next_action.toolTip())
        self.next_button.setAccessibleName(_("Next booklet in stock"))
        self.scan_message = MessageLabel(scan_box, name=_("Scan message"))
        self.confirmation = ConfirmationPanel(can_override, scan_box)
        self.confirm_action = make_action(
            self, _("&Confirm the handout"), CONFIRM_KEYS[0], tip=_("Confirm the handout")
        )
        self.confirm_action.setShortcuts([QKeySequence(k) for k in CONFIRM_KEYS])
        self.confirm_action.setEnabled(False)
        self.confirmation.confirm_button.setText(
            _("Confirm the handout ({key})").format(key=shortcut_text(CONFIRM_KEYS[0]))
        )
        self.confirmation.confirm_button.setAccessibleName(_("Confirm the handout"))
        scan_row = QHBoxLayout()
        scan_row.addWidget(scan_label)
        scan_row.addWidget(self.scan_edit, 1)
        scan_row.addWidget(self.next_button)
        scan_layout = QVBoxLayout(scan_box)
        scan_layout.addLayout(scan_row)
        scan_layout.addWidget(self.scan_message)
        scan_layout.addWidget(self.confirmation)

        # What they may still receive, and what they received.
        self.entitlements = WrapLabel("", self)
        self.entitlements.setAccessibleName(_("What the person may still receive"))
        self.handouts_model: RowTableModel[HandoutRow] = RowTableModel(HANDOUT_COLUMNS, self)
        self.handouts_view = QTableView(self)
        self.handouts_view.setModel(self.handouts_model)
        self.handouts_view.setAccessibleName(_("Past handouts"))
        self.handouts_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.handouts_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.handouts_view.verticalHeader().hide()
        self.handouts_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.handouts_view.horizontalHeader().setStretchLastSection(True)
        self.handouts_view.setTabKeyNavigation(False)
        self.handouts_view.setToolTip(_("Enter or double-click: the receipt of that handout"))
        self.handouts_view.activated.connect(self._on_handouts_view_activated)
        self.handouts_view.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.handouts_view.setSizePolicy(
            QSizePolicy.Policy.Expanding,  # takes what is left
            QSizePolicy.Policy.Ignored,
        )
        history_box = QGroupBox(_("Handouts"), self)
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.entitlements)
        history_layout.addWidget(self.handouts_view, 1)

        # Profile: target group, short diagnostic, consent; saved as they are ticked.
        profile_box = QGroupBox(_("Profile"), self)
        self.profile = PersonForm(profile_box, identity=False)
        self.profile_message = MessageLabel(profile_box, name=_("Profile message"))
        profile_layout = QVBoxLayout(profile_box)
        profile_layout.addWidget(self.profile)
        self.slip_button = QPushButton(_("Print the &orientation slip…"), profile_box)
        self.slip_button.setObjectName("slip_button")
        self.slip_button.setToolTip(_("Where to use the vouchers, for the person's needs (PDF)"))
        self.slip_button.clicked.connect(self._on_slip_button_clicked)
        profile_layout.addWidget(self.slip_button)
        profile_layout.addWidget(self.profile_message)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.identity)
        layout.addWidget(scan_box)
        layout.addWidget(history_box, 1)
        layout.addWidget(profile_box)
        self._person_boxes = (scan_box, history_box, profile_box)
        layout.addStretch(0)

        self.addAction(self.next_action)
        self.addAction(self.confirm_action)
        self.scan_edit.returnPressed.connect(self._on_scan_edit_return_pressed)
        self.scan_edit.textEdited.connect(self._on_scan_edit_text_edited)
        self.next_button.clicked.connect(self.next_action.trigger)
        self.next_action.triggered.connect(self._on_next_action_triggered)
        self.confirm_action.triggered.connect(self._on_confirm_action_triggered)
        self.confirmation.confirm_button.clicked.connect(self.confirm_action.trigger)
        self.confirmation.cancel_button.clicked.connect(self.cancel_confirmation)
        self.profile.edited.connect(self._on_profile_edited)
        self.setTabOrder(self.scan_edit, self.next_button)

    # --- showing a person -------------------------------------------------------------

    def show_person(self, beneficiary_id: int) -> None:
        services = self._context.services
        person = services.beneficiaries.get(beneficiary_id)
        self.person = person
        self.heading.setText(f"{person.first_name} {person.last_name.upper()}")
        born = format_date(person.birth_date) if person.birth_date else ""
        place = " ".join(p for p in (person.postcode, person.commune) if p)
        parts = [
            _("Born on {date}").format(date=born) if born else "",
            place,
            phone_for_reading(person.phone),
            person.email,
        ]
        self.identity.setText(" · ".join(p for p in parts if p))
        self.profile.set_target_groups(services.programmes.offered_target_groups())
        self.profile.set_person(person)
        self.profile_message.clear_message()
        self.scan_message.clear_message()
        self.scan_edit.clear()
        self.confirmation.clear()
        self.confirm_action.setEnabled(False)
        self._load_history()
        self._show_boxes(True)
        self.scan_edit.setFocus()

    def _on_handouts_view_activated(self, index: QModelIndex) -> None:
        handout = self.handouts_model.row_at(index.row())
        if handout is not None:
            self.receipt_requested.emit(handout)

    def _load_history(self) -> None:
        assert self.person is not None
        services = self._context.services
        self.handouts_model.set_rows(services.handouts.for_beneficiary(self.person.id))
        rights = services.handouts.entitlements(self.person.id)
        if rights:
            self.entitlements.setText("\n".join(entitlement_text(r) for r in rights))
        else:
            self.entitlements.setText(_("No programme is open today."))

    def clear(self) -> None:
        self.person = None
        self.heading.setText(_("No one selected"))
        self.identity.setText(_("Search for a person, or register a new beneficiary."))
        self.handouts_model.set_rows([])
        self.entitlements.clear()
        self.scan_edit.clear()
        self.scan_message.clear_message()
        self.profile_message.clear_message()
        self.confirmation.clear()
        self.confirm_action.setEnabled(False)
        self._show_boxes(False)

    def _show_boxes(self, shown: bool) -> None:
        """With no one selected, only the heading and its hint are shown."""
        for box in self._person_boxes:
            box.setVisible(shown)
        self.layout().setStretch(self.layout().count() - 1, 0 if shown else 1)
        self.next_action.setEnabled(shown)

    # --- scanning -----------------------------------------------------------------------

    def _on_scan_edit_text_edited(self, _text: str) -> None:
        self.scan_message.clear_message()

    def _on_scan_edit_return_pressed(self) -> None:
        code = self.scan_edit.text().strip()
        if not code or self.person is None:
            return
        self._check(code)

    def _on_next_action_triggered(self) -> None:
        if self.person is None:
            return
        services = self._context.services
        rights = services.handouts.entitlements(self.person.id)
        for right in rights:
            if right.remaining == 0:
                continue
            booklet = services.handouts.next_booklet(right.programme_code)
            if booklet is not None:
                self.scan_edit.setText(booklet.code)
                self._check(booklet.code)
                return
        self.scan_message.show_error(_("No booklet this person may receive is left in stock."))

    def _check(self, code: str) -> None:
        assert self.person is not None
        try:
            check = self._context.services.handouts.check(self.person.id, code)
        except PassDeskError as error:
            self.confirmation.clear()
            self.confirm_action.setEnabled(False)
            self.scan_message.show_error(error.message)
            self.scan_edit.selectAll()
            self.scan_edit.setFocus()
            return
        self.scan_message.clear_message()
        self.scan_edit.clear()
        self.confirmation.show_check(check)
        self.confirm_action.setEnabled(self.confirmation.confirm_button.isEnabled())
        if self.confirmation.reason_edit.isVisible():
            self.confirmation.reason_edit.setFocus()
        else:
            self.confirmation.confirm_button.setFocus()

    def cancel_confirmation(self) -> bool:
        """Forget the scanned booklet; False when there was nothing to forget."""
        if self.confirmation.check is None:
            return False
        self.confirmation.clear()
        self.confirm_action.setEnabled(False)
        self.scan_edit.setFocus()
        return True

    def _on_confirm_action_triggered(self) -> None:
        check = self.confirmation.check
        if check is None or self.person is None:
            return
        reason = self.confirmation.reason()
        if check.needs_override and not reason:
            self.confirmation.message.show_error(
                _("Write why the limit is overridden; it is kept in the register.")
            )
            self.confirmation.reason_edit.setFocus()
            return
        try:
            handout = self._context.services.handouts.hand_out(
                self._context.actor,
                self.person.id,
                codes_=[check.booklet.code],
                override_reason=reason or None,
            )
        except PassDeskError as error:
            self.confirmation.message.show_error(error.message)
            return
        self.confirmation.clear()
        self.confirm_action.setEnabled(False)
        self._load_history()
        self.scan_message.show_info(
            _("Booklet {code} handed out, receipt {number}.").format(
                code=check.booklet.code, number=handout.receipt_number
            )
        )
        self.handed_out.emit(handout)

    # --- profile ------------------------------------------------------------------------

    def _on_profile_edited(self, _key: str) -> None:
        if self.person is None:
            return
        data = self.profile.data()
        try:
            self.person = self._context.services.beneficiaries.update_profile(
                self._context.actor,
                self.person.id,
                target_group=data.target_group,
                diagnostic=data.diagnostic,
                consent=data.consent,
                contact_consent=data.contact_consent,
            )
        except PassDeskError as error:
            if not self.profile.show_error(error.field, error.message):
                self.profile_message.show_error(error.message)
            return
        self.profile_message.show_info(_("Profile saved."))

    def _on_slip_button_clicked(self) -> None:
        if self.person is None:
            return
        start = str(Path.home() / _("orientation-{id}.pdf").format(id=self.person.id))
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Print the orientation slip to"), start, _("PDF files (*.pdf)")
        )
        if chosen:
            self.write_slip(Path(chosen))

    def write_slip(self, path: Path) -> None:
        """The person's orientation slip (nearest places for their needs) as a PDF."""
        assert self.person is not None
        try:
            self._context.services.orientation.write_slip(self.person.id, path)
        except PassDeskError as error:
            self.profile_message.show_error(error.message)
            return
        self.profile_message.show_info(_("Orientation slip written to {path}.").format(path=path))

    def actions_for_menu(self) -> list[QAction]:
        return [self.next_action, self.confirm_action]
