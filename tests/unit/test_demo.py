"""The demonstration desk: built from nothing, sound, the same for a seed, and only once."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from stdnum.fr import siret

from passdesk import demo
from passdesk.demo.plan import Planner
from passdesk.errors import Refused
from passdesk.models import Role
from passdesk.services import Services
from passdesk.services.beneficiaries import DIAGNOSTIC_NEEDS, BeneficiaryInput, field_errors
from passdesk.services.integrity import check_database
from passdesk.services.programmes import PRIORITY_GROUPS, TARGET_GROUPS
from passdesk.store import RetryPolicy, open_database
from passdesk.text import fold

if TYPE_CHECKING:
    from conftest import RawDb


@dataclasses.dataclass(frozen=True)
class Built:
    services: Services
    summary: demo.DemoSummary
    path: Path


def _build(path: Path, **options: object) -> Built:
    services = Services.build(open_database(path))
    summary = demo.build(services, **options)  # type: ignore[arg-type]
    return Built(services, summary, path)


def _tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the file holds (the schema version too), sorted, by table.

    One column is left out: the agents' password hashes, which argon2 salts at random, so two
    hashes of the same password never match (test_every_account_logs_in_with_the_demo_password
    checks them). Ids, timestamps, JSON texts and the journal's hashes are compared as stored.
    """
    connection = sqlite3.connect(path)
    try:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        tables = {}
        for name in names:
            columns = [
                f'"{column}"'
                for _cid, column, *_rest in connection.execute(f'PRAGMA table_info("{name}")')
                if (name, column) != ("agent", "password_hash")
            ]
            order = ", ".join(str(k + 1) for k in range(len(columns)))
            tables[name] = connection.execute(
                f'SELECT {", ".join(columns)} FROM "{name}" ORDER BY {order}'
            ).fetchall()
        return tables
    finally:
        connection.close()


def _assert_same_register(built: Path, reference: Path) -> None:
    tables, expected = _tables(built), _tables(reference)
    assert list(tables) == list(expected)
    for name, rows in expected.items():
        assert len(tables[name]) == len(rows), name
        for row, wanted in zip(tables[name], rows, strict=True):
            assert row == wanted, name


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """The small demonstration, written through the services, shared by the read-only tests."""
    built = _build(
        tmp_path_factory.mktemp("demo") / "small.sqlite3",
        seed=2019,
        scale="small",
        writer="services",
    )
    yield built
    built.services.close()


# --- what a newcomer gets ---------------------------------------------------------------------


def test_small_demo_has_the_announced_size(small: Built, raw_db: type[RawDb]) -> None:
    summary, raw = small.summary, raw_db(small.path)
    assert (summary.beneficiaries, summary.booklets, summary.handouts) == (200, 500, 150)
    assert summary.programmes == ("PN19", "CD69")
    counts = raw.counts()
    assert counts["beneficiary"] == summary.beneficiaries
    assert counts["booklet"] == summary.booklets
    assert counts["voucher"] == summary.vouchers == 300 * 10 + 200 * 5
    assert counts["handout"] == summary.handouts
    assert counts["ledger_event"] == summary.ledger_events
    assert summary.handouts_cancelled > 0 and summary.booklets_voided > 0
    assert summary.vouchers_voided > summary.booklets_voided  # whole booklets and single ones
    assert (
        summary.booklets_in_stock + summary.booklets_handed_out + summary.booklets_voided
        == summary.booklets
    )


def test_small_demo_passes_the_integrity_check(small: Built) -> None:
    report = check_database(small.services)
    assert report.ok, report.lines
    assert report.ledger.events_checked == small.summary.ledger_events


def test_every_account_logs_in_with_the_demo_password(small: Built) -> None:
    accounts = small.services.accounts
    roles = {a.login: a.role for a in accounts.agents()}
    assert set(roles) == set(small.summary.logins)
    assert sorted(roles.values()) == sorted([Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.AGENT])
    for login in small.summary.logins:
        assert accounts.authenticate(login, small.summary.password).login == login


def test_the_desk_and_the_programmes_look_real(small: Built) -> None:
    desk = small.services.accounts.desk()
    assert desk.siret == small.summary.siret and siret.is_valid(desk.siret)
    assert re.fullmatch(r"\d{5}", desk.postcode) and desk.commune
    for programme in small.services.programmes.list():
        assert sum(share.percent for share in programme.shares) == 100
        assert len(programme.shares) == 2
        assert programme.valid_from <= date(2026, 11, 26) <= programme.valid_until
    assert len(small.services.places.list()) == small.summary.places >= 10


