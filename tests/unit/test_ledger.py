"""The stock journal's SHA-256 chain: any change to any row through a raw connection is reported,
naming the first event that no longer holds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passdesk import codes
from passdesk.services import Services
from passdesk.services.ledger import GENESIS, LedgerService, canonical, chain_hash
from passdesk.services.rows import Actor, BeneficiaryRow, ProgrammeRow
from passdesk.store import Database

if TYPE_CHECKING:
    from conftest import MovableClock, RawDb


@pytest.fixture
def journal(
    services: Services,
    admin: Actor,
    supervisor: Actor,
    agent: Actor,
    programme: ProgrammeRow,
    person: BeneficiaryRow,
    clock: MovableClock,
    raw: RawDb,
) -> int:
    """A journal with every kind of movement a desk makes; returns its number of events."""
    services.stock.receive(supervisor, programme_code=programme.code, first_booklet=1, count=8)
    first = services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    services.handouts.cancel(supervisor, first.id, "Erreur de carnet")
    second = services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    services.stock.void(supervisor, codes.booklet_code(programme.code, 4), "lost")
    services.stock.void(supervisor, codes.voucher_code(programme.code, 51), "misprint")
    clock.advance(timedelta(days=1))
    services.handouts.cancel(admin, second.id, "Personne partie sans signer", returned=False)
    services.stock.receive(admin, programme_code=programme.code, first_booklet=9, count=2)
    count = services.ledger.count()
    assert count == raw.scalar("SELECT count(*) FROM ledger_event") >= 9
    return count


def _copy(source: Path, destination: Path) -> Path:
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    return destination


def _verify(path: Path, clock: MovableClock) -> tuple[int, int | None, str | None]:
    db = Database(f"sqlite:///{path}")
    try:
        report = LedgerService(db, clock).verify()
    finally:
        db.close()
    return report.events_checked, report.first_bad_event, report.problem


def _tamper(path: Path, sql: str, params: tuple[object, ...]) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        assert connection.execute(sql, params).rowcount == 1
    finally:
        connection.close()


def test_an_untouched_journal_verifies(services: Services, journal: int, raw: RawDb) -> None:
    report = services.ledger.verify()
    assert report.ok
    assert (report.events_checked, report.first_bad_event, report.problem) == (journal, None, None)
    rows = raw.query("SELECT id, prev_hash, hash FROM ledger_event ORDER BY id")
    assert [r[0] for r in rows] == list(range(1, journal + 1))
    assert rows[0][1] == GENESIS
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, len(rows)))
    assert raw.query("SELECT last_id, last_hash FROM ledger_head") == [(journal, rows[-1][2])]


def test_the_hash_covers_the_canonical_row(raw: RawDb, journal: int) -> None:
    """Recompute the chain from the stored columns, independently of verify()."""
    previous = GENESIS
    for row in raw.query(
        "SELECT id, at, agent_id, kind, programme_id, booklet_id, voucher_id, handout_id, "
        "details, prev_hash, hash FROM ledger_event ORDER BY id"
    ):
        at = row[1] if isinstance(row[1], datetime) else datetime.fromisoformat(row[1])
        text = canonical(
            row[0], at.replace(tzinfo=UTC), row[2], row[3], row[4], row[5], row[6], row[7], row[8]
        )
        assert row[9] == previous
        assert row[10] == chain_hash(previous, text)
        previous = row[10]


# Each tampering changes one row (id = ?) the way someone with a raw connection could.
TAMPERINGS: dict[str, tuple[str, Callable[[sqlite3.Row], tuple[object, ...]]]] = {
    "details": (
        "UPDATE ledger_event SET details = ? WHERE id = ?",
        lambda row: (json.dumps({**json.loads(row["details"]), "tampered": 1}), row["id"]),
    ),
    "agent": (
        "UPDATE ledger_event SET agent_id = ? WHERE id = ?",
        lambda row: (1 if row["agent_id"] != 1 else 2, row["id"]),
    ),
    "kind": (
        "UPDATE ledger_event SET kind = ? WHERE id = ?",
        lambda row: ("used" if row["kind"] != "used" else "voided", row["id"]),
    ),
    "time": (
        "UPDATE ledger_event SET at = ? WHERE id = ?",
        lambda row: (row["at"][:-1] + str((int(row["at"][-1]) + 1) % 10), row["id"]),
    ),
    "booklet": (
        "UPDATE ledger_event SET booklet_id = ? WHERE id = ?",
        lambda row: (None if row["booklet_id"] is not None else 1, row["id"]),
    ),
    "hash": (
        "UPDATE ledger_event SET hash = ? WHERE id = ?",
        lambda row: (chain_hash(row["hash"], "forged"), row["id"]),
    ),
    "deleted": ("DELETE FROM ledger_event WHERE id = ?", lambda row: (row["id"],)),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_tampering_with_any_row_names_that_event(
    tmp_path: Path, db_path: Path, journal: int, clock: MovableClock, tampering: str
) -> None:
    sql, params = TAMPERINGS[tampering]
    connection = sqlite3.connect(db_path)
    connection.row_factory = sqlite3.Row
    try:
        rows = connection.execute("SELECT * FROM ledger_event ORDER BY id").fetchall()
    finally:
        connection.close()
    assert len(rows) == journal
    for row in rows:
        copy = _copy(db_path, tmp_path / f"tampered-{tampering}-{row['id']}.sqlite3")
        _tamper(copy, sql, params(row))
        checked, first_bad, problem = _verify(copy, clock)
        assert first_bad == row["id"], (tampering, row["id"], problem)
        assert checked == row["id"] - 1
        assert problem is not None and str(row["id"]) in problem


def test_the_last_event_deleted_is_reported(
    tmp_path: Path, db_path: Path, journal: int, clock: MovableClock
) -> None:
    copy = _copy(db_path, tmp_path / "truncated.sqlite3")
    _tamper(copy, "DELETE FROM ledger_event WHERE id = ?", (journal,))
    checked, first_bad, problem = _verify(copy, clock)
    assert (checked, first_bad) == (journal - 1, journal)
    assert problem is not None and str(journal) in problem


def _forge_event(path: Path, event_id: int, details: str, *, insert: bool) -> None:
    """Write event `event_id` with `details` and a hash that chains onto the event before it."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        source_id = event_id if not insert else event_id - 1
        row = connection.execute(
            "SELECT at, agent_id, kind, programme_id, booklet_id, voucher_id, handout_id "
            "FROM ledger_event WHERE id = ?",
            (source_id,),
        ).fetchone()
        prev_hash = connection.execute(
            "SELECT hash FROM ledger_event WHERE id = ?", (event_id - 1,)
        ).fetchone()[0]
        text = canonical(
            event_id, datetime.fromisoformat(row[0]).replace(tzinfo=UTC), *row[1:], details
        )
        digest = chain_hash(prev_hash, text)
        if insert:
            connection.execute(
                "INSERT INTO ledger_event (id, at, agent_id, kind, programme_id, booklet_id, "
                "voucher_id, handout_id, details, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (event_id, *row, details, prev_hash, digest),
            )
        else:
            connection.execute(
                "UPDATE ledger_event SET details = ?, hash = ? WHERE id = ?",
                (details, digest, event_id),
            )
    finally:
        connection.close()


