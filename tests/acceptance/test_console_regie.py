"""`passdesk-admin register`, `unused` and `closing` on a desk after a morning's work, as the IT
contact scripts them: files in the format their extension names, clear French refusals that
change nothing, and a closing whose head hash is the journal's."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
from pypdf import PdfReader


def journal_head(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT last_hash FROM ledger_head").fetchone()[0]


def test_register_writes_a_pdf_or_a_workbook_from_the_extension(
    register: tuple[Any, Any], tmp_path: Path
) -> None:
    console, _made = register
    pdf, xlsx = tmp_path / "registre.pdf", tmp_path / "registre.xlsx"
    period = ("--from", "2020-01-01", "--to", "2099-12-31")
    data = console.data("register", "--programme", "mgp26", *period, "-o", str(pdf))
    assert data["closing_stock"] == {"booklets": 97, "vouchers": 970, "amount": "9700.00"}
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Registre arrêté au 31/12/2099" in " ".join(text.split())

    done = console.ok("register", "--programme", "MGP26", *period, "-o", str(xlsx))
    assert "registre.xlsx" in done.err
    sheet = openpyxl.load_workbook(xlsx)["Registre"]
    last = [c.value for c in list(sheet.iter_rows())[-1]]
    assert last[12:15] == [97, 970, 9700]


def test_a_wrong_extension_or_period_is_refused_in_french_and_writes_nothing(
    register: tuple[Any, Any], tmp_path: Path, kit: Any
) -> None:
    console, _made = register
    before = kit.dump(console.database)
    for args, words in (
        (("--from", "2026-01-01", "--to", "2026-12-31", "-o", str(tmp_path / "r.csv")), ".xlsx"),
        (("--from", "2026-12-31", "--to", "2026-01-01", "-o", str(tmp_path / "r.pdf")), "avant"),
        (("--from", "31 déc. 2026", "--to", "2027-01-01", "-o", str(tmp_path / "r.pdf")), "AAAA"),
        (("--from", "2026-02-29", "--to", "2027-01-01", "-o", str(tmp_path / "r.pdf")), "existe"),
    ):
        result = console.run("register", "--programme", "MGP26", *args)
        assert result.status == 2, args
        assert words in result.err and "Traceback" not in result.err
    result = console.run("unused", "--programme", "MGP26", "-o", str(tmp_path / "u.ods"))
    assert result.status == 2 and "doit se terminer par .pdf" in result.err
    result = console.run("unused", "--programme", "NOPE1", "-o", str(tmp_path / "u.pdf"))
    assert result.status == 2 and "NOPE1" in result.err
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".pdf", ".csv", ".ods")]
    assert kit.dump(console.database) == before


def test_unused_credits_each_funder(register: tuple[Any, Any], tmp_path: Path) -> None:
    console, _made = register
    data = console.data("unused", "--programme", "MGP26", "-o", str(tmp_path / "u.xlsx"))
    assert data["total"] == {"booklets": 97, "vouchers": 970, "amount": "9700.00"}
    assert [(c["funder"], c["amount"]) for c in data["credits"]] == [
        ("État", "4365.00"),
        ("Métropole de Lyon", "5335.00"),
    ]


def test_closing_by_counts_records_the_event_and_prints_the_head_hash(
    register: tuple[Any, Any], tmp_path: Path
) -> None:
    console, _made = register
    sheet = tmp_path / "cloture.pdf"
    data = console.data("closing", "--count", "MGP26=97", "--count", "lyon26=10", "-o", str(sheet))
    assert data["head_hash"] == journal_head(console.database)
    assert [(c["programme_code"], c["expected"], c["counted"]) for c in data["counts"]] == [
        ("LYON26", 10, 10),
        ("MGP26", 97, 97),
    ]
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(sheet).pages)
    assert data["head_hash"] in text.replace(" ", "")
    with sqlite3.connect(console.database) as connection:
        kind, details = connection.execute(
            "SELECT kind, details FROM ledger_event ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert kind == "closed" and json.loads(details)["mode"] == "counted"
    assert console.run("check").status == 0


def test_closing_from_a_file_of_scans_lists_differences_by_serial(
    register: tuple[Any, Any], tmp_path: Path, kit: Any
) -> None:
    console, _made = register
    scanned = [kit.booklet(n) for n in range(3, 100) if n != 50]
    scanned += [kit.booklet(n, kit.OTHER_PROGRAMME) for n in range(1, 11)] + [kit.booklet(1)]
    file = tmp_path / "scans.txt"
    file.write_text("\ufeff" + "\n".join(scanned) + "\n\n", encoding="utf-8")

    refused = console.run("closing", "--scanned", str(file))
    assert refused.status == 2 and "expliquez" in refused.err

    result = console.ok("closing", "--scanned", str(file), "--explanation", "Carnet 50 au guichet.")
    assert f"  {kit.booklet(50)}" in result.out
    assert f"  {kit.booklet(1)} (remis)" in result.out


def test_a_typo_in_the_file_of_scans_is_refused_with_its_line_and_nothing_is_recorded(
    register: tuple[Any, Any], tmp_path: Path, kit: Any
) -> None:
    console, _made = register
    lines = [kit.booklet(n) for n in range(3, 100)] + [kit.mistype(kit.booklet(7))]
    file = tmp_path / "scans.txt"
    file.write_text("\n".join(lines), encoding="utf-8")
    before = kit.dump(console.database)

    result = console.run("closing", "--scanned", str(file), "--explanation", "x")
    assert result.status == 2
    assert "Ligne 98 de scans.txt" in result.err and "clé de contrôle" in result.err
    assert "Rien n'a été enregistré" in result.err
    assert kit.dump(console.database) == before

    for args in ((), ("--count", "MGP26=97", "--scanned", str(file)), ("--count", "MGP26")):
        result = console.run("closing", *args)
        assert result.status == 2 and "Traceback" not in result.err
    assert kit.dump(console.database) == before
