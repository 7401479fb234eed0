"""Eight desks hand out from the same 200 booklets at the same moment, on one SQLite file and on
one PostgreSQL database; then the same with two desks of a territory sharing the database, four
processes each, each desk handing out the 200 booklets it holds.

Each process goes through all 200 booklets in its own random order, scanning a booklet or one
of its vouchers, or asking for the next booklet in stock, for its own beneficiaries; now and
then it voids a booklet or a voucher, or cancels one of its own handouts (the booklet goes back
to stock, for another desk to hand out). They all start on a barrier, on the morning of 1
January: the first handouts of the year race for the year's first receipt numbers. Afterwards
the register must hold: no booklet in two live handouts, one success per handout, receipt
numbers gapless in each desk's series, every handout's booklets held by its desk, and `check`
(the journal's chain, the stock and its holders replayed from it) passing.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from passdesk import codes
from passdesk.services import open_services
from passdesk.services.beneficiaries import BeneficiaryInput
from tests.pg_server import PostgresServer

PROGRAMME = "MGP26"
BOOKLETS = 200
VOUCHERS_PER_BOOKLET = 5
PROCESSES = 8
PEOPLE_PER_PROCESS = 3
SEED = int(os.environ.get("PASSDESK_RACE_SEED", "20260")) + time.time_ns() % 1000
# 08:30 in Paris on 1 January: no receipt of the year yet.
NEW_YEAR = datetime(2030, 1, 1, 7, 30, tzinfo=UTC)


class NewYearClock:
    """The services' clock in a racing process: 1 January, running at the real pace."""

    def __init__(self) -> None:
        self._started = time.monotonic()

    def __call__(self) -> datetime:
        return NEW_YEAR + timedelta(seconds=time.monotonic() - self._started)


@dataclass
class Outcome:
    """What one process saw: its successes (handout id, receipt, booklet code), the handouts it
    cancelled, its refusals by kind, the codes it voided, and anything unexpected."""

    worker: int
    handed: list[tuple[int, str, str]] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)
    refusals: Counter[str] = field(default_factory=Counter)
    voided: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    elapsed: float = 0.0


@dataclass(frozen=True)
class Seat:
    """Where a racing process works: its desk's agent, the booklet numbers that desk holds,
    and its people (registered at that desk)."""

    login: str
    first: int
    people: list[int]


def _race(
    database: str,
    worker: int,
    seat: Seat,
    seed: int,
    barrier: Any,
    results: Any,
) -> None:
    """One desk: runs in a spawned process."""
    from passdesk.errors import PassDeskError

    outcome = Outcome(worker)
    people = seat.people
    try:
        services = open_services(database, clock=NewYearClock())
        actor = services.act_as(services.accounts.actor(seat.login))
        rng = random.Random(seed * 100 + worker)
        numbers = list(range(seat.first, seat.first + BOOKLETS))
        rng.shuffle(numbers)
        barrier.wait(timeout=120)
        start = time.perf_counter()
        for i, number in enumerate(numbers):
            person = people[i % len(people)]
            try:
                if i % 4 == 3:
                    row = services.handouts.hand_out(actor, person, next_programme=PROGRAMME)
                elif i % 4 == 2:  # any voucher of the booklet, as when the cover is torn
                    first = (number - 1) * VOUCHERS_PER_BOOKLET + 1
                    code = codes.voucher_code(
                        PROGRAMME, first + rng.randrange(VOUCHERS_PER_BOOKLET)
                    )
                    row = services.handouts.hand_out(actor, person, codes_=[code])
                else:
                    code = codes.booklet_code(PROGRAMME, number)
                    row = services.handouts.hand_out(actor, person, codes_=[code])
                assert len(row.booklets) == 1
                outcome.handed.append((row.id, row.receipt_number, row.booklets[0].booklet_code))
            except PassDeskError as refusal:
                outcome.refusals[f"{type(refusal).__name__} (exit {refusal.exit_status})"] += 1
            if i % 10 == 9 and outcome.handed:  # a person changes their mind: back to stock
                handout = outcome.handed[rng.randrange(len(outcome.handed))][0]
                if handout not in outcome.cancelled:
                    try:
                        services.handouts.cancel(actor, handout, "Erreur de saisie")
                        outcome.cancelled.append(handout)
                    except PassDeskError as refusal:
                        outcome.refusals[f"cancel: {type(refusal).__name__}"] += 1
            if i % 50 == 49:  # a booklet reported damaged, or one voucher of it lost
                target = rng.randrange(seat.first, seat.first + BOOKLETS)
                code = (
                    codes.booklet_code(PROGRAMME, target)
                    if i % 100 == 49
                    else codes.voucher_code(PROGRAMME, target * VOUCHERS_PER_BOOKLET)
                )
                try:
                    outcome.voided.append(services.stock.void(actor, code, "damaged"))
                except PassDeskError as refusal:
                    outcome.refusals[f"void: {type(refusal).__name__}"] += 1
        outcome.elapsed = time.perf_counter() - start
        services.close()
    except BaseException as error:  # noqa: BLE001 - reported to the test, never swallowed
        outcome.unexpected.append(repr(error))
    results.put(outcome)


