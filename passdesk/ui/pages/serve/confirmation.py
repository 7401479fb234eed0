"""The confirmation of one handout on the serve page: the scanned booklets (one, or several the
person may receive together), their vouchers, value and validity, and, when the limit per
person is reached, the reason a supervisor must give."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from passdesk.formatting import format_date, format_money
from passdesk.i18n import _, ngettext
from passdesk.services.rows import BookletCheck
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, scaled_font, shortcut_text
from passdesk.ui.widgets.forms import enter_clicks


def booklet_lines(check: BookletCheck) -> list[str]:
    """What the agent checks of one scanned booklet before confirming."""
    booklet, programme = check.booklet, check.programme
    return [
        _("Programme: {name} ({code})").format(name=programme.name, code=programme.code),
        _("Vouchers {first} to {last} ({n} × {value})").format(
            first=booklet.first_voucher_code,
            last=booklet.last_voucher_code,
            n=programme.vouchers_per_booklet,
            value=format_money(programme.face_value),
        ),
        _("Value of the booklet: {value}").format(value=format_money(programme.booklet_value)),
        _("Valid from {start} to {end}").format(
            start=format_date(programme.valid_from), end=format_date(programme.valid_until)
        ),
    ]


class ConfirmationPanel(QFrame):
    """The scanned booklets, their ranges and validity, and the override reason when needed."""

    def __init__(self, can_override: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("Handout to confirm"))
        self.can_override = can_override
        self.heading = QLabel(self)
        scaled_font(self.heading, 1.15, bold=True)
        self.details = WrapLabel("", self)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.limit_message = MessageLabel(self, name=_("Limit per person"))
        self.reason_label = QLabel(_("Override &reason (required):"), self)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setAccessibleName(_("Override reason"))
        self.reason_edit.setPlaceholderText(_("e.g. booklet lost in a documented theft"))
        self.reason_label.setBuddy(self.reason_edit)
        self.message = MessageLabel(self, name=_("Confirmation message"))
        self.confirm_button = QPushButton(self)
        self.cancel_button = QPushButton(_("Cancel"), self)
        self.cancel_button.setToolTip(
            _("Forget the last booklet scanned ({key})").format(
                key=shortcut_text(QKeySequence(Qt.Key.Key_Escape))
            )
        )
        for button in (self.confirm_button, self.cancel_button):
            enter_clicks(button)  # Enter on a focused button confirms (or cancels), as Space
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addWidget(self.limit_message)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.checks: tuple[BookletCheck, ...] = ()
        self.hide()

    @property
    def check(self) -> BookletCheck | None:
        """The booklet scanned last (None: nothing waits)."""
        return self.checks[-1] if self.checks else None

    @property
    def needs_override(self) -> bool:
        return any(check.needs_override for check in self.checks)

    def codes(self) -> list[str]:
        return [check.booklet.code for check in self.checks]

    def show_check(self, check: BookletCheck) -> None:
        self.show_checks((check,))

    def show_checks(self, checks: tuple[BookletCheck, ...]) -> None:
        """Show what waits to be confirmed; the override reason is kept while it is needed."""
        self.checks = tuple(checks)
        if not checks:
            self.clear()
            return
        if len(checks) == 1:
            self.heading.setText(_("Booklet {code}").format(code=checks[0].booklet.code))
            self.details.setText("\n".join(booklet_lines(checks[0])))
        else:
            self.heading.setText(
                ngettext(
                    "{n} booklet to hand out together",
                    "{n} booklets to hand out together",
                    len(checks),
                ).format(n=len(checks))
            )
            self.details.setText(
                "\n\n".join(
                    "\n".join([_("Booklet {code}").format(code=c.booklet.code), *booklet_lines(c)])
                    for c in checks
                )
            )
        self.details.setAccessibleName(self.details.text())
        self.message.clear_message()
        needs = self.needs_override
        over = next((c for c in checks if c.needs_override and c.message), None)
        if over is not None and over.message:
            text = (
                over.message
                if self.can_override
                else over.message + " " + _("Ask a supervisor to serve this person.")
            )
            self.limit_message.show_error(text)
        else:
            self.limit_message.clear_message()
        if not needs:
            self.reason_edit.clear()
        self.reason_label.setVisible(needs and self.can_override)
        self.reason_edit.setVisible(needs and self.can_override)
        self.confirm_button.setEnabled(not needs or self.can_override)
        self.show()

    def reason(self) -> str | None:
        if not self.needs_override:
            return None
        return self.reason_edit.text().strip()

    def clear(self) -> None:
        self.checks = ()
        self.reason_edit.clear()
        self.hide()
