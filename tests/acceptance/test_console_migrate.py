"""`passdesk-admin migrate-to URL` on a real PostgreSQL server: a desk's file moved whole (every
row equal, the same figures, the next receipt number after the last one printed), nothing left
on the server when the copy fails halfway or after it, and each refusal (a server database that
holds a desk or other tables, an address that is not PostgreSQL, a file that is not a PassDesk
register, an agent who is not an administrator) in French, with its exit status and nothing
changed on either side. The address's password is never printed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from passdesk import paths
from passdesk.models import Base
from passdesk.services import open_services
from passdesk.services import server_move as server_move_module
from passdesk.services.server_move import move_to_server
from tests.pg_server import PASSWORD, PASSWORD_ROLE, PostgresServer

pytestmark = pytest.mark.postgres

TARGET = "moved_desk"


@pytest.fixture
def target(postgres_server: PostgresServer) -> Iterator[str]:
    """An empty database the password role owns, as an IT contact would create it; its URL
    with the password in it."""
    postgres_server.create_database(TARGET, owner=PASSWORD_ROLE)
    try:
        yield postgres_server.url(TARGET, user=PASSWORD_ROLE, password=PASSWORD)
    finally:
        postgres_server.drop_database(TARGET)


def server_tables(server: PostgresServer) -> list[str]:
    with server.superuser(TARGET) as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    return [name for (name,) in rows]


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every PassDesk table's rows in primary-key order, as Python values (the same types
    whichever database they come from)."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def migrate(console: Any, url: str, *more: str, **script: Any) -> Any:
    result = console.run(*more, "migrate-to", url, **script)
    assert "Traceback" not in result.err
    assert PASSWORD not in result.out + result.err
    return result


PLACES_FILE = Path(__file__).parents[1] / "data" / "lieux-mediation-numerique.csv"


def fill_every_table(console: Any, kit: Any, made: Any, tmp: Path) -> None:
    """The register's morning, then what the rest of the day adds: places, a reprinted
    booklet, an operator's serial format, the operator's usage file and its mapping, a call to
    a person, an erasure on request, a setting, a closing and its correction, a second desk
    and a transfer to it: a row in every table."""
    console.ok("places", "import", str(PLACES_FILE))
    console.ok("print", "booklets", kit.booklet(4), "-o", str(tmp / "b.pdf"),
               "--reprint-reason", "abîmé")  # fmt: skip
    console.ok("serial-format", "add", "--name", "OP1", "--prefix", "OP", "--digits", "8",
               "--check", "luhn")  # fmt: skip
    usage = tmp / "usage.csv"
    today = datetime.now().strftime("%d/%m/%Y")  # noqa: DTZ005 - the desk's local day
    usage.write_text(f"code;date;lieu;montant\n{kit.voucher(1)};{today};1;10\n", "utf-8")
    console.ok("usage", "import", str(usage))
    console.ok("usage", "mapping", "Aptic", "--code", "a", "--date", "b", "--place", "c",
               "--amount", "d")  # fmt: skip
    console.ok("followup", "call", str(made.people["Hélène"]), "--outcome", "no_answer")
    # A person erased on request: what the funders' figures keep of them, and the access log.
    console.ok("person", "erase", str(made.people["Łucja"]), "--reason", "demande écrite")
    services = open_services(console.database)  # the settings page's work (no command)
    try:
        services.settings.set(
            services.accounts.actor("admin"), "receipt_footer", "Ouvert du lundi au vendredi"
        )
    finally:
        services.close()
    console.ok("closing", "--count", f"{kit.PROGRAMME}=96", "--count",
               f"{kit.OTHER_PROGRAMME}=10", "--explanation", "un carnet introuvable")  # fmt: skip
    console.ok("closing", "--count", f"{kit.PROGRAMME}=97", "--count",
               f"{kit.OTHER_PROGRAMME}=10", "--explanation", "retrouvé")  # fmt: skip
    # A territory: a second desk, and five booklets transferred to it (after the closings,
    # which counted the desk's stock whole).
    services = open_services(console.database)
    try:
        admin = services.accounts.actor("admin")
        services.desks.add_desk(
            admin, code="VAULX", name="CCAS de Vaulx-en-Velin", admin_login="vadmin"
        )
        services.transfers.transfer(
            admin, programme=kit.PROGRAMME, first_booklet=90, count=5, to_desk="VAULX"
        )
    finally:
        services.close()


def test_a_desk_moves_whole_and_carries_on_where_it_stopped(
    register: Any, kit: Any, target: str, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    console, made = register
    fill_every_table(console, kit, made, tmp_path)
    before = kit.dump(console.database)
    empty = [name for name, rows in before.items() if not rows]
    assert empty == [], f"the round trip would not prove these tables: {empty}"
    moved = migrate(console, target, as_json=True)
    assert moved.status == 0, moved
    assert "postgresql+psycopg://passdesk_pw:***@127.0.0.1:" in moved.err
    report = moved.json()
    assert report["census"]["people"] == 3
    assert report["census"]["handouts"] == 3 and report["census"]["cancelled_handouts"] == 1
    assert report["census"]["booklets"] == {"handed_out": 2, "in_stock": 107, "voided": 1}
    assert kit.dump(console.database) == before  # the file is left as it was

    file_url = f"sqlite:///{console.database}"
    assert every_row(target) == every_row(file_url)
    on_server = console.run("--database", target, "check", as_json=True, credentials=False)
    on_file = console.run("check", as_json=True, credentials=False)
    assert on_server.status == on_file.status == 0
    assert on_server.json()["ledger"] == on_file.json()["ledger"]
    assert on_server.json()["stock"] == on_file.json()["stock"]

    # The desk goes on serving on the server: new ids and the next receipt number.
    person = console.data(
        "--database", target, "beneficiary", "add",
        "--last-name", "Rossi", "--first-name", "Chiara", "--birth-date", "1999-09-09",
    )  # fmt: skip
    given = console.data(
        "--database", target, "handout", "--beneficiary", str(person["id"]),
        "--booklet", kit.booklet(4),
    )  # fmt: skip
    printed = sorted(made.receipts.values())
    year, last = printed[-1].split("-")
    assert given["receipt_number"] == f"{year}-{int(last) + 1:0{len(last)}d}"
    assert given["receipt_number"] not in printed
    assert given["id"] == max(made.handouts.values()) + 1
    assert console.run("--database", target, "check", credentials=False).status == 0
    logged = (paths.log_dir() / "passdesk.log").read_text(encoding="utf-8")
    assert "migrate-to" in logged and "passdesk_pw:***@" in logged
    assert PASSWORD not in logged


@pytest.mark.parametrize(
    ("commune", "reason"),
    [
        ("Villeurbanne" * 20, "un texte dépasse la longueur que permet la colonne du serveur"),
        ("Villeur\x00banne", "un texte contient un caractère invisible NUL"),
    ],
    ids=["too long", "NUL"],
)
def test_a_failure_halfway_leaves_nothing_on_the_server(
    register: Any,
    kit: Any,
    target: str,
    postgres_server: PostgresServer,
    commune: str,
    reason: str,
) -> None:
    """SQLite keeps a commune the server cannot store; the server refuses it at the table of
    people, after the desk, its agents and programmes were copied."""
    console, made = register
    with sqlite3.connect(console.database) as connection:
        connection.execute(
            "UPDATE beneficiary SET commune = ? WHERE id = ?", (commune, made.people["Hélène"])
        )
    connection.close()
    before = kit.dump(console.database)
    failed = migrate(console, target)
    assert failed.status == 3, failed
    assert failed.err.startswith(
        f"Le serveur a refusé une ligne de la table beneficiary : {reason}."
    ), failed.err
    assert "Villeur" not in failed.err and "Hélène" not in failed.err
    assert server_tables(postgres_server) == []
    assert kit.dump(console.database) == before


def test_a_failure_after_the_last_table_leaves_nothing_on_the_server(
    register: Any, target: str, postgres_server: PostgresServer
) -> None:
    console, _made = register
    copied: list[str] = []

    def fail_at_the_end(table: str, rows: int) -> None:
        copied.append(table)
        if table == Base.metadata.sorted_tables[-1].name:
            raise OSError("the disk of this PC failed")

    services = open_services(console.database)
    try:
        admin = services.accounts.actor("admin")
        with pytest.raises(OSError):
            move_to_server(services, admin, target, progress=fail_at_the_end)
    finally:
        services.close()
    assert len(copied) == len(Base.metadata.sorted_tables)
    assert server_tables(postgres_server) == []


def test_a_server_check_that_disagrees_takes_the_copy_away(
    register: Any, target: str, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    console, _made = register
    real = server_move_module._check_server

    def one_person_missing(url: str) -> Any:
        report, figures = real(url)
        assert server_tables(postgres_server)  # committed at this point
        return report, server_move_module.Census(**{**vars(figures), "people": figures.people - 1})

    monkeypatch.setattr(server_move_module, "_check_server", one_person_missing)
    failed = migrate(console, target)
    assert failed.status == 3, failed
    assert "ne donne pas les mêmes chiffres" in failed.err, failed.err
    assert server_tables(postgres_server) == []


def test_a_server_database_that_holds_a_desk_is_refused(
    register: Any, target: str, postgres_server: PostgresServer
) -> None:
    console, _made = register
    assert migrate(console, target).status == 0
    held = every_row(target)
    again = migrate(console, target)
    assert again.status == 1, again
    assert "contient déjà la structure « France Services Lyon 8e »" in again.err, again.err
    assert every_row(target) == held


def test_a_server_database_with_other_tables_is_refused(
    register: Any, target: str, postgres_server: PostgresServer
) -> None:
    console, _made = register
    with postgres_server.superuser(TARGET) as connection:
        connection.execute("CREATE TABLE invoices (id integer)")
    refused = migrate(console, target)
    assert refused.status == 1, refused
    assert "contient déjà d'autres tables (invoices)" in refused.err, refused.err
    assert server_tables(postgres_server) == ["invoices"]


@pytest.mark.parametrize(
    "url",
    ["sqlite:///{tmp}/autre.sqlite3", "{tmp}/autre.sqlite3", "mysql://u:secret@h/passdesk", "::"],
)
def test_an_address_that_is_not_postgresql_is_bad_input(
    register: Any, kit: Any, tmp_path: Path, url: str
) -> None:
    console, _made = register
    before = kit.dump(console.database)
    refused = migrate(console, url.format(tmp=tmp_path))
    assert refused.status == 2, refused
    assert "PostgreSQL" in refused.err and "secret" not in refused.err
    assert not (tmp_path / "autre.sqlite3").exists()
    assert kit.dump(console.database) == before


def test_a_file_that_is_not_a_passdesk_register_is_refused(
    console: Any, tmp_path: Path, target: str, postgres_server: PostgresServer
) -> None:
    other = tmp_path / "comptabilite.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    connection.close()
    content = other.read_bytes()
    refused = migrate(console, target, "--database", str(other))
    assert refused.status == 3, refused
    assert "n'est pas une base PassDesk" in refused.err, refused.err
    assert other.read_bytes() == content and not Path(f"{other}-wal").exists()
    missing = migrate(console, target, "--database", str(tmp_path / "absent.sqlite3"))
    assert missing.status == 3 and "Aucune base" in missing.err, missing
    assert not (tmp_path / "absent.sqlite3").exists()
    assert server_tables(postgres_server) == []


def test_a_register_that_does_not_check_is_not_moved(
    register: Any, kit: Any, target: str, postgres_server: PostgresServer
) -> None:
    console, _made = register
    with sqlite3.connect(console.database) as connection:  # a booklet put back by hand
        connection.execute("UPDATE booklet SET status = 'in_stock' WHERE number = 1")
    connection.close()
    refused = migrate(console, target)
    assert refused.status == 1, refused
    assert "passdesk-admin check" in refused.err
    assert server_tables(postgres_server) == []


def test_only_an_administrator_moves_the_desk(
    register: Any, target: str, postgres_server: PostgresServer
) -> None:
    console, _made = register
    refused = migrate(console, target, "--agent", "marie")
    assert refused.status == 1, refused
    assert "Votre rôle ne permet pas" in refused.err
    assert server_tables(postgres_server) == []


def test_a_wrong_server_password_is_told_without_printing_it(
    register: Any, target: str, postgres_server: PostgresServer
) -> None:
    console, _made = register
    wrong = postgres_server.url(TARGET, user=PASSWORD_ROLE, password="un-autre-secret")
    refused = migrate(console, wrong)
    assert refused.status == 3, refused
    assert "a refusé le nom d'utilisateur ou le mot de passe" in refused.err
    assert "un-autre-secret" not in refused.err
    assert server_tables(postgres_server) == []


@pytest.mark.slow
def test_the_demonstration_desk_moves_into_a_french_collation(
    console: Any, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    """The small demo (places, handouts, cancellations, voids, closings...) into a database
    with a French ICU collation, as a French server's would be; then found by name there."""
    from passdesk import demo
    from passdesk.demo import data

    services = open_services(console.database)
    try:
        demo.build(services, scale="small")
        admin = services.accounts.actor(None).login
    finally:
        services.close()
    url = postgres_server.create_database(TARGET, icu_locale="fr-FR")
    try:
        moved = _as_demo_admin(console, admin, data.PASSWORD, "migrate-to", url)
        assert moved.status == 0, moved
        assert every_row(url) == every_row(f"sqlite:///{console.database}")
        some = every_row(url)["beneficiary"][0]
        columns = [c.name for c in Base.metadata.tables["beneficiary"].columns]
        last_name = some[columns.index("last_name")]
        found = _as_demo_admin(
            console, admin, data.PASSWORD, "--database", url, "--json", "beneficiary", "find",
            last_name.lower(),
        )  # fmt: skip
        assert found.status == 0 and last_name.upper() in found.out.upper(), found
    finally:
        postgres_server.drop_database(TARGET)


