"""The window's look where it matters for people who cannot rely on a mouse or on colour: a
focus ring that is always drawn.

Qt's styles draw the focus only after a key moved it (Fusion shows nothing when the program
put the focus on "Confirm the handout" after a scan), and some draw it as a faint dotted line.
An agent working with the keyboard and a scanner must see at a glance where Enter goes, so
every focused control gets a ring in the highlight colour, two pixels wide at 100 % (more on a
scaled screen), whatever moved the focus there.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionComplex,
    QWidget,
)

# Controls whose whole rectangle carries the ring (item views mark their current cell).
RINGED = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox)
_CONTROLS = (
    QStyle.ControlElement.CE_PushButton,
    QStyle.ControlElement.CE_CheckBox,
    QStyle.ControlElement.CE_RadioButton,
)
_COMPLEX = (
    QStyle.ComplexControl.CC_ComboBox,
    QStyle.ComplexControl.CC_SpinBox,
    QStyle.ComplexControl.CC_ToolButton,
)


def _focused(option: QStyleOption, widget: QWidget | None) -> bool:
    return (
        isinstance(widget, RINGED)
        and widget.hasFocus()
        and bool(option.state & QStyle.StateFlag.State_HasFocus)
        and bool(option.state & QStyle.StateFlag.State_Enabled)
    )


def draw_ring(painter: QPainter, option: QStyleOption, widget: QWidget) -> None:
    """The ring just inside the control's rectangle, in the palette's highlight colour."""
    width = max(2.0, round(widget.logicalDpiX() / 48))
    pen = QPen(option.palette.color(option.palette.ColorRole.Highlight), width)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    half = width / 2
    painter.drawRoundedRect(QRectF(option.rect).adjusted(half, half, -half, -half), 3, 3)
    painter.restore()


class FocusRingStyle(QProxyStyle):
    """The platform's style, with a visible focus ring on every focused control."""

    def drawPrimitive(  # noqa: N802
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect and isinstance(widget, RINGED):
            return  # the ring replaces the style's own mark
        super().drawPrimitive(element, option, painter, widget)
        if element == QStyle.PrimitiveElement.PE_PanelLineEdit and _focused(option, widget):
            assert widget is not None
            draw_ring(painter, option, widget)

    def drawControl(  # noqa: N802
        self,
        element: QStyle.ControlElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawControl(element, option, painter, widget)
        if element in _CONTROLS and _focused(option, widget):
            assert widget is not None
            draw_ring(painter, option, widget)

    def drawComplexControl(  # noqa: N802
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in _COMPLEX and _focused(option, widget):
            assert widget is not None
            draw_ring(painter, option, widget)


def install_style(app: QApplication) -> None:
    """Wrap the application's style so that focus is always visible; call once at start."""
    if not isinstance(app.style(), FocusRingStyle):
        app.setStyle(FocusRingStyle(app.style().name()))
