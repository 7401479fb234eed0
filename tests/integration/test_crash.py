"""A desk's handout loop killed with SIGKILL at random moments loses nothing it acknowledged.

A process hands out booklets one after the other (and now and then cancels one of its own
handouts), and acknowledges each on a pipe once `hand_out` or `cancel` has returned, as the
window shows the receipt only then. The test reads a random number of acknowledgements, then
kills the process, wherever it is: opening the database, in the middle of a transaction,
committing, between two. Then, every round: every acknowledged handout is in the register with
its receipt number (and every acknowledged cancellation cancelled), the receipt numbers are
gapless, and `check` passes (the journal's chain, the stock replayed from it). The next round
starts a new process on the same database.

`make test` kills 20 times on each database; `make test-crash` (a `crash` run) 100 times.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.crash_desk import PROGRAMME, hand_out_until_killed
from tests.pg_server import PostgresServer

# A round acknowledges 8 handouts at most, and a few more may be done before the kill lands.
BOOKLETS_A_ROUND = 12
ADMIN_PASSWORD = "cinq-mots-pour-un-admin"
SEED = int(os.environ.get("PASSDESK_CRASH_SEED", "1313")) + time.time_ns() % 1000


def _prepare(database: str, booklets: int) -> None:
    from passdesk.services import open_services
    from passdesk.services.beneficiaries import BeneficiaryInput

    services = open_services(database)
    try:
        admin = services.accounts.init_desk(name="Mairie", admin_password=ADMIN_PASSWORD)
        services.programmes.add(
            admin,
            code=PROGRAMME,
            name="Pass Numérique",
            face_value="10",
            vouchers_per_booklet=2,
            valid_from="2024-01-01",
            valid_until="2099-12-31",
            funders=[("État", 100)],
        )
        services.stock.receive(admin, programme_code=PROGRAMME, first_booklet=1, count=booklets)
        for i in range(5):
            services.beneficiaries.register(
                admin, BeneficiaryInput("Crash", f"Personne {chr(97 + i)}", f"198{i}-02-0{i + 1}")
            )
    finally:
        services.close()


def _register(database: str) -> tuple[dict[int, str], set[int]]:
    """Every handout's receipt number, and the cancelled ones, as committed."""
    url = database if "://" in database else f"sqlite:///{database}"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id, receipt_number, cancelled_at IS NOT NULL FROM handout")
            ).all()
    finally:
        engine.dispose()
    return {i: r for i, r, _c in rows}, {i for i, _r, cancelled in rows if cancelled}


def _kill_rounds(database: str, rounds: int) -> None:
    from passdesk.services import open_services
    from passdesk.services.integrity import check_database

    _prepare(database, BOOKLETS_A_ROUND * rounds)
    context = multiprocessing.get_context("forkserver")
    # Each round's process is forked from a server that imported PassDesk (and pytest, which
    # `python -m pytest`'s children import as their main module) once: a round costs a fork,
    # not a new interpreter importing SQLAlchemy and the models (2 s).
    context.set_forkserver_preload(["passdesk.services", "tests.crash_desk", "pytest"])
    rng = random.Random(SEED)
    acknowledged: dict[int, str] = {}
    cancelled: set[int] = set()
    killed_after: list[int] = []
    for number in range(rounds):
        receiving, sending = context.Pipe(duplex=False)
        desk = context.Process(
            target=hand_out_until_killed, args=(database, sending, SEED * 1000 + number)
        )
        desk.start()
        sending.close()
        wanted = rng.choice([0, 0, 1, 1, 2, 3, 5, 8])
        seen = 0
        while seen < wanted and receiving.poll(60):
            _note(receiving.recv(), acknowledged, cancelled)
            seen += 1
        assert desk.pid is not None
        os.kill(desk.pid, signal.SIGKILL)
        desk.join(timeout=60)
        assert desk.exitcode == -signal.SIGKILL, f"the desk ended by itself ({desk.exitcode})"
        while receiving.poll():  # sent before the kill: acknowledged too
            try:
                _note(receiving.recv(), acknowledged, cancelled)
            except EOFError:
                break
        receiving.close()
        killed_after.append(seen)

        receipts, cancelled_now = _register(database)
        note = f"seed {SEED}, round {number}, killed after {killed_after}"
        assert {h: receipts.get(h) for h in acknowledged} == acknowledged, note
        assert cancelled <= cancelled_now, note
        year = next(iter(receipts.values()), "2030")[:4]
        assert sorted(receipts.values()) == [
            f"{year}-{n:06d}" for n in range(1, len(receipts) + 1)
        ], note
        services = open_services(database)
        try:
            report = check_database(services)
        finally:
            services.close()
        assert report.ok, (note, report.lines)
    assert len(acknowledged) > rounds // 2  # the loops did work between the kills


def _note(message: tuple[str, int, str], handed: dict[int, str], cancelled: set[int]) -> None:
    kind, handout, receipt = message
    if kind == "handed_out":
        handed[handout] = receipt
    else:
        cancelled.add(handout)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def crash_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where the desk will be: a SQLite file, or an empty PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "crash.sqlite3")
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    try:
        yield server.create_database("crash_desk")
    finally:
        server.drop_database("crash_desk")


@pytest.mark.slow
def test_a_handout_loop_killed_20_times_loses_nothing_it_acknowledged(crash_database: str) -> None:
    _kill_rounds(crash_database, 20)


@pytest.mark.crash
def test_a_handout_loop_killed_100_times_loses_nothing_it_acknowledged(
    crash_database: str,
) -> None:
    _kill_rounds(crash_database, 100)
