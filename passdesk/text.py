"""Folding names for search and duplicate checks: accents, case, hyphens, apostrophes ignored."""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose into a base letter plus accents.
_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "ð": "d",
    }
)
_JOINERS = re.compile(r"['’ʼ`´\-‐‑–]")
_NOT_WORD = re.compile(r"[^a-z0-9\s'’ʼ`´\-‐‑–]")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    lowered = _NOT_WORD.sub(" ", strip_accents(text).lower())
    return [w for w in lowered.split() if _JOINERS.sub("", w)]


def fold(text: str) -> str:
    """ "Hélène N'Diaye-Sy" -> "helene ndiayesy": what search and duplicates compare."""
    return " ".join(_JOINERS.sub("", w) for w in _words(text))


MAX_PARTS_JOINED = 6


def name_tokens(*names: str) -> set[str]:
    """Words to index for prefix search: every run of consecutive parts of each name, joined.

    "Diallo-N'Diaye" gives diallo, n, diaye, diallon, ndiaye, diallondiaye, so "n'diaye"
    and "diallo-n" find it; "Le Bœuf" also gives leboeuf.
    """
    tokens: set[str] = set()
    for name in names:
        parts = [p for word in _words(name) for p in _JOINERS.split(word) if p]
        for start in range(len(parts)):
            for stop in range(start + 1, min(len(parts), start + MAX_PARTS_JOINED) + 1):
                tokens.add("".join(parts[start:stop]))
    return {t[:120] for t in tokens}


def query_tokens(text: str) -> list[str]:
    """The folded words of a search query, longest first (the most selective drives the search)."""
    words = fold(text).split()
    return sorted(dict.fromkeys(words), key=len, reverse=True)


def clean_name(text: str) -> str:
    """A name as typed, with spaces tidied and typographic apostrophes made plain."""
    return " ".join(text.replace("’", "'").split())
