"""`passdesk-admin backup` on a PostgreSQL server: create, verify and restore round trip through
pg_dump, pg_restore and psql; the receipts go on past every number printed, the password is
never printed, and every server connection is closed (warnings are errors)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from tests.acceptance.conftest import Console, build_register
from tests.pg_server import PASSWORD, PASSWORD_ROLE, PostgresServer

if TYPE_CHECKING:
    from tests.acceptance.conftest import Register

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_register(
    postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[Console, Register]]:
    """The acceptance register, built through the console in a database the password role
    owns (its URL holds the password)."""
    postgres_server.create_database("console_backup", owner=PASSWORD_ROLE)
    url = postgres_server.url("console_backup", user=PASSWORD_ROLE, password=PASSWORD)
    console = Console(cast(Path, url), capsys)  # `str(database)` is the URL, untouched
    try:
        yield console, build_register(console)
    finally:
        postgres_server.drop_database("console_backup")


def give(console: Console, person: int) -> str:
    row = console.data("handout", "--beneficiary", str(person), "--next", "--programme", "LYON26")
    return str(row["receipt_number"])


def number(receipt: str) -> int:
    return int(receipt.split("-")[1])


def test_create_verify_restore_round_trip_on_postgresql(
    pg_register: tuple[Console, Register],
) -> None:
    console, made = pg_register
    lucja = made.people["Łucja"]
    created = console.ok("backup", "create")
    assert "Sauvegarde écrite et vérifiée" in created.err
    listed = console.data("backup", "list")
    assert len(listed) == 1 and listed[0]["path"].endswith("-manual.dump")
    assert "Archive PostgreSQL : lisible." in console.ok("backup", "verify").err

    printed = [give(console, lucja) for _ in range(2)]
    done = console.ok("backup", "restore", "1", "--yes")
    for receipt in printed:
        assert re.search(rf"· remis · .* · récépissé {receipt}", done.err)
    assert "Sauvegarde restaurée." in done.err

    receipt = give(console, lucja)  # after the lost ones, never one of their numbers
    assert number(receipt) == number(printed[-1]) + 1
    assert console.ok("check").status == 0
    for _args, result in console.history:
        assert PASSWORD not in result.out + result.err
