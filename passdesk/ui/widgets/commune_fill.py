"""The commune filled from the postcode, from the official open data shipped with the app
(passdesk.geo, offline): a postcode of one commune writes it in; a postcode of several offers
them as a choice list when the commune field is reached. A commune the agent typed is never
overwritten."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit

from passdesk import geo
from passdesk.i18n import _

POSTCODE_LENGTH = 5


class CommuneFiller(QObject):
    """Watches a postcode field and fills its commune field; `filled` says when it wrote one."""

    filled = Signal(str)

    def __init__(self, postcode: QLineEdit, commune: QLineEdit) -> None:
        super().__init__(commune)
        self._postcode, self._commune = postcode, commune
        self._written = ""  # the commune this filler wrote (replaced when the postcode changes)
        self.choices = QStringListModel(self)
        self.completer = QCompleter(self.choices, commune)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        commune.setCompleter(self.completer)
        postcode.textChanged.connect(self._on_postcode_text_changed)
        commune.installEventFilter(self)

    def _on_postcode_text_changed(self, text: str) -> None:
        code = text.strip().upper()
        found = geo.communes_for_postcode(code) if len(code) == POSTCODE_LENGTH else ()
        names = [c.name for c in found]
        self.choices.setStringList(names)
        current = self._commune.text()
        if current and current != self._written:
            return  # the agent's own commune stays
        written = names[0] if len(names) == 1 else ""
        self._commune.setText(written)
        self._written = written
        if len(names) > 1:
            self._commune.setPlaceholderText(
                _("{n} communes have this postcode: choose one").format(n=len(names))
            )
        else:
            self._commune.setPlaceholderText("")
        if written:
            self.filled.emit(written)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Reaching an empty commune field opens the postcode's communes to choose from."""
        if (
            watched is self._commune
            and event.type() == QEvent.Type.FocusIn
            and not self._commune.text()
            and self.choices.rowCount() > 1
        ):
            QTimer.singleShot(0, self._offer)  # once the field has taken the focus
        return False

    def _offer(self) -> None:
        if self._commune.hasFocus() and not self._commune.text():
            self.completer.setCompletionPrefix("")
            self.completer.complete()
