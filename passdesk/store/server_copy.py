"""A desk's SQLite register copied into a PostgreSQL database, all or nothing (`migrate-to`).

The target is made and filled in ONE transaction of the server: PostgreSQL's DDL is
transactional, so the migrations that create the tables, the rows copied table by table in
the order their foreign keys need, and the sequences set past the copied ids commit together,
or a failure at any step rolls back to the database as it was (empty). Meanwhile the source
is held in a write transaction (BEGIN IMMEDIATE): no other window of the desk adds a handout
that the copy would miss; they wait, then hear that the database is busy.

Nothing here decides whether the copy is the desk: the caller's `verify(source, target)` runs
inside both transactions before the commit (services/server_move.py compares the register's
figures there), and `empty_target` takes the tables away again if the check run afterwards
disagrees. A URL is only ever shown without its password (`display_url`).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, Table, func, inspect, make_url, select, text
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from passdesk.errors import EnvironmentProblem, InvalidInput, Refused
from passdesk.i18n import _
from passdesk.models import Base
from passdesk.store import pg_errors, schema
from passdesk.store.database import BUSY_TIMEOUT_MS, Database, create_passdesk_engine
from passdesk.store.location import display_url, sqlite_path, with_driver

log = logging.getLogger(__name__)

ROWS_A_BATCH = 2_000
# pg_advisory_xact_lock's key: two migrate-to runs into one database take turns.
LOCK_KEY = 0x70617373  # "pass"
# The tables a PassDesk database has had since its first revision.
PASSDESK_TABLES = frozenset({"alembic_version", "desk"})

Verify = Callable[[Connection, Connection], None]
Progress = Callable[[str, int], None]


def server_url(url: str) -> str:
    """`url` if it names a PostgreSQL database (with psycopg as its driver when it names
    none), else bad input in French."""
    url = with_driver(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        parsed = None
    if parsed is None or "://" not in url:
        raise InvalidInput(
            _(
                "{url} is not a database address. Give a PostgreSQL address, such as "
                "postgresql+psycopg://user:password@server/passdesk."
            ).format(url=_shown(url))
        )
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise InvalidInput(
            _(
                "{url} is not a PostgreSQL database: migrate-to moves the desk onto a server, "
                "at an address such as postgresql+psycopg://user:password@server/passdesk."
            ).format(url=_shown(url))
        )
    return url


def _shown(url: str) -> str:
    """What may be printed of something typed as a URL: never a password in it."""
    try:
        return display_url(url)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def source_file(url: str) -> Path:
    """The SQLite file of the desk to move; refused before anything writes to it (a connection's
    settings would turn another application's file to WAL) unless it is a PassDesk database."""
    path = sqlite_path(url)
    if path is None:
        raise InvalidInput(
            _(
                "migrate-to moves a desk's database file onto a server; {url} is not a file. "
                "Give the file with --database."
            ).format(url=display_url(url))
        )
    if not path.is_file():
        raise EnvironmentProblem(
            _("No database at {path}. Create it with: passdesk-admin init").format(path=path)
        )
    tables = _sqlite_tables(path)
    if tables is None or not tables >= PASSDESK_TABLES:
        raise EnvironmentProblem(
            _(
                "{path} is not a PassDesk database; nothing was copied and nothing was written "
                "to it."
            ).format(path=path)
        )
    return path


def _sqlite_tables(path: Path) -> set[str] | None:
    """The file's table names, read without writing (None: not a SQLite file)."""
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
        try:
            rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return {name for (name,) in rows}
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return None


def copy_to_server(
    source: Database,
    target_url: str,
    *,
    verify: Verify | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Copy every table of `source` into the empty database at `target_url`; the rows copied by
    table. Refused, with nothing left in the target, if it already holds a desk or another
    application's tables, or if any step fails."""
    engine = _server_engine(target_url)
    try:
        with (
            source.engine.execution_options(passdesk_write=True).connect() as src,
            _connected(engine, target_url) as dst,
            _holding(src),
        ):
            try:
                with dst.begin():
                    copied = _fill(src, dst, verify, progress)
            except DBAPIError as exc:
                raise _server_problem(exc, target_url) from exc
    finally:
        engine.dispose()
    log.info("desk copied to %s: %s rows", display_url(target_url), sum(copied.values()))
    return copied


@contextmanager
def _holding(source: Connection) -> Iterator[None]:
    """A write transaction on the desk's file (nothing is written): the desk's other windows
    wait while it moves, instead of adding a handout the copy would miss."""
    try:
        transaction = source.begin()
    except OperationalError as exc:
        log.warning("the desk's file is busy: the move waited %s ms", BUSY_TIMEOUT_MS)
        raise EnvironmentProblem(
            _(
                "The database is busy with another desk's work (a large lot being received, a "
                "backup...). Nothing was changed: try again in a moment."
            )
        ) from exc
    with transaction:
        yield


def _fill(
    src: Connection, dst: Connection, verify: Verify | None, progress: Progress | None
) -> dict[str, int]:
    """The target's tables made and filled, in the transaction open on `dst`."""
    dst.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    _refuse_occupied(dst)
    _create_tables(dst)
    copied = {}
    for table in Base.metadata.sorted_tables:
        copied[table.name] = _copy_table(src, dst, table)
        if progress is not None:
            progress(table.name, copied[table.name])
    _catch_up_sequences(dst)
    _same_counts(dst, copied)
    if verify is not None:
        verify(src, dst)
    return copied


def _server_engine(url: str) -> Engine:
    try:
        return create_passdesk_engine(url)
    except ImportError as exc:
        raise EnvironmentProblem(
            _(
                "PassDesk cannot connect to {url}: this kind of database is not supported by this "
                "installation."
            ).format(url=display_url(url))
        ) from exc


def _connected(engine: Engine, url: str) -> Connection:
    try:
        return engine.connect()
    except DBAPIError as exc:
        log.error("database server refused the connection: %s", type(exc.orig).__name__)
        raise pg_errors.connection_problem(exc, url) from exc


def _server_problem(exc: DBAPIError, url: str) -> EnvironmentProblem:
    if pg_errors.failed_to_connect(exc) or pg_errors.connection_lost(exc):
        return pg_errors.connection_problem(exc, url)
    log.error("the server refused the copy: %s", type(exc.orig).__name__)
    if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient privilege
        return EnvironmentProblem(
            _(
                "The user of {url} may not create tables in that database; nothing was copied. "
                "Ask your IT contact to make that user the database's owner."
            ).format(url=display_url(url))
        )
    return EnvironmentProblem(
        _(
            "The server refused the copy ({error}); nothing was kept in {url} and the desk's "
            "file is unchanged."
        ).format(error=type(exc.orig).__name__, url=display_url(url))
    )


class _TableRefused(EnvironmentProblem):
    pass


def _refuse_occupied(target: Connection) -> None:
    """The target must be empty, or a PassDesk database without any row (the tables made by
    a window opened on it before the move)."""
    tables = set(inspect(target).get_table_names())
    ours = {table.name for table in Base.metadata.sorted_tables} | {"alembic_version"}
    foreign = sorted(tables - ours)
    if foreign:
        shown = ", ".join(foreign[:4]) + ("…" if len(foreign) > 4 else "")
        raise Refused(
            _(
                "The server database already holds other tables ({tables}): migrate-to fills "
                "only an empty database. Ask your IT contact for a new one; nothing was copied."
            ).format(tables=shown)
        )
    if "desk" in tables:
        name = target.scalar(text("SELECT name FROM desk ORDER BY id LIMIT 1"))
        if name is not None:
            raise Refused(
                _(
                    'The server database already holds the desk "{name}": migrate-to never '
                    "mixes two registers. Give an empty database; nothing was copied."
                ).format(name=name)
            )
    for table in sorted(tables & (ours - {"alembic_version"})):
        if target.scalar(select(func.count()).select_from(Base.metadata.tables[table])):
            raise Refused(
                _(
                    "The server database already holds data (table {table}): migrate-to fills "
                    "only an empty database. Give an empty one; nothing was copied."
                ).format(table=table)
            )


def _create_tables(target: Connection) -> None:
    """The migrations, on the copy's own connection and in its transaction."""
    from alembic import command
    from alembic.util import CommandError

    config = schema.alembic_config()
    config.attributes["connection"] = target
    try:
        command.upgrade(config, "head")
    except CommandError as exc:  # a revision this code does not know: a newer PassDesk's
        raise EnvironmentProblem(
            _(
                "The server database was prepared by a newer version of PassDesk; nothing was "
                "copied. Install the latest PassDesk, or give an empty database."
            )
        ) from exc


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    """Every row of `table`, in primary-key order (a row referring to an earlier row of its own
    table, such as a corrected closing, finds it there), through PostgreSQL's COPY: the
    national demo's two million rows in a third of the time INSERTs take. Each value goes
    through its column type's own conversion for the server, as an INSERT's would."""
    rows = source.execution_options(yield_per=ROWS_A_BATCH).execute(
        select(table).order_by(*table.primary_key.columns)
    )
    dialect = target.dialect
    quote = dialect.identifier_preparer.quote
    convert = [
        column.type.dialect_impl(dialect).bind_processor(dialect) for column in table.columns
    ]
    columns = ", ".join(quote(column.name) for column in table.columns)
    statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
    raw = target.connection.driver_connection
    assert raw is not None
    copied = 0
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        value if to is None else to(value)
                        for to, value in zip(convert, row, strict=True)
                    ]
                )
                copied += 1
    except raw.Error as error:  # psycopg's own: the COPY runs below SQLAlchemy
        exc = DBAPIError.instance(statement, None, error, type(raw).Error)
        if pg_errors.failed_to_connect(exc) or pg_errors.connection_lost(exc):
            raise exc from error
        log.error("the server refused a row of %s: %s", table.name, type(error).__name__)
        raise _TableRefused(_refusal(table.name, exc)) from error
    return copied


