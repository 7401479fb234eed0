"""Backups of the desk's database: made, verified, rotated, copied to a second folder, listed.

- Made when the window closes ("closing"), once a day while it is open ("daily"), or on demand
  ("manual": `passdesk-admin backup create`, the window's Backups dialog). A SQLite copy is
  taken with the online backup API (the WAL included); a PostgreSQL one with pg_dump.
- Verified before it takes its name: PRAGMA integrity_check and the journal's SHA-256 chain,
  run on the copy itself (a copy that fails is removed and the failure said).
- Rotated: of the automatic backups (daily, closing) the newest of each of the last 7 days,
  4 weeks and 12 months are kept. Those made by hand, before a restore or before a schema
  upgrade are never removed by PassDesk.
- Kept in the data folder (`backups/`), and copied to the second folder the administrator
  chose (a USB drive, the `backup_folder` setting); a drive that is not there is said calmly
  and the backup stands in the data folder.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from passdesk import paths, staged
from passdesk.errors import EnvironmentProblem, NotFound, PassDeskError
from passdesk.i18n import N_, _
from passdesk.services.base import Clock, Service, system_clock
from passdesk.services.ledger import LedgerService
from passdesk.services.rows import LedgerReport
from passdesk.services.settings import SettingsService
from passdesk.store import Database, backups, pg_backups
from passdesk.store.backups import BackupCancelled, BackupFile

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]

ROTATED_KINDS = frozenset({"daily", "closing"})
KIND_LABELS = {
    "manual": N_("made by hand"),
    "daily": N_("daily"),
    "closing": N_("at closing"),
    "before-restore": N_("before a restore"),
    "unreadable": N_("unreadable database"),
}
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
# The steps `create` reports through `progress(done, STEPS)`.
STEPS = 4


@dataclass(frozen=True)
class BackupRow:
    """One backup as listed: `index` is what `backup restore N` takes (1 is the newest)."""

    index: int
    path: Path
    taken_at: datetime
    kind: str
    size: int
    in_data_folder: bool
    in_second_folder: bool


@dataclass(frozen=True)
class VerifyReport:
    """What a backup's verification found; `lines` say it in French."""

    path: Path
    storage_problems: tuple[str, ...]
    ledger: LedgerReport | None
    revision: str | None
    lines: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.storage_problems and (self.ledger is None or self.ledger.ok)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    kind: str
    size: int
    seconds: float
    events: int | None  # journal events in the copy (None: a PostgreSQL archive)
    second_copy: Path | None
    second_problem: str | None  # French; the backup stands in the data folder anyway
    removed: int  # older automatic backups rotated away


def kind_label(kind: str) -> str:
    """What made a backup, in French (`before-0050`: before a schema upgrade)."""
    if kind in KIND_LABELS:
        return _(KIND_LABELS[kind])
    if kind.startswith("before-"):
        return _("before an upgrade")
    return kind


def rotation_keeps(found: Iterable[BackupFile]) -> set[Path]:
    """Of the rotated backups, those to keep: the newest of each of the last 7 days, 4 ISO
    weeks and 12 months that have one (counted in the desk's local time)."""
    newest_first = sorted(found, key=lambda b: b.taken_at, reverse=True)
    keep: set[Path] = set()
    periods: tuple[tuple[Callable[[datetime], object], int], ...] = (
        (lambda moment: moment.date(), KEEP_DAILY),
        (lambda moment: moment.isocalendar()[:2], KEEP_WEEKLY),
        (lambda moment: (moment.year, moment.month), KEEP_MONTHLY),
    )
    for period, count in periods:
        seen: list[object] = []
        for backup in newest_first:
            key = period(backup.taken_at.astimezone())
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            keep.add(backup.path)
    return keep


def open_backup(path: Path) -> Database:
    """A backup file opened for reading only (nothing is written to it or beside it)."""
    url = backups.read_only_url(path)
    return Database(url, engine=create_engine(url))


