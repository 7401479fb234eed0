"""Small widgets shared by the pages and dialogs: messages next to fields, shortcut tooltips,
what to say of a failure."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from passdesk.errors import PassDeskError
from passdesk.i18n import _


def shortcut_text(sequence: QKeySequence | QKeySequence.StandardKey | str) -> str:
    """The shortcut as the user reads it on this platform (e.g. "Ctrl+N")."""
    return QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText)


def with_shortcut(text: str, sequence: QKeySequence | QKeySequence.StandardKey | str) -> str:
    """A tooltip that names its shortcut: "Nouveau bénéficiaire (Ctrl+N)"."""
    return f"{text} ({shortcut_text(sequence)})"


def make_action(
    parent: QWidget,
    text: str,
    shortcut: str | QKeySequence.StandardKey | None = None,
    *,
    tip: str | None = None,
) -> QAction:
    """An action whose shortcut is shown in menus and in its tooltip."""
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(with_shortcut(tip or text.replace("&", ""), shortcut))
    elif tip:
        action.setToolTip(tip)
    action.setStatusTip(tip or text.replace("&", ""))
    return action


class MessageLabel(QLabel):
    """A message shown next to a field: a refusal in plain French, or a calm confirmation.

    Hidden when empty; the text is also its accessible description so screen readers say it.
    Colours come from the palette roles, sizes from the system font (nothing fixed in pixels).
    """

    def __init__(self, parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(name)
        if name:
            self.setObjectName(name)
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, error=True)

    def show_info(self, text: str) -> None:
        self._show(text, error=False)

    def clear_message(self) -> None:
        self.setText("")
        self.setAccessibleDescription("")
        self.hide()

    def _show(self, text: str, *, error: bool) -> None:
        if not text:
            self.clear_message()
            return
        palette = self.palette()
        role = QPalette.ColorRole.WindowText
        base = self.parentWidget().palette() if self.parentWidget() else QPalette()
        colour = base.color(role)
        if error:
            colour = (
                colour.fromRgb(0xB0, 0x1C, 0x1C)
                if colour.lightness() < 128
                else colour.fromRgb(0xFF, 0x8A, 0x80)
            )
        palette.setColor(role, colour)
        self.setPalette(palette)
        self.setProperty("error", error)
        self.setText(text)
        self.setAccessibleDescription(text)
        self.show()


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> None:
    """Make a widget's text `factor` times the system size (headings), never a pixel size."""
    font = widget.font()
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    widget.setFont(font)


def buddy_label(text: str, buddy: QWidget, parent: QWidget | None = None) -> QLabel:
    """A form label whose &-letter (Alt+letter) moves the focus to its field."""
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


def failure_message(error: BaseException, fallback: str | None = None) -> str:
    """What to tell the agent of a failure: the service's French message, or a calm generic
    one (anything else is a bug, whose details the runner wrote to the log file)."""
    if isinstance(error, PassDeskError):
        return error.message
    return fallback or _(
        "Something went wrong; nothing was recorded. The details are in the log file."
    )
