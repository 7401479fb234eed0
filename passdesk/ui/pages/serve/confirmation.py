"""The confirmation of one handout on the serve page: the scanned booklet, its vouchers, value
and validity, and, when the limit per person is reached, the reason a supervisor must give."""

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
from passdesk.i18n import _
from passdesk.services.rows import BookletCheck
from passdesk.ui.widgets.basics import MessageLabel, WrapLabel, scaled_font, shortcut_text


class ConfirmationPanel(QFrame):
    """The scanned booklet, its range and validity, and the override reason when needed."""

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
            _("Forget this booklet ({key})").format(
                key=shortcut_text(QKeySequence(Qt.Key.Key_Escape))
            )
        )
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
        self.check: BookletCheck | None = None
        self.hide()

    def show_check(self, check: BookletCheck) -> None:
        self.check = check
        booklet, programme = check.booklet, check.programme
        self.heading.setText(_("Booklet {code}").format(code=booklet.code))
        self.details.setText(
            "\n".join(
                (
                    _("Programme: {name} ({code})").format(
                        name=programme.name, code=programme.code
                    ),
                    _("Vouchers {first} to {last} ({n} × {value})").format(
                        first=booklet.first_voucher_code,
                        last=booklet.last_voucher_code,
                        n=programme.vouchers_per_booklet,
                        value=format_money(programme.face_value),
                    ),
                    _("Value of the booklet: {value}").format(
                        value=format_money(programme.booklet_value)
                    ),
                    _("Valid from {start} to {end}").format(
                        start=format_date(programme.valid_from),
                        end=format_date(programme.valid_until),
                    ),
                )
            )
        )
        self.details.setAccessibleName(self.details.text())
        self.message.clear_message()
        self.reason_edit.clear()
        needs = check.needs_override
        if needs and check.message:
            text = (
                check.message
                if self.can_override
                else check.message + " " + _("Ask a supervisor to serve this person.")
            )
            self.limit_message.show_error(text)
        else:
            self.limit_message.clear_message()
        self.reason_label.setVisible(needs and self.can_override)
        self.reason_edit.setVisible(needs and self.can_override)
        self.confirm_button.setEnabled(not needs or self.can_override)
        self.show()

    def reason(self) -> str | None:
        if self.check is None or not self.check.needs_override:
            return None
        return self.reason_edit.text().strip()

    def clear(self) -> None:
        self.check = None
        self.hide()
