"""The "new beneficiary" dialog: the person form, checked as the agent types, and probable
duplicates shown side by side with what was typed before anything is saved.

What the agent searched is carried into the form ("dupont ana 12/04/1985" fills the last and
first names and the birth date; a year alone waits for its day and month), and the cursor
goes to the first field left to type. Escape (or Cancel) on a form holding typed text asks
before throwing it away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
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
from passdesk.services.search_terms import search_terms
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel, grow_window, scaled_font, with_shortcut
from passdesk.ui.widgets.person_form import PersonForm


def _date(day: date | None) -> str:
    return format_date(day) if day else ""


# Words that begin a last name rather than end it: "de la fontaine marie" is Marie de La Fontaine.
PARTICLES = frozenset({"de", "du", "des", "d'", "le", "la", "van", "von", "da", "di", "del", "ben"})


def _capitalised(text: str) -> str:
    """What was typed in lower case, capitalised as names are ("n'diaye" -> "N'Diaye");
    anything typed with capitals is kept as typed."""
    if text != text.lower():
        return text
    return " ".join(w if w in PARTICLES else w.title() for w in text.split())


@dataclass(frozen=True)
class Prefill:
    """The form's fields from a search, and where the cursor goes."""

    fields: dict[str, str] = field(default_factory=dict)
    focus: str = "last_name"
    cursor: int | None = None  # in the focused field (before a year: day and month go first)


def prefill_from_search(search: str) -> Prefill:
    """The last name first, then the first name(s), as agents type them; a date or a year
    typed with them is the birth date (see search_terms)."""
    terms = search_terms(search)
    words = terms.name_text.split()
    cut = 2 if len(words) >= 3 and words[0].lower() in PARTICLES else 1
    fields = {
        "last_name": _capitalised(" ".join(words[:cut])),
        "first_name": _capitalised(" ".join(words[cut:])),
        "birth_date": _date(terms.birth_date)
        or (f"{terms.birth_year}" if terms.birth_year else ""),
    }
    fields = {key: text for key, text in fields.items() if text}
    if terms.birth_date is None and terms.birth_year is not None and len(fields) == 3:
        return Prefill(fields, "birth_date", 0)  # "1964": the day and month are typed before
    for key in ("last_name", "first_name", "birth_date"):
        if key not in fields:
            return Prefill(fields, key)
    return Prefill(fields, "postcode")


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

    def __init__(
        self, context: UiContext, parent: QWidget | None = None, *, search: str = ""
    ) -> None:
        super().__init__(parent)
        self._context = context
        self.saved: BeneficiaryRow | None = None
        self.open_existing_id: int | None = None
        self.discard_question: QMessageBox | None = None
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
        self.buttons.rejected.connect(self._on_cancel_requested)

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
        prefill = prefill_from_search(search)
        for key, text in prefill.fields.items():
            self.form.edits[key].setText(text)
        self._untouched = self._typed()
        self._prefill = prefill
        self.form.edits[prefill.focus].setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._prefill.cursor is not None:  # once shown: showing moves the cursor to the end
            edit, cursor = self.form.edits[self._prefill.focus], self._prefill.cursor
            QTimer.singleShot(0, lambda: edit.setCursorPosition(cursor))

    # --- leaving ------------------------------------------------------------------------

    def _typed(self) -> tuple[str, ...]:
        return tuple(edit.text() for edit in self.form.edits.values())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self._on_cancel_requested()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.result() == QDialog.DialogCode.Rejected and self._typed() != self._untouched:
            event.ignore()  # the window's close button asks too
            self._on_cancel_requested()
            return
        super().closeEvent(event)

    def _on_cancel_requested(self) -> None:
        """Close; a form holding what the agent typed asks first (the idle lock's `reject`
        closes it without asking: nothing stays on a locked screen)."""
        if self._typed() == self._untouched:
            self.reject()
            return
        if self.discard_question is not None:
            return
        question = QMessageBox(
            QMessageBox.Icon.Question,
            _("New beneficiary"),
            _("Throw away what you typed for this person?"),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        discard = question.addButton(_("&Throw it away"), QMessageBox.ButtonRole.DestructiveRole)
        keep = question.addButton(_("&Keep typing"), QMessageBox.ButtonRole.RejectRole)
        question.setDefaultButton(keep)
        question.setEscapeButton(keep)
        question.finished.connect(
            lambda _result: self._on_discard_question_finished(question.clickedButton() is discard)
        )
        self.discard_question = question
        question.open()

    def _on_discard_question_finished(self, discard: bool) -> None:
        question, self.discard_question = self.discard_question, None
        if question is not None:
            question.deleteLater()
        if discard:
            self.reject()

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
