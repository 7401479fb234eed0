"""Qt's own strings in French (issue 8, defect 7): the file dialog read "Look in:" and "Files
of type:" because Qt 6 gave them an &-letter its French catalogue lacks; the Enter key was
"Retour" in the menus and "Entrée" on the buttons."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel

from passdesk.ui import qt_i18n
from passdesk.ui.qt_i18n import install_qt_translations, with_mnemonic


@pytest.fixture
def french_qt(qapp: Any) -> Iterator[None]:
    locale, had_french = QLocale(), bool(qt_i18n._installed)
    assert install_qt_translations(qapp, "fr")
    yield
    install_qt_translations(qapp, "fr" if had_french else "en")  # as the session had it
    QLocale.setDefault(locale)


def test_the_file_dialog_speaks_french_with_its_underlined_letters(
    qtbot: Any, french_qt: None, tmp_path: Any
) -> None:
    dialog = QFileDialog(None, "Choisir le logo", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = {  # Qt's French puts a no-break space before the colon
        label.objectName(): label.text().replace("\xa0", " ")
        for label in dialog.findChildren(QLabel)
    }
    assert labels["lookInLabel"] == "&Voir dans :"
    assert labels["fileTypeLabel"].replace("&", "") == "Fichiers de type :"
    assert "&" in labels["fileTypeLabel"]
    assert labels["fileNameLabel"].replace("&", "") == "Nom de fichier :"


def test_the_enter_key_is_entree_in_menus_too(french_qt: None) -> None:
    text = QKeySequence("Ctrl+Return").toString(QKeySequence.SequenceFormat.NativeText)
    assert text == "Ctrl+Entrée"


def test_an_underlined_letter_is_put_back_where_the_source_had_it() -> None:
    assert with_mnemonic("Fichiers de type :", "Files of &type:") == "Fichiers de &type :"
    assert with_mnemonic("Voir dans :", "&Look in:") == "&Voir dans :"  # no l: the first letter
    assert with_mnemonic("Déjà &marqué", "&Whatever") == "Déjà &marqué"
