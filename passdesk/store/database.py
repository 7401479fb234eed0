"""The open database: engines with PassDesk's settings, read snapshots and units of work.

SQLite is the embedded default. Every connection runs in WAL mode with synchronous=FULL,
foreign keys on and a busy timeout; the Python driver's own transaction handling is off and
each write transaction starts with BEGIN IMMEDIATE, so two desks' writes queue instead of
failing halfway (SQLAlchemy's "Serializable isolation / Savepoints / Transactional DDL" recipe).

Every write goes through `Database.transaction(work)`: `work(session)` runs in one
transaction that commits whole or not at all, and a transient conflict (a serialization
failure or a deadlock, which PostgreSQL reports when two desks touch the same rows) runs it
again from the start, a bounded number of times. What must happen only once, and only if the
transaction committed (a PDF renamed into place), is registered with `after_commit`.

What SQLite reports about the computer rather than the data (a full disk, a read-only file) is
turned into a French `EnvironmentProblem` by the engine itself (`store.faults`), wherever the
statement ran, so that no caller meets it as an unexpected error.

On PostgreSQL a read (`Database.read`) is one REPEATABLE READ, read-only transaction, so that
the several queries of a page or a report see one state of the register, as SQLite's read
transactions do; a write waits at most the busy timeout for another desk's row locks
(`lock_timeout`); the server's refusals are told apart in `pg_errors`. Text is checked against
its column before any flush (`text_guard`).
"""

from __future__ import annotations

import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, Executable, Row, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from passdesk import paths
from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _
from passdesk.store import backups, faults, pg_errors, schema, text_guard
from passdesk.store.location import display_url, refuse_network_share, resolve_url, sqlite_path

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000
EXPECTED_PRAGMAS = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
# SQLSTATEs of a transaction that lost a race and may simply run again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock
_AFTER_COMMIT = "passdesk_after_commit"


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    options = connection.get_execution_options()
    if options.get("passdesk_one_statement", False):
        return  # Database.read_row: the statement is its own read transaction
    connection.exec_driver_sql(
        "BEGIN IMMEDIATE" if options.get("passdesk_write", False) else "BEGIN"
    )


def _sqlite_fault_translator(path: Path | None) -> Callable[[Any], None]:
    def translate(context: Any) -> None:
        problem = faults.environment_problem(context.original_exception, path)
        if problem is not None:
            log.warning("database file trouble: %s", type(context.original_exception).__name__)
            raise problem from context.original_exception

    return translate


def _on_postgres_connect(dbapi_connection: Any, _record: Any) -> None:
    # A desk kept waiting by another desk's row locks gives up after the busy timeout, with
    # the same "busy" message as on SQLite, rather than waiting forever.
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {BUSY_TIMEOUT_MS}")
    dbapi_connection.commit()


def create_passdesk_engine(url: str) -> Engine:
    """An engine with PassDesk's connection settings (pragmas on SQLite, lock timeout on
    PostgreSQL)."""
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            hide_parameters=True,  # an error logged with its values would log names
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        event.listen(engine, "handle_error", _sqlite_fault_translator(sqlite_path(url)))
        return engine
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _on_postgres_connect)
    return engine


@dataclass(frozen=True)
class Pragmas:
    journal_mode: str
    synchronous: int
    foreign_keys: int
    busy_timeout: int


@dataclass(frozen=True)
class RetryPolicy:
    """How often a unit of work that lost a race runs again, and how long it waits first."""

    attempts: int = 5
    first_wait: float = 0.01  # seconds, doubled at each attempt, with jitter

    @staticmethod
    def retryable(error: BaseException) -> bool:
        if not isinstance(error, DBAPIError):
            return False
        original = error.orig
        state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
        return state in RETRYABLE_SQLSTATES

    def wait(self, attempt: int) -> float:
        return self.first_wait * (2 ** (attempt - 1)) * random.uniform(0.5, 1.5)


def _is_busy(error: OperationalError) -> bool:
    if getattr(error.orig, "sqlstate", None) == "55P03":  # PostgreSQL's lock_timeout, any language
        return True
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text or "lock timeout" in text


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run `action` once the unit of work running on `session` has committed (never on a
    rollback, never twice when the work is replayed)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


