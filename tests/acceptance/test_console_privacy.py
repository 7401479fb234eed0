"""The person's data at the console: export, erase, purge, the access log and the notice, each
with the acting agent's password; bad input exits 2 in French with the register unchanged; and
names stored with control characters reach the terminal escaped."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pypdf
import pytest

BAD_INPUT, REFUSED = 2, 1


def unchanged(console: Any, kit: Any, *args: str, status: int, french: str) -> Any:
    before = kit.dump(console.database)
    result = console.run(*args)
    assert result.status == status, result
    assert french in result.err, result.err
    assert "Traceback" not in result.err
    assert kit.dump(console.database) == before
    return result


def test_export_then_erase_a_person(register: Any, kit: Any, tmp_path: Path) -> None:
    console, made = register
    helene = made.people["Hélène"]
    target = tmp_path / "helene.json"
    assert console.data("person", "export", str(helene), "-o", str(target)) == {
        "beneficiary": helene,
        "path": str(target),
    }
    data = json.loads(target.read_text("utf-8"))
    assert data["beneficiary"]["first_name"] == "Hélène"
    assert [h["receipt_number"] for h in data["handouts"]] == [
        made.receipts["first"],
        made.receipts["second"],
    ]
    console.ok("person", "export", str(helene), "-o", str(tmp_path / "helene.pdf"))
    text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "helene.pdf").pages)
    assert "Hélène" in text and made.receipts["first"] in text

    erased = console.data("person", "erase", str(helene), "--reason", "demande écrite du 3 mars")
    assert erased["beneficiary"] == helene and erased["erased_at"]
    assert console.data("beneficiary", "find", "helene") == []
    console.ok("print", "receipt", str(made.handouts["first"]), "-o", str(tmp_path / "r.pdf"))
    receipt = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "r.pdf").pages)
    assert "personne effacée" in receipt and made.receipts["first"] in receipt
    assert "Hélène" not in receipt
    console.ok("check")
    log = console.data("access-log", "--person", str(helene))
    assert [e["action"] for e in log] == ["printed", "erased", "exported", "exported"]
    assert all(set(e) == {"at", "agent_id", "agent_login", "beneficiary_id", "action", "detail"}
               for e in log)  # fmt: skip
    again = unchanged(
        console, kit, "person", "erase", str(helene), "--reason", "x", status=REFUSED,
        french="déjà été effacées",
    )  # fmt: skip
    assert again.out == ""


def test_purge_dry_run_changes_nothing_and_purge_keeps_the_recent(register: Any, kit: Any) -> None:
    console, _made = register
    before = kit.dump(console.database)
    preview = console.data("purge", "--dry-run")
    assert preview["dry_run"] is True and preview["erased"] == 0
    assert preview["preview"]["candidates"] == [] and preview["preview"]["months"] == 36
    assert kit.dump(console.database) == before
    result = console.ok("purge")
    assert "0 personne effacée" in result.err
    assert kit.dump(console.database) == before  # nobody is 36 months idle


def test_the_notice_is_shown_and_printed_for_a_person(
    register: Any, kit: Any, tmp_path: Path
) -> None:
    console, made = register
    shown = console.data("notice")
    assert shown["version"] is not None  # stored when the people were registered
    assert "Durée de conservation : 36 mois" in shown["text"]
    path = tmp_path / "notice.pdf"
    printed = console.data("notice", "-o", str(path), "--person", str(made.people["Łucja"]))
    assert printed["version"] == shown["version"]
    assert (
        "Information sur vos données personnelles" in pypdf.PdfReader(path).pages[0].extract_text()
    )
    log = console.data("access-log", "--person", str(made.people["Łucja"]))
    assert [(e["action"], e["detail"]) for e in log] == [("notice", str(shown["version"]))]


@pytest.mark.parametrize(
    ("args", "french"),
    [
        (["person", "export", "999", "-o", "{tmp}/x.json"], "Aucun bénéficiaire"),
        (["person", "export", "1", "-o", "{tmp}/x.csv"], ".json ou .pdf"),
        (["person", "export", "1", "-o", "{tmp}/nowhere/x.json"], "dossier"),
        (["person", "export", "0", "-o", "{tmp}/x.json"], "entre 1 et"),
        (["person", "erase", "1"], "--reason"),
        (["person", "erase", "1", "--reason", "demande\x1b[2J"], "caractère invisible"),
        (["person", "erase", "1", "--reason", "   "], "motif"),
        (["person", "erase", "999", "--reason", "demande"], "Aucun bénéficiaire"),
        (["access-log", "--since", "2026-13-01"], "une année compte 12 mois"),
        (["access-log", "--person", "abc"], "abc"),
        (["notice", "--person", "1"], "-o FICHIER.pdf"),
        (["purge", "--now"], "--now"),
    ],
    ids=[
        "export of nobody", "export format", "export folder", "export id 0", "erase no reason",
        "erase escape", "erase blank", "erase nobody", "log date", "log person", "notice no file",
        "purge option",
    ],
)  # fmt: skip
def test_bad_input_exits_2_in_french_and_changes_nothing(
    register: Any, kit: Any, tmp_path: Path, args: list[str], french: str
) -> None:
    console, _made = register
    status = REFUSED if "motif" in french else BAD_INPUT
    unchanged(console, kit, *[a.format(tmp=tmp_path) for a in args], status=status, french=french)
    assert not list(tmp_path.glob("x.*"))


def test_an_agent_may_neither_export_erase_purge_nor_read_the_log(
    register: Any, kit: Any, tmp_path: Path
) -> None:
    console, made = register
    for args in (
        ["person", "export", str(made.people["Hélène"]), "-o", str(tmp_path / "x.json")],
        ["person", "erase", str(made.people["Hélène"]), "--reason", "demande"],
        ["purge", "--dry-run"],
        ["access-log"],
    ):
        unchanged(console, kit, "--agent", "marie", *args, status=REFUSED,
                  french="Votre rôle ne permet pas")  # fmt: skip


def test_names_stored_with_control_characters_reach_the_terminal_escaped(
    register: Any, kit: Any, tmp_path: Path
) -> None:
    """Typed before PassDesk refused them (or written by another program): shown, never
    obeyed."""
    console, made = register
    helene = made.people["Hélène"]
    with sqlite3.connect(console.database) as connection:
        connection.execute(
            "UPDATE beneficiary SET first_name = ? WHERE id = ?",
            ("Hél\x1b[2J\x07\u202eène", helene),
        )
        connection.execute("UPDATE agent SET display_name = ? WHERE login = 'admin'",
                           ("Awa\x1b]0;pwned\x07 Traoré",))  # fmt: skip
    console.ok("print", "booklets", kit.booklet(60), "-o", str(tmp_path / "b.pdf"),
               "--reprint-reason", "carnet abîmé")  # delivered printed: a reprint  # fmt: skip
    for args in (["beneficiary", "find", "helene"], ["print", "history", kit.booklet(60)]):
        for as_json in (False, True):
            result = console.ok(*args, as_json=as_json)
            for shown in (result.out, result.err):
                assert not any(c in shown for c in "\x1b\x07\u202e"), (args, shown)
            if as_json:
                json.loads(result.out)  # still valid JSON, the characters as \\u escapes
    found = console.ok("beneficiary", "find", "helene")
    assert "Hél\\u001b[2J\\u0007\\u202eène" in found.out
    assert (
        json.loads(console.ok("beneficiary", "find", "helene", as_json=True).out)[0]["first_name"]
        == "Hél\x1b[2J\x07\u202eène"
    )