def _refusal(table: str, exc: DBAPIError) -> str:
    """Why the server refused a row, without the row (it may hold a person's name)."""
    state = getattr(exc.orig, "sqlstate", None) or ""
    if state == "22001":
        reason = _("a text is longer than the server's column allows")
    elif pg_errors.is_nul_in_text(exc) or state == "22021":  # 22021: a NUL in COPY's text
        reason = _("a text holds an invisible NUL character")
    else:
        reason = type(exc.orig).__name__
    return _(
        "The server refused a row of the table {table}: {reason}. Nothing was kept on the "
        "server and the desk's file is unchanged; correct that row in PassDesk, then move the "
        "desk again."
    ).format(table=table, reason=reason)


def _catch_up_sequences(target: Connection) -> None:
    """Each sequence behind an id gives, next, the id after the last one copied."""
    for table in Base.metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = target.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence is None:
                continue
            last = target.scalar(select(func.max(column)))
            target.execute(
                text("SELECT setval(:sequence, :next, false)"),
                {"sequence": sequence, "next": (last or 0) + 1},
            )


def _same_counts(target: Connection, copied: dict[str, int]) -> None:
    for name, count in copied.items():
        held = target.scalar(select(func.count()).select_from(Base.metadata.tables[name]))
        if held != count:
            raise EnvironmentProblem(
                _(
                    "The server holds {held} rows of the table {table} after copying {count}; "
                    "nothing was kept there."
                ).format(held=held, table=name, count=count)
            )


def empty_target(target_url: str) -> None:
    """Take PassDesk's tables out of the target again, in one transaction (a copy committed
    but found wrong by the check that follows)."""
    engine = _server_engine(target_url)
    try:
        with _connected(engine, target_url) as connection, connection.begin():
            present = set(inspect(connection).get_table_names())
            for table in reversed(Base.metadata.sorted_tables):
                if table.name in present:
                    connection.execute(text(f'DROP TABLE "{table.name}" CASCADE'))
            if "alembic_version" in present:
                connection.execute(text("DROP TABLE alembic_version"))
    finally:
        engine.dispose()
    log.warning("the copy in %s was taken away again", display_url(target_url))
