"""Fixtures of the register's unit tests: a real SQLite file, a clock the test moves, a set-up desk.

Every fixture builds on the one before: `db` (a migrated file under tmp_path), `services` (on that
file, with `clock`), `admin` (the desk exists), `supervisor` and `agent`, `programme` (two
funders, a limit per person), `lot` (booklets in stock), `person` (a registered beneficiary).
`raw` (and `raw_db(path)` for other files) reads the file through a separate sqlite3 connection, so that a test
sees what was really committed rather than what a session remembers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from passdesk.models import Role
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from passdesk.store import Database, open_database

# Noon UTC: the same calendar day in every time zone a desk can be in (UTC-11 .. UTC+11).
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

PROGRAMME_CODE = "MGP19"
PROGRAMME_FROM = date(2026, 1, 1)
PROGRAMME_UNTIL = date(2027, 6, 30)
PROGRAMME_LIMIT = 2
PROGRAMME_VOUCHERS = 10
PROGRAMME_FACE_VALUE = Decimal("10.00")
FUNDERS = (("État", Decimal("45")), ("Métropole de Lyon", Decimal("55")))

OTHER_CODE = "PN26"
LOT_FIRST = 1
LOT_COUNT = 12

TABLES = (
    "desk",
    "agent",
    "funder",
    "programme",
    "funder_share",
    "stock_lot",
    "booklet",
    "voucher",
    "beneficiary",
    "name_token",
    "handout",
    "handout_booklet",
    "receipt_counter",
    "ledger_event",
    "ledger_head",
)


class MovableClock:
    """The services' clock: returns `now`, which the test sets or advances."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def set_date(self, day: date) -> None:
        """Noon UTC of `day`."""
        self.now = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class RawDb:
    """Plain sqlite3 access to the database file, outside SQLAlchemy."""

    path: Path

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(self.path)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        """Run one write statement in autocommit; returns the number of rows it changed."""
        connection = sqlite3.connect(self.path, isolation_level=None)
        try:
            return connection.execute(sql, params).rowcount
        finally:
            connection.close()

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def counts(self) -> dict[str, int]:
        return {table: self.scalar(f"SELECT count(*) FROM {table}") for table in TABLES}

    def dump(self) -> list[str]:
        """Every row of every table, as SQL text (compares two states of the register)."""
        connection = sqlite3.connect(self.path)
        try:
            return list(connection.iterdump())
        finally:
            connection.close()


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "register.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def raw(db: Database, db_path: Path) -> RawDb:
    return RawDb(db_path)


@pytest.fixture
def raw_db() -> type[RawDb]:
    """`raw_db(path)`: plain sqlite3 access to any database file."""
    return RawDb


@pytest.fixture
def services(db: Database, clock: MovableClock) -> Services:
    return Services.build(db, clock)


@pytest.fixture
def admin(services: Services) -> Actor:
    return services.accounts.init_desk(name="Mairie de Villeurbanne", admin_login="admin")


def _add_agent(services: Services, admin: Actor, login: str, name: str, role: Role) -> Actor:
    services.accounts.add_agent(admin, login=login, display_name=name, role=role)
    return services.accounts.actor(login)


@pytest.fixture
def supervisor(services: Services, admin: Actor) -> Actor:
    return _add_agent(services, admin, "claire.martin", "Claire Martin", Role.SUPERVISOR)


@pytest.fixture
def agent(services: Services, admin: Actor) -> Actor:
    return _add_agent(services, admin, "yanis.benali", "Yanis Benali", Role.AGENT)


@pytest.fixture
def programme(services: Services, admin: Actor) -> ProgrammeRow:
    return services.programmes.add(
        admin,
        code=PROGRAMME_CODE,
        name="Pass Numérique Métropole",
        face_value=PROGRAMME_FACE_VALUE,
        vouchers_per_booklet=PROGRAMME_VOUCHERS,
        valid_from=PROGRAMME_FROM,
        valid_until=PROGRAMME_UNTIL,
        funders=FUNDERS,
        limit_per_person=PROGRAMME_LIMIT,
    )


@pytest.fixture
def other_programme(services: Services, admin: Actor) -> ProgrammeRow:
    """A second programme without a limit per person, 5 vouchers a booklet, 20 booklets."""
    row = services.programmes.add(
        admin,
        code=OTHER_CODE,
        name="Pass Numérique Département",
        face_value="20",
        vouchers_per_booklet=5,
        valid_from=PROGRAMME_FROM,
        valid_until=date(2026, 12, 31),
        funders=[("Conseil départemental", Decimal("100"))],
    )
    services.stock.receive(admin, programme_code=OTHER_CODE, first_booklet=1, count=20)
    return row


@pytest.fixture
def lot(services: Services, admin: Actor, programme: ProgrammeRow) -> LotRow:
    return services.stock.receive(
        admin,
        programme_code=programme.code,
        first_booklet=LOT_FIRST,
        count=LOT_COUNT,
        source="Préfecture du Rhône",
    )


def person_input(
    last_name: str = "N'Diaye",
    first_name: str = "Hélène",
    birth_date: str | date | None = "1985-04-12",
    **extra: Any,
) -> BeneficiaryInput:
    return BeneficiaryInput(
        last_name=last_name, first_name=first_name, birth_date=birth_date, **extra
    )


@pytest.fixture
def person(services: Services, agent: Actor) -> BeneficiaryRow:
    return services.beneficiaries.register(
        agent,
        person_input(
            postcode="69100", commune="Villeurbanne", phone="06 12 34 56 78", consent=True
        ),
    )
