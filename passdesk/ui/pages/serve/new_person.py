"""The "new beneficiary" dialog: the person form, checked as the agent types, and probable
duplicates shown side by side with what was typed before anything is saved."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from passdesk.errors import PassDeskError
from passdesk.formatting import format_date
from passdesk.i18n import _
from passdesk.services.beneficiaries import BeneficiaryInput, Duplicates
from passdesk.services.rows import BeneficiaryRow
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, grow_window, scaled_font, with_shortcut
from passdesk.ui.widgets.person_form import PersonForm


def _date(day: date | None) -> str:
    return format_date(day) if day else ""


class DuplicatePanel(QFrame):
    """What was typed next to the probable match, with the two ways out."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("Probable duplicate"))
        self.message = MessageLabel(self, name=_("Duplicate warning"))
        self._grid = QGridLayout()
        self.open_button = QPushButton(_("&Open the existing record"), self)
        self.open_button.setAccessibleName(_("Open the existing record"))
        self.save_anyway_button = QPushButton(_("It is someone else: &save"), self)
        self.save_anyway_button.setAccessibleName(_("It is someone else: save"))
        self.open_button.clicked.connect(self._on_open_button_clicked)
        choices = QHBoxLayout()  # side by side: the panel stays short on a 720-pixel screen
        choices.addWidget(self.open_button)
        choices.addWidget(self.save_anyway_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(self._grid)
        layout.addLayout(choices)
        self._match: BeneficiaryRow | None = None
        self.hide()

    def show_match(self, typed: BeneficiaryInput, error: Duplicates) -> None:
        self._match = error.candidates[0]
        self.message.show_error(error.message)
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        headings = (_("You typed"), _("Already registered"))
        for column, text in enumerate(headings, start=1):
            label = QLabel(text, self)
            scaled_font(label, 1.0, bold=True)
            self._grid.addWidget(label, 0, column)
        match = self._match
        birth = typed.birth_date if isinstance(typed.birth_date, str) else _date(typed.birth_date)
        lines = (
            (
                _("Name"),
                f"{typed.last_name.upper()} {typed.first_name}",
                f"{match.last_name.upper()} {match.first_name}",
            ),
            (_("Birth date"), birth or "", _date(match.birth_date)),
            (
                _("Commune"),
                f"{typed.postcode} {typed.commune}".strip(),
                f"{match.postcode} {match.commune}".strip(),
            ),
            (_("Phone"), typed.phone, match.phone),
        )
        for row, (label, mine, theirs) in enumerate(lines, start=1):
            self._grid.addWidget(QLabel(label, self), row, 0)
            for column, text in ((1, mine), (2, theirs)):
                cell = QLabel(text, self)
                cell.setAccessibleName(f"{label}: {text}")
                self._grid.addWidget(cell, row, column)
        self.show()

    def _on_open_button_clicked(self) -> None:
        if self._match is not None:
            self.open_requested.emit(self._match.id)


class NewBeneficiaryDialog(QDialog):
    """Returns the saved person in `saved`, or `open_existing_id` when the agent chose the match."""

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.saved: BeneficiaryRow | None = None
        self.open_existing_id: int | None = None
        self.setWindowTitle(_("New beneficiary"))
        self.setAccessibleName(_("New beneficiary"))

        self.form = PersonForm(self, groups=context.services.programmes.offered_target_groups())
        self.form.edited.connect(self._on_form_edited)
        self.duplicates = DuplicatePanel(self)
        self.duplicates.open_requested.connect(self._on_duplicates_open_requested)
        self.duplicates.save_anyway_button.clicked.connect(self._on_save_anyway_button_clicked)
        self.message = MessageLabel(self, name=_("Form message"))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip(
            with_shortcut(_("Save the person"), QKeySequence(Qt.Key.Key_Return))
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        # The form and the duplicate warning scroll on a small screen; the buttons stay in view.
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form)
        column.addWidget(self.duplicates)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(content)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bar = self.scroll.verticalScrollBar().sizeHint().width()  # room for it when it shows
        self.scroll.setMinimumWidth(content.sizeHint().width() + bar)
        self._fit_scroll()
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.form.edits["last_name"].setFocus()

    def _on_duplicates_shown(self) -> None:
        """Once laid out: taller to show the warning if the screen has room, else scrolled
        to its buttons."""
        self._fit_scroll()
        grow_window(self, self.scroll.widget().sizeHint().height() - self.scroll.height())
        self.scroll.ensureWidgetVisible(self.duplicates.open_button)

    def _fit_scroll(self) -> None:
        """As tall as the form (and the warning) when the screen has room, else scrolled."""
        screen = self.screen().availableGeometry().height() if self.screen() else 720
        room = screen - self.fontMetrics().lineSpacing() * 8  # title bar, message, buttons
        self.scroll.setMinimumHeight(min(self.scroll.widget().sizeHint().height(), room))

    # --- reacting -----------------------------------------------------------------------

    def _on_form_edited(self, _key: str) -> None:
        self.duplicates.hide()
        self.message.clear_message()

    def _on_buttons_accepted(self) -> None:
        self._save(allow_duplicate=False)

    def _on_save_anyway_button_clicked(self) -> None:
        self._save(allow_duplicate=True)

    def _on_duplicates_open_requested(self, beneficiary_id: int) -> None:
        self.open_existing_id = beneficiary_id
        self.accept()

    def _save(self, *, allow_duplicate: bool) -> None:
        errors = self.form.check(every_field=True)
        if errors:
            self.form.focus_first(errors)
            self.message.show_error(_("Correct the fields marked above."))
            return
        data = self.form.data()
        try:
            self.saved = self._context.services.beneficiaries.register(
                self._context.actor, data, allow_duplicate=allow_duplicate
            )
        except Duplicates as error:
            self.duplicates.show_match(data, error)
            self.duplicates.open_button.setFocus()
            QTimer.singleShot(0, self, self._on_duplicates_shown)
            return
        except PassDeskError as error:
            if not self.form.show_error(error.field, error.message):
                self.message.show_error(error.message)
            return
        self.accept()
