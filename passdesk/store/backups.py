"""Copies of the SQLite file through SQLite's online backup API (the WAL included), owner-only
(0600) like the database itself, their names,
and putting one back.

A copy is taken in one step, as one read snapshot, so the window's agents may go on handing out
while it is taken (a WAL reader never blocks a writer). It is written to a hidden part file
(`passdesk.staged`), turned into a single self-contained file (rollback journal, no `-wal`),
and renamed to its final name only once whole: a killed backup never leaves a file that looks
finished. Every backup file is created by `new_backup_file`, the one place that decides how it
is opened (and who may read it).

Names say what a listing needs without opening the file:
`<database>-<UTC yyyymmdd-hhmmss-micro>-<kind>.sqlite3` (`.dump` for PostgreSQL).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import quote

from sqlalchemy import make_url

from passdesk import paths, staged
from passdesk.errors import EnvironmentProblem, Refused, os_reason
from passdesk.i18n import _
from passdesk.store import faults

if TYPE_CHECKING:
    from passdesk.store.database import Database

SQLITE_EXTENSION = "sqlite3"
DUMP_EXTENSION = "dump"
_STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(
    r"^(?P<stem>[A-Za-z0-9_.-]+?)-(?P<stamp>\d{8}-\d{6}-\d{6})-(?P<kind>[a-z0-9-]+)"
    r"\.(?P<extension>sqlite3|dump)$"
)


@dataclass(frozen=True)
class RegisterState:
    """What a restore's plan saw of the database it replaces: the restore goes ahead only
    while that is still so (nothing recorded since that the plan did not list)."""

    last_event: int
    people: int  # the highest person number
    counters: tuple[tuple[int, int, int], ...]  # (desk id, year, last receipt number), every desk's


def sqlite_register_state(connection: sqlite3.Connection) -> RegisterState:
    """The same, read on a plain connection (inside the restore's write transaction)."""
    head = connection.execute("SELECT last_id FROM ledger_head WHERE id = 1").fetchone()
    people = connection.execute("SELECT coalesce(max(id), 0) FROM beneficiary").fetchone()
    counters = connection.execute(
        "SELECT desk_id, year, last_number FROM receipt_counter ORDER BY desk_id, year"
    ).fetchall()
    return RegisterState(
        int(head[0]) if head else 0,
        int(people[0]),
        tuple((int(d), int(y), int(n)) for d, y, n in counters),
    )


@dataclass(frozen=True)
class BackupFile:
    """One backup file, as its name describes it."""

    path: Path
    stem: str
    taken_at: datetime  # UTC
    kind: str  # manual, daily, closing, before-restore, before-<revision>...
    size: int


def database_stem(url: str) -> str:
    """The database's short name in its backups' names (`passdesk` for the default file)."""
    parsed = make_url(url)
    raw = Path(parsed.database).stem if parsed.get_backend_name() == "sqlite" else parsed.database
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", raw or "passdesk").strip("_")
    return stem or "passdesk"


def backup_name(stem: str, kind: str, when: datetime, extension: str = SQLITE_EXTENSION) -> str:
    return f"{stem}-{when.astimezone(UTC).strftime(_STAMP_FORMAT)}-{kind}.{extension}"


def parse_backup_name(path: Path) -> BackupFile | None:
    found = _NAME.match(path.name)
    if found is None:
        return None
    try:
        taken = datetime.strptime(found["stamp"], _STAMP_FORMAT).replace(tzinfo=UTC)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return BackupFile(path, found["stem"], taken, found["kind"], size)


def list_backups(folder: Path, stem: str) -> list[BackupFile]:
    """The finished backups of one database in `folder`, newest first (parts are not listed)."""
    try:
        candidates = [p for p in folder.iterdir() if not p.name.startswith(".")]
    except OSError:
        return []
    found = [parse_backup_name(p) for p in candidates]
    mine = [b for b in found if b is not None and b.stem == stem]
    return sorted(mine, key=lambda b: b.taken_at, reverse=True)


def timestamped_backup_path(label: str, db: Database | None = None) -> Path:
    stem = database_stem(db.url) if db is not None else "passdesk"
    return paths.backup_dir() / backup_name(stem, label, datetime.now(UTC))


# --- creating backup files ------------------------------------------------------------------


@contextlib.contextmanager
def new_backup_file(destination: Path) -> Iterator[tuple[Path, IO[bytes]]]:
    """The one way a backup file is made: a new part beside `destination`, held while it is
    written (`passdesk.staged`), removed if the block fails. The block fills the part (through
    the stream or by path); `publish` renames it into place afterwards."""
    part = staged.part_path(destination)
    try:
        stream = open(part, "xb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise _write_problem(destination.parent, error) from error
    try:
        paths.private_files([part])  # a copy of people's data: the owner's alone
        staged.hold(stream)
        yield part, stream
    except BaseException:
        stream.close()
        discard(part)
        raise
    stream.close()


def publish(part: Path, destination: Path) -> Path:
    """Give a finished part its final name (nothing else is ever given a backup's name)."""
    try:
        os.replace(part, destination)
    except OSError as error:
        discard(part)
        raise _write_problem(destination.parent, error) from error
    return destination


def discard(part: Path) -> None:
    for path in (part, *(part.with_name(part.name + keep) for keep in staged.SQLITE_KEEPS)):
        with contextlib.suppress(OSError):
            path.unlink()


def _write_problem(folder: Path, error: OSError) -> EnvironmentProblem:
    return EnvironmentProblem(
        _("The backup could not be written in {folder}: {reason}. Nothing was changed.").format(
            folder=folder, reason=os_reason(error)
        )
    )


def _sqlite_problem(folder: Path, error: sqlite3.Error) -> EnvironmentProblem:
    name = getattr(error, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL" or (
        name.startswith("SQLITE_IOERR") and shutil.disk_usage(folder).free < 1024 * 1024
    ):
        reason = _("the disk is full")
    else:
        reason = str(error)
    return EnvironmentProblem(
        _("The backup could not be written in {folder}: {reason}. Nothing was changed.").format(
            folder=folder, reason=reason
        )
    )


def copy_sqlite(source_path: Path, part: Path) -> None:
    """Copy the database at `source_path` into the (empty) part, as one consistent snapshot,
    and make the copy a single file."""
    source = sqlite3.connect(source_path)
    try:
        target = sqlite3.connect(part)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    except sqlite3.Error as error:
        raise _sqlite_problem(part.parent, error) from error
    finally:
        source.close()


def sync(stream: IO[bytes], folder: Path) -> None:
    """The part's bytes on the disk before it takes its final name: a power cut after the
    rename must not leave a finished-looking backup with nothing in it."""
    try:
        stream.flush()
        os.fsync(stream.fileno())
    except OSError as error:
        raise _write_problem(folder, error) from error


def copy_file(source: Path, destination: Path) -> Path:
    """A finished backup copied to another folder (the USB drive), all or nothing."""
    with new_backup_file(destination) as (part, stream):
        try:
            with open(source, "rb") as origin:
                shutil.copyfileobj(origin, stream, 1024 * 1024)
        except OSError as error:
            raise _write_problem(destination.parent, error) from error
        sync(stream, destination.parent)
    return publish(part, destination)


def backup_to(db: Database, destination: Path) -> Path:
    """A consistent copy of the database file, taken while others may be writing."""
    source_path = db.path
    if source_path is None:
        raise EnvironmentProblem(_("Only a database file can be copied this way."))
    paths.usable_folder(destination.parent)
    with new_backup_file(destination) as (part, _stream):
        copy_sqlite(source_path, part)
    return publish(part, destination)


# --- reading backup files -------------------------------------------------------------------


class BackupCancelled(Refused):
    """The person stopped the backup; no backup file was left."""

    def __init__(self) -> None:
        super().__init__(_("The backup was cancelled: no backup file was written."))


def _read_only_uri(path: Path) -> str:
    return f"file:{quote(str(path.absolute()))}?mode=ro"


def read_only_url(path: Path) -> str:
    """A SQLAlchemy URL that reads a backup file without writing anything to it."""
    return f"sqlite:///{_read_only_uri(path)}&uri=true"


def integrity_problems(path: Path, cancel: Callable[[], bool] | None = None) -> list[str]:
    """What PRAGMA integrity_check finds wrong in the file (empty: sound); `cancel()` polled."""
    try:
        connection = sqlite3.connect(_read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        return [str(error)]
    stopped = [False]

    def interrupt() -> int:
        stopped[0] = cancel is not None and cancel()
        return 1 if stopped[0] else 0

    connection.set_progress_handler(interrupt, 200_000)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as error:
        if stopped[0]:
            raise BackupCancelled() from error
        return [str(error)]
    finally:
        connection.close()
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def restore_from(db: Database, backup: Path) -> None:
    """Put a backup copy back in place of the database file (connections are closed first).

    SQLite's backup API writes the whole copy into the live file in one transaction: a crash
    meanwhile leaves the file as it was, and a `-wal` beside it is taken into account."""
    target_path = db.path
    assert target_path is not None
    db.engine.dispose()
    with sqlite3.connect(backup) as source, sqlite3.connect(target_path) as target:
        source.backup(target)
    source.close()
    target.close()


# --- a restore that no other window or console can slip a write into ------------------------

# The writes a restore must not lose unlisted: a journal event, a receipt number, a person.
_FENCED = (
    ("ledger_event", "INSERT"),
    ("receipt_counter", "INSERT"),
    ("receipt_counter", "UPDATE"),
    ("beneficiary", "INSERT"),
)
_FENCE_PREFIX = "passdesk_restore_fence_"
# How long the restore waits for another window's write to end (database.BUSY_TIMEOUT_MS).
_WAIT_SECONDS = 10.0


def _fence_sql() -> list[str]:
    return [
        f"CREATE TRIGGER {_FENCE_PREFIX}{table}_{action.lower()} BEFORE {action} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{faults.RESTORE_FENCE}'); END"
        for table, action in _FENCED
    ]


def _drop_fence(connection: sqlite3.Connection) -> None:
    names = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
        (_FENCE_PREFIX + "%",),
    ).fetchall()
    for (name,) in names:
        connection.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def drop_stale_fence(path: Path) -> None:
    """Remove the fence a restore killed between its check and its copy left in the file
    (the restored copy never holds one); nothing is written when there is none."""
    with contextlib.closing(
        sqlite3.connect(path, timeout=_WAIT_SECONDS, isolation_level=None)
    ) as live:
        if live.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?",
            (_FENCE_PREFIX + "%",),
        ).fetchone():
            _drop_fence(live)


def swap_in(
    db: Database, part: Path, prepare: Callable[[sqlite3.Connection], None], *, fence: bool
) -> None:
    """Put the copy `part` in place of the database, with nothing written in between.

    `prepare(live)` runs inside a write transaction on the live file (BEGIN IMMEDIATE: every
    other window and console waits): it reads what is there now and readies the part (it
    raises to refuse, and nothing is changed). In the same transaction the journal, the
    receipt counters and the people are fenced (triggers that refuse any write), because
    SQLite's backup API cannot run inside a transaction of its destination: a handout slipped
    in between the commit and the copy would be lost unlisted and its receipt number given
    again. The copy replaces the whole file, the fence with it; a copy that fails takes the
    fence away, and one killed midway leaves it for `drop_stale_fence` at the next start.
    (`fence` False: the file being replaced is not a readable PassDesk database.)"""
    target_path = db.path
    assert target_path is not None
    db.engine.dispose()
    with contextlib.closing(
        sqlite3.connect(target_path, timeout=_WAIT_SECONDS, isolation_level=None)
    ) as live:
        live.execute("BEGIN IMMEDIATE")
        try:
            prepare(live)
            for statement in _fence_sql() if fence else ():
                live.execute(statement)
            live.execute("COMMIT")
        except BaseException:
            live.execute("ROLLBACK")
            raise
        try:
            with contextlib.closing(sqlite3.connect(part)) as source:
                source.backup(live)
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                _drop_fence(live)
            raise
