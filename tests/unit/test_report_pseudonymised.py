"""The individual-level export for a funder who asks: pseudonyms keyed per funder, no names,
birth year only, commune only, a header that says so; the key never leaves the database."""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from passdesk.errors import InvalidInput
from passdesk.services import Services
from passdesk.services.report_figures import ReportQuery
from tests.unit import report_fixtures
from tests.unit.report_desk import PERIOD

report_desk = report_fixtures.report_desk
report_path = report_fixtures.report_path
reports = report_fixtures.reports


def export(services: Services, funder: str, path: Path, **options: str) -> list[list[str]]:
    admin = services.accounts.actor("admin")
    count = services.pseudonymised.write(
        admin, ReportQuery(*PERIOD, funder=funder), path, **options
    )
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert len(rows) == 3 + count
    return rows


def test_one_row_per_handout_and_programme_without_names(
    reports: Services, tmp_path: Path, report_path: Path
) -> None:
    rows = export(reports, "Métropole de Lyon", tmp_path / "metropole.csv")
    header, blank, columns, *data = rows
    assert "Données pseudonymisées pour Métropole de Lyon" in header[0]
    assert "aucun nom, année de naissance seule, commune seule" in header[0]
    assert blank == []
    assert columns == [
        "Pseudonyme",
        "Année de naissance",
        "Commune",
        "Public cible",
        "Besoins",
        "Date de remise",
        "Opération",
        "Carnets",
        "Chèques",
        "Valeur faciale",
        "Chèques utilisés",
    ]
    # MGP19 only (the Métropole does not fund CD69): P1-P28 and P21's second handout.
    assert len(data) == 29 and {r[6] for r in data} == {"MGP19"}
    assert len({r[0] for r in data}) == 28  # P21 has the same pseudonym twice
    text = (tmp_path / "metropole.csv").read_text(encoding="utf-8-sig")
    assert "Personne" not in text and "Test" not in text  # no name
    assert "69100" not in text and "Villeurbanne" in text  # commune only
    assert not any(r[1] and len(r[1]) != 4 for r in data)  # the year alone
    assert "15/06/2001" not in text and "2001-06-15" not in text
    seven = [r for r in data if r[10] == "3"]  # P5's MGP19 7, three vouchers used
    # The commune as the person's file writes it (P5's in lower case).
    assert seven and seven[0][1:4] == ["2008", "villeurbanne", "Jeune sans qualification"]
    assert seven[0][7:10] == ["1", "10", "100,00"]


def test_a_funder_keeps_its_pseudonyms_another_gets_others(
    reports: Services, tmp_path: Path, report_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    first = export(reports, "État", tmp_path / "a.csv")
    again = export(reports, "État", tmp_path / "b.csv")
    other = export(reports, "Métropole de Lyon", tmp_path / "c.csv")
    assert [r[0] for r in first[3:]] == [r[0] for r in again[3:]]
    assert not {r[0] for r in first[3:]} & {r[0] for r in other[3:]}
    connection = sqlite3.connect(report_path)
    keys = dict(connection.execute("SELECT name, pseudonym_key FROM funder").fetchall())
    connection.close()
    assert keys["État"] and keys["Métropole de Lyon"] and keys["État"] != keys["Métropole de Lyon"]
    assert keys["CAF du Rhône"] is None  # made only when a funder asks
    for path in (tmp_path / "a.csv", tmp_path / "c.csv"):
        assert keys["État"] not in path.read_text(encoding="utf-8-sig")
    assert all(keys["État"] not in r.getMessage() for r in caplog.records)


def test_cp1252_and_a_funder_is_required(reports: Services, tmp_path: Path) -> None:
    admin = reports.accounts.actor("admin")
    path = tmp_path / "caf.csv"
    count = reports.pseudonymised.write(
        admin, ReportQuery(*PERIOD, funder="CAF du Rhône"), path, encoding="cp1252"
    )
    assert count == 9  # P12-P20's CD69 booklets
    assert "Données pseudonymisées".encode("cp1252") in path.read_bytes()
    with pytest.raises(InvalidInput) as caught:
        reports.pseudonymised.write(admin, ReportQuery(*PERIOD), tmp_path / "x.csv")
    assert caught.value.field == "funder"
    with pytest.raises(InvalidInput):
        reports.pseudonymised.write(
            admin,
            ReportQuery(date(2026, 5, 1), date(2026, 4, 1), funder="État"),
            tmp_path / "y.csv",
        )
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "y.csv").exists()


def test_a_refused_export_makes_no_key(
    reports: Services, tmp_path: Path, report_path: Path
) -> None:
    admin = reports.accounts.actor("admin")
    query = ReportQuery(*PERIOD, programme="MGP19", funder="CAF du Rhône")  # CAF: CD69 only
    with pytest.raises(InvalidInput):
        reports.pseudonymised.write(admin, query, tmp_path / "caf.csv")
    connection = sqlite3.connect(report_path)
    assert connection.execute(
        "SELECT count(*) FROM funder WHERE pseudonym_key IS NOT NULL"
    ).fetchone() == (0,)
    connection.close()
    assert not (tmp_path / "caf.csv").exists()


def test_a_booklet_given_short_counts_the_vouchers_given(reports: Services, tmp_path: Path) -> None:
    # P2's MGP19 34 left on 1 May without its voided voucher 1: 9 vouchers, 90 EUR, 9 used.
    path = tmp_path / "may.csv"
    count = reports.pseudonymised.write(
        reports.accounts.actor("admin"),
        ReportQuery(date(2026, 5, 1), date(2026, 5, 31), funder="État"),
        path,
    )
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert count == 1
    assert rows[3][6:11] == ["MGP19", "1", "9", "90,00", "9"]
