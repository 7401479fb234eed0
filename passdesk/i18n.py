"""Translations: English message ids in the code, catalogues in resources/locale/<lang>/*.po.

French is the default and must be complete (a test checks every marked string). The catalogues
are plain .po files read with polib, so there is no compiled blob in the tree; every .po file of
a language folder is merged, one file per part of the program (core, cli, printing, ui).
"""

from __future__ import annotations

import threading

import polib

from passdesk import resources

LANGUAGES = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"

_lock = threading.Lock()
_language = DEFAULT_LANGUAGE
_catalogues: dict[str, dict[str, str | dict[int, str]]] = {}


def _load(language: str) -> dict[str, str | dict[int, str]]:
    with _lock:
        if language not in _catalogues:
            catalogue: dict[str, str | dict[int, str]] = {}
            folder = resources.resource("locale", language)
            for po_path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
                for entry in polib.pofile(str(po_path)):
                    if entry.obsolete or "fuzzy" in entry.flags:
                        continue
                    if entry.msgid_plural:
                        plural = {int(k): v for k, v in entry.msgstr_plural.items() if v}
                        if plural:
                            catalogue[entry.msgid] = plural
                    elif entry.msgstr:
                        catalogue[entry.msgid] = entry.msgstr
            _catalogues[language] = catalogue
        return _catalogues[language]


def set_language(language: str) -> None:
    global _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _language = language


def current_language() -> str:
    return _language


def catalogue(language: str) -> dict[str, str | dict[int, str]]:
    """The merged catalogue of a language (used by the completeness test)."""
    return _load(language)


def gettext(message: str) -> str:
    translated = _load(_language).get(message)
    return translated if isinstance(translated, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    forms = _load(_language).get(singular)
    if isinstance(forms, dict):
        index = (1 if n > 1 else 0) if _language == "fr" else (0 if n == 1 else 1)
        return forms.get(index, singular if n == 1 else plural)
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Mark a string for translation where it is declared; translate it where it is shown."""
    return message


_ = gettext
