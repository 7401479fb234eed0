"""Qt's own strings (standard buttons, context menus) in the window's language."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []


def install_qt_translations(app: QApplication, language: str) -> bool:
    """Load qtbase_<language>.qm so QDialogButtonBox reads "Annuler", "Enregistrer".

    Returns False (and logs) when the catalogue is missing; English Qt strings then remain.
    """
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(language))
    if language == "en":
        return True
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{language}", folder):
        log.warning("Qt translations qtbase_%s not found in %s", language, folder)
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
