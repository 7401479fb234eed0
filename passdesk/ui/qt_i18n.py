"""Qt's own strings (standard buttons, context menus, the file dialog) in the window's language.

Qt 6 gave some of its strings an &-letter ("&Look in:", "Files of &type:") while the French
catalogue shipped with it still translates them without one ("Look in:"): the file dialog's
labels stayed English. `MnemonicFallback` answers those from the catalogue's entry without the
&-letter and puts one back on the translation, so the labels read "&Voir dans :" and keep an
Alt shortcut.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtWidgets import QApplication

from passdesk.i18n import N_, _

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []


def with_mnemonic(translated: str, source: str) -> str:
    """`translated` with an &-letter: on the source's letter if it has one, else the first."""
    if not translated or "&" in translated:
        return translated
    at = source.find("&")
    letter = source[at + 1].casefold() if 0 <= at < len(source) - 1 else ""
    position = translated.casefold().find(letter) if letter.isalpha() else -1
    if position < 0:
        position = next((i for i, c in enumerate(translated) if c.isalpha()), -1)
    if position < 0:
        return translated
    return translated[:position] + "&" + translated[position:]


# Qt's French names the Return key "Retour" in menus, while the key, our buttons and every
# message say "Entrée": one name for one key (docs/glossary.md).
KEY_NAMES = {"Return": N_("Enter"), "Enter": N_("Enter")}


class MnemonicFallback(QTranslator):
    """Looks up, in `catalogue`, the strings it lacks only because of their &-letter; and
    names the Enter key as the glossary does."""

    def __init__(self, catalogue: QTranslator, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue

    def isEmpty(self) -> bool:  # noqa: N802
        return False

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        if context == "QShortcut" and source in KEY_NAMES:
            return _(KEY_NAMES[source])
        if "&" not in source:
            return None  # a null answer: "not mine", the next catalogue is asked
        found = self._catalogue.translate(context, source, disambiguation, n)
        if found:
            return None  # the catalogue answers it itself
        plain = source.replace("&&", "\0").replace("&", "").replace("\0", "&")
        return with_mnemonic(self._catalogue.translate(context, plain, disambiguation, n), source)


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
    fallback = MnemonicFallback(translator, app)
    # Installed last, asked first: it answers only what the catalogue cannot.
    for installed in (translator, fallback):
        app.installTranslator(installed)
        _installed.append(installed)
    return True
