"""Fixtures of the register's unit tests: a real database, a clock the test moves, a set-up desk.

Every fixture builds on the one before: `db` (a migrated SQLite file under tmp_path, or a
PostgreSQL database: `backend`), `services` (on it, with `clock`), `admin` (the desk exists), `supervisor` and `agent`, `programme` (two
funders, a limit per person), `lot` (booklets in stock, delivered printed) or `site_lot` (the
same booklets, to print on site), `person` (a registered beneficiary).
The file `db` opens is a copy of a template holding exactly the parts the test asks for
(tests/desks.py: `unit_plan`), made once per session; the part fixtures return what was made.
`raw` (and `raw_db(path)` for other files) reads the database through a separate sqlite3 (or
psycopg) connection, so that a test sees what was really committed rather than what a session
remembers. `pytest_generate_tests` says which tests also run on PostgreSQL.
"""

from __future__ import annotations

import inspect
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url

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
    PgTemplates,
    Templates,
    unit_plan,
)
from tests.pg_server import POSTGRES_FLAVOURS

# The modules whose tests `make test` also runs on PostgreSQL (make test-postgres runs them all):
# handouts and receipts, search under a French collation, units of work, PostgreSQL's own.
POSTGRES_SOME = frozenset(
    {
        "test_postgres_store",
        "test_services_handouts",
        "test_services_search",
        "test_units_of_work",
    }
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

    def execute_unchecked(self, *statements: str) -> None:
        """Write statements in one connection with foreign keys unchecked, as a forger would."""
        connection = sqlite3.connect(self.path, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys = OFF")
            for sql in statements:
                connection.execute(sql)
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


@dataclass(frozen=True)
class PgRawDb:
    """The same on PostgreSQL: plain psycopg, outside SQLAlchemy; `?` placeholders are
    accepted, so that a test's SQL serves both databases."""

    url: str

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(
            make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False),
            autocommit=True,
        )

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._connect() as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        with self._connect() as connection:
            return connection.execute(sql.replace("?", "%s"), params).rowcount

    def execute_unchecked(self, *statements: str) -> None:
        """Write statements in one transaction with foreign keys unchecked (the triggers that
        check them are off for a replica's session; the tests' role is the superuser)."""
        with self._connect() as connection, connection.transaction():
            connection.execute("SET LOCAL session_replication_role = replica")
            for sql in statements:
                connection.execute(sql)

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def counts(self) -> dict[str, int]:
        return {table: self.scalar(f"SELECT count(*) FROM {table}") for table in TABLES}

    def dump(self) -> list[str]:
        """Every row of every table, in a stable order (sequences left out: PostgreSQL never
        gives back a number a rolled-back insert took)."""
        lines = []
        with self._connect() as connection:
            tables = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
            for (table,) in tables:
                rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
                lines += sorted(f"{table} {row!r}" for row in rows)
        return lines


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The tests on a unit desk run on SQLite, and on PostgreSQL (both flavours) for the
    modules of POSTGRES_SOME, or all of them with --postgres-suite=all (make test-postgres);
    a test that reads the file itself (`db_path`, `raw_db`) or is marked `sqlite_only` runs on
    SQLite alone."""
    if "backend" not in metafunc.fixturenames:
        return
    own = inspect.signature(metafunc.function).parameters
    if "db_path" in own or "raw_db" in own or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    chosen = metafunc.definition.iter_markers("parametrize")
    if any("backend" in str(marker.args[0]).replace(" ", "").split(",") for marker in chosen):
        return  # the test names its own backends
    every = metafunc.config.getoption("--postgres-suite") == "all"
    if not every and metafunc.module.__name__.rpartition(".")[2] not in POSTGRES_SOME:
        return
    metafunc.parametrize(
        "backend",
        [
            "sqlite",
            *(pytest.param(flavour, marks=pytest.mark.postgres) for flavour in POSTGRES_FLAVOURS),
        ],
    )


@pytest.fixture
def backend() -> str:
    """Where the test's desk lives: "sqlite", or a flavour of POSTGRES_FLAVOURS."""
    return "sqlite"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "register.sqlite3"


@pytest.fixture
def _desk(
    request: pytest.FixtureRequest, backend: str, db_path: Path, desk_templates: Templates
) -> Iterator[tuple[Made, str]]:
    """A copy of the template of the desk parts this test asks for, and its URL."""
    plan = unit_plan(request.fixturenames)
    if backend == "sqlite":
        yield desk_templates.copy(plan, db_path), str(db_path)
        return
    templates: PgTemplates = request.getfixturevalue("pg_templates")[backend]
    name, made = templates.new_database(plan)
    try:
        yield made, templates.server.url(name)
    finally:
        templates.server.drop_database(name)


@pytest.fixture
def made(_desk: tuple[Made, str]) -> Made:
    """What the desk's plan made (its actors, programme, lot, person...)."""
    return _desk[0]


@pytest.fixture
def db_url(_desk: tuple[Made, str]) -> str:
    """The test desk's database: a SQLite file path, or a PostgreSQL URL."""
    return _desk[1]


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.close()


@pytest.fixture
def raw(db: Database, db_url: str, backend: str) -> RawDb | PgRawDb:
    return RawDb(Path(db_url)) if backend == "sqlite" else PgRawDb(db_url)


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