def _run_after_commit(actions: list[Callable[[], None]]) -> None:
    """Run every action even if one fails: the unit of work is committed whatever happens here.
    The first failure is raised afterwards, for the caller to say what did not follow."""
    first: BaseException | None = None
    for action in actions:
        try:
            action()
        except Exception as error:  # noqa: BLE001 - reported once all actions ran
            log.warning("an action after a commit failed: %s", type(error).__name__)
            first = first or error
    if first is not None:
        raise first


class Database:
    """An open PassDesk database: read snapshots, units of work, close."""

    def __init__(
        self, url: str, engine: Engine | None = None, retry: RetryPolicy | None = None
    ) -> None:
        self.url = url
        self.engine = engine or create_passdesk_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.retry = retry or RetryPolicy()
        # The desk this process works for when a database holds several (issue 13): the
        # logged-in agent's, or the console's --desk. None: the database's only (first) desk.
        # Each session carries it in `info["desk_id"]` (passdesk.services.base.desk_id_in).
        self.desk_id: int | None = None
        reading = self.engine
        if self.engine.dialect.name == "postgresql":
            reading = self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        self._read = sessionmaker(bind=reading, expire_on_commit=False)
        self._write = sessionmaker(
            bind=self.engine.execution_options(passdesk_write=True), expire_on_commit=False
        )
        text_guard.guard(self._write)
        # On PostgreSQL one round trip to the server instead of BEGIN, SELECT and ROLLBACK: a
        # code lookup took three times longer.
        self._one_statement = self.engine.execution_options(
            passdesk_one_statement=True,
            **({} if self.is_sqlite else {"isolation_level": "AUTOCOMMIT"}),
        )

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot; nothing is committed."""
        with self._read() as session:
            session.info["desk_id"] = self.desk_id
            try:
                yield session
            except DBAPIError as exc:
                self._server_problem(exc)
                raise
            finally:
                session.rollback()

    def read_row(self, statement: Executable, parameters: dict[str, Any]) -> Row[Any] | None:
        """The first row of one SELECT. A single statement sees a consistent state by itself,
        so it runs without BEGIN and ROLLBACK around it (autocommit on PostgreSQL), which cost
        as much as a code lookup's query (docs/performance.md)."""
        try:
            with self._one_statement.connect() as connection:
                return connection.execute(statement, parameters).first()
        except DBAPIError as exc:
            self._server_problem(exc)
            raise

    def _server_problem(self, exc: DBAPIError, *, writing: bool = False) -> None:
        """Raise the French message for a PostgreSQL error that is the server's or the text's,
        not a bug: a connection lost or refused, a right withdrawn, a database that only
        reads, a full disk, a NUL character in a parameter."""
        if self.is_sqlite:
            return
        if pg_errors.is_nul_in_text(exc):
            raise pg_errors.nul_in_text() from exc
        refused = pg_errors.refusal(exc, self.url, writing=writing)
        if refused is not None:
            log.warning("database server refused a statement: %s", type(exc.orig).__name__)
            raise refused from exc
        if pg_errors.failed_to_connect(exc) or pg_errors.connection_lost(exc):
            log.warning("database server unreachable: %s", type(exc.orig).__name__)
            raise pg_errors.connection_problem(exc, self.url) from exc

    def transaction(self, work: Callable[[Session], T]) -> T:
        """Run `work(session)` as one unit of work (BEGIN IMMEDIATE on SQLite) and commit it.

        A serialization failure or a deadlock rolls back and runs `work` again on a fresh
        session, up to `retry.attempts` times; `work` must therefore only change the database
        and defer anything else to `after_commit`. A database kept busy by another desk beyond
        the busy timeout is reported in French, with nothing changed.
        """
        attempt = 1
        while True:
            try:
                with self._write() as session:
                    session.info["desk_id"] = self.desk_id
                    with session.begin():
                        result = work(session)
                    actions = session.info.pop(_AFTER_COMMIT, [])
            except DBAPIError as exc:
                if not self.retry.retryable(exc):
                    self._server_problem(exc, writing=True)
                    if isinstance(exc, OperationalError) and _is_busy(exc):
                        log.warning("database busy: a write waited %s ms", BUSY_TIMEOUT_MS)
                        raise EnvironmentProblem(
                            _(
                                "The database is busy with another desk's work (a large lot "
                                "being received, a backup...). Nothing was changed: try again "
                                "in a moment."
                            )
                        ) from exc
                    raise
                if attempt >= self.retry.attempts:
                    log.warning("unit of work lost %s races in a row: given up", attempt)
                    raise EnvironmentProblem(
                        _(
                            "Other desks kept changing the same records; nothing was changed. "
                            "Try again in a moment."
                        )
                    ) from exc
                log.info("unit of work lost a race (attempt %s): replayed", attempt)
                time.sleep(self.retry.wait(attempt))
                attempt += 1
                continue
            _run_after_commit(actions)
            return result

    def pragmas(self) -> Pragmas:
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert raw is not None
            values = [
                raw.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            ]
            connection.rollback()
        return Pragmas(str(values[0]).lower(), int(values[1]), int(values[2]), int(values[3]))

    def check_settings(self) -> None:
        """Refuse to work when SQLite did not take the settings PassDesk relies on."""
        if not self.is_sqlite:
            return
        found = self.pragmas()
        if (found.journal_mode, found.synchronous, found.foreign_keys) != (
            EXPECTED_PRAGMAS["journal_mode"],
            EXPECTED_PRAGMAS["synchronous"],
            EXPECTED_PRAGMAS["foreign_keys"],
        ) or found.busy_timeout < 5000:
            raise EnvironmentProblem(
                _(
                    "The database could not be opened safely (journal {journal}, synchronous "
                    "{sync}). Check that the folder is on this computer and writable."
                ).format(journal=found.journal_mode, sync=found.synchronous)
            )

    def close(self) -> None:
        self.engine.dispose()


