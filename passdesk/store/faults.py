"""What a desk PC's trouble looks like from SQLite, told in French: a full disk, a read-only
file or folder, a damaged file, another application's database, a malformed URL.

Each becomes an `EnvironmentProblem` (exit 3 on the console, a calm dialog in the window) that
says what happened and that nothing was changed. Only a file SQLite finds damaged is answered
with "restore the last backup": a full disk or a locked folder damages nothing, and the data is
all there once the cause is gone.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _
from passdesk.store.location import masked_query

# Below this much free space an I/O error is the disk being full (SQLite's shared-memory
# index and journal need a few pages before any write can start).
NEARLY_FULL_BYTES = 1024 * 1024
# The tables every PassDesk database has had since its first revision.
PASSDESK_TABLES = frozenset({"alembic_version", "desk"})
# What the fence a restore puts on the live file says to a write that meets it
# (store.backups.swap_in): not French, the code below tells it apart.
RESTORE_FENCE = "passdesk: a backup is being restored"


class DamagedDatabase(EnvironmentProblem):
    """SQLite finds the file damaged (or it is not a database): the one case where restoring
    the last backup is the advice."""


def disk_full(folder: Path) -> EnvironmentProblem:
    return EnvironmentProblem(
        _(
            "The disk holding {folder} is full: nothing was saved and nothing is lost. Free some "
            "space on it (empty the recycle bin, move old files), then try again."
        ).format(folder=folder)
    )


def read_only(path: Path) -> EnvironmentProblem:
    return EnvironmentProblem(
        _(
            "The database {path} is read-only (the file or its folder cannot be written): nothing "
            "was changed. Give your account the right to write there, or copy the file to a "
            "folder where you can, then try again."
        ).format(path=path)
    )


def damaged(shown: str) -> DamagedDatabase:
    return DamagedDatabase(
        _(
            "The database cannot be read ({url}). It may be damaged or unreachable; restore "
            "the last backup or ask your IT contact."
        ).format(url=shown)
    )


def _free_bytes(folder: Path) -> int | None:
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def environment_problem(error: BaseException, path: Path | None) -> EnvironmentProblem | None:
    """The French problem behind a SQLite error on the file at `path`, or None when the error
    is not the computer's (a bug, a constraint), which then goes on as it was."""
    name = getattr(error, "sqlite_errorname", None)
    if not isinstance(name, str) or path is None:
        return None
    folder = path.parent
    if name == "SQLITE_FULL":
        return disk_full(folder)
    if name.startswith("SQLITE_IOERR"):
        free = _free_bytes(folder)
        if free is not None and free < NEARLY_FULL_BYTES:
            return disk_full(folder)
        return EnvironmentProblem(
            _(
                "The disk holding {path} could not be read or written (it may have been removed "
                "or be failing): nothing was saved. Check the disk, then run passdesk-admin check."
            ).format(path=path)
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH")):
        return read_only(path)
    if name.startswith("SQLITE_CANTOPEN"):
        if folder.is_dir() and (_free_bytes(folder) or 0) < NEARLY_FULL_BYTES:
            return disk_full(folder)
        return EnvironmentProblem(
            _(
                "The database {path} cannot be opened: check that its folder exists and that "
                "your account may write in it. Nothing was changed."
            ).format(path=path)
        )
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return damaged(str(path))
    if name.startswith("SQLITE_CONSTRAINT") and RESTORE_FENCE in str(error):
        return EnvironmentProblem(
            _(
                "A backup is being put back in place of the database {path}: nothing was "
                "changed. Try again in a moment (the restore logs everyone out)."
            ).format(path=path)
        )
    return None


# --- before connecting ----------------------------------------------------------------------


def _masked(url: str) -> str:
    """A URL that could not be parsed, shown without what looks like a password: everything
    between `://user:` and the last `@` (an unescaped password may hold `/`, `@` or `:`; a
    path's `@` hides a little too much, never too little), and a `password=` of the query."""
    scheme, separator, rest = url.partition("://")
    at = rest.rfind("@")
    user, colon, _secret = rest[: max(at, 0)].partition(":")
    if separator and at >= 0 and colon:
        url = f"{scheme}://{user}:***@{rest[at + 1 :]}"
    return masked_query(url)


def check_url(url: str) -> None:
    """Refuse a URL SQLAlchemy cannot read (`sqlite://:::`) before anything is opened."""
    try:
        parsed = make_url(url)
        parsed.get_backend_name()
    except (ArgumentError, ValueError) as error:
        raise EnvironmentProblem(
            _(
                "The database address {url} is not valid. Give a file path, or a URL such as "
                "postgresql+psycopg://USER@SERVER/passdesk."
            ).format(url=_masked(url))
        ) from error


def _in_use(path: Path) -> bool:
    """SQLite's WAL files are beside the database while a connection uses it (or after a
    crash); PassDesk's connections always use WAL."""
    return any(path.with_name(path.name + keep).exists() for keep in ("-wal", "-shm"))


def table_names(path: Path) -> set[str]:
    """The tables of a SQLite file, read without writing anything to it or beside it.

    A file in WAL mode opened read-only still gets `-wal` and `-shm` files made beside it;
    `immutable` avoids that when nobody uses the file (no `-wal`, nothing unwritten to read).
    When the WAL files are there, a read-only connection only reads them.
    """
    options = "mode=ro" if _in_use(path) else "immutable=1"
    uri = f"file:{quote(str(path.absolute()))}?{options}"
    connection = sqlite3.connect(uri, uri=True)
    try:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        connection.close()
    return {name for (name,) in rows if not name.startswith("sqlite_")}


def refuse_foreign_file(path: Path) -> None:
    """Refuse, before SQLite's connection settings write to it (WAL mode, tables), a file that
    is not a PassDesk database: not SQLite at all, or another application's tables.

    The file is read through SQLite only: closing any other handle on a file drops every POSIX
    lock this process holds on it, and a connection of this process may hold some.
    """
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return  # a new database: PassDesk creates it
    except OSError:
        return  # unreadable: connecting says why, in French
    try:
        tables = table_names(path)
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorname", None) != "SQLITE_NOTADB":
            return  # damaged, locked, needing recovery...: connecting tells which, in French
        raise EnvironmentProblem(
            _(
                "{path} is not a PassDesk database (it is not even a SQLite file); nothing was "
                "written to it. If it was your database, it is damaged: move it aside, then "
                "restore the last backup (passdesk-admin backup restore)."
            ).format(path=path)
        ) from error
    if tables and not PASSDESK_TABLES.issubset(tables):
        shown = ", ".join(sorted(tables)[:4]) + ("…" if len(tables) > 4 else "")
        raise EnvironmentProblem(
            _(
                "{path} does not look like a PassDesk database (it holds other tables: {tables}); "
                "nothing was written to it. Choose a PassDesk database, or a new file name to "
                "create one."
            ).format(path=path, tables=shown)
        )