ADMIN_PASSWORD = "cinq-mots-pour-un-admin"


SECOND_DESK = "VAULX"


def _prepare(database: str | Path, desks: int) -> list[Seat]:
    """The desk (and with `desks` 2, desk VAULX, to which the first desk transfers the second
    half of the booklets): a programme, 200 booklets a desk, three people a process."""
    services = open_services(database)
    try:
        admin = services.accounts.init_desk(
            name="CCAS de Villeurbanne", admin_password=ADMIN_PASSWORD
        )
        services.programmes.add(
            admin,
            code=PROGRAMME,
            name="Pass Numérique Villeurbanne",
            face_value="10",
            vouchers_per_booklet=VOUCHERS_PER_BOOKLET,
            valid_from="2024-01-01",
            valid_until="2099-12-31",
            funders=[("État", 45), ("Métropole de Lyon", 55)],
        )
        services.stock.receive(
            admin, programme_code=PROGRAMME, first_booklet=1, count=BOOKLETS * desks
        )
        admins = [admin]
        if desks == 2:
            services.desks.add_desk(
                admin,
                code=SECOND_DESK,
                name="CCAS de Vaulx-en-Velin",
                admin_login="vadmin",
                admin_password=ADMIN_PASSWORD,
            )
            services.transfers.transfer(
                admin,
                programme=PROGRAMME,
                first_booklet=BOOKLETS + 1,
                count=BOOKLETS,
                to_desk=SECOND_DESK,
            )
            admins.append(services.accounts.actor("vadmin"))
        seats = []
        for worker in range(PROCESSES):
            desk = worker * desks // PROCESSES
            ids = []
            for k in range(PEOPLE_PER_PROCESS):
                row = services.beneficiaries.register(
                    admins[desk],
                    BeneficiaryInput(
                        last_name=f"Desk {chr(65 + worker)}",
                        first_name=f"Personne {chr(97 + k)}",
                        birth_date=f"19{50 + worker}-0{k + 1}-1{k}",
                    ),
                    allow_duplicate=True,
                )
                ids.append(row.id)
            seats.append(Seat(admins[desk].login, 1 + desk * BOOKLETS, ids))
        return seats
    finally:
        services.close()