def sqlite_files(path: Path) -> list[Path]:
    """The database file and the two SQLite keeps beside it in WAL mode."""
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _reach_server(db: Database) -> None:
    """Connect once, so that a server that is down, a wrong password or an unknown database
    is told apart from a database that answers but cannot be used."""
    try:
        with db.engine.connect() as connection:
            connection.rollback()
    except DBAPIError as exc:
        log.error("database server refused the connection: %s", type(exc.orig).__name__)
        raise pg_errors.connection_problem(exc, db.url) from exc


def open_database(
    database: str | os.PathLike[str] | None = None, *, upgrade: bool = True, create: bool = True
) -> Database:
    """Open (and by default create or upgrade) the database both entry points use."""
    url = resolve_url(database)
    faults.check_url(url)
    path = sqlite_path(url)
    if path is not None:
        refuse_network_share(path)
        faults.refuse_foreign_file(path)
        if not path.exists() and not create:
            raise EnvironmentProblem(
                _("No database at {path}. Create it with: passdesk-admin init").format(path=path)
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EnvironmentProblem(
                _("Cannot create the folder {folder}: {error}").format(
                    folder=path.parent, error=exc.strerror or exc
                )
            ) from exc
        # People's data: the owner's alone. SQLite gives the -wal and -shm files it creates
        # the database file's mode, so a file made 0644 by an older PassDesk is tightened
        # before connecting, and a new one after SQLite created it.
        paths.private_files(sqlite_files(path))
    try:
        db = Database(url)
    except (ImportError, SQLAlchemyError) as exc:
        raise EnvironmentProblem(
            _(
                "PassDesk cannot connect to {url}: this kind of database is not supported by this "
                "installation."
            ).format(url=display_url(url))
        ) from exc
    try:
        if not db.is_sqlite:
            _reach_server(db)
        db.check_settings()
        if path is not None:
            paths.private_files(sqlite_files(path))
        if upgrade:
            if path is not None:
                backups.drop_stale_fence(path)  # a restore killed midway: writes go on
            schema.upgrade_to_head(db)
        else:
            schema.ensure_current(db)
    except EnvironmentProblem:
        db.close()
        raise
    except (DBAPIError, SQLAlchemyError, sqlite3.DatabaseError) as exc:
        db.close()
        log.error("database unusable: %s", type(exc).__name__)
        if not db.is_sqlite:
            raise pg_errors.unusable(url) from exc
        problem = faults.environment_problem(getattr(exc, "orig", None) or exc, path)
        raise problem or faults.damaged(display_url(url)) from exc
    return db
