"""Names and free text: folding for search and duplicate checks (accents, case, hyphens,
apostrophes ignored), and the one check of text entering the register (no control or invisible
character, no more than its column holds)."""

from __future__ import annotations

import re
import unicodedata

from passdesk.errors import InvalidInput
from passdesk.i18n import _

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


# --- text as it enters the register ---------------------------------------------------------
#
# Names, addresses and reasons reach paper and terminals. A name of zero-width spaces looks
# empty yet is not; U+202E turns "Dupont" around on screen; BEL and ESC sequences ring or
# recolour the terminal that lists it. No French name, address or reason needs any of them:
# everything `str.isprintable` refuses (controls Cc, formats Cf such as zero-width spaces,
# joiners and bidirectional marks, line and paragraph separators, private use, unassigned)
# is refused, except the spaces, which become plain spaces; so are the letters and marks that
# Unicode says show as nothing (Hangul fillers, variation selectors...).
_SPACES = {c: " " for c in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}
_SHOWN_AS_NOTHING = frozenset(
    (0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810))
    + (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))
)


def tidy(text: str, *, multiline: bool = False) -> str:
    """NFC (a letter and its accent typed apart become one letter, as PostgreSQL and SQLite
    compare them), unusual spaces made plain, outer blanks removed; lines kept only when
    `multiline` (as \\n)."""
    text = unicodedata.normalize("NFC", text).translate(_SPACES)
    if multiline:
        return "\n".join(line.strip(" ") for line in text.replace("\r\n", "\n").split("\n")).strip()
    return text.strip(" \t\r\n")


def hidden_character(text: str, *, multiline: bool = False) -> str | None:
    """The first control, format or invisible character of `text`, or None."""
    if text.isascii() and text.isprintable():  # nearly every name: no loop
        return None
    for character in text:
        if character == " " or (multiline and character == "\n"):
            continue
        if ord(character) in _SHOWN_AS_NOTHING or (
            not character.isprintable() and unicodedata.category(character) != "Zs"
        ):
            return character  # spaces (Zs: the no-break space of "10,00 €") show as spaces
    return None


def describe_character(character: str) -> str:
    """U+202E (RIGHT-TO-LEFT OVERRIDE): how a refusal names a character it cannot show."""
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" ({name})" if name else "")


def text_problem(text: str, *, max_length: int, multiline: bool = False) -> str | None:
    """What is wrong with a tidied text (see `tidy`), in the agent's language, or None."""
    hidden = hidden_character(text, multiline=multiline)
    if hidden is not None:
        return _(
            "this text holds an invisible or control character, {character}; type it again "
            "without it."
        ).format(character=describe_character(hidden))
    if len(text) > max_length:
        return _("at most {max} characters ({count} given).").format(
            max=max_length, count=len(text)
        )
    return None


def checked_text(
    text: str | None,
    *,
    label: str,
    max_length: int,
    field: str | None = None,
    multiline: bool = False,
) -> str:
    """`text` as the register keeps it (tidied), or InvalidInput "{label}: ..." in French.

    The one door of free text into the register: the services call it with the column's
    declared length (`passdesk.models.base.max_length`), which SQLite never enforces."""
    clean = tidy(text or "", multiline=multiline)
    problem = text_problem(clean, max_length=max_length, multiline=multiline)
    if problem is not None:
        raise InvalidInput(
            _("{field}: {message}").format(field=label, message=problem), field=field
        )
    return clean


def printable(text: str, *, multiline: bool = False) -> str:
    """`text` safe for a terminal: each control, format or invisible character written as
    \\u202e, so stored data (typed before PassDesk refused them) cannot drive the console."""
    if hidden_character(text, multiline=multiline) is None:
        return text
    return "".join(_escaped(c) if hidden_character(c, multiline=multiline) else c for c in text)


def _escaped(character: str) -> str:
    """\\u escapes, as JSON writes them (a surrogate pair beyond U+FFFF): a JSON document
    made printable is still valid JSON, with the same text once read."""
    units = character.encode("utf-16-be")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))
