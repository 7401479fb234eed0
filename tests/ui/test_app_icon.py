"""PassDesk's icon reaches the window at every size drawn, from resources/icons (the same PNG
files the Linux menu entry and, as ICO, the Windows installer use)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from passdesk import app, paths

SIZES = {16, 24, 32, 48, 64, 128, 256, 512}


def test_the_icon_has_every_size_and_comes_from_the_svg_drawing(qtbot: QtBot) -> None:
    icon = app.application_icon()
    assert {size.width() for size in icon.availableSizes()} == SIZES
    assert paths.resource("icons", "passdesk.svg").is_file()  # the source of tools/make_icons.py


def test_windows_get_the_application_icon(qtbot: QtBot) -> None:
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    before = qapp.windowIcon()
    try:
        qapp.setWindowIcon(app.application_icon())
        window = QWidget()
        qtbot.addWidget(window)
        image = window.windowIcon().pixmap(32, 32).toImage()
        # The drawing's dark blue background, not Qt's blank default icon.
        assert image.pixelColor(16, 4).name() == "#1d4f91"
    finally:
        qapp.setWindowIcon(before)
