"""Fixtures of the register's unit tests: a real SQLite file, a clock the test moves, a set-up desk.

Every fixture builds on the one before: `db` (a migrated file under tmp_path), `services` (on that
file, with `clock`), `admin` (the desk exists), `supervisor` and `agent`, `programme` (two
funders, a limit per person), `lot` (booklets in stock, delivered printed) or `site_lot` (the
same booklets, to print on site), `person` (a registered beneficiary).
The file `db` opens is a copy of a template holding exactly the parts the test asks for
(tests/desks.py: `unit_plan`), made once per session; the part fixtures return what was made.
`raw` (and `raw_db(path)` for other files) reads the file through a separate sqlite3 connection, so that a test
sees what was really committed rather than what a session remembers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from passdesk.services import Services
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from passdesk.store import Database, open_database
from tests.desks import (
    AGENT_LOGIN,
    OTHER_CODE,
    PROGRAMME_CODE,
    START,
    SUPERVISOR_LOGIN,
    Made,
    MovableClock,
    Templates,
    unit_plan,
)

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
def made(request: pytest.FixtureRequest, db_path: Path, desk_templates: Templates) -> Made:
    """Copies the template of the desk parts this test asks for to `db_path`."""
    return desk_templates.copy(unit_plan(request.fixturenames), db_path)


@pytest.fixture
def db(made: Made, db_path: Path) -> Iterator[Database]:
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


# The parts below are in the file already (see `made`); they only say what was made.


@pytest.fixture
def admin(services: Services, made: Made) -> Actor:
    return made["admin"]


@pytest.fixture
def supervisor(admin: Actor, made: Made) -> Actor:
    return made[SUPERVISOR_LOGIN]


@pytest.fixture
def agent(admin: Actor, made: Made) -> Actor:
    return made[AGENT_LOGIN]


@pytest.fixture
def programme(admin: Actor, made: Made) -> ProgrammeRow:
    return made[PROGRAMME_CODE]


@pytest.fixture
def other_programme(admin: Actor, made: Made) -> ProgrammeRow:
    """A second programme without a limit per person, 5 vouchers a booklet, 20 booklets."""
    return made[OTHER_CODE]


@pytest.fixture
def lot(programme: ProgrammeRow, made: Made) -> LotRow:
    return made["lot"]


@pytest.fixture
def site_lot(programme: ProgrammeRow, made: Made) -> LotRow:
    """The booklets of `lot`, as a range this desk prints itself (print on site)."""
    return made["site_lot"]


@pytest.fixture
def person(agent: Actor, made: Made) -> BeneficiaryRow:
    return made["person"]
