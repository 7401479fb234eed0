"""Accessibility (issue 8, defect 12), what the screen checks cannot see: the focus is drawn
whatever put it there (the program after a scan, not only a key), and an error is told by a
sign before its text as well as by its colour."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from passdesk.ui.style import FocusRingStyle
from passdesk.ui.widgets.basics import MessageLabel


def image_of(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def close_to(found: QColor, wanted: QColor) -> bool:
    return all(
        abs(a - b) <= 40 for a, b in zip(found.getRgb()[:3], wanted.getRgb()[:3], strict=True)
    )


def test_a_button_focused_by_the_program_shows_a_ring(qtbot: Any) -> None:
    style = FocusRingStyle("Fusion")
    window = QWidget()
    window.setStyle(style)
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    first, confirm = QPushButton("Annuler"), QPushButton("Confirmer la remise (Ctrl+Entrée)")
    for button in (first, confirm):
        button.setStyle(style)
        layout.addWidget(button)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    highlight = confirm.palette().color(QPalette.ColorRole.Highlight)
    unfocused = image_of(confirm)
    confirm.setFocus()  # as the serve page does once a booklet is scanned: no key involved
    qtbot.waitUntil(confirm.hasFocus)
    focused = image_of(confirm)
    middle = confirm.height() // 2
    ring = [focused.pixelColor(x, middle) for x in range(0, 4)]
    assert any(close_to(colour, highlight) for colour in ring)
    assert not any(close_to(unfocused.pixelColor(x, middle), highlight) for x in range(0, 4))


def test_an_error_has_a_sign_before_its_text_an_information_none(qtbot: Any) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    layout = QVBoxLayout(holder)
    error, info = MessageLabel(holder, name="erreur"), MessageLabel(holder, name="info")
    layout.addWidget(error)
    layout.addWidget(info)
    holder.resize(500, 120)
    holder.show()
    qtbot.waitExposed(holder)
    error.show_error("Ce carnet a déjà été remis.")
    info.show_info("Carnet remis.")
    qtbot.waitUntil(lambda: error.isVisible() and info.isVisible())
    assert error.is_error() and not info.is_error()
    assert error.contentsMargins().left() > 0 and info.contentsMargins().left() == 0
    assert error.accessibleDescription() == "Ce carnet a déjà été remis."
    sign = error.contentsMargins().left() - error.fontMetrics().averageCharWidth()
    drawn = image_of(error)
    background = drawn.pixelColor(drawn.width() - 1, drawn.height() - 1)
    marks = [
        drawn.pixelColor(x, y)
        for x in range(sign)
        for y in range(min(sign, drawn.height()))
        if drawn.pixelColor(x, y) != background
    ]
    assert len(marks) > sign  # the warning sign is drawn in the margin, not only a colour