class BackupService(Service):
    def __init__(
        self, db: Database, clock: Clock = system_clock, *, settings: SettingsService | None = None
    ) -> None:
        super().__init__(db, clock)
        self._settings = settings or SettingsService(db, clock)

    # --- where ------------------------------------------------------------------------------

    @property
    def stem(self) -> str:
        return backups.database_stem(self._db.url)

    @property
    def extension(self) -> str:
        return backups.SQLITE_EXTENSION if self._db.is_sqlite else backups.DUMP_EXTENSION

    @staticmethod
    def data_folder() -> Path:
        return paths.backup_dir()

    def second_folder(self) -> Path | None:
        """The folder chosen in the settings (it may be absent right now), or None."""
        path = self._db.path
        if path is not None and not path.exists():
            return None  # reading it would create an empty database
        try:
            value = str(self._settings.get("backup_folder") or "").strip()
        except (PassDeskError, SQLAlchemyError):  # a damaged or empty database: none known
            return None
        return Path(value) if value else None

    # --- making one ---------------------------------------------------------------------------

    def create(
        self,
        kind: str = "manual",
        *,
        progress: ProgressCallback | None = None,
        cancel: CancelCallback | None = None,
    ) -> BackupResult:
        """Back up the database, verify the copy, give it its name, copy it to the second
        folder and rotate both folders."""
        report = progress or (lambda _done, _total: None)
        stopped = cancel or (lambda: False)
        started = time.perf_counter()
        folder = self.data_folder()
        staged.sweep(folder)
        destination = self._new_name(folder, kind)
        report(0, STEPS)
        with backups.new_backup_file(destination) as (part, stream):
            if self._db.is_sqlite:
                source = self._db.path
                assert source is not None
                backups.copy_sqlite(source, part)
                report(1, STEPS)
                if stopped():
                    raise BackupCancelled()
                verified = self._verify_sqlite(part, cancel=stopped)
                events: int | None = verified.ledger.events_checked if verified.ledger else 0
                problems = verified.storage_problems
                if verified.ledger is not None and not verified.ledger.ok:
                    problems = (*problems, str(verified.ledger.problem))
            else:
                pg_backups.dump(self._db.url, stream)
                backups.sync(stream, destination.parent)
                report(1, STEPS)
                problems = tuple(pg_backups.check_archive(part))
                events = None
            report(3, STEPS)
            if problems:
                log.error("backup copy failed its verification: %s", problems[:1])
                raise EnvironmentProblem(
                    _(
                        "The backup copy did not pass its verification ({problem}): it was "
                        "removed. Run passdesk-admin check on the database."
                    ).format(problem=problems[0])
                )
        backups.publish(part, destination)
        removed = self.rotate(folder)
        second_copy, second_problem = self._copy_to_second_folder(destination)
        report(STEPS, STEPS)
        seconds = time.perf_counter() - started
        log.info("%s backup written (%.1f s, %s rotated away)", kind, seconds, removed)
        return BackupResult(
            destination,
            kind,
            destination.stat().st_size,
            round(seconds, 3),
            events,
            second_copy,
            second_problem,
            removed,
        )

    def _new_name(self, folder: Path, kind: str) -> Path:
        moment = self._now()
        while True:
            destination = folder / backups.backup_name(self.stem, kind, moment, self.extension)
            if not destination.exists():
                return destination
            moment += timedelta(microseconds=1)  # two backups in one microsecond (tests)

    def _copy_to_second_folder(self, backup: Path) -> tuple[Path | None, str | None]:
        second = self.second_folder()
        if second is None:
            return None, None
        if not second.is_dir():
            log.info("second backup folder absent")
            return None, _(
                "The second backup folder {folder} is not there (USB drive unplugged?): the "
                "backup is in {data} and will be copied there next time."
            ).format(folder=second, data=backup.parent)
        try:
            staged.sweep(second)
            copied = backups.copy_file(backup, second / backup.name)
            self.rotate(second)
        except PassDeskError as problem:
            log.warning("second backup folder could not be written")
            return None, _(
                "The backup could not be copied to the second folder: {problem} It is in {data}."
            ).format(problem=problem.message, data=backup.parent)
        return copied, None

    def rotate(self, folder: Path) -> int:
        """Remove the automatic backups of this database the rotation does not keep."""
        rotated = [b for b in backups.list_backups(folder, self.stem) if b.kind in ROTATED_KINDS]
        keep = rotation_keeps(rotated)
        removed = 0
        for backup in rotated:
            if backup.path not in keep:
                try:
                    backup.path.unlink()
                    removed += 1
                except OSError:
                    log.warning("an old backup could not be removed")
        return removed

    def due_today(self) -> bool:
        """No backup of this database was made today (the daily one is due)."""
        today = self._now().astimezone().date()
        found = backups.list_backups(self.data_folder(), self.stem)
        return not any(b.taken_at.astimezone().date() == today for b in found)

    # --- finding and verifying ----------------------------------------------------------------

    def list(self) -> list[BackupRow]:
        """Every backup of this database in the data folder and the second folder, newest
        first, each listed once (a copy in both folders is one backup)."""
        by_name: dict[str, tuple[BackupFile, bool, bool]] = {}
        data, second = self.data_folder(), self.second_folder()
        for folder, is_data in ((data, True), (second, False)):
            if folder is None:
                continue
            for found in backups.list_backups(folder, self.stem):
                if found.path.suffix != "." + self.extension:
                    continue
                known = by_name.get(found.path.name)
                if known is None:
                    by_name[found.path.name] = (found, is_data, not is_data)
                else:
                    kept, in_data, in_second = known
                    by_name[found.path.name] = (kept, in_data or is_data, in_second or not is_data)
        ordered = sorted(by_name.values(), key=lambda entry: entry[0].taken_at, reverse=True)
        return [
            BackupRow(n, b.path, b.taken_at, b.kind, b.size, in_data, in_second)
            for n, (b, in_data, in_second) in enumerate(ordered, start=1)
        ]

    def find(self, reference: str) -> BackupRow | Path:
        """A backup by its number in `list` or by its file's path."""
        text_ = reference.strip()
        if text_.isdigit() and len(text_) < 6:
            rows = self.list()
            number = int(text_)
            if not 1 <= number <= len(rows):
                raise NotFound(
                    _("There is no backup number {number}: see passdesk-admin backup list.").format(
                        number=number
                    )
                )
            return rows[number - 1]
        path = Path(text_).expanduser()
        if not path.is_file():
            raise NotFound(_("No backup file at {path}.").format(path=path))
        return path.absolute()

    def verify(self, path: Path, *, cancel: CancelCallback | None = None) -> VerifyReport:
        """Check a backup file the way `create` checks a new one."""
        if path.suffix == "." + backups.DUMP_EXTENSION:
            problems = tuple(pg_backups.check_archive(path))
            lines = problems or (_("PostgreSQL archive: readable."),)
            return VerifyReport(path, problems, None, None, tuple(lines))
        return self._verify_sqlite(path, cancel=cancel)

    def _verify_sqlite(self, path: Path, *, cancel: CancelCallback | None = None) -> VerifyReport:
        """integrity_check (in C, on a second thread) while the journal's chain is recomputed
        (in Python, here): the two take about as long, so together they take half."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            storage = pool.submit(backups.integrity_problems, path, cancel)
            tables, revision, ledger = self._read_backup(path)
            problems = list(storage.result())
        if not problems and not {"alembic_version", "desk", "ledger_event"} <= tables:
            problems.append(_("it is not a PassDesk database"))
        lines = [
            _("Backup file: sound.")
            if not problems
            else _("Backup file: DAMAGED ({detail}).").format(detail="; ".join(problems[:3]))
        ]
        if ledger is not None:
            lines.append(
                _("Journal: {n} events, chain intact.").format(n=ledger.events_checked)
                if ledger.ok
                else _("Journal: BROKEN at event {number}: {problem}").format(
                    number=ledger.first_bad_event, problem=ledger.problem
                )
            )
        return VerifyReport(path, tuple(problems), ledger, revision, tuple(lines))

    @staticmethod
    def _read_backup(path: Path) -> tuple[set[str], str | None, LedgerReport | None]:
        copy = open_backup(path)
        try:
            with copy.engine.connect() as connection:
                tables = set(inspect(connection).get_table_names())
                revision = None
                if "alembic_version" in tables:
                    revision = connection.execute(
                        text("SELECT version_num FROM alembic_version")
                    ).scalar()
            ledger = LedgerService(copy).verify() if "ledger_event" in tables else None
        except (SQLAlchemyError, sqlite3.Error, ValueError) as error:  # integrity_check says why
            log.warning("backup could not be read: %s", type(error).__name__)
            return set(), None, None
        finally:
            copy.close()
        return tables, revision, ledger


class DetachedBackupService(BackupService):
    """The backups of a database that cannot be opened (missing, damaged, read-only...): found
    by its name alone, without reading it, so the second folder it names is not known."""

    def second_folder(self) -> Path | None:
        return None
