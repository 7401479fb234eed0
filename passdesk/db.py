"""The database: where it is, how SQLite is opened, sessions, schema upgrades and backups.

SQLite is the embedded default. Every connection runs in WAL mode with synchronous=FULL,
foreign keys on and a busy timeout; the Python driver's own transaction handling is off and
each write transaction starts with BEGIN IMMEDIATE, so two desks' writes queue instead of
failing halfway (SQLAlchemy's "Serializable isolation / Savepoints / Transactional DDL" recipe).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from passdesk import paths
from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "afs",
        "ncpfs",
        "davfs",
        "fuse.davfs2",
        "9p",
        "fuse.rclone",
        "glusterfs",
        "ceph",
    }
)
EXPECTED_PRAGMAS = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}


def resolve_url(database: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from --database, else PASSDESK_DATABASE, else the default file."""
    value = os.fspath(database) if database is not None else os.environ.get("PASSDESK_DATABASE")
    if not value:
        return f"sqlite:///{paths.default_database_path()}"
    if "://" in value:
        return value
    if value.startswith(("\\\\", "//")):  # UNC: kept as typed so it is refused, not resolved
        return f"sqlite:///{value}"
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


def _mount_type(path: Path, mounts_text: str) -> str | None:
    """The filesystem type of the mount holding `path`, from a /proc/mounts text."""
    best, best_type = "", None
    target = str(path)
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def is_network_path(path: Path, mounts_text: str | None = None) -> bool:
    """True for UNC paths, mapped network drives and NFS/SMB/SSHFS mounts."""
    raw = str(path)
    if raw.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build
        import ctypes

        drive = PurePath(raw).drive
        if drive:
            return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4  # DRIVE_REMOTE
        return False
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    kind = _mount_type(
        path.resolve() if path.exists() else path.parent.resolve() / path.name, mounts_text
    )
    return kind is not None and kind.lower() in NETWORK_FILESYSTEMS


def _refuse_network_share(path: Path) -> None:
    if is_network_path(path):
        raise EnvironmentProblem(
            _(
                "The database {path} is on a network share. Several desks must share a "
                "PostgreSQL server, not a file: copy the file to this computer or ask your IT "
                "contact to set up a server."
            ).format(path=path)
        )


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    write = connection.get_execution_options().get("passdesk_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_passdesk_engine(url: str) -> Engine:
    """An engine with PassDesk's connection settings (pragmas on SQLite)."""
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            hide_parameters=True,  # an error logged with its values would log names
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@dataclass(frozen=True)
class Pragmas:
    journal_mode: str
    synchronous: int
    foreign_keys: int
    busy_timeout: int


def _is_busy(error: OperationalError) -> bool:
    text = str(error.orig).lower()
    return "locked" in text or "busy" in text or "lock timeout" in text


class Database:
    """An open PassDesk database: sessions for reading and for writing, backup, close."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or create_passdesk_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            bind=self.engine.execution_options(passdesk_write=True), expire_on_commit=False
        )

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot; nothing is committed."""
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE on SQLite): all of it commits, or none."""
        try:
            with self._write() as session, session.begin():
                yield session
        except OperationalError as exc:
            if not _is_busy(exc):
                raise
            log.warning("database busy: a write waited %s ms and gave up", BUSY_TIMEOUT_MS)
            raise EnvironmentProblem(
                _(
                    "The database is busy with another desk's work (a large lot being received, "
                    "a backup...). Nothing was changed: try again in a moment."
                )
            ) from exc

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

    def backup_to(self, destination: Path) -> Path:
        """A consistent copy of the SQLite file via the online backup API."""
        source_path = self.path
        if source_path is None:
            raise EnvironmentProblem(_("Only a database file can be copied this way."))
        destination.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source_path) as source, sqlite3.connect(destination) as target:
            source.backup(target)
        source.close()
        target.close()
        return destination

    def restore_from(self, backup: Path) -> None:
        """Put a backup copy back in place of the SQLite file (connections are closed first)."""
        target_path = self.path
        assert target_path is not None
        self.engine.dispose()
        with sqlite3.connect(backup) as source, sqlite3.connect(target_path) as target:
            source.backup(target)
        source.close()
        target.close()

    def close(self) -> None:
        self.engine.dispose()


def open_database(
    database: str | os.PathLike[str] | None = None, *, upgrade: bool = True, create: bool = True
) -> Database:
    """Open (and by default create or upgrade) the database both entry points use."""
    from passdesk import migrations

    url = resolve_url(database)
    path = sqlite_path(url)
    if path is not None:
        _refuse_network_share(path)
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
    try:
        db = Database(url)
    except (ImportError, SQLAlchemyError) as exc:
        raise EnvironmentProblem(
            _(
                "PassDesk cannot connect to {url}: this kind of database is not supported by this "
                "installation."
            ).format(url=_display_url(url))
        ) from exc
    try:
        db.check_settings()
        if upgrade:
            migrations.upgrade_to_head(db)
        else:
            migrations.ensure_current(db)
    except EnvironmentProblem:
        db.close()
        raise
    except (DBAPIError, SQLAlchemyError, sqlite3.DatabaseError) as exc:
        db.close()
        log.error("database unusable: %s", type(exc).__name__)
        raise EnvironmentProblem(
            _(
                "The database cannot be read ({url}). It may be damaged or unreachable; restore "
                "the last backup or ask your IT contact."
            ).format(url=_display_url(url))
        ) from exc
    return db


def _display_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def timestamped_backup_path(label: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    return paths.backup_dir() / f"passdesk-{stamp}-{label}.sqlite3"
