"""Backups and restores: made with the WAL, verified, rotated, copied to a second folder; a
restore lists exactly the events it loses and never hands out a receipt number again."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from passdesk import paths
from passdesk.errors import Forbidden, NotFound, Refused
from passdesk.services import Services, open_services, receipt_marks
from passdesk.services.backups import rotation_keeps
from passdesk.services.rows import Actor, BeneficiaryRow, ProgrammeRow
from passdesk.store import backups
from passdesk.store.backups import BackupCancelled, BackupFile

if TYPE_CHECKING:
    from conftest import MovableClock, RawDb


def give(services: Services, actor: Actor, person: BeneficiaryRow, code: str) -> str:
    return services.handouts.hand_out(actor, person.id, next_programme=code).receipt_number


def number(receipt: str) -> int:
    return int(receipt.split("-")[1])


@pytest.fixture
def busy(
    services: Services, admin: Actor, person: BeneficiaryRow, other_programme: ProgrammeRow
) -> list[str]:
    """Three handouts already given; their receipts."""
    return [give(services, admin, person, other_programme.code) for _ in range(3)]


def table(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql).fetchall()


# --- making one -------------------------------------------------------------------------------


def test_a_backup_holds_what_is_still_in_the_wal_and_is_verified(
    services: Services, busy: list[str], db_path: Path
) -> None:
    assert Path(f"{db_path}-wal").stat().st_size > 0  # recent handouts live in the WAL
    result = services.backups.create("manual")
    assert result.path.parent == paths.backup_dir()
    assert result.path.name.startswith("register-") and result.path.name.endswith("-manual.sqlite3")
    assert table(result.path, "SELECT count(*) FROM handout") == [(3,)]
    assert table(result.path, "PRAGMA journal_mode") == [("delete",)]  # one file, no -wal
    assert result.events == table(db_path, "SELECT count(*) FROM ledger_event")[0][0]
    assert services.backups.verify(result.path).ok
    assert [p.name for p in result.path.parent.iterdir()] == [result.path.name]  # no part left


@pytest.mark.sqlite_only  # a SQLite file's backup (a server's: test_console_backup)
def test_a_damaged_or_altered_backup_fails_its_verification(
    services: Services, busy: list[str]
) -> None:
    made = services.backups.create("manual").path
    altered = made.with_name("altered.sqlite3")
    altered.write_bytes(made.read_bytes())
    with closing(sqlite3.connect(altered)) as connection:
        connection.execute("UPDATE ledger_event SET details = '{}' WHERE id = 2")
        connection.commit()
    report = services.backups.verify(altered)
    assert not report.ok and report.ledger is not None and report.ledger.first_bad_event == 2
    assert any("ROMPUE" in line for line in report.lines)

    damaged = made.with_name("damaged.sqlite3")
    data = bytearray(made.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page * 2 : page * 2 + 200] = b"\xa5" * 200  # a b-tree page's header is gone
    damaged.write_bytes(bytes(data))
    report = services.backups.verify(damaged)
    assert not report.ok and report.storage_problems
    assert "ENDOMMAGÉ" in report.lines[0]


@pytest.mark.sqlite_only  # a SQLite file's backup (a server's: test_console_backup)
def test_a_cancelled_backup_leaves_no_file(services: Services, busy: list[str]) -> None:
    with pytest.raises(BackupCancelled):
        services.backups.create("manual", cancel=lambda: True)
    assert list(paths.backup_dir().iterdir()) == []


@pytest.mark.sqlite_only  # a SQLite file's backup (a server's: test_console_backup)
def test_the_second_folder_gets_a_copy_and_an_absent_one_is_said_calmly(
    services: Services, admin: Actor, busy: list[str], tmp_path: Path
) -> None:
    usb = tmp_path / "usb" / "PassDesk"
    services.settings.set(admin, "backup_folder", str(usb))
    absent = services.backups.create("manual")
    assert absent.second_copy is None
    assert absent.second_problem is not None
    assert "n'est pas disponible" in absent.second_problem and str(usb) in absent.second_problem
    assert absent.path.exists()

    usb.mkdir(parents=True)
    present = services.backups.create("closing")
    assert present.second_problem is None
    assert present.second_copy == usb / present.path.name
    assert present.second_copy.read_bytes() == present.path.read_bytes()
    rows = services.backups.list()
    assert [(r.in_data_folder, r.in_second_folder) for r in rows] == [(True, True), (True, False)]


def _backup(path: Path, moment: datetime, kind: str = "daily") -> BackupFile:
    return BackupFile(path / f"{moment:%Y%m%d%H}-{kind}", "passdesk", moment, kind, 1)


def test_rotation_keeps_seven_days_four_weeks_twelve_months() -> None:
    folder = Path("/backups")
    start = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)
    # Two a day (a daily one and one at closing) for 500 days.
    found = [
        _backup(folder, start - timedelta(days=day, hours=hour))
        for day in range(500)
        for hour in (0, 8)
    ]
    kept = sorted((b for b in found if b.path in rotation_keeps(found)), key=lambda b: b.taken_at)
    days = {b.taken_at.astimezone().date() for b in kept}
    # The newest of each day, week and month: 7 days, then Sundays, then month ends overlap.
    assert len({b.taken_at.astimezone().date() for b in found[:14]} & days) == 7
    weeks = {b.taken_at.astimezone().isocalendar()[:2] for b in kept}
    months = {(b.taken_at.astimezone().year, b.taken_at.astimezone().month) for b in kept}
    assert len(months) == 12
    assert len(weeks) >= 4
    assert len(kept) <= 7 + 4 + 12
    assert max(kept, key=lambda b: b.taken_at) == found[0]  # the newest is always kept
    # Each kept backup is the newest of its day.
    for backup in kept:
        same_day = [
            b
            for b in found
            if b.taken_at.astimezone().date() == backup.taken_at.astimezone().date()
        ]
        assert backup.taken_at == max(b.taken_at for b in same_day)


def test_rotation_removes_old_automatic_backups_and_never_those_made_by_hand(
    services: Services, busy: list[str]
) -> None:
    folder = paths.backup_dir()
    made = services.backups.create("daily").path
    stem = services.backups.stem
    now = datetime.now(UTC)
    for days in range(1, 40):
        for kind in ("daily", "manual"):
            old = folder / backups.backup_name(stem, kind, now - timedelta(days=days))
            old.write_bytes(made.read_bytes())
    removed = services.backups.rotate(folder)
    left = backups.list_backups(folder, stem)
    assert sum(1 for b in left if b.kind == "manual") == 39
    automatic = [b for b in left if b.kind == "daily"]
    assert removed == 40 - len(automatic)
    assert len(automatic) <= 7 + 4 + 12 and len(automatic) >= 10


def test_backups_are_numbered_newest_first_and_found_by_number_or_path(
    services: Services, busy: list[str], clock: MovableClock
) -> None:
    first = services.backups.create("manual").path
    clock.advance(timedelta(minutes=5))
    second = services.backups.create("daily").path
    rows = services.backups.list()
    assert [r.path for r in rows] == [second, first] and [r.index for r in rows] == [1, 2]
    assert services.backups.find("2").path == first  # type: ignore[union-attr]
    assert services.backups.find(str(first)) == first
    with pytest.raises(NotFound, match="pas de sauvegarde n° 3"):
        services.backups.find("3")
    with pytest.raises(NotFound):
        services.backups.find("/nowhere/backup.sqlite3")


def test_the_daily_backup_is_due_once_a_day(services: Services, busy: list[str]) -> None:
    assert services.backups.due_today()
    services.backups.create("daily")
    assert not services.backups.due_today()


# --- restoring ------------------------------------------------------------------------------


def test_a_restore_lists_exactly_the_lost_events_and_never_reuses_a_receipt_number(
    services: Services,
    admin: Actor,
    person: BeneficiaryRow,
    other_programme: ProgrammeRow,
    busy: list[str],
    db_path: Path,
    raw: RawDb,
) -> None:
    backup = services.backups.create("manual").path
    kept_events = raw.scalar("SELECT max(id) FROM ledger_event")
    after = [give(services, admin, person, other_programme.code) for _ in range(2)]
    cancelled = services.handouts.get(
        services.handouts.for_beneficiary(person.id)[0].id
    )  # the newest handout, cancelled the same day: its booklet back in stock
    services.handouts.cancel(admin, cancelled.id, "erreur")
    lost_ids = [
        row[0] for row in raw.query(f"SELECT id FROM ledger_event WHERE id > {kept_events}")
    ]
    printed = max(number(r) for r in busy + after)

    plan = services.restore.plan(backup)
    assert [e.number for e in plan.lost] == lost_ids and len(lost_ids) == 4
    assert [e.kind for e in plan.lost] == ["handed_out", "handed_out", "cancelled", "returned"]
    assert {e.receipt for e in plan.lost} == set(after)
    text = "\n".join(plan.lines())
    assert f"n° {lost_ids[0]} · remis" in text and after[0] in text
    assert f"reprendront au numéro {printed + 1}" in text

    result = services.restore.restore(backup, admin)
    assert result.safety_copy is not None and "before-restore" in result.safety_copy.name
    assert raw.scalar("SELECT max(id) FROM ledger_event") == kept_events
    assert raw.scalar("SELECT count(*) FROM handout") == 3
    receipt = give(services, admin, person, other_programme.code)
    assert number(receipt) == printed + 1  # a gap, never a number printed before
    from passdesk.services.integrity import check_database

    assert check_database(services).ok
    # The database as it was is kept, whole: the lost events are there.
    assert table(result.safety_copy, "SELECT max(id) FROM ledger_event") == [(lost_ids[-1],)]


def test_restoring_the_latest_backup_loses_nothing(services: Services, busy: list[str]) -> None:
    backup = services.backups.create("manual").path
    plan = services.restore.plan(backup)
    assert plan.lost == () and plan.lost_people == 0
    assert "Aucun événement" in plan.lines()[0]


def test_only_an_administrator_restores(
    services: Services, supervisor: Actor, busy: list[str], raw: RawDb
) -> None:
    backup = services.backups.create("manual").path
    before = raw.dump()
    with pytest.raises(Forbidden):
        services.restore.restore(backup, supervisor)
    with pytest.raises(Refused):
        services.restore.restore(backup, None)
    assert raw.dump() == before


@pytest.mark.sqlite_only  # a SQLite file's backup (a server's: test_console_backup)
def test_a_backup_from_a_newer_passdesk_is_not_restored(
    services: Services, admin: Actor, busy: list[str], raw: RawDb
) -> None:
    backup = services.backups.create("manual").path
    with closing(sqlite3.connect(backup)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9f3e_future'")
        connection.commit()
    before = raw.dump()
    with pytest.raises(Refused, match="plus récente"):
        services.restore.restore(backup, admin)
    assert raw.dump() == before


def test_a_damaged_database_is_restored_and_kept_aside(
    services: Services,
    admin: Actor,
    person: BeneficiaryRow,
    other_programme: ProgrammeRow,
    busy: list[str],
    db_path: Path,
) -> None:
    backup = services.backups.create("manual").path
    after = give(services, admin, person, other_programme.code)
    services.close()
    garbage = os.urandom(4096)
    db_path.write_bytes(garbage)
    for leftover in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        leftover.unlink(missing_ok=True)

    from passdesk.services import Services as Built
    from passdesk.store import Database

    bare = Built.build(Database(f"sqlite:///{db_path}"))
    plan = bare.restore.plan(backup)
    assert plan.current_problem is not None and not plan.lost
    assert "ne peut pas être lue" in plan.lines()[0]
    result = bare.restore.restore(backup, None)  # nobody can be asked for: the PC's user
    assert result.safety_copy is not None and result.safety_copy.read_bytes() == garbage
    bare.close()

    reopened = open_services(db_path)
    try:
        receipt = give(reopened, admin, person, other_programme.code)
        assert number(receipt) == number(after) + 1  # the marks beside the data remember
    finally:
        reopened.close()


def test_after_a_lost_disk_the_second_folder_keeps_the_numbers(
    services: Services,
    admin: Actor,
    person: BeneficiaryRow,
    other_programme: ProgrammeRow,
    busy: list[str],
    db_path: Path,
    tmp_path: Path,
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    services.settings.set(admin, "backup_folder", str(usb))
    backup = services.backups.create("closing").second_copy
    assert backup is not None
    after = [give(services, admin, person, other_programme.code) for _ in range(2)]
    receipt_marks.flush()  # (written in the background after each handout)
    assert receipt_marks.read_marks(usb)  # written after each handout, on the USB drive too
    services.close()
    # The disk dies: the database, the data folder (its backups and marks) are gone.
    for path in db_path.parent.glob(db_path.name + "*"):
        path.unlink()
    for path in paths.data_dir().rglob("*"):
        if path.is_file():
            path.unlink()

    from passdesk.services import Services as Built
    from passdesk.store import Database

    fresh = Built.build(Database(f"sqlite:///{db_path}"))
    plan = fresh.restore.plan(backup)
    assert plan.counters[number_year(after[-1])] == number(after[-1])
    fresh.restore.restore(backup, None)
    fresh.close()
    reopened = open_services(db_path)
    try:
        receipt = give(reopened, admin, person, other_programme.code)
        assert number(receipt) == number(after[-1]) + 1
    finally:
        reopened.close()


def number_year(receipt: str) -> int:
    return int(receipt.split("-")[0])


def test_a_file_put_back_by_hand_gets_its_counters_raised_at_the_next_start(
    services: Services,
    admin: Actor,
    person: BeneficiaryRow,
    other_programme: ProgrammeRow,
    busy: list[str],
    db_path: Path,
    tmp_path: Path,
) -> None:
    old = backups.backup_to(services.db, tmp_path / "copied-by-hand.sqlite3")
    after = give(services, admin, person, other_programme.code)
    services.close()
    for leftover in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        leftover.unlink(missing_ok=True)
    db_path.write_bytes(old.read_bytes())  # the IT contact copies an old file over it

    reopened = open_services(db_path)
    try:
        receipt = give(reopened, admin, person, other_programme.code)
        assert number(receipt) == number(after) + 1
    finally:
        reopened.close()


def test_marks_of_another_desk_never_move_the_counters(
    services: Services, busy: list[str], raw: RawDb
) -> None:
    with services.db.read() as session:
        key, counters = receipt_marks.counters(session)
    assert key is not None
    folder = paths.data_dir()
    year = max(counters)
    receipt_marks.write_mark(folder, "1@19990101T000000000000", year, 9999)
    assert receipt_marks.apply_marks(services.db) == {}
    assert receipt_marks.read_marks(folder)[key][year] == counters[year]
    receipt_marks.write_mark(folder, key, year, counters[year] - 1)  # a mark never goes down
    assert receipt_marks.read_marks(folder)[key][year] == counters[year]


# --- a restore while other windows work --------------------------------------------------------


def _handing_out_during_verify(
    services: Services, db_url: str, admin: Actor, person: BeneficiaryRow, code: str
) -> list[str]:
    """Another window (its own services) hands out while the restore verifies the backup."""
    given: list[str] = []
    verify = services.restore._backups.verify

    def verify_while_another_window_hands_out(path: Path):  # type: ignore[no-untyped-def]
        report = verify(path)
        other = open_services(db_url)
        try:
            given.append(give(other, admin, person, code))
        finally:
            other.close()
        return report

    services.restore._backups.verify = verify_while_another_window_hands_out  # type: ignore[method-assign]
    return given


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_a_handout_between_the_plan_and_the_swap_is_never_lost_unlisted_nor_numbered_twice(
    services: Services,
    admin: Actor,
    person: BeneficiaryRow,
    other_programme: ProgrammeRow,
    busy: list[str],
    db_url: str,
    raw: RawDb,
) -> None:
    backup = services.backups.create("manual").path
    given = _handing_out_during_verify(services, db_url, admin, person, other_programme.code)
    with pytest.raises(Refused, match="Relancez la restauration"):
        services.restore.restore(backup, admin)
    assert len(given) == 1
    assert raw.scalar("SELECT count(*) FROM handout") == 4  # nothing was changed
    assert raw.scalar("SELECT count(*) FROM ledger_event WHERE details LIKE ?", (f"%{given[0]}%",))
    # Run again, the restore lists the handout as lost and numbers on after it.
    services.restore._backups = type(services.restore._backups)(services.db)
    plan = services.restore.plan(backup)
    assert given[0] in {e.receipt for e in plan.lost}
    services.restore.restore(backup, admin)
    assert raw.scalar("SELECT count(*) FROM handout") == 3
    after = give(services, admin, person, other_programme.code)
    assert number(after) == number(given[0]) + 1


def test_a_write_meeting_a_restore_fence_is_told_in_french_and_a_stale_fence_goes_at_start(
    services: Services,
    admin: Actor,
    person: BeneficiaryRow,
    other_programme: ProgrammeRow,
    busy: list[str],
    db_path: Path,
    raw: RawDb,
) -> None:
    from passdesk.errors import EnvironmentProblem

    with closing(sqlite3.connect(db_path)) as connection:  # a restore killed before its copy
        for statement in backups._fence_sql():
            connection.execute(statement)
        connection.commit()
    with pytest.raises(EnvironmentProblem, match="en train d'être remise en place"):
        give(services, admin, person, other_programme.code)
    assert raw.scalar("SELECT count(*) FROM handout") == 3
    services.close()
    reopened = open_services(db_path)
    try:
        assert number(give(reopened, admin, person, other_programme.code)) == number(busy[-1]) + 1
    finally:
        reopened.close()
    assert table(db_path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") == [(0,)]


ON_POSTGRES = pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)]
)


@ON_POSTGRES
def test_a_postgresql_backup_is_on_the_disk_before_it_takes_its_name(
    services: Services, busy: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, ...]] = []
    fsync, replace = os.fsync, os.replace

    def recorded_fsync(fd: int) -> None:
        calls.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        fsync(fd)

    def recorded_replace(source: str, target: str) -> None:
        calls.append(("replace", str(source), str(target)))
        replace(source, target)

    monkeypatch.setattr(os, "fsync", recorded_fsync)
    monkeypatch.setattr(os, "replace", recorded_replace)
    made = services.backups.create("manual").path
    renamed = next(call for call in calls if call[0] == "replace" and call[2] == str(made))
    assert calls.index(("fsync", renamed[1])) < calls.index(renamed)


@ON_POSTGRES
def test_a_postgresql_archive_with_a_damaged_data_block_fails_its_verification(
    services: Services, busy: list[str]
) -> None:
    made = services.backups.create("manual").path
    assert services.backups.verify(made).ok
    data = bytearray(made.read_bytes())
    # Inside a table's compressed data (a zlib stream: its header, then deflate blocks); the
    # table of contents, which pg_restore --list reads, stays whole.
    start = data.rfind(b"\x78\x9c")
    assert start > len(data) // 2
    data[start + 6 : start + 30] = b"\xa5" * 24
    damaged = made.with_name("damaged.dump")
    damaged.write_bytes(bytes(data))
    report = services.backups.verify(damaged)
    assert not report.ok and report.storage_problems
