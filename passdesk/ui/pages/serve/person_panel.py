"""The person's panel on the serve page: profile ticks, past handouts (a supervisor cancels one
from there), what they may still receive, the scan field and the confirmation panel of one
handout.

A booklet scanned while others wait to be confirmed replaces the last one of its programme, or
is added when the person may receive both (`handout_rules.after_scan`), and says which; the
focus stays in the scan field, so that a scanner's next code never lands on a button.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.formatting import format_date
from passdesk.i18n import _, ngettext
from passdesk.roles import Action, may
from passdesk.services.handout_rules import after_scan
from passdesk.services.print_lines import display_name
from passdesk.services.rows import BeneficiaryRow, BookletCheck, HandoutRow
from passdesk.ui.context import UiContext
from passdesk.ui.pages.serve.confirmation import ConfirmationPanel
from passdesk.ui.pages.serve.history import HandoutHistory
from passdesk.ui.pages.serve.person_data import PersonDataBox
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

log = logging.getLogger(__name__)

CONFIRM_KEYS = ("Ctrl+Return", "Ctrl+Enter")  # both named "Entrée" (qt_i18n), as on the key
NEXT_BOOKLET_KEY = "F9"


def phone_for_reading(phone: str) -> str:
    """0473143813 -> 04 73 14 38 13 (stored compact, read in pairs)."""
    if len(phone) == 10 and phone.isdigit():
        return " ".join(phone[i : i + 2] for i in range(0, 10, 2))
    return phone


class PersonPanel(QWidget):
    """One person at the desk; `handed_out` carries the new handout once confirmed."""

    handed_out = Signal(object)  # HandoutRow
    receipt_requested = Signal(object)  # HandoutRow of a past handout: show its receipt again
    handout_cancelled = Signal(object)  # HandoutRow, cancelled
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
        self.history = HandoutHistory(context, self)
        self.entitlements = self.history.entitlements
        self.handouts_model = self.history.model
        self.handouts_view = self.history.view
        history_box = self.history

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

        self.data_box = PersonDataBox(context, self)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.identity)
        layout.addWidget(scan_box)
        layout.addWidget(history_box, 1)
        layout.addWidget(profile_box)
        layout.addWidget(self.data_box)
        self._person_boxes = (scan_box, history_box, profile_box, self.data_box)
        layout.addStretch(0)

        self.addAction(self.next_action)
        self.addAction(self.confirm_action)
        self.history.receipt_requested.connect(self.receipt_requested)
        self.history.cancelled.connect(self._on_history_cancelled)
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
        person = services.beneficiaries.open(self._context.actor, beneficiary_id)  # logged
        self.person = person
        self.data_box.set_person(person.id)
        self.heading.setText(display_name(person.first_name, person.last_name, capitals=True))
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
        self._show_pending(())
        self._load_history()
        self._show_boxes(True)
        self.scan_edit.setFocus()

    def _load_history(self) -> None:
        assert self.person is not None
        services = self._context.services
        self.history.show_history(
            services.handouts.for_beneficiary(self.person.id),
            services.handouts.entitlements(self.person.id),
        )

    def clear(self) -> None:
        self.person = None
        self.data_box.set_person(None)
        self.heading.setText(_("No one selected"))
        self.identity.setText(_("Search for a person, or register a new beneficiary."))
        self.history.clear()
        self.scan_edit.clear()
        self.scan_message.clear_message()
        self.profile_message.clear_message()
        self._show_pending(())
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
        if self.person is None:
            return
        if not code:
            if self.confirmation.checks:  # an Enter alone does not hand out: say what does
                self.scan_message.show_info(
                    _("Press {key} to confirm the handout.").format(key=self._confirm_key())
                )
            return
        self._check(code)

    @staticmethod
    def _confirm_key() -> str:
        return _("Ctrl+Enter")  # as the confirm button says it

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
                self._check(booklet.code)
                return
        self.scan_message.show_error(_("No booklet this person may receive is left in stock."))

    def _check(self, code: str) -> None:
        """A scanned (or typed) code: refused next to the field, or waiting to be confirmed,
        replacing or joining what already waits (`after_scan`), with a message saying which."""
        assert self.person is not None
        try:
            check = self._context.services.handouts.check(self.person.id, code)
        except PassDeskError as error:
            message = error.message
            if self.confirmation.checks:  # what waits is kept: say so
                message += " " + _("The booklets already scanned still wait to be confirmed.")
            self.scan_message.show_error(message)
            self.scan_edit.selectAll()
            self.scan_edit.setFocus()
            return
        outcome = after_scan(self.confirmation.checks, check)
        self.scan_edit.clear()
        self._show_pending(outcome.checks)
        scanned = check.booklet.code
        if outcome.already:
            self.scan_message.show_info(
                _("Booklet {code} is already waiting to be confirmed.").format(code=scanned)
            )
        elif outcome.replaced is not None:
            self.scan_message.show_info(
                _(
                    "Booklet {code} replaces booklet {old}: one more booklet of {programme} "
                    "would pass this person's limit."
                ).format(
                    code=scanned,
                    old=outcome.replaced.booklet.code,
                    programme=check.programme.code,
                )
            )
        elif outcome.added:
            self.scan_message.show_info(
                _(
                    "Booklet {code} added: {n} booklets will be handed out together. Escape "
                    "removes the last one scanned."
                ).format(code=scanned, n=len(outcome.checks))
            )
        else:
            self.scan_message.clear_message()
        if self.confirmation.reason_edit.isVisible() and not self.confirmation.reason():
            self.confirmation.reason_edit.setFocus()
        else:
            self.scan_edit.setFocus()  # the next scan lands here, never on a button

    def _show_pending(self, checks: tuple[BookletCheck, ...]) -> None:
        self.confirmation.show_checks(checks)
        self.confirm_action.setEnabled(
            bool(checks) and self.confirmation.confirm_button.isEnabled()
        )
        self.scan_edit.setPlaceholderText(
            _("{key} confirms; scan another booklet to replace it or add it").format(
                key=self._confirm_key()
            )
            if checks
            else _("Scan or type a booklet or voucher code, then Enter")
        )

    def cancel_confirmation(self) -> bool:
        """Forget the booklet scanned last; False when nothing waited."""
        checks = self.confirmation.checks
        if not checks:
            return False
        self._show_pending(checks[:-1])
        if checks[:-1]:
            self.scan_message.show_info(
                ngettext(
                    "Booklet {code} removed; {n} booklet still waits to be confirmed.",
                    "Booklet {code} removed; {n} booklets still wait to be confirmed.",
                    len(checks) - 1,
                ).format(code=checks[-1].booklet.code, n=len(checks) - 1)
            )
        else:
            self.scan_message.clear_message()
        self.scan_edit.setFocus()
        return True

    def _on_confirm_action_triggered(self) -> None:
        checks = self.confirmation.checks
        if not checks or self.person is None:
            return
        reason = self.confirmation.reason()
        if self.confirmation.needs_override and not reason:
            self.confirmation.message.show_error(
                _("Write why the limit is overridden; it is kept in the register.")
            )
            self.confirmation.reason_edit.setFocus()
            return
        try:
            handout = self._context.services.handouts.hand_out(
                self._context.actor,
                self.person.id,
                codes_=self.confirmation.codes(),
                override_reason=reason or None,
            )
        except PassDeskError as error:
            self.confirmation.message.show_error(error.message)
            return
        self._show_pending(())
        self._load_history()
        self.scan_message.show_info(
            _("Booklet {code} handed out, receipt {number}.").format(
                code=", ".join(b.booklet_code for b in handout.booklets),
                number=handout.receipt_number,
            )
        )
        self.handed_out.emit(handout)

    # --- cancelling a past handout ------------------------------------------------------

    def _on_history_cancelled(self, handout: HandoutRow, returned: bool) -> None:
        if self.person is not None:
            self._load_history()
        self.scan_message.show_info(
            (
                _("Handout {receipt} cancelled: its booklets are back in stock.")
                if returned
                else _("Handout {receipt} cancelled: its booklets are voided.")
            ).format(receipt=handout.receipt_number)
        )
        self.handouts_view.setFocus()
        self.handout_cancelled.emit(handout)

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
            self._context.services.orientation.write_slip(
                self.person.id, path, actor=self._context.actor
            )
        except PassDeskError as error:
            self.profile_message.show_error(error.message)
            return
        self.profile_message.show_info(_("Orientation slip written to {path}.").format(path=path))

    def actions_for_menu(self) -> list[QAction]:
        actions = [self.next_action, self.confirm_action]
        return [*actions, self.history.cancel_action] if self.history.may_cancel else actions