def test_search_as_you_type_finds_demo_people(small: Built) -> None:
    search = small.services.beneficiaries.search
    assert ("Hélène", "N'Diaye") in {(r.first_name, r.last_name) for r in search("helene ndi")}
    for first, last in demo.known_people():
        typed = f"{first[:3]} {last[:4]}"
        assert (first, last) in {(r.first_name, r.last_name) for r in search(typed)}, typed
    some = small.services.beneficiaries.list(offset=57, limit=1)[0]
    prefix = fold(some.last_name).split()[0][:3]
    assert some.id in {r.id for r in search(prefix, limit=500)}


def test_people_are_varied_and_valid_for_the_services(small: Built) -> None:
    people = small.services.beneficiaries.list(limit=1000)
    names = " ".join(f"{p.first_name} {p.last_name}" for p in people)
    assert "'" in names and "-" in names and set("éèëïç") <= set(names)
    today = date(2026, 11, 26)
    for p in people:
        data = BeneficiaryInput(
            p.last_name,
            p.first_name,
            p.birth_date,
            p.postcode,
            p.commune,
            p.phone,
            p.email,
            p.target_group,
            p.diagnostic,
        )
        assert field_errors(data, today) == {}, p
        assert p.target_group in TARGET_GROUPS
        assert p.diagnostic and set(p.diagnostic) <= set(DIAGNOSTIC_NEEDS)
    priority = sum(p.target_group in PRIORITY_GROUPS for p in people)
    assert priority >= len(people) / 2  # what the 2020 call asked of the handouts
    assert 0.9 < sum(p.consent for p in people) / len(people) < 1


def test_receipts_are_gapless_and_the_limit_was_kept(small: Built, raw_db: type[RawDb]) -> None:
    raw = raw_db(small.path)
    numbers = [r[0] for r in raw.query("SELECT receipt_number FROM handout ORDER BY id")]
    assert numbers == [f"2026-{n:06d}" for n in range(1, len(numbers) + 1)]
    assert raw.scalar("SELECT last_number FROM receipt_counter") == len(numbers)
    over_limit = raw.query(
        """SELECT h.beneficiary_id, b.programme_id, count(*) FROM handout h
           JOIN handout_booklet hb ON hb.handout_id = h.id JOIN booklet b ON b.id = hb.booklet_id
           WHERE h.cancelled_at IS NULL GROUP BY 1, 2 HAVING count(*) > 1"""
    )
    overridden = raw.scalar("SELECT count(*) FROM handout WHERE override_reason IS NOT NULL")
    assert 0 < len(over_limit) <= overridden


