"""What a shown screen must not do: be larger than the screen, cut a label's text without a
tooltip, or leave an interactive control without an accessible name. `tools/screens.py`
opens the screens; these checks look at them (and tests/ui/test_screens.py tries them on
widgets made to fail them)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QScrollArea,
    QTabBar,
    QTextEdit,
    QWidget,
)

from passdesk.ui.widgets.basics import ElidedLabel

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QPlainTextEdit,
    QTextEdit,
    QTabBar,
    QAbstractSlider,
)
# A window manager's title bar and a task bar take this much of a screen's height.
DECORATIONS = 40


def _in(widget: QWidget, top: QWidget) -> QPoint:
    return widget.mapTo(top, QPoint(0, 0))


def oversize(top: QWidget, size: tuple[int, int]) -> str | None:
    """Why `top` does not fit a screen of `size` (room left for a title bar and a task bar),
    or None; a main window must be able to shrink to the screen."""
    width, height = size
    if isinstance(top, QMainWindow):
        least = top.minimumSizeHint().expandedTo(top.minimumSize())
        if least.width() > width or least.height() > height - DECORATIONS:
            return f"the window needs at least {least.width()}x{least.height()}"
        return None
    frame = top.frameGeometry()
    if frame.width() > width or frame.height() > height - DECORATIONS:
        return f"{frame.width()}x{frame.height()}"
    return None


def _clipping_ancestor_right(label: QLabel, top: QWidget) -> int:
    """The right edge, in `top`'s coordinates, past which nothing of `label` can be seen: the
    window's, or a scroll area's that never scrolls sideways."""
    right = top.width()
    parent = label.parentWidget()
    while parent is not None and parent is not top:
        if (
            isinstance(parent, QScrollArea)
            and parent.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        ):
            viewport = parent.viewport()
            right = min(right, _in(viewport, top).x() + viewport.width())
        parent = parent.parentWidget()
    return right


def text_height(label: QLabel) -> int:
    """How tall the label's text is once wrapped to the label's width (measured apart from
    the label, whose own height for a width never goes below its minimum height)."""
    width = label.contentsRect().width() - 2 * label.margin()
    if label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())
    ):
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setDocumentMargin(0)
        document.setHtml(label.text())
        document.setTextWidth(width)
        return int(document.size().height())
    flags = int(Qt.TextFlag.TextWordWrap) | int(label.alignment())
    return (
        label.fontMetrics().boundingRect(QRect(0, 0, width, 1 << 20), flags, label.text()).height()
    )


def cut_labels(top: QWidget) -> list[str]:
    """The visible labels whose text does not fit and that have no tooltip to show it."""
    found = []
    for label in top.findChildren(QLabel):
        if not label.isVisible() or not label.text().strip() or label.toolTip():
            continue
        if isinstance(label, ElidedLabel):
            if label.is_elided():
                found.append(f"{label.full_text()[:40]!r} elided without a tooltip")
            continue
        if label.wordWrap():
            short = label.contentsRect().height() + 1 < text_height(label)
        else:
            short = label.width() + 1 < QLabel.sizeHint(label).width()
        beyond = _in(label, top).x() + label.width() > _clipping_ancestor_right(label, top) + 1
        if short or beyond:
            found.append(f"{label.text()[:40]!r} ({label.width()}x{label.height()})")
    return found


def accessible_name(widget: QWidget) -> str:
    """The name a screen reader says for `widget`. Qt on Linux names a combo box after its
    current choice ("Non renseigné"), which says nothing of what is chosen: a combo box is
    named only by its own accessible name or its label, as Windows' screen readers hear it."""
    if isinstance(widget, QComboBox):
        if widget.accessibleName().strip():
            return widget.accessibleName()
        labels = widget.window().findChildren(QLabel)
        return next((label.text() for label in labels if label.buddy() is widget), "")
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def nameless_controls(top: QWidget) -> list[str]:
    """The controls a person can reach whose accessible name is empty: every page's and every
    state's, shown or not (a button that appears once a booklet is scanned is walked too)."""
    found = []
    for widget in [top, *top.findChildren(QWidget)]:
        if not isinstance(widget, INTERACTIVE) or widget.window() is not top:
            continue  # a combo box's list: a pop-up window of its own, named by its box
        if widget.objectName().startswith("qt_"):
            continue  # Qt's own parts (a table's corner button, the menu bar's overflow)
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(
            widget, QAbstractButton
        ):
            continue  # headers and scroll bars: parts of their table, reached through it
        if isinstance(widget, QLineEdit) and isinstance(
            widget.parentWidget(), QComboBox | QAbstractSpinBox
        ):
            continue  # the box's own text field: the box carries the name
        if isinstance(widget, QTabBar) and widget.count() == 0:
            continue
        if not accessible_name(widget).strip():
            found.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return found


def problems_of(top: QWidget, size: tuple[int, int], *, names: bool) -> list[str]:
    """Everything wrong with a shown screen: too large, text cut, controls without a name."""
    found = []
    reason = oversize(top, size)
    if reason:
        found.append(f"larger than the screen ({reason})")
    found += [f"cut {label}" for label in cut_labels(top)]
    if names:
        found += [f"no accessible name: {what}" for what in nameless_controls(top)]
    return found
