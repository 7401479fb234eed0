"""The console on a PostgreSQL server: each refusal of the server told apart in French (exit 3,
never the advice to restore a backup), no password printed, search under a French collation,
text too long for its column refused as bad input (exit 2, not a bug's exit 4)."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator

import pytest

from passdesk.cli import main
from tests.pg_server import PASSWORD, PASSWORD_ROLE, PostgresServer, free_port

pytestmark = pytest.mark.postgres

ADMIN_PASSWORD = "girafe-tambour-citron"


def _run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("PASSDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setattr(sys, "stdin", io.StringIO(ADMIN_PASSWORD + "\n"))
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def database(postgres_server: PostgresServer) -> Iterator[str]:
    """An empty database the password role owns, as an IT contact would create it."""
    postgres_server.create_database("console_desk", owner=PASSWORD_ROLE)
    try:
        yield postgres_server.url("console_desk", user=PASSWORD_ROLE, password=PASSWORD)
    finally:
        postgres_server.drop_database("console_desk")


@pytest.fixture
def french_desk(
    postgres_server: PostgresServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """A desk in a database with a French ICU collation."""
    url = postgres_server.create_database("console_fr", icu_locale="fr-FR")
    try:
        status, _out, err = _run(capsys, monkeypatch, "--database", url, "init", "--desk", "CCAS")
        assert status == 0, err
        yield url
    finally:
        postgres_server.drop_database("console_fr")


def test_init_prints_the_database_address_without_its_password(
    database: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, err = _run(
        capsys, monkeypatch, "--database", database, "init", "--desk", "CCAS", "--password-stdin"
    )
    assert status == 0, err
    assert PASSWORD not in out + err
    assert f"postgresql+psycopg://{PASSWORD_ROLE}:***@127.0.0.1:" in out


def _refusal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str) -> str:
    status, out, err = _run(capsys, monkeypatch, "--database", url, "check")
    assert status == 3, err
    assert out == ""
    assert "Traceback" not in err and "sauvegarde" not in err
    assert PASSWORD not in err and "un-autre-secret" not in err
    return err


def test_a_server_that_is_down_is_told_apart(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    url = f"postgresql+psycopg://{PASSWORD_ROLE}:{PASSWORD}@127.0.0.1:{port}/passdesk"
    assert _refusal(capsys, monkeypatch, url).startswith(
        f"Le serveur de base de données 127.0.0.1:{port} ne répond pas"
    )


def test_a_wrong_password_is_told_apart(
    database: str,
    postgres_server: PostgresServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = postgres_server.url("console_desk", user=PASSWORD_ROLE, password="un-autre-secret")
    assert _refusal(capsys, monkeypatch, url).startswith(
        f"Le serveur de base de données 127.0.0.1:{postgres_server.port} a refusé le nom "
        "d'utilisateur ou le mot de passe"
    )


def test_an_unknown_database_is_told_apart(
    postgres_server: PostgresServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = postgres_server.url("pas_de_base", user=PASSWORD_ROLE, password=PASSWORD)
    assert _refusal(capsys, monkeypatch, url).startswith(
        f"Le serveur de base de données 127.0.0.1:{postgres_server.port} n'a pas de base "
        "nommée pas_de_base."
    )


def test_a_database_that_answers_but_cannot_be_used_is_told_apart(
    french_desk: str,
    postgres_server: PostgresServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The desk's tables belong to another role: the password role may connect, not read."""
    url = postgres_server.url("console_fr", user=PASSWORD_ROLE, password=PASSWORD)
    err = _refusal(capsys, monkeypatch, url)
    assert err.startswith(
        f"La base de données postgresql+psycopg://{PASSWORD_ROLE}:***@127.0.0.1:"
        f"{postgres_server.port}/console_fr répond mais PassDesk ne peut pas s'en servir"
    )


def test_find_martinez_under_a_french_collation(
    french_desk: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _out, err = _run(
        capsys, monkeypatch, "--database", french_desk, "beneficiary", "add",
        "--last-name", "Martinez", "--first-name", "Inès", "--birth-date", "1977-07-07",
    )  # fmt: skip
    assert status == 0, err
    status, out, err = _run(
        capsys, monkeypatch, "--database", french_desk, "--json", "beneficiary", "find", "martinez"
    )
    assert status == 0, err
    assert "Martinez" in out and "Inès" in out


def test_a_commune_too_long_for_its_column_is_bad_input(
    french_desk: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    status, out, err = _run(
        capsys, monkeypatch, "--database", french_desk, "beneficiary", "add",
        "--last-name", "Martin", "--first-name", "Léa", "--birth-date", "1990-01-01",
        "--commune", "Villeurbanne" * 11,
    )  # fmt: skip
    assert (status, out) == (2, "")
    assert err == "Commune : 120 caractères au plus (132 saisis).\n"
    status, out, err = _run(
        capsys, monkeypatch, "--database", french_desk, "--json", "beneficiary", "find", "martin"
    )
    assert status == 0 and "Léa" not in out


def test_a_password_given_in_the_query_is_never_printed(
    database: str,
    postgres_server: PostgresServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"{postgres_server.url('console_desk', user=PASSWORD_ROLE)}?password={PASSWORD}"
    status, out, err = _run(
        capsys, monkeypatch, "--database", url, "init", "--desk", "CCAS", "--password-stdin"
    )
    assert status == 0, err
    assert PASSWORD not in out + err
    assert "password=***" in out


def test_a_server_refusing_a_write_is_told_in_french_with_nothing_changed(
    database: str,
    postgres_server: PostgresServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    status, _out, err = _run(
        capsys, monkeypatch, "--database", database, "init", "--desk", "CCAS", "--password-stdin"
    )
    assert status == 0, err
    with postgres_server.superuser("console_desk") as connection:
        connection.execute(f"REVOKE INSERT ON beneficiary FROM {PASSWORD_ROLE}")
    status, out, err = _run(
        capsys, monkeypatch, "--database", database,
        "beneficiary", "add", "--last-name", "Martin", "--first-name", "Léa",
        "--birth-date", "1980-02-03",
    )  # fmt: skip
    assert status == 3, err
    assert "a refusé cette opération : l'utilisateur de l'adresse" in err, err
    assert "Rien n'a été modifié" in err, err
    assert "Traceback" not in err and PASSWORD not in out + err
    with postgres_server.superuser("console_desk") as connection:
        assert connection.execute("SELECT count(*) FROM beneficiary").fetchone() == (0,)


@pytest.mark.parametrize(
    ("state", "writing", "said"),
    [
        ("53100", False, "Le disque du serveur de base de données server est plein"),
        ("25006", True, "Le serveur de base de données server ne laisse que lire cette base"),
        ("25006", False, None),  # in a read snapshot: PassDesk's own mistake, not the server's
    ],
)
def test_a_full_disk_or_a_read_only_server_is_told_in_french(
    state: str, writing: bool, said: str | None
) -> None:
    """(A hot standby and a full disk are not made here: the server's SQLSTATE is.)"""
    from sqlalchemy.exc import OperationalError

    from passdesk.store import pg_errors

    class Refused(Exception):
        sqlstate = state

    error = OperationalError("INSERT", {}, Refused("refused"))
    url = "postgresql+psycopg://desk:x@server/passdesk"
    problem = pg_errors.refusal(error, url, writing=writing)
    assert (problem.message[: len(said)] if problem else None) == said
