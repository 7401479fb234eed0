"""Putting a backup back: first what will be lost, then the copy in place, with the receipt
counters kept ahead of every number already printed.

What is lost is the journal's events after the point where the backup and the database being
replaced part ways (their chains agree up to there: each event's hash covers all before it), and
the people registered since. The receipt counters of the restored copy, every desk's, are raised
to the highest of its own, those of the database being replaced (when it can be read) and the
high-water marks kept beside the data (`receipt_marks`): a number already printed is never handed
out again.

The order makes a restore safe to kill at any moment: the marks are raised first (so that the
next start raises the counters even if nothing else happened), the current database is copied
aside ("before-restore", kept until deleted by hand), the backup is copied beside the live file
and its counters raised there, then the whole copy goes into the live file in one SQLite
transaction.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from passdesk.errors import EnvironmentProblem, Refused
from passdesk.formatting import format_timestamp
from passdesk.i18n import N_, _
from passdesk.models import Beneficiary, Booklet, Desk, EventKind, LedgerEvent, LedgerHead
from passdesk.roles import Action
from passdesk.services import receipt_marks
from passdesk.services.backups import BackupService, open_backup
from passdesk.services.base import Clock, Service, require, system_clock
from passdesk.services.rows import Actor
from passdesk.store import Database, backups, pg_backups, schema
from passdesk.store.faults import DamagedDatabase

log = logging.getLogger(__name__)

# Said when the register moved between the plan the person confirmed and the restore itself
# (another window or desk recorded something): what would be lost is no longer what was said.
REGISTER_CHANGED = N_(
    "Something was recorded in the register since this restore was prepared (another window "
    "or desk was working): nothing was changed. Run the restore again: it will list what it "
    "loses."
)

EVENT_LABELS = {
    EventKind.RECEIVED.value: N_("received"),
    EventKind.HANDED_OUT.value: N_("handed out"),
    EventKind.CANCELLED.value: N_("handout cancelled"),
    EventKind.RETURNED.value: N_("back in stock"),
    EventKind.VOIDED.value: N_("voided"),
    EventKind.PRINTED.value: N_("printed"),
    EventKind.REPRINTED.value: N_("reprinted"),
    EventKind.USED.value: N_("used"),
    EventKind.EXPIRED.value: N_("expired"),
}


@dataclass(frozen=True)
class LostEvent:
    """A journal event of the database being replaced that the backup does not hold."""

    number: int
    kind: str
    at: datetime
    booklet: str | None
    receipt: str | None

    @property
    def label(self) -> str:
        known = EVENT_LABELS.get(self.kind)
        return _(known) if known else self.kind

    def line(self) -> str:
        parts = [
            _("no. {number}").format(number=self.number),
            self.label,
            format_timestamp(self.at),
        ]
        if self.booklet:
            parts.append(self.booklet)
        if self.receipt:
            parts.append(_("receipt {number}").format(number=self.receipt))
        return " · ".join(parts)


@dataclass(frozen=True)
class _Facts:
    """What a restore needs to know of one side (the backup or the current database)."""

    desk_key: str | None  # the first desk's: the database's identity
    desk_name: str | None
    desks: dict[int, receipt_marks.DeskCounters]  # every desk, its counters
    last_event: int
    hash_at: Callable[[int], str | None]
    people: int  # the highest person number
    second_folder: Path | None


@dataclass(frozen=True)
class RestorePlan:
    """What restoring `backup` would do, said before anything is done."""

    backup: Path
    backup_events: int
    current_problem: str | None  # why the current database cannot be read (None: it can)
    lost: tuple[LostEvent, ...]
    lost_people: int
    returning_events: int  # events the backup holds that the current database does not
    other_desk: str | None  # the current desk's name, when the backup is another desk's
    floors: receipt_marks.Floors  # each desk's last receipt number per year after the restore
    desks: dict[int, receipt_marks.DeskCounters]  # the backup's desks
    current_damaged: bool = False  # SQLite finds it damaged: it is replaced (and kept aside)
    current: backups.RegisterState | None = None  # what the plan saw of the current database

    @property
    def current_readable(self) -> bool:
        return self.current_problem is None

    @property
    def counters(self) -> dict[int, int]:
        """The first desk's (a database of one desk: its only desk's)."""
        return self.floors.get(min(self.desks), {}) if self.desks else {}

    def lines(self) -> list[str]:
        """The plan in French, as the console prints it and the window shows it."""
        said: list[str] = []
        if self.current_problem is not None:
            said.append(
                _(
                    "The current database cannot be read ({problem}): what it holds after the "
                    "backup cannot be listed and will be lost."
                ).format(problem=self.current_problem)
            )
        elif self.lost:
            said.append(
                _("{n} journal event(s) recorded after this backup will be lost:").format(
                    n=len(self.lost)
                )
            )
            said.extend("  " + event.line() for event in self.lost)
        else:
            said.append(_("No journal event recorded after this backup will be lost."))
        if self.lost_people:
            said.append(
                _("{n} person(s) registered after this backup will be lost.").format(
                    n=self.lost_people
                )
            )
        if self.returning_events:
            said.append(
                _(
                    "The backup holds {n} journal event(s) the current database does not: they "
                    "come back."
                ).format(n=self.returning_events)
            )
        if self.other_desk:
            said.append(
                _(
                    "Careful: this backup is another desk's than the current database ({desk})."
                ).format(desk=self.other_desk)
            )
        several = len(self.desks) > 1
        for desk_id, floor in sorted(self.floors.items()):
            for year, number in sorted(floor.items()):
                text = (
                    _("Receipts of desk {desk} of {year} will go on from number {next}.")
                    if several
                    else _("Receipts of {year} will go on from number {next}.")
                )
                said.append(text.format(desk=self.desks[desk_id].code, year=year, next=number + 1))
        return said


@dataclass(frozen=True)
class RestoreResult:
    plan: RestorePlan
    safety_copy: Path | None  # the database as it was before the restore
    floors: receipt_marks.Floors  # each desk's counters after the restore

    @property
    def counters(self) -> dict[int, int]:
        """The first desk's (a database of one desk: its only desk's)."""
        return self.floors.get(min(self.plan.desks), {}) if self.plan.desks else {}


def common_prefix(
    last_a: int,
    last_b: int,
    hash_a: Callable[[int], str | None],
    hash_b: Callable[[int], str | None],
) -> int:
    """The last event two chains share: each hash covers every event before it, so the chains
    agree up to some event and differ after it (found by bisection)."""
    high = min(last_a, last_b)
    if high == 0 or hash_a(high) == hash_b(high):
        return high
    low = 0  # chains agree up to `low`, differ at `high`
    while high - low > 1:
        middle = (low + high) // 2
        if hash_a(middle) == hash_b(middle):
            low = middle
        else:
            high = middle
    return low


def _session_facts(session: Session, desk_id: int | None) -> _Facts:
    """`desk_id`: the desk this process works for (its second backup folder is read)."""
    desk = session.scalars(select(Desk).order_by(Desk.id).limit(1)).first()
    desks = receipt_marks.desks_counters(session)
    head = session.get(LedgerHead, 1)

    def hash_at(number: int) -> str | None:
        return session.scalar(select(LedgerEvent.hash).where(LedgerEvent.id == number))

    return _Facts(
        desk_key=desks[min(desks)].key if desks else None,
        desk_name=desk.name if desk is not None else None,
        desks=desks,
        last_event=head.last_id if head is not None else 0,
        hash_at=hash_at,
        people=session.scalar(select(func.max(Beneficiary.id))) or 0,
        second_folder=receipt_marks.second_folder_of(session, desk_id),
    )


def _archive_facts(archive: Path, desk_id: int | None) -> _Facts:
    """The same facts read from a PostgreSQL archive's table data, without a server."""
    rows = sorted(pg_backups.table_rows(archive, "desk"), key=lambda r: int(str(r["id"])))
    events = {int(str(r["id"])): r["hash"] for r in pg_backups.table_rows(archive, "ledger_event")}
    counters = pg_backups.table_rows(archive, "receipt_counter")
    desks = receipt_marks.archive_desks(rows, counters)
    people = [int(str(r["id"])) for r in pg_backups.table_rows(archive, "beneficiary")]
    chosen = desk_id if desk_id in desks else min(desks, default=None)
    folders = [
        r["value"]
        for r in pg_backups.table_rows(archive, "setting")
        if r["key"] == receipt_marks.SECOND_FOLDER_KEY
        and r["value"]
        and str(r.get("desk_id")) == str(chosen)
    ]
    return _Facts(
        desk_key=desks[min(desks)].key if desks else None,
        desk_name=str(rows[0]["name"]) if rows else None,
        desks=desks,
        last_event=max(events, default=0),
        hash_at=lambda number: events.get(number),
        people=max(people, default=0),
        second_folder=Path(str(folders[0])) if folders else None,
    )


