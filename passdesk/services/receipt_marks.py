"""The receipt high-water mark: the last receipt number each desk has handed out, per year, kept
beside the data so that a restored older copy never hands out a number already printed.

A receipt number is printed and signed; giving it twice would make two receipts that look alike.
The database's counter is the truth while the database lives. After a restore it is behind, so
the restore raises each counter to the highest of: the restored copy's own, the counters of the
database being replaced (when it can still be read) and this mark. The mark is written after
every handout commits, in the data folder and in the second backup folder when that folder is
present (a USB drive), so that even a lost disk does not bring numbers back: the receipts of the
lost handouts keep their numbers, and the desk goes on from the next one (a gap, never a reuse).

The file is small JSON keyed by the desk's identity (its id and creation moment), so that the
marks of a demonstration database never move the counters of the real one. Each desk sharing a
database has its own series, hence its own marks and counters: a restore or a start raises every
desk's (`Floors`: desk id -> year -> number).
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passdesk import paths, staged
from passdesk.errors import PassDeskError
from passdesk.models import Desk, ReceiptCounter, Setting
from passdesk.store import Database, after_commit

log = logging.getLogger(__name__)

MARKS_FILE = "receipt-marks.json"
SECOND_FOLDER_KEY = "backup_folder"  # the setting naming the second backup folder

Marks = dict[str, dict[int, int]]  # desk key -> year -> last number handed out
Floors = dict[int, dict[int, int]]  # desk id -> year -> last number handed out


def desk_key(desk: Desk) -> str:
    """The desk's identity across copies of its database (a new desk never shares it)."""
    created = desk.created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")
    return f"{desk.id}@{created}"


def data_folder() -> Path | None:
    try:
        return paths.data_dir()
    except PassDeskError:
        return None


def second_folder_of(session: Session, desk_id: int | None = None) -> Path | None:
    """The second backup folder an admin chose, if any (it may be absent right now): the one of
    the desk this process works for (`session.info["desk_id"]`, unless `desk_id` names another;
    the first desk when none is chosen or the chosen one is not in this database), since that
    is where this process's backups go and the drive plugged into this computer."""
    chosen = desk_id if desk_id is not None else session.info.get("desk_id")
    if chosen is None or session.get(Desk, chosen) is None:
        chosen = session.scalar(select(func.min(Desk.id)))
    value = session.scalar(
        select(Setting.value).where(Setting.key == SECOND_FOLDER_KEY, Setting.desk_id == chosen)
    )
    return Path(value) if value and value.strip() else None