def _rows(database: str | Path, query: str) -> list[tuple[Any, ...]]:
    url = database if "://" in str(database) else f"sqlite:///{database}"
    engine = create_engine(str(url))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]
    finally:
        engine.dispose()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One desk on SQLite in `make test`; in `make test-postgres` (--postgres-suite=all) also
    two desks on SQLite, and one and two desks on PostgreSQL: each race keeps the machine's two
    cores busy for half a minute, which `make test` leaves out to stay short."""
    if "shared_database" not in metafunc.fixturenames:
        return
    if "desks" not in metafunc.fixturenames:
        backends: list[Any] = ["sqlite"]
        if metafunc.config.getoption("--postgres-suite") == "all":
            backends.append(pytest.param("postgres", marks=pytest.mark.postgres))
        metafunc.parametrize("shared_database", backends, indirect=True)
        return
    cases: list[Any] = [pytest.param("sqlite", 1, id="sqlite-one-desk")]
    if metafunc.config.getoption("--postgres-suite") == "all":
        cases += [
            pytest.param(backend, desks, id=f"{backend}-{name}", marks=pytest.mark.postgres)
            for backend, desks, name in (
                ("sqlite", 2, "two-desks"),
                ("postgres", 1, "one-desk"),
                ("postgres", 2, "two-desks"),
            )
        ]
    metafunc.parametrize(("shared_database", "desks"), cases, indirect=["shared_database"])


@pytest.fixture
def shared_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database the eight desks share: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "shared.sqlite3")
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    try:
        yield server.create_database("shared_desks")
    finally:
        server.drop_database("shared_desks")


@pytest.mark.slow
def test_eight_desks_hand_out_and_cancel_the_same_booklets_at_once_on_new_years_day(
    shared_database: str, desks: int
) -> None:
    from passdesk.services.integrity import check_database

    database = shared_database
    seats = _prepare(database, desks)

    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    processes = [
        context.Process(target=_race, args=(database, w, seats[w], SEED, barrier, results))
        for w in range(PROCESSES)
    ]
    for process in processes:
        process.daemon = True
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    context_note = f"seed {SEED}; per process: " + repr(
        {
            o.worker: (len(o.handed), len(o.cancelled), dict(o.refusals), round(o.elapsed, 2))
            for o in outcomes
        }
    )

    assert [o.unexpected for o in outcomes] == [[]] * PROCESSES, context_note
    successes = [h for o in outcomes for h in o.handed]
    cancelled = {c for o in outcomes for c in o.cancelled}
    refusal_kinds = Counter[str]()
    for o in outcomes:
        refusal_kinds.update(o.refusals)
    # every attempt that did not succeed was refused by a rule (exit 1) or found a voided
    # voucher's booklet, never "database is locked", a lost race or a bug
    assert set(refusal_kinds) <= {"Refused (exit 1)", "void: Refused"}, refusal_kinds
    attempts = PROCESSES * BOOKLETS  # each process tries each booklet of its desk once
    assert len(successes) + refusal_kinds["Refused (exit 1)"] == attempts
    assert len(successes) > 0 and cancelled

    # no booklet in two live handouts; one success per handout, cancelled or not
    given = _rows(
        database,
        "SELECT hb.booklet_id, count(*) FROM handout_booklet hb "
        "JOIN handout h ON h.id = hb.handout_id WHERE h.cancelled_at IS NULL "
        "GROUP BY hb.booklet_id",
    )
    assert all(n == 1 for _booklet, n in given), context_note
    handouts = dict(_rows(database, "SELECT id, receipt_number FROM handout"))
    assert handouts == {i: r for i, r, _c in successes}
    live = {i for i, _r, _c in successes} - cancelled
    assert len(given) == len(live)
    booklet_codes = dict(_rows(database, "SELECT id, code FROM booklet"))
    assert {booklet_codes[b] for b, _n in given} == {c for i, _r, c in successes if i in live}
    cancelled_rows = {
        i for (i,) in _rows(database, "SELECT id FROM handout WHERE cancelled_at IS NOT NULL")
    }
    assert cancelled_rows == cancelled

    # receipt numbers: each desk's series of the new year, unique, gapless, one per handout
    series: dict[int, list[str]] = {}
    for desk_id, receipt in _rows(database, "SELECT desk_id, receipt_number FROM handout"):
        series.setdefault(desk_id, []).append(receipt)
    assert len(series) == desks
    counters = _rows(database, "SELECT desk_id, year, last_number FROM receipt_counter")
    assert sorted(counters) == sorted((d, 2030, len(r)) for d, r in series.items())
    for receipts in series.values():
        assert sorted(receipts) == [f"2030-{n:06d}" for n in range(1, len(receipts) + 1)]
    # a desk hands out only the booklets it holds
    assert not _rows(
        database,
        "SELECT h.id FROM handout h JOIN handout_booklet hb ON hb.handout_id = h.id "
        "JOIN booklet b ON b.id = hb.booklet_id WHERE b.desk_id <> h.desk_id",
    )

    # the stock balances and the journal replays to it: `check`
    services = open_services(database)
    try:
        held = dict(_rows(database, "SELECT desk_id, count(*) FROM booklet GROUP BY desk_id"))
        assert sorted(held.values()) == [BOOKLETS] * desks
        report = check_database(services)
        assert report.ok, report.lines
        kinds = Counter(k for (k,) in _rows(database, "SELECT kind FROM ledger_event"))
        assert kinds["handed_out"] == len(successes)
        assert kinds["cancelled"] == len(cancelled)
    finally:
        services.close()


def _installed(name: str) -> Path:
    script = Path(sys.executable).with_name(name)
    assert script.exists(), f"{script} is missing: install the project (make test does)"
    return script


@pytest.mark.slow
def test_eight_consoles_scan_the_same_booklet(tmp_path: Path) -> None:
    """The installed `passdesk-admin`, eight times at once on one booklet: one receipt."""
    database = tmp_path / "shared.sqlite3"
    seats = _prepare(database, 1)
    code = codes.booklet_code(PROGRAMME, 7)
    environment = {k: v for k, v in os.environ.items() if k != "PASSDESK_DATABASE"}
    environment["PASSDESK_PASSWORD"] = ADMIN_PASSWORD  # as a desk's script gives it
    consoles = [
        subprocess.Popen(
            [
                str(_installed("passdesk-admin")),
                "--database",
                str(database),
                "handout",
                "--beneficiary",
                str(seats[w].people[0]),
                "--booklet",
                code,
            ],  # fmt: skip
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=environment,
        )
        for w in range(PROCESSES)
    ]
    finished = []
    for console in consoles:
        out, err = console.communicate(timeout=60)
        finished.append((console.returncode, out, err))
    statuses = sorted(status for status, _out, _err in finished)
    assert statuses == [0] + [1] * (PROCESSES - 1), finished
    (receipt,) = _rows(database, "SELECT receipt_number FROM handout")
    for status, _out, err in finished:
        assert receipt[0] in err, err
        assert "Traceback" not in err
        if status == 1:
            assert "déjà" in err
    services = open_services(database)
    try:
        assert services.ledger.verify().ok
        assert services.stock.counts().handed_out == 1
    finally:
        services.close()
