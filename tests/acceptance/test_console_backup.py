"""`passdesk-admin backup`: create, list, verify, restore from the console, as an IT contact's
script would; a restore says exactly what it loses, asks first, and never brings a receipt
number back."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from passdesk.store import pg_backups

if TYPE_CHECKING:
    from conftest import Console, Kit, Register

REFUSED, ENVIRONMENT = 1, 3


def give(console: Console, person: int, programme: str = "LYON26") -> str:
    row = console.data("handout", "--beneficiary", str(person), "--next", "--programme", programme)
    return str(row["receipt_number"])


def events_after(database: Path, last: int) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute(
            "SELECT id, kind FROM ledger_event WHERE id > ? ORDER BY id", (last,)
        ).fetchall()


def last_event(database: Path) -> int:
    with closing(sqlite3.connect(database)) as connection:
        return int(connection.execute("SELECT max(id) FROM ledger_event").fetchone()[0])


def test_create_list_verify_restore_round_trip(
    register: tuple[Console, Register], kit: Kit
) -> None:
    console, made = register
    lucja = made.people["Łucja"]
    created = console.ok("backup", "create")
    assert "Sauvegarde écrite et vérifiée" in created.err
    kept = last_event(console.database)
    before = kit.dump(console.database)

    listed = console.data("backup", "list")
    assert [row["index"] for row in listed] == [1]
    assert listed[0]["kind"] == "manual" and listed[0]["in_data_folder"] is True
    assert "faite à la main" in console.ok("backup", "list").out

    verified = console.ok("backup", "verify")
    assert "Fichier de sauvegarde : intact." in verified.err
    assert "chaîne intacte" in verified.err

    printed = [give(console, lucja) for _ in range(2)]
    lost = events_after(console.database, kept)
    assert len(lost) == 2

    done = console.ok("backup", "restore", "1", "--yes")
    for number, _kind in lost:
        assert re.search(
            rf"n° {number} · remis · .* · récépissé {printed[number - lost[0][0]]}", done.err
        )
    assert (
        "Événements du journal enregistrés après cette sauvegarde qui seront perdus (2)" in done.err
    )
    assert "Sauvegarde restaurée." in done.err
    after = kit.dump(console.database)
    assert {t: rows for t, rows in after.items() if t != "receipt_counter"} == {
        t: rows for t, rows in before.items() if t != "receipt_counter"
    }
    # The next receipt follows the last one printed, never one of the lost handouts' numbers.
    receipt = give(console, lucja)
    assert receipt not in printed
    assert int(receipt.split("-")[1]) == int(printed[-1].split("-")[1]) + 1
    assert console.ok("check").status == 0

    # The database as it was before the restore is listed (and restorable) too.
    kinds = [row["kind"] for row in console.data("backup", "list")]
    assert kinds == ["before-restore", "manual"]


def test_a_restore_asks_first_and_a_script_must_say_yes(
    register: tuple[Console, Register], kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    console, made = register
    console.ok("backup", "create")
    give(console, made.people["Łucja"])
    before = kit.dump(console.database)

    refused = console.run("backup", "restore", "1")  # standard input is not a terminal
    assert refused.status == REFUSED
    assert "--yes" in refused.err and "Rien n'a été modifié" in refused.err
    assert "seront perdus (1)" in refused.err  # it still says what would be lost
    assert kit.dump(console.database) == before

    class Terminal:
        def __init__(self, answer: str) -> None:
            self.answer = answer

        def isatty(self) -> bool:
            return True

        def readline(self) -> str:
            return self.answer

    declined = console.run("backup", "restore", "1", stdin=Terminal("non\n"))
    assert declined.status == REFUSED and "Tapez oui pour confirmer" in declined.err
    assert kit.dump(console.database) == before
    assert console.run("backup", "restore", "1", stdin=Terminal("oui\n")).status == 0
    assert kit.dump(console.database) != before


def test_bad_backup_references_are_refused_in_french(
    register: tuple[Console, Register], kit: Kit, tmp_path: Path
) -> None:
    console, _made = register
    before = kit.dump(console.database)
    result = console.run("backup", "restore", "7", "--yes")
    assert result.status == 2 and "pas de sauvegarde n° 7" in result.err
    result = console.run("backup", "verify", str(tmp_path / "absent.sqlite3"))
    assert result.status == 2 and "Aucun fichier de sauvegarde" in result.err
    foreign = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute("CREATE TABLE t(x)")
        connection.commit()
    result = console.run("backup", "verify", str(foreign))
    assert result.status == REFUSED and "ce n'est pas une base PassDesk" in result.err
    result = console.run("backup", "restore", str(foreign), "--yes")
    assert result.status == REFUSED and "Traceback" not in result.err
    assert kit.dump(console.database) == before


def test_list_and_verify_never_create_a_missing_database(
    register: tuple[Console, Register], kit: Kit, tmp_path: Path
) -> None:
    console, _made = register
    console.ok("backup", "create")
    missing = tmp_path / "lost" / "perdu.sqlite3"
    elsewhere = console.run("--database", str(missing), "backup", "list")
    assert elsewhere.status == 0 and "Aucune sauvegarde" in elsewhere.out
    assert not missing.exists() and not missing.parent.exists()


def test_a_lost_database_file_is_restored_without_an_agent(
    register: tuple[Console, Register], kit: Kit
) -> None:
    console, made = register
    console.ok("backup", "create")
    printed = give(console, made.people["Łucja"])
    for path in console.database.parent.glob(console.database.name + "*"):
        path.unlink()
    restored = console.ok("backup", "restore", "1", "--yes")
    assert "il n'y a pas de base de données" in restored.err
    receipt = give(console, made.people["Łucja"])
    assert int(receipt.split("-")[1]) == int(printed.split("-")[1]) + 1
    assert console.ok("check").status == 0


def test_the_real_script_backs_up_and_restores(
    register: tuple[Console, Register], kit: Kit
) -> None:
    console, _made = register
    db = str(console.database)
    done = kit.run_installed("--database", db, "backup", "create")
    assert done.status == 0 and "Traceback" not in done.err, done
    done = kit.run_installed("--database", db, "--json", "backup", "list")
    assert done.status == 0 and len(done.json()) == 1
    done = kit.run_installed("--database", db, "backup", "restore", "1", "--yes")
    assert done.status == 0 and "Aucun événement du journal" in done.err, done


def test_postgresql_without_its_client_tools_says_how(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from passdesk.errors import EnvironmentProblem

    monkeypatch.setattr(pg_backups.shutil, "which", lambda _name: None)
    with pytest.raises(EnvironmentProblem) as caught, open(tmp_path / "x.dump", "wb") as stream:
        pg_backups.dump("postgresql+psycopg://desk:secret@server/passdesk", stream)
    message = caught.value.message
    assert "pg_dump n'est pas installé" in message and "postgresql-client" in message
    assert "secret" not in message


def test_postgresql_addresses_keep_the_password_off_the_command_line() -> None:
    address, environment = pg_backups._connection(
        "postgresql+psycopg://desk:s3cr%40t@server:5433/passdesk?sslmode=require"
    )
    assert address == "postgresql://desk@server:5433/passdesk?sslmode=require"
    assert environment["PGPASSWORD"] == "s3cr@t"
    address, environment = pg_backups._connection(
        "postgresql+psycopg://desk@server/passdesk?password=s3cret&sslmode=require"
    )
    assert address == "postgresql://desk@server/passdesk?sslmode=require"
    assert environment["PGPASSWORD"] == "s3cret"
