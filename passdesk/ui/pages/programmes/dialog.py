"""Add a programme or edit one: the programme form in a dialog; the service's refusals show
under their field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFrame, QPushButton, QScrollArea, QVBoxLayout, QWidget

from passdesk.errors import PassDeskError
from passdesk.i18n import _
from passdesk.services.rows import ProgrammeRow
from passdesk.ui.context import UiContext
from passdesk.ui.widgets.basics import MessageLabel
from passdesk.ui.widgets.forms import dialog_buttons
from passdesk.ui.widgets.programme_form import ProgrammeForm


class ProgrammeDialog(QDialog):
    """A new programme (programme=None) or a change to one; `saved` carries the result."""

    saved = Signal(object)  # ProgrammeRow

    def __init__(
        self, context: UiContext, programme: ProgrammeRow | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.programme = programme
        self.setWindowTitle(
            _("Programme {code}").format(code=programme.code) if programme else _("New programme")
        )
        self.setAccessibleName(self.windowTitle())
        self.form = ProgrammeForm(self, targeting=True, today=context.services.expiry.today())
        if programme is not None:
            exist = context.services.stock.counts(programme.code).received > 0
            self.form.set_programme(programme, booklets_exist=exist)
        self.message = MessageLabel(self, name="programme_message")
        self.form.edited.connect(lambda _key: self.message.clear_message())
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setObjectName("save_button")
        buttons, self.cancel_button = dialog_buttons(self.save_button, enter_confirms=True)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        # The form scrolls on a small screen; the buttons stay in view.
        scroll = QScrollArea(self)
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        hint = self.form.sizeHint()
        scroll.setMinimumWidth(hint.width() + scroll.verticalScrollBar().sizeHint().width())
        screen = self.screen().availableGeometry().height() if self.screen() else 720
        scroll.setMinimumHeight(min(hint.height(), screen - self.fontMetrics().lineSpacing() * 8))
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        focus = self.form.name if programme is not None else self.form.code
        focus.setFocus()

    def _on_save_button_clicked(self) -> None:
        values = self.form.values()
        if values is None:
            self.message.show_error(_("Nothing was saved: correct the fields marked above."))
            return
        try:
            saved = self._save(values)
        except PassDeskError as error:
            if not self.form.show_error(error.field, error.message):
                self.message.show_error(error.message)
            return
        self.saved.emit(saved)
        self.accept()

    def _save(self, values: dict[str, Any]) -> ProgrammeRow:
        programmes, actor = self.context.services.programmes, self.context.actor
        if self.programme is None:
            return programmes.add(actor, **values)
        del values["code"]
        limit = values.pop("limit_per_person")
        quota = values.pop("priority_quota")
        return programmes.edit(
            actor,
            self.programme.code,
            **values,
            limit_per_person=limit,
            clear_limit=limit is None,
            priority_quota=quota,
            clear_quota=quota is None,
        )
