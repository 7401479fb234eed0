"""The console of issue 9, as an IT contact scripts it: lot kinds and operator serials, expiry and
alerts, returns, the blocked list, and `check --anchor`. Refusals change nothing."""

from __future__ import annotations

import csv
import io
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from stdnum import luhn

if TYPE_CHECKING:
    from conftest import Console, Kit, Register

REFUSED, BAD_INPUT = 1, 2
B = "MGP26"


def serial(number: int) -> str:
    digits = f"{number:08d}"
    return "OPX" + digits + luhn.calc_check_digit(digits)


def test_lot_kinds_and_operator_serials_from_the_console(
    register: tuple[Console, Register], kit: Kit, tmp_path: Path
) -> None:
    console, made = register
    added = console.data(
        "serial-format", "add", "--name", "OP1", "--prefix", "OPX", "--digits", "8",
        "--check", "luhn",
    )  # fmt: skip
    assert added["example"] == "OPX000000018"
    listed = console.ok("serial-format", "list").out
    assert "OP1 : préfixe OPX, 8 chiffres" in listed and "sauf 09 et 90" in listed
    warned = console.ok(
        "serial-format", "add", "--name", "OP0", "--prefix", "NOCHK", "--digits", "6",
        "--check", "none",
    )  # fmt: skip
    assert "rien ne peut le détecter" in warned.err

    before = kit.dump(console.database)
    # --kind is delivered by default (scripts written before lots had kinds still work); a
    # lot still needs its first booklet unless an operator format numbers it.
    missing = console.run("stock", "receive", "--programme", B, "--count", "2")
    assert missing.status == BAD_INPUT and "--first-booklet" in missing.err
    no_first = console.run(
        "stock", "receive", "--programme", B, "--count", "2", "--kind", "delivered"
    )
    assert no_first.status == BAD_INPUT and "--first-booklet" in no_first.err
    assert kit.dump(console.database) == before

    lot = console.data(
        "stock", "receive", "--programme", B, "--count", "2", "--kind", "delivered",
        "--serial-format", "op1", "--first-serial", serial(700), "--vouchers-per-booklet", "10",
    )  # fmt: skip
    assert (lot["first_booklet"], lot["kind"], lot["first_serial"], lot["last_serial"]) == (
        101,  # after the programme's highest booklet
        "delivered",
        serial(700),
        serial(719),
    )
    again = console.run(
        "stock", "receive", "--programme", B, "--count", "1", "--kind", "delivered",
        "--serial-format", "OP1", "--first-serial", serial(719),
    )  # fmt: skip
    assert again.status == REFUSED and "déjà au registre" in again.err
    site = console.data(
        "stock", "receive", "--programme", B, "--first-booklet", "200", "--count", "1",
        "--kind", "print-on-site",
    )  # fmt: skip
    assert site["kind"] == "print_on_site"
    assert "imprimé sur place" in console.ok("stock", "lots").out

    found = console.data("lookup", serial(705))
    assert found["booklet_code"] == kit.booklet(101)
    handout = console.data(
        "handout", "--beneficiary", str(made.people["Łucja"]), "--booklet", serial(712)
    )
    assert handout["booklets"][0]["booklet_code"] == kit.booklet(102)
    unprinted = console.run(
        "handout", "--beneficiary", str(made.people["Łucja"]), "--booklet", kit.booklet(200)
    )
    assert unprinted.status == REFUSED and "imprimez-le avant" in unprinted.err
    console.ok("void", serial(703), "--reason", "stolen")

    path = tmp_path / "bloques.csv"
    result = console.ok("blocked-list", "--programme", B, "-o", str(path))
    assert "numéros bloqués écrits" in result.err
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [kit.voucher(1004), serial(703), kit.booklet(101), "invalidé", "volé"] in [
        r[:5] for r in rows
    ]
    assert len(rows) == 1 + 10 + 1  # header, lost booklet 100, the stolen voucher
    console.ok("check")


def test_expire_and_alerts_from_the_console(register: tuple[Console, Register], kit: Kit) -> None:
    console, _made = register
    console.ok(
        "programme", "add", "--code", "FIN26", "--name", "Pass qui finit", "--face-value", "10",
        "--vouchers-per-booklet", "5", "--valid-from", "2024-01-01", "--valid-until",
        "2025-06-30", "--funder", "État=100",
    )  # fmt: skip
    console.ok(
        "stock", "receive", "--programme", "FIN26", "--first-booklet", "1", "--count", "4",
        "--kind", "delivered",
    )  # fmt: skip
    alerts = console.data("alerts", "--as-of", "2025-06-10")
    assert [(a["code"], a["days_left"], a["booklets_in_stock"]) for a in alerts] == [
        ("FIN26", 20, 4)
    ]
    assert (
        "FIN26 se termine le 30/06/2025 (dans 20 jours)"
        in console.ok("alerts", "--as-of", "2025-06-10").out
    )
    before = kit.dump(console.database)
    future = console.run("expire", "--as-of", "2999-01-01")
    assert future.status == BAD_INPUT and "jour à venir" in future.err
    assert kit.dump(console.database) == before
    done = console.data("expire")
    assert done["booklets"] == 4 and done["vouchers"] == 20
    assert console.data("expire")["booklets"] == 0
    assert console.data("alerts") == []  # ended and expired: nothing left to say
    assert console.data("booklet", "list", "--status", "expired", "--programme", "FIN26")
    console.ok("check")


def test_a_later_cancel_needs_returned_or_not_returned(
    register: tuple[Console, Register], kit: Kit
) -> None:
    console, made = register
    first = str(made.handouts["first"])
    with closing(sqlite3.connect(console.database)) as connection:  # made on an earlier day
        connection.execute(
            "UPDATE handout SET created_at = '2025-01-06 10:00:00.000000' WHERE id = ?", (first,)
        )
        connection.commit()
    before = kit.dump(console.database)
    asked = console.run("handout", "cancel", first, "--reason", "Rendu")
    assert asked.status == BAD_INPUT
    assert "revenus intacts" in asked.err and "--returned ou --not-returned" in asked.err
    both = console.run("handout", "cancel", first, "--reason", "x", "--returned", "--not-returned")
    assert both.status == BAD_INPUT
    assert kit.dump(console.database) == before
    row = console.data("handout", "cancel", first, "--reason", "Rendu intact", "--returned")
    assert row["booklets"][0]["status"] == "in_stock"
    assert console.data("lookup", kit.booklet(1))["status"] == "in_stock"


def test_check_anchor_from_the_console(register: tuple[Console, Register]) -> None:
    console, _made = register
    with closing(sqlite3.connect(console.database)) as connection:
        (head,) = connection.execute("SELECT last_hash FROM ledger_head").fetchone()
    checked = console.ok("check", "--anchor", head)
    assert "porte l'empreinte donnée" in checked.err
    assert console.data("check", "--anchor", head)["ledger"]["anchor_event"] >= 1
    unknown = console.run("check", "--anchor", "0" * 63 + "1")
    assert unknown.status == REFUSED and "Aucun événement" in unknown.err
    malformed = console.run("check", "--anchor", "not-a-hash")
    assert malformed.status == BAD_INPUT and "64 caractères" in malformed.err
