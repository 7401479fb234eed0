"""The issue's "Done means" scenario, end to end through `passdesk-admin`.

init and the first handout run the installed script in its own process; the rest runs the same
`main()` in this process. Every step checks what the desk agent would check: exit status, the
French message on stderr, the --json document, and what lookup/check say afterwards.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from passdesk import __version__
from passdesk.cli import main

if TYPE_CHECKING:
    from conftest import Console, Kit, Register

RECEIPT = re.compile(r"^\d{4}-\d{6}$")


def _receipt_sequence(receipts: list[str]) -> list[int]:
    years = {r.split("-")[0] for r in receipts}
    assert len(years) == 1, receipts
    return [int(r.split("-")[1]) for r in receipts]


def test_done_means_scenario(console: Console, database: Path, kit: Kit) -> None:
    home = kit.home
    db = str(database)

    # init: the real script, in its own process
    done = kit.run_installed("--database", db, "init", "--desk", "Mairie de Vénissieux")
    assert done.status == 0, done
    assert "Mairie de Vénissieux" in done.err and "admin" in done.err
    assert "Traceback" not in done.err
    assert database.exists()

    # programme with two funders
    programme = console.data(
        "programme", "add", "--code", kit.PROGRAMME, "--name", "Pass Numérique Métropole",
        *kit.PROGRAMME_ARGS, "--funder", "État=45", "--funder", "Métropole de Lyon=55",
    )  # fmt: skip
    assert programme["code"] == kit.PROGRAMME
    assert programme["face_value"] == "10.00"
    assert programme["vouchers_per_booklet"] == 10
    shares = {s["funder"]: float(s["percent"]) for s in programme["shares"]}
    assert shares == {"État": 45.0, "Métropole de Lyon": 55.0}
    assert [p["code"] for p in console.data("programme", "list")] == [kit.PROGRAMME]

    # receive 100 booklets
    lot = console.data(
        "stock",
        "receive",
        "--kind",
        "delivered",
        "--programme",
        kit.PROGRAMME,
        "--first-booklet",
        "1",
        "--count",
        "100",
    )
    assert (lot["first_code"], lot["last_code"]) == (kit.booklet(1), kit.booklet(100))
    in_stock = console.data("booklet", "list", "--programme", kit.PROGRAMME, "--status", "in_stock")
    assert len(in_stock) == 100
    assert in_stock[0]["first_voucher_code"] == kit.voucher(1)
    assert in_stock[0]["last_voucher_code"] == kit.voucher(10)

    # register people whose names have accents, apostrophes, hyphens, non-French letters
    ids = {}
    for last, first, born in (
        ("N'Diaye", "Hélène", "1980-05-04"),
        ("Lefèvre-Dupont", "Jean-Pierre", "1956-11-30"),
        ("Nowak-Żelazna", "Łucja", "2001-02-17"),
    ):
        person = console.data(
            "beneficiary", "add", "--last-name", last, "--first-name", first, "--birth-date", born
        )
        assert (person["last_name"], person["first_name"], person["birth_date"]) == (
            last,
            first,
            born,
        )
        ids[first] = person["id"]
    helene, jean_pierre, lucja = ids["Hélène"], ids["Jean-Pierre"], ids["Łucja"]

    # find them as an agent types: accents, case, apostrophes and hyphens ignored
    for text, expected in (
        ("helene ndi", helene),
        ("HÉLÈNE", helene),
        ("ndiaye", helene),
        ("jean pierre lefevre", jean_pierre),
        ("lefevre-dup", jean_pierre),
        ("lucja zel", lucja),
        ("nowak zelazna", lucja),
    ):
        found = console.data("beneficiary", "find", text)
        assert [p["id"] for p in found] == [expected], text
    human = console.ok("beneficiary", "find", "helene ndi").out
    assert "N'DIAYE Hélène" in human and "04/05/1980" in human
    assert console.data("beneficiary", "find", "zzz") == []

    # hand out by booklet code: the real script again
    done = kit.run_installed(
        "--database", db, "--json", "handout", "--beneficiary", str(helene),
        "--booklet", kit.booklet(1),
    )  # fmt: skip
    assert done.status == 0, done
    first = done.json()
    assert RECEIPT.match(first["receipt_number"])
    assert first["beneficiary_id"] == helene
    assert [b["booklet_code"] for b in first["booklets"]] == [kit.booklet(1)]
    assert first["booklets"][0]["value"] == "100.00"
    assert first["cancelled_at"] is None
    assert first["receipt_number"] in done.err

    # by a voucher code of another booklet (voucher 25 is in booklet 3)
    by_voucher = console.data(
        "handout", "--beneficiary", str(jean_pierre), "--booklet", kit.voucher(25)
    )
    assert [b["booklet_code"] for b in by_voucher["booklets"]] == [kit.booklet(3)]
    assert by_voucher["booklets"][0]["first_voucher_code"] == kit.voucher(21)
    assert by_voucher["booklets"][0]["last_voucher_code"] == kit.voucher(30)

    # by "next": the lowest-numbered booklet still in stock is 2
    by_next = console.data(
        "handout", "--beneficiary", str(lucja), "--next", "--programme", kit.PROGRAMME
    )
    assert [b["booklet_code"] for b in by_next["booklets"]] == [kit.booklet(2)]

    receipts = [first["receipt_number"], by_voucher["receipt_number"], by_next["receipt_number"]]
    start = _receipt_sequence(receipts)[0]
    assert _receipt_sequence(receipts) == [start, start + 1, start + 2]

    # the second handout of booklet 1 is refused (exit 1), in French, naming the receipt;
    # by its cover, by one of its vouchers, and through the real script
    for code in (kit.booklet(1), kit.voucher(7)):
        refused = console.run("handout", "--beneficiary", str(jean_pierre), "--booklet", code)
        assert refused.status == 1, refused
        assert first["receipt_number"] in refused.err
        assert "déjà" in refused.err and "remis" in refused.err, refused.err
        assert "Traceback" not in refused.err
    done = kit.run_installed(
        "--database", db, "handout", "--beneficiary", str(lucja), "--booklet", kit.booklet(1),
    )  # fmt: skip
    assert done.status == 1, done
    assert first["receipt_number"] in done.err and "déjà" in done.err

    # a mistyped code (one character changed) is refused before any lookup (exit 2)
    typo = kit.mistype(kit.booklet(4))
    refused = console.run("handout", "--beneficiary", str(lucja), "--booklet", typo)
    assert refused.status == 2, refused
    assert "clé de contrôle" in refused.err, refused.err
    refused = console.run("lookup", kit.mistype(kit.voucher(25)))
    assert refused.status == 2 and "clé de contrôle" in refused.err

    # cancel the "next" handout the same day: booklet 2 goes back to stock
    cancelled = console.data(
        "handout", "cancel", str(by_next["id"]), "--reason", "erreur de saisie"
    )
    assert cancelled["id"] == by_next["id"]
    assert cancelled["cancelled_at"] is not None
    assert cancelled["cancel_reason"] == "erreur de saisie"
    assert console.data("lookup", kit.booklet(2))["status"] == "in_stock"

    # void a booklet as lost: it can never be handed out
    assert console.data("void", kit.booklet(50), "--reason", "lost") == {"voided": kit.booklet(50)}
    assert console.data("lookup", kit.voucher(495))["status"] == "voided"
    refused = console.run("handout", "--beneficiary", str(lucja), "--booklet", kit.booklet(50))
    assert refused.status == 1 and refused.err.strip()

    # lookup of a handed-out voucher: its booklet, receipt and person
    found = console.data("lookup", kit.voucher(25))
    assert found["kind"] == "voucher"
    assert found["status"] == "handed_out"
    assert found["booklet_code"] == kit.booklet(3)
    assert found["programme_code"] == kit.PROGRAMME
    assert found["receipt_number"] == by_voucher["receipt_number"]
    assert found["beneficiary_id"] == jean_pierre
    assert found["beneficiary_name"] == "Jean-Pierre Lefèvre-Dupont"
    human = console.ok("lookup", kit.voucher(25)).out
    assert by_voucher["receipt_number"] in human
    assert "Jean-Pierre Lefèvre-Dupont" in human
    assert kit.booklet(3) in human

    # check: file sound, chain intact, stock balanced
    checked = console.run("check", as_json=True)
    assert checked.status == 0, checked
    report = checked.json()
    assert report["storage_ok"] is True
    # the desk created, the programme created, received, 3 handed out, cancelled + returned,
    # voided
    assert report["ok"] is True
    assert report["ledger"] == {
        "events_checked": 9,
        "first_bad_event": None,
        "problem": None,
        "anchor_event": None,
        "ok": True,
    }
    assert report["stock"] == {
        "received": 100,
        "in_stock": 97,
        "handed_out": 2,
        "voided": 1,
        "expired": 0,
        "vouchers": {
            "received": 1000,
            "in_stock": 970,
            "handed_out": 20,
            "voided": 10,
            "expired": 0,
            "used": 0,
            "value_in_stock": "9700.00",
            "balanced": True,
        },
        "balanced": True,
    }
    assert report["lots_booklets"] == 100
    assert report["orphan_handed_out"] == 0
    human = console.run("check")
    assert human.status == 0
    assert "100" in human.err and "97" in human.err

    # the log says what was done, by which agent id, never who the person is
    log_text = "".join(p.read_text(encoding="utf-8") for p in (home / "logs").glob("passdesk.log*"))
    assert "handed out" in log_text
    for personal in ("Hélène", "Diaye", "DIAYE", "Lefèvre", "Łucja", "Żelazna", "1980-05-04"):
        assert personal not in log_text, personal


def test_handout_json_reports_the_booklet_as_handed_out(
    register: tuple[Console, Register], kit: Kit
) -> None:
    """The row returned by a handout must say what the booklet now is, not what it was."""
    console, made = register
    row = console.data(
        "handout", "--beneficiary", str(made.people["Łucja"]), "--booklet", kit.booklet(4)
    )
    assert [b["status"] for b in row["booklets"]] == ["handed_out"]
    assert console.data("lookup", kit.booklet(4))["booklet_status"] == "handed_out"


def test_lookup_of_a_booklet_back_in_stock_names_nobody(
    register: tuple[Console, Register], kit: Kit
) -> None:
    """Booklet 3's handout was cancelled the same day: it is in stock, nobody holds it, and the
    next person who gets it must not be shown as the previous one."""
    console, made = register
    found = console.data("lookup", kit.voucher(25))
    assert found["status"] == "in_stock"
    assert found["receipt_number"] is None, found
    assert found["beneficiary_id"] is None
    human = console.ok("lookup", kit.booklet(3)).out
    assert made.receipts["cancelled"] not in human
    assert "Lefèvre-Dupont" not in human

    again = console.data(
        "handout", "--beneficiary", str(made.people["Łucja"]), "--booklet", kit.booklet(3)
    )
    found = console.data("lookup", kit.booklet(3))
    assert found["receipt_number"] == again["receipt_number"]
    assert found["beneficiary_name"] == "Łucja Nowak-Żelazna"


def test_json_documents_parse(register: tuple[Console, Register], kit: Kit) -> None:
    console, made = register
    helene = made.people["Hélène"]
    booklets = console.data(
        "booklet", "list", "--programme", kit.PROGRAMME, "--status", "handed_out"
    )
    assert [b["code"] for b in booklets] == [kit.booklet(1), kit.booklet(2)]
    assert set(booklets[0]) >= {"id", "code", "status", "first_voucher_code", "last_voucher_code"}
    people = console.data("beneficiary", "find", "helene")
    assert [p["id"] for p in people] == [helene]
    assert set(people[0]) >= {"id", "last_name", "first_name", "birth_date", "postcode", "commune"}
    programmes = console.data("programme", "list")
    assert sorted(p["code"] for p in programmes) == ["LYON26", kit.PROGRAMME]
    lookup = console.data("lookup", kit.booklet(1))
    assert lookup["kind"] == "booklet"
    assert lookup["receipt_number"] == made.receipts["first"]
    # a refusal with --json still gives one document on stdout, with the exit status
    refused = console.run("lookup", kit.mistype(kit.booklet(1)), as_json=True)
    assert refused.status == 2
    assert refused.json()["exit"] == 2
    assert refused.json()["error"].strip()


def test_funder_shares_print_as_plain_percentages(register: tuple[Console, Register]) -> None:
    """A whole share once printed as 1E+2 %: Decimal's exponent form."""
    console, _made = register
    out = console.ok("programme", "list").out
    assert "Ville de Lyon 100\u00a0%" in out and "E+" not in out


def test_version_of_the_console(kit: Kit) -> None:
    done = kit.run_installed("--version")
    assert done.status == 0, done
    assert __version__ in done.out
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0


def test_version_of_the_console_module(kit: Kit) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "passdesk.cli", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PASSDESK_HOME": str(kit.home)},
    )
    assert done.returncode == 0, done
    assert __version__ in done.stdout


def test_version_of_the_window_opens_no_window(kit: Kit) -> None:
    """`passdesk --version` answers without Qt: a platform plugin that does not exist would
    make any window (even a QApplication) abort the process."""
    done = kit.run_installed(
        "--version",
        name="passdesk",
        env={"QT_QPA_PLATFORM": "no-such-platform", "DISPLAY": "", "WAYLAND_DISPLAY": ""},
    )
    assert done.status == 0, done
    assert __version__ in done.out + done.err
    assert "Traceback" not in done.err