def _as_demo_admin(console: Any, login: str, password: str, *args: str) -> Any:
    return console.run(
        "--agent", login, "--password-stdin", *args, credentials=False, stdin=password + "\n"
    )


def test_the_desks_file_takes_no_write_while_it_moves(register: Any, target: str) -> None:
    """Another window's handout during the copy would be missing on the server: it waits."""
    console, _made = register
    tried: list[str] = []

    def another_window_writes(table: str, rows: int) -> None:
        if table == "handout":
            other = sqlite3.connect(console.database, timeout=0)
            try:
                other.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                tried.append(str(error))
            finally:
                other.close()

    services = open_services(console.database)
    try:
        move_to_server(
            services, services.accounts.actor("admin"), target, progress=another_window_writes
        )
    finally:
        services.close()
    assert tried == ["database is locked"]


def test_a_user_who_may_not_create_tables_is_told_so(
    register: Any, postgres_server: PostgresServer
) -> None:
    console, _made = register
    postgres_server.create_database(TARGET)  # the superuser's: the password role may not write
    try:
        refused = migrate(
            console, postgres_server.url(TARGET, user=PASSWORD_ROLE, password=PASSWORD)
        )
        assert refused.status == 3, refused
        assert "n'a pas le droit de créer des tables" in refused.err, refused.err
        assert server_tables(postgres_server) == []
    finally:
        postgres_server.drop_database(TARGET)


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_an_address_without_a_driver_is_taken_with_psycopg(
    register: Any, target: str, scheme: str
) -> None:
    """An IT contact writes postgresql://...; the driver PassDesk ships is psycopg."""
    console, _made = register
    plain = target.replace("postgresql+psycopg://", f"{scheme}://")
    assert migrate(console, plain).status == 0
    on_server = console.run("--database", plain, "check", credentials=False)
    assert on_server.status == 0, on_server
    assert PASSWORD not in on_server.out + on_server.err


def test_a_server_database_passdesk_opened_but_left_empty_is_filled(
    register: Any, target: str, postgres_server: PostgresServer
) -> None:
    """A PC pointed at the server before the move made the tables (no desk, no row)."""
    console, _made = register
    open_services(target).close()
    assert "desk" in server_tables(postgres_server)
    moved = migrate(console, target)
    assert moved.status == 0, moved
    assert every_row(target) == every_row(f"sqlite:///{console.database}")