def read_marks(folder: Path) -> Marks:
    """The marks kept in `folder`; nothing (never an error) when absent or unreadable."""
    try:
        document = json.loads((folder / MARKS_FILE).read_text(encoding="utf-8"))
        desks = document["desks"]
        return {
            str(key): {int(year): int(number) for year, number in years.items()}
            for key, years in desks.items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _merged(*sources: Mapping[str, Mapping[int, int]]) -> Marks:
    merged: Marks = {}
    for source in sources:
        for key, years in source.items():
            target = merged.setdefault(key, {})
            for year, number in years.items():
                target[year] = max(target.get(year, 0), number)
    return merged


def write_mark(folder: Path, key: str, year: int, number: int) -> None:
    """Raise the mark kept in `folder` to `number` (never lowers it; several processes may
    write at once)."""
    with staged.exclusive(folder / f".{MARKS_FILE}.lock"):
        kept = read_marks(folder)
        if kept.get(key, {}).get(year, 0) >= number:
            return
        marks = _merged(kept, {key: {year: number}})
        document = {
            "format": 1,
            "desks": {k: {str(y): n for y, n in sorted(v.items())} for k, v in marks.items()},
        }
        # Not waited onto the disk: the database, which holds the number too, is (the mark only
        # matters once the database is lost or put back, long after the system wrote it).
        staged.write_small_file(
            folder / MARKS_FILE, json.dumps(document, sort_keys=True) + "\n", durable=False
        )


def record(folders: Iterable[Path | None], key: str, year: int, number: int) -> None:
    """Write the mark in each folder that is there; a failure is logged, never raised: the
    handout has committed, and the database holds the number anyway."""
    for folder in folders:
        if folder is None or not folder.is_dir():
            continue
        try:
            write_mark(folder, key, year, number)
        except OSError as error:
            log.warning("receipt mark not written in a folder: %s", error.strerror or error)


class _MarkWriter:
    """Writes the marks on a thread of its own, so that a handout never waits for the file
    system (a USB drive may be slow); marks given meanwhile are merged into one write, and
    whatever is pending is written before the process ends (`flush`, run at exit)."""

    def __init__(self) -> None:
        self._pending: dict[tuple[Path, str, int], int] = {}
        self._changed = threading.Condition()
        self._busy = False
        self._thread: threading.Thread | None = None

    def submit(self, folders: Iterable[Path | None], key: str, year: int, number: int) -> None:
        with self._changed:
            for folder in folders:
                if folder is not None:
                    slot = (folder, key, year)
                    self._pending[slot] = max(self._pending.get(slot, 0), number)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="passdesk-receipt-marks", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._pending:
                    self._changed.wait()
                work, self._pending = self._pending, {}
                self._busy = True
            try:
                for (folder, key, year), number in work.items():
                    record((folder,), key, year, number)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def flush(self, timeout: float = 30.0) -> None:
        """Wait until every mark given so far is written (or `timeout` seconds)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._pending or self._busy:
                left = deadline - time.monotonic()
                if left <= 0 or self._thread is None or not self._thread.is_alive():
                    break
                self._changed.wait(left)


_writer = _MarkWriter()
atexit.register(_writer.flush)
flush = _writer.flush


def mark_folders(session: Session) -> tuple[Path | None, Path | None]:
    """Where the marks are kept: the data folder, and the second backup folder if chosen."""
    return data_folder(), second_folder_of(session)


def remember_after_commit(
    session: Session,
    desk: Desk,
    year: int,
    number: int,
    folders: tuple[Path | None, Path | None],
) -> None:
    """Once the handout that took receipt `number` commits, raise the marks in `folders` to it
    (written in the background: see `_MarkWriter`)."""
    key = desk_key(desk)
    after_commit(session, lambda: _writer.submit(folders, key, year, number))


def marks_for(key: str, folders: Iterable[Path | None]) -> dict[int, int]:
    """The highest mark of one desk, per year, over the folders that are there (the marks of
    this process's last handouts included)."""
    flush()
    found = _merged(*(read_marks(f) for f in folders if f is not None))
    return found.get(key, {})


@dataclass(frozen=True)
class DeskCounters:
    """One desk of a database as the marks see it: its identity across copies (`desk_key`),
    its code (said in a restore's plan) and its receipt counters, per year."""

    key: str
    code: str
    counters: dict[int, int]


def desks_counters(session: Session) -> dict[int, DeskCounters]:
    """Every desk of a database, by id (ordered: the first desk first)."""
    numbers: Floors = {}
    for desk_id, year, number in session.execute(
        select(ReceiptCounter.desk_id, ReceiptCounter.year, ReceiptCounter.last_number)
    ).all():
        numbers.setdefault(int(desk_id), {})[int(year)] = int(number)
    return {
        desk.id: DeskCounters(desk_key(desk), desk.code, numbers.get(desk.id, {}))
        for desk in session.scalars(select(Desk).order_by(Desk.id))
    }


def archive_desks(
    desk_rows: Iterable[Mapping[str, str | None]], counter_rows: Iterable[Mapping[str, str | None]]
) -> dict[int, DeskCounters]:
    """The same, read from the rows of a PostgreSQL archive (COPY text: every value a string)."""
    numbers: Floors = {}
    for row in counter_rows:
        years = numbers.setdefault(int(str(row["desk_id"])), {})
        years[int(str(row["year"]))] = int(str(row["last_number"]))
    desks = {}
    for row in sorted(desk_rows, key=lambda r: int(str(r["id"]))):
        created = datetime.fromisoformat(str(row["created_at"])).replace(tzinfo=UTC)
        desk = Desk(id=int(str(row["id"])), created_at=created)
        code = str(row.get("code") or row["name"])
        desks[desk.id] = DeskCounters(desk_key(desk), code, numbers.get(desk.id, {}))
    return desks


def counters(session: Session) -> tuple[str | None, dict[int, int]]:
    """The first desk's key and its receipt counters, per year, as a database holds them (a
    database of one desk: its only desk)."""
    desks = desks_counters(session)
    if not desks:
        return None, {}
    first = desks[min(desks)]
    return first.key, first.counters


def highest(*sources: Mapping[int, int]) -> dict[int, int]:
    """Each year's highest number over `sources`."""
    found: dict[int, int] = {}
    for source in sources:
        for year, number in source.items():
            found[year] = max(found.get(year, 0), number)
    return found


def floors_of(
    desks: Mapping[int, DeskCounters], folders: Iterable[Path | None], *known: Floors
) -> Floors:
    """Each desk's highest number per year over its own counters, those `known` for it (by
    desk id) and its marks in `folders`; a desk that never gave a number is left out."""
    folders = tuple(folders)
    floors: Floors = {}
    for desk_id, desk in desks.items():
        floor = highest(
            desk.counters, *(k.get(desk_id, {}) for k in known), marks_for(desk.key, folders)
        )
        if floor:
            floors[desk_id] = floor
    return floors


def record_floors(
    folders: Iterable[Path | None], desks: Mapping[int, DeskCounters], floors: Floors
) -> None:
    """Raise the marks in `folders` to every desk's `floors` (see `record`)."""
    folders = tuple(folders)
    for desk_id, floor in floors.items():
        for year, number in floor.items():
            record(folders, desks[desk_id].key, year, number)


def raise_counters(session: Session, floors: Mapping[int, Mapping[int, int]]) -> Floors:
    """Put each desk's counter of each year at least at `floors[desk id][year]` (in the caller's
    transaction; a desk this database does not hold is left out); returns the counters raised,
    per desk, and their new last numbers."""
    raised: Floors = {}
    for desk_id, floor in sorted(floors.items()):
        if session.scalar(select(Desk.id).where(Desk.id == desk_id)) is None:
            continue
        for year, number in sorted(floor.items()):
            counter = session.get(ReceiptCounter, (desk_id, year))
            if counter is None:
                session.add(ReceiptCounter(desk_id=desk_id, year=year, last_number=number))
            elif counter.last_number < number:
                counter.last_number = number
            else:
                continue
            raised.setdefault(desk_id, {})[year] = number
    session.flush()
    return raised


def apply_marks(db: Database) -> Floors:
    """At start-up: raise every desk's receipt counters to the marks kept beside the data, in
    case the database was put back from an older copy behind PassDesk's back (a file copied by
    hand, a restore that was interrupted). Returns the counters raised, per desk; usually
    nothing is written."""
    try:
        with db.read() as session:
            desks = desks_counters(session)
            second = second_folder_of(session)
        behind: Floors = {}
        for desk_id, desk in desks.items():
            marks = marks_for(desk.key, (data_folder(), second))
            late = {year: n for year, n in marks.items() if n > desk.counters.get(year, 0)}
            if late:
                behind[desk_id] = late
        if not behind:
            return {}
        raised = db.transaction(lambda session: raise_counters(session, behind))
    except PassDeskError:  # a read-only file: nothing can be handed out there anyway
        log.warning("receipt counters could not be checked against the marks")
        return {}
    log.warning("receipt counters were behind the marks kept beside the data: raised %s", raised)
    return raised