def test_a_rewritten_last_event_is_caught_by_the_head(
    tmp_path: Path, db_path: Path, journal: int, clock: MovableClock
) -> None:
    """The last event changed and its hash recomputed: only the head row still knows."""
    copy = _copy(db_path, tmp_path / "rewritten.sqlite3")
    _forge_event(copy, journal, json.dumps({"forged": True}), insert=False)
    checked, _first_bad, problem = _verify(copy, clock)
    assert checked == journal
    assert problem is not None


def test_a_rewritten_last_event_is_named(
    tmp_path: Path, db_path: Path, journal: int, clock: MovableClock
) -> None:
    copy = _copy(db_path, tmp_path / "rewritten.sqlite3")
    _forge_event(copy, journal, json.dumps({"forged": True}), insert=False)
    assert _verify(copy, clock)[1] == journal


def test_an_event_appended_behind_the_heads_back_is_named(
    tmp_path: Path, db_path: Path, journal: int, clock: MovableClock
) -> None:
    copy = _copy(db_path, tmp_path / "appended.sqlite3")
    _forge_event(copy, journal + 1, json.dumps({"code": "forged"}), insert=True)
    checked, first_bad, problem = _verify(copy, clock)
    assert problem is not None
    assert first_bad == journal + 1


def test_a_deleted_head_row_is_reported(
    tmp_path: Path, db_path: Path, journal: int, clock: MovableClock
) -> None:
    copy = _copy(db_path, tmp_path / "headless.sqlite3")
    _tamper(copy, "DELETE FROM ledger_event WHERE id = ?", (journal,))
    _tamper(copy, "DELETE FROM ledger_head WHERE id = ?", (1,))
    assert _verify(copy, clock)[2] is not None


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_changed_detail_text_is_reported(
    tmp_path: Path, db_path: Path, journal: int, clock: MovableClock, data: st.DataObject
) -> None:
    event_id = data.draw(st.integers(1, journal), label="event")
    connection = sqlite3.connect(db_path)
    try:
        (details,) = connection.execute(
            "SELECT details FROM ledger_event WHERE id = ?", (event_id,)
        ).fetchone()
    finally:
        connection.close()
    position = data.draw(st.integers(0, len(details) - 1), label="position")
    replacement = data.draw(
        st.characters(codec="utf-8").filter(lambda c: c != details[position]), label="char"
    )
    forged = details[:position] + replacement + details[position + 1 :]
    copy = _copy(db_path, tmp_path / f"h-{event_id}-{position}-{ord(replacement)}.sqlite3")
    try:
        _tamper(copy, "UPDATE ledger_event SET details = ? WHERE id = ?", (forged, event_id))
        _checked, first_bad, _problem = _verify(copy, clock)
        assert first_bad == event_id
    finally:
        copy.unlink()
