"""Every string marked for translation in passdesk/ has its French translation.

Run `python tests/unit/test_translations.py` to print the missing ones as .po stubs.
"""

from __future__ import annotations

import ast
from pathlib import Path

from passdesk import i18n

PACKAGE = Path(__file__).resolve().parents[2] / "passdesk"
MARKERS = {"_", "N_", "gettext"}


def marked_strings() -> dict[str, tuple[str, str | None]]:
    """msgid -> (first place it is used, plural msgid or None)."""
    found: dict[str, tuple[str, str | None]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            args = node.args
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            literal = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args]
            if node.func.id in MARKERS and literal[:1] == [True]:
                found.setdefault(args[0].value, (where, None))
            elif node.func.id == "ngettext" and literal[:2] == [True, True]:
                found.setdefault(args[0].value, (where, args[1].value))
    return found


def missing_french() -> dict[str, tuple[str, str | None]]:
    catalogue = i18n.catalogue("fr")
    return {m: info for m, info in marked_strings().items() if m not in catalogue}


def test_marked_strings_are_found() -> None:
    # The scan itself must see the package's strings, or the next test proves nothing.
    assert len(marked_strings()) > 20


def test_every_marked_string_has_a_french_translation() -> None:
    missing = missing_french()
    assert not missing, "Missing French translations:\n" + "\n".join(
        f"{where}: {msgid!r}" for msgid, (where, _plural) in sorted(missing.items())
    )


def test_placeholders_survive_translation() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}

    for msgid, translated in i18n.catalogue("fr").items():
        if isinstance(translated, str):
            assert fields(msgid) == fields(translated), msgid


if __name__ == "__main__":
    import polib

    for msgid, (where, plural) in sorted(missing_french().items(), key=lambda kv: kv[1][0]):
        entry = polib.POEntry(
            msgid=msgid, msgstr="", occurrences=[(where.split(":")[0], where.split(":")[1])]
        )
        if plural:
            entry = polib.POEntry(msgid=msgid, msgid_plural=plural, msgstr_plural={0: "", 1: ""})
        print(entry)


def test_no_two_catalogues_translate_a_string_differently() -> None:
    # Catalogues are merged in file-name order: a silent conflict would let one file win.
    import polib

    from passdesk import paths

    seen: dict[str, tuple[str, str]] = {}
    conflicts = []
    for po_path in sorted(paths.resource("locale", "fr").glob("*.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete or not entry.msgstr:
                continue
            first = seen.setdefault(entry.msgid, (po_path.name, entry.msgstr))
            if first[1] != entry.msgstr:
                conflicts.append(f"{entry.msgid!r}: {first} vs {(po_path.name, entry.msgstr)}")
    assert not conflicts, "\n".join(conflicts)