class RestoreService(Service):
    def __init__(
        self,
        db: Database,
        clock: Clock = system_clock,
        *,
        backups_: BackupService | None = None,
    ) -> None:
        super().__init__(db, clock)
        self._backups = backups_ or BackupService(db, clock)

    # --- what it would do -------------------------------------------------------------------

    def plan(self, backup: Path) -> RestorePlan:
        """What restoring `backup` would lose and where the receipts would go on; nothing is
        written."""
        if self._db.is_sqlite:
            copy = open_backup(backup)
            try:
                with copy.read() as backup_session:
                    saved = _session_facts(backup_session, self._db.desk_id)
                    return self._plan(backup, saved)
            except (SQLAlchemyError, ValueError) as error:
                raise Refused(
                    _("{path} cannot be read as a PassDesk backup.").format(path=backup)
                ) from error
            finally:
                copy.close()
        return self._plan(backup, _archive_facts(backup, self._db.desk_id))

    def _plan(self, backup: Path, saved: _Facts) -> RestorePlan:
        path = self._db.path
        if path is not None and not path.exists():
            problem: str | None = _("there is no database at {path}").format(path=path)
            damaged = False
        else:
            try:
                with self._db.read() as session:
                    current = _session_facts(session, self._db.desk_id)
                    return self._compare(backup, saved, current, session)
            # (busy, read-only, a full disk: the error goes on, and nothing is replaced)
            except DamagedDatabase as error:
                problem, damaged = error.message, True
            except SQLAlchemyError as error:  # not a PassDesk database any more
                problem, damaged = type(error).__name__, True
        log.warning("current database unreadable while planning a restore")
        floors = self._floor(saved, None)
        return RestorePlan(
            backup, saved.last_event, problem, (), 0, 0, None, floors, saved.desks, damaged
        )

    def _compare(
        self, backup: Path, saved: _Facts, current: _Facts, session: Session
    ) -> RestorePlan:
        shared = common_prefix(saved.last_event, current.last_event, saved.hash_at, current.hash_at)
        rows = session.execute(
            select(
                LedgerEvent.id, LedgerEvent.kind, LedgerEvent.at, LedgerEvent.details, Booklet.code
            )
            .outerjoin(Booklet, Booklet.id == LedgerEvent.booklet_id)
            .where(LedgerEvent.id > shared)
            .order_by(LedgerEvent.id)
        ).all()
        lost = []
        for number, kind, at, details, booklet in rows:
            try:
                facts = json.loads(details or "{}")
            except ValueError:
                facts = {}
            lost.append(
                LostEvent(number, kind, at, booklet or facts.get("booklet"), facts.get("receipt"))
            )
        people = (
            session.scalar(
                select(func.count()).select_from(Beneficiary).where(Beneficiary.id > saved.people)
            )
            or 0
        )
        same_desk = saved.desk_key is None or current.desk_key in (None, saved.desk_key)
        return RestorePlan(
            backup,
            saved.last_event,
            None,
            tuple(lost),
            people,
            saved.last_event - shared,
            None if same_desk else current.desk_name,
            self._floor(saved, current if same_desk else None),
            saved.desks,
            current=backups.RegisterState(
                current.last_event,
                current.people,
                tuple(
                    (desk_id, year, number)
                    for desk_id, desk in sorted(current.desks.items())
                    for year, number in sorted(desk.counters.items())
                ),
            ),
        )

    def _floor(self, saved: _Facts, current: _Facts | None) -> receipt_marks.Floors:
        """Each desk's last receipt number per year after the restore: the highest ever known
        (the current database's counters count for the desks it holds under the same key)."""
        folders = [
            receipt_marks.data_folder(),
            saved.second_folder,
            current.second_folder if current is not None else None,
            self._backups.second_folder() if current is not None else None,
        ]
        same = {
            desk_id: desk.counters
            for desk_id, desk in (current.desks if current is not None else {}).items()
            if desk_id in saved.desks and saved.desks[desk_id].key == desk.key
        }
        return receipt_marks.floors_of(saved.desks, folders, same)

    # --- doing it ---------------------------------------------------------------------------

    def restore(
        self,
        backup: Path,
        actor: Actor | None,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> RestoreResult:
        """Put `backup` in place of the database (see the module doc for the order). An
        administrator does it; when the current database cannot be read at all, nobody can be
        asked for, and the person at the computer (who owns its files) may."""
        report = progress or (lambda _done, _total: None)
        report(0, 5)
        plan = self.plan(backup)
        if plan.current_readable:
            if actor is None:
                raise Refused(_("Only an administrator may restore a backup."))
            require(actor, Action.RESTORE_BACKUP)
        verified = self._backups.verify(backup)
        if not verified.ok:
            raise Refused(
                _(
                    "This backup did not pass its verification; nothing was changed. {detail}"
                ).format(detail=" ".join(verified.lines))
            )
        if verified.revision is not None and not schema.known_revision(verified.revision):
            raise Refused(
                _(
                    "This backup was made by a newer version of PassDesk (schema {revision}): "
                    "install it first. Nothing was changed."
                ).format(revision=verified.revision)
            )
        report(1, 5)
        self._mark(plan)
        safety = self._safety_copy(plan)
        report(2, 5)
        if self._db.is_sqlite:
            counters = self._restore_sqlite(backup, plan)
        else:
            counters = self._floor_at_swap(plan)
            try:
                pg_backups.restore(self._db.url, backup, expected=plan.current, floors=counters)
            except pg_backups.RegisterChanged as changed:
                raise Refused(_(REGISTER_CHANGED)) from changed
        report(4, 5)
        schema.upgrade_to_head(self._db)
        report(5, 5)
        log.info(
            "backup restored by %s: %s journal events lost, receipt counters %s",
            f"agent {actor.id}" if actor is not None else "the computer's user",
            len(plan.lost),
            sorted(counters.items()),
        )
        return RestoreResult(plan, safety, counters)

    def _mark(self, plan: RestorePlan) -> None:
        """Raise every desk's high-water marks to the counters the restore will set, first."""
        receipt_marks.record_floors(self._mark_folders(), plan.desks, plan.floors)

    def _mark_folders(self) -> tuple[Path | None, ...]:
        return (receipt_marks.data_folder(), self._backups.second_folder())

    def _floor_at_swap(self, plan: RestorePlan) -> receipt_marks.Floors:
        """The plan's counters raised to the marks as they are now (this process's handouts
        since the plan flushed to them first), the marks raised to the result; every desk's."""
        floors = receipt_marks.floors_of(plan.desks, self._mark_folders(), plan.floors)
        receipt_marks.record_floors(self._mark_folders(), plan.desks, floors)
        return floors

    def _safety_copy(self, plan: RestorePlan) -> Path | None:
        """The database as it is now, kept aside (never rotated away); a damaged file is
        moved there whole, and its place left free for the restored copy."""
        if plan.current_readable:
            return self._backups.create("before-restore").path
        path = self._db.path
        if path is None or not path.is_file():
            return None
        self._db.engine.dispose()
        kept = self._backups.data_folder() / backups.backup_name(
            self._backups.stem, "unreadable", self._now()
        )
        backups.copy_file(path, kept)
        for companion in ("-wal", "-shm"):
            extra = path.with_name(path.name + companion)
            if extra.exists():
                backups.copy_file(extra, kept.with_name(kept.name + companion))
        backups.discard(path)
        return kept

    def _restore_sqlite(self, backup: Path, plan: RestorePlan) -> receipt_marks.Floors:
        """Copy the backup beside the live file, then, while every other writer waits
        (`backups.swap_in`), check that nothing was recorded since the plan, raise the copy's
        counters to what is known then, and put it in place."""
        target = self._db.path
        assert target is not None
        counters: receipt_marks.Floors = {}

        def prepare(live: sqlite3.Connection) -> None:
            if plan.current is not None and backups.sqlite_register_state(live) != plan.current:
                log.warning("register changed between a restore's plan and its swap: refused")
                raise Refused(_(REGISTER_CHANGED))
            counters.update(self._floor_at_swap(plan))
            engine = create_engine(f"sqlite:///{part}")
            try:
                with Session(engine) as session, session.begin():
                    receipt_marks.raise_counters(session, counters)
            finally:
                engine.dispose()

        with backups.new_backup_file(target) as (part, _stream):
            backups.copy_sqlite(backup, part)
            try:
                backups.swap_in(self._db, part, prepare, fence=plan.current is not None)
            except sqlite3.Error as error:
                raise EnvironmentProblem(
                    _(
                        "The backup could not be put in place ({error}); nothing was changed."
                    ).format(error=type(error).__name__)
                ) from error
        backups.discard(part)
        return counters
