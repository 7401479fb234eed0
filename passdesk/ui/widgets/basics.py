"""Small widgets shared by the pages and dialogs: labels that never cut their text (wrapped to
their full height, or elided with the whole text in a tooltip), messages next to fields,
shortcut tooltips, what to say of a failure."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

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


class WrapLabel(QLabel):
    """A word-wrapped label that is always as tall as its lines.

    Qt lays a wrapped label out from its height for the width it gets, but a window's minimum
    size ignores that: a dialog or an assistant page then squeezes a three-line message into
    one line and cuts the rest (the password rule lost its example that way). Holding a
    minimum height worked out from the label's width makes every layout above it make room.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # As tall as its lines, no taller: spare room goes to the layout's stretch.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802
        super().setText(text)
        self._fit()

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return False  # the minimum height says it, for the width the label has

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(hint.width(), self.minimumHeight()) if self.text() else hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        # QLabel's own is the height at its narrowest width; layouts take it for the height
        # when it is larger than the hint, leaving a gap under a label laid out wide.
        hint = super().minimumSizeHint()
        return QSize(hint.width(), self.minimumHeight()) if self.text() else hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        held = self.minimumHeight()
        if not self.text():
            if held:
                self.setMinimumHeight(0)
            return
        # QLabel's height for a width never goes below the minimum height: measure without it.
        self.setMinimumHeight(0)
        laid_out = self.isVisible() or self.testAttribute(Qt.WidgetAttribute.WA_Resized)
        width = self.width() if laid_out else QLabel.sizeHint(self).width()
        self.setMinimumHeight(max(self.heightForWidth(width), 0))
        self._make_room()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._make_room()

    def _make_room(self) -> None:
        """A dialog whose own layout does not grow (QWizard) squeezes the label: after this
        event, once the layouts have run, it is made taller by what the label lacks."""
        if self.isVisible():
            QTimer.singleShot(0, self, self._on_room_timer)

    def _on_room_timer(self) -> None:
        """The most any container up to the window lacks of its layout's minimum height."""
        lacking = self.minimumHeight() - self.height()
        widget = self.parentWidget()
        while widget is not None and not widget.isWindow():
            layout = widget.layout()
            if layout is not None:
                lacking = max(lacking, layout.minimumSize().height() - widget.height())
            widget = widget.parentWidget()
        if lacking > 0 and self.isVisible():
            grow_window(self.window(), lacking)


def grow_window(window: QWidget, extra: int) -> None:
    """Make a dialog `extra` pixels taller, within the screen; a main window keeps the size
    the agent gave it (its pages scroll)."""
    if not isinstance(window, QDialog) or window.isMaximized() or not window.isVisible():
        return
    wanted = window.height() + extra
    screen = window.screen()
    if screen is not None:
        frame = window.frameGeometry().height() - window.height()
        wanted = min(wanted, screen.availableGeometry().height() - frame)
    if wanted > window.height():
        window.resize(window.width(), wanted)


class ElidedLabel(QLabel):
    """One line that gives way to its neighbours: cut with "…" when narrow, the whole text in
    its tooltip and accessible name (a 103-character name must not push the buttons next to
    it off the panel)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802
        self._full = text
        self.setAccessibleName(text)
        super().setText(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def is_elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self._full) > self.contentsRect().width()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QSize(self.fontMetrics().horizontalAdvance("…") * 4, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setToolTip(self._full if self.is_elided() else "")

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment()) | int(Qt.AlignmentFlag.AlignVCenter), shown)


class MessageLabel(WrapLabel):
    """A message shown next to a field: a refusal in plain French, or a calm confirmation.

    Hidden when empty; the text is also its accessible description so screen readers say it.
    Colours come from the palette roles, sizes from the system font (nothing fixed in pixels).
    An error starts with a sign, so that colour is never the only thing that tells it.
    """

    def __init__(self, parent: QWidget | None = None, *, name: str = "") -> None:
        super().__init__("", parent)
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
        # The sign of an error takes the left margin; the text is left as the service said it.
        sign = self._sign_size() + self.fontMetrics().averageCharWidth() if error else 0
        self.setContentsMargins(sign, 0, 0, 0)
        self.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def is_error(self) -> bool:
        return bool(self.property("error"))

    def _sign_size(self) -> int:
        return self.fontMetrics().height()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.is_error() and self.text():
            size = self._sign_size()
            icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            QPainter(self).drawPixmap(0, 0, icon.pixmap(size, size))


def add_clear_button(edit: QLineEdit) -> None:
    """The field's clear button, named for screen readers and in its tooltip (Qt leaves it
    nameless)."""
    edit.setClearButtonEnabled(True)
    name = _("Clear the field")
    for action in edit.findChildren(QAction):
        action.setText(name)
        action.setToolTip(name)
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName(name)
        button.setToolTip(name)


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