def test_progress_is_reported(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    built = _build(
        tmp_path / "p.sqlite3",
        scale="small",
        writer="bulk",
        progress=lambda step, done, total: calls.append((step, done, total)),
    )
    built.services.close()
    assert all(0 <= done <= total for _step, done, total in calls)
    steps = list(dict.fromkeys(step for step, _d, _t in calls))
    assert len(steps) >= 3
    assert calls[-1][1] == calls[-1][2]
    assert (
        steps[0] == "Création de la structure et de ses comptes"
    )  # French, as the console shows it


# --- the same rows, whichever way they are written -------------------------------------------


def test_the_same_seed_gives_the_same_rows(tmp_path: Path) -> None:
    first = _build(tmp_path / "a.sqlite3", seed=7, scale="small", writer="bulk")
    second = _build(tmp_path / "b.sqlite3", seed=7, scale="small", writer="bulk")
    for built in (first, second):
        built.services.close()
    assert dataclasses.replace(first.summary, seconds=0, timings=()) == dataclasses.replace(
        second.summary, seconds=0, timings=()
    )
    _assert_same_register(first.path, second.path)


def test_another_seed_gives_another_year() -> None:
    def plan(seed: int) -> list[object]:
        return Planner(demo.SCALES["small"], seed, lambda *_: None).plan()

    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


def test_the_bulk_writer_writes_what_the_services_write(small: Built, tmp_path: Path) -> None:
    """The bulk writer calls the services' rules (clean_input, beneficiary_values,
    index_tokens, handout_rules, void_change, ledger.event_values) instead of restating them:
    the same plan written both ways gives the same register, every row of every table."""
    bulk = _build(tmp_path / "bulk.sqlite3", seed=2019, scale="small", writer="bulk")
    report = check_database(bulk.services)
    bulk.services.close()
    assert report.ok, report.lines
    assert dataclasses.replace(bulk.summary, seconds=0, timings=()) == dataclasses.replace(
        small.summary, seconds=0, timings=()
    )
    _assert_same_register(bulk.path, small.path)
    # Not a comparison of two empty registers: every kind of row and event is there.
    tables = _tables(small.path)
    for name in ("beneficiary", "name_token", "handout", "handout_booklet", "receipt_counter"):
        assert tables[name], name
    kinds = {row[3] for row in tables["ledger_event"]}
    assert kinds == {
        "desk_created",
        "agent_added",
        "setting_changed",
        "programme_created",
        "received",
        "handed_out",
        "cancelled",
        "returned",
        "voided",
    }


def test_the_comparison_sees_one_changed_value(small: Built, tmp_path: Path) -> None:
    """What a bulk writer restating a rule slightly wrong would leave: one voucher voided
    without its reason. The table-by-table comparison must not let it through."""
    copy = tmp_path / "copy.sqlite3"
    source, target = sqlite3.connect(small.path), sqlite3.connect(copy)
    try:
        source.backup(target)
        changed = target.execute(
            "UPDATE voucher SET void_reason = NULL WHERE id = "
            "(SELECT min(id) FROM voucher WHERE status = 'voided')"
        ).rowcount
        target.commit()
    finally:
        source.close()
        target.close()
    assert changed == 1
    with pytest.raises(AssertionError):
        _assert_same_register(copy, small.path)


class _LostRace(Exception):
    """What PostgreSQL's driver raises for a transaction that lost a race (SQLSTATE 40001)."""

    sqlstate = "40001"


def test_stretches_replayed_after_a_lost_race_write_the_same_register(
    small: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every unit of work, the bulk writer's stretches included, loses its first commit and
    is replayed: what the bulk writer remembers between stretches must come from commits only,
    or a replayed stretch would number receipts or move booklets twice."""
    path = tmp_path / "replayed.sqlite3"
    services = Services.build(open_database(path))
    db = services.db
    db.retry = RetryPolicy(attempts=2, first_wait=0.0)
    transaction = db.transaction
    replayed: list[int] = []

    def losing_once(work: Callable[[Session], object]) -> object:
        attempts: list[int] = []

        def first_attempt_lost(session: Session) -> object:
            result = work(session)
            attempts.append(1)
            if len(attempts) == 1:
                replayed.append(1)
                raise OperationalError("COMMIT", None, _LostRace())
            return result

        return transaction(first_attempt_lost)

    monkeypatch.setattr(db, "transaction", losing_once)
    demo.build(services, seed=2019, scale="small", writer="bulk")
    monkeypatch.undo()
    services.close()
    assert len(replayed) > 10
    _assert_same_register(path, small.path)


@pytest.mark.slow
def test_the_bulk_writer_matches_the_services_on_a_national_shaped_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """National proportions in miniature: a third of the handouts cancelled the same day and
    their booklets handed out again, lots received early when stock runs low, lost booklets."""
    national = demo.SCALES["national"]
    shrunk = dataclasses.replace(
        national,
        people=400,
        clean=72,
        returned=110,
        late_cancelled=6,
        overrides=3,
        stock_voids=4,
        lost_after=3,
        voucher_voids=4,
        low_stock=12,
        lots=tuple(
            dataclasses.replace(lot, first=1 + 55 * k, count=55)
            for k, lot in enumerate(national.lots)
        ),
    )
    monkeypatch.setitem(demo.SCALES, "shrunk", shrunk)
    through_services = _build(tmp_path / "s.sqlite3", seed=3, scale="shrunk", writer="services")
    in_bulk = _build(tmp_path / "b.sqlite3", seed=3, scale="shrunk", writer="bulk")
    for built in (through_services, in_bulk):
        report = check_database(built.services)
        built.services.close()
        assert report.ok, report.lines
    assert in_bulk.summary.handouts == shrunk.handouts
    _assert_same_register(in_bulk.path, through_services.path)


# --- only on an empty database --------------------------------------------------------------


def test_a_second_demo_is_refused_and_changes_nothing(tmp_path: Path, raw_db: type[RawDb]) -> None:
    built = _build(tmp_path / "twice.sqlite3", scale="small", writer="bulk")
    raw = raw_db(built.path)
    before = raw.dump()
    with pytest.raises(Refused, match="déjà une structure"):
        demo.build(built.services, scale="small")
    with pytest.raises(Refused):
        demo.build(built.services, scale="national")
    built.services.close()
    assert raw.dump() == before


def test_a_desk_without_data_is_refused_too(services: Services, raw: RawDb) -> None:
    services.accounts.init_desk(name="Mairie de Bron")
    before = raw.dump()
    with pytest.raises(Refused):
        demo.build(services)
    assert raw.dump() == before


def test_an_unknown_scale_is_a_programming_error(services: Services) -> None:
    with pytest.raises(ValueError, match="scale"):
        demo.build(services, scale="huge")


def test_the_console_offers_exactly_the_demo_scales() -> None:
    from passdesk.cli.desk import SCALE_CHOICES

    assert set(SCALE_CHOICES) == set(demo.SCALES)
