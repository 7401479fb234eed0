"""PostgreSQL done properly, on a real server: races lost and replayed, snapshots, byte-order
search under a French collation, text at the database door, the schema the migrations make.

Tests that take the `services` or `db` fixtures run on SQLite and on both PostgreSQL flavours
(this module is in POSTGRES_SOME); those that provoke a PostgreSQL race themselves take
`pg_database`, the unit desk on the server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import EnvironmentProblem, InvalidInput
from passdesk.models import Agent, Base, Handout, Role
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.places import PlaceInput
from passdesk.services.rows import Actor, LotRow
from passdesk.store import Database, RetryPolicy, open_database
from passdesk.store import database as db_module
from tests.desks import MovableClock, PgTemplates, person_input, unit_plan
from tests.pg_server import PostgresServer

# --- on every database ----------------------------------------------------------------------


def test_the_first_handouts_of_a_new_year_all_get_a_number_without_a_gap(
    services: Services, clock: MovableClock, admin: Actor, lot: LotRow, agent: Actor
) -> None:
    """Eight desks' first handouts of a year at the same moment: on PostgreSQL two of them
    once both found no counter row for the year and both inserted one (a duplicate key,
    exit 4, every 1 January)."""
    people = [
        services.beneficiaries.register(
            agent, person_input(f"Premier{chr(97 + i)}", "Janvier", f"19{60 + i}-01-0{1 + i % 9}")
        ).id
        for i in range(8)
    ]
    clock.now = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)  # no receipt yet this year
    start = threading.Barrier(len(people))
    receipts: list[str] = []
    errors: list[BaseException] = []

    def desk(i: int) -> None:
        try:
            start.wait(timeout=30)
            row = services.handouts.hand_out(
                agent, people[i], codes_=[codes.booklet_code("MGP19", i + 1)]
            )
            receipts.append(row.receipt_number)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    _run_threads(desk, len(people))
    assert errors == []
    assert sorted(receipts) == [f"2027-{n:06d}" for n in range(1, 9)]


def _run_threads(target: Callable[[int], None], count: int) -> None:
    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()


def test_a_read_sees_one_state_of_the_register_however_many_queries_it_runs(
    services: Services, db: Database, lot: LotRow, agent: Actor, person: Any
) -> None:
    """REPEATABLE READ on PostgreSQL (a snapshot on SQLite): a handout committed by another
    desk between two queries of one read is not half seen."""
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(Handout))
        services.handouts.hand_out(agent, person.id, next_programme="MGP19")  # another session
        again = session.scalar(select(func.count()).select_from(Handout))
    assert before == again == 0
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Handout)) == 1


def test_a_text_longer_than_its_column_is_refused_in_french_with_nothing_written(
    services: Services, admin: Actor, raw: Any
) -> None:
    """SQLite would have stored it and PostgreSQL refused it as a bug (exit 4)."""
    before = raw.dump()
    with pytest.raises(InvalidInput) as refused:
        services.places.add(admin, PlaceInput(name="Espace " + "numérique " * 30, commune="Lyon"))
    assert refused.value.exit_status == 2
    assert refused.value.message == "Nom : 200 caractères au plus (306 saisis)."
    assert refused.value.field == "name"
    with pytest.raises(InvalidInput, match=r"^Commune : 120 caractères au plus \(130 saisis\)"):
        services.beneficiaries.register(
            admin, BeneficiaryInput("Martin", "Léa", "1990-01-01", commune="V" * 130)
        )
    assert raw.dump() == before


def test_a_nul_character_is_refused_in_french_with_nothing_written(
    services: Services, admin: Actor, raw: Any, db: Database
) -> None:
    before = raw.dump()
    with pytest.raises(
        InvalidInput,
        match="^Nom : Ce texte contient un caractère invisible ou de contrôle, U\\+0000",
    ):
        services.places.add(admin, PlaceInput(name="Espace\x00numérique", commune="Lyon"))
    with pytest.raises(
        InvalidInput, match="^Prénom : Ce texte contient un caractère invisible ou de contrôle"
    ):
        services.beneficiaries.register(admin, BeneficiaryInput("Martin", "L\x00a", "1990-01-01"))
    assert raw.dump() == before
    if not db.is_sqlite:  # a NUL reaching a query's parameters: refused by psycopg itself
        with (
            pytest.raises(InvalidInput, match="^Le texte saisi contient un caractère"),
            db.read() as session,
        ):
            session.execute(select(Agent.id).where(Agent.login == "ad\x00min"))


def test_search_finds_a_name_whose_prefix_range_a_french_collation_would_leave_empty(
    services: Services, agent: Actor, backend: str
) -> None:
    """The issue's case: "martinez" found nobody in a database with an ICU fr-FR collation,
    the range's upper bound "martine{" sorting below "martinez" there."""
    found = services.beneficiaries.register(agent, person_input("Martinez", "Inès", "1977-07-07"))
    for typed in ("martinez", "martine", "martinez ines", "ines martinez", "mart"):
        assert [p.id for p in services.beneficiaries.search(typed)] == [found.id], typed


def test_a_lookup_runs_outside_a_transaction_and_a_search_walk_streams_from_a_server(
    services: Services, lot: LotRow, backend: str
) -> None:
    """A code lookup's SELECT needs no BEGIN and ROLLBACK around it (on a server, two round
    trips of its three); on PostgreSQL the walk of a one-letter range streams from a
    server-side cursor instead of fetching the letter's every entry before the first (sqlite3
    reads rows as they are asked for)."""
    seen: list[tuple[bool, str | None, str]] = []

    def note(_conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        dbapi = cursor.connection
        outside = dbapi.autocommit if backend != "sqlite" else not dbapi.in_transaction
        seen.append((outside, getattr(cursor, "name", None), statement))

    event.listen(services.db.engine, "before_cursor_execute", note)
    try:
        services.lookup.lookup(None, lot.first_code)
        lookups = [outside for outside, _name, sql in seen if "FROM booklet" in sql]
        seen.clear()
        services.beneficiaries.search("a")
        walks = [bool(name) for _outside, name, sql in seen if "name_token" in sql]
    finally:
        event.remove(services.db.engine, "before_cursor_execute", note)
    assert lookups == [True]
    assert walks
    assert all(walks) if backend != "sqlite" else not any(walks)


# --- on PostgreSQL alone --------------------------------------------------------------------


@pytest.fixture
def pg_database(
    request: pytest.FixtureRequest, pg_templates: dict[str, PgTemplates]
) -> Iterator[str]:
    """The unit desk's administrator and two agents, on the server (C.UTF-8); its URL."""
    templates = pg_templates["postgres"]
    name, _made = templates.new_database(unit_plan(["admin", "supervisor", "agent"]))
    try:
        yield templates.server.url(name)
    finally:
        templates.server.drop_database(name)


def _touch(session: Session, agent_id: int) -> None:
    session.execute(
        text("UPDATE agent SET display_name = display_name WHERE id = :id"), {"id": agent_id}
    )


@pytest.mark.postgres
def test_a_deadlock_is_replayed_and_both_units_of_work_commit(pg_database: str) -> None:
    """Two desks lock the same two rows in opposite orders: PostgreSQL kills one transaction
    (40P01); Database.transaction runs it again and it commits."""
    db = open_database(pg_database)
    both_hold_one = threading.Barrier(2)
    attempts: list[int] = []
    errors: list[BaseException] = []

    def desk(i: int) -> None:
        first, second = (1, 2) if i == 0 else (2, 1)

        def work(session: Session) -> None:
            attempts.append(i)
            _touch(session, first)
            if attempts.count(i) == 1:  # the first time only: both hold a row, then cross
                both_hold_one.wait(timeout=30)
            _touch(session, second)

        try:
            db.transaction(work)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    try:
        _run_threads(desk, 2)
    finally:
        db.close()
    assert errors == []
    assert sorted(attempts) == [0, 0, 1] or sorted(attempts) == [0, 1, 1]  # one replay


class _ConcurrentUpdate:
    """A unit of work that reads agent 1 in REPEATABLE READ, lets another desk change it and
    commit, then writes it: PostgreSQL refuses the write (40001) for as many attempts as
    `conflicts` says, then lets it through."""

    def __init__(self, url: str, conflicts: int) -> None:
        self.other = open_database(url)
        self.conflicts = conflicts
        self.attempts = 0

    def __call__(self, session: Session) -> str:
        self.attempts += 1
        session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        name = session.scalar(select(Agent.display_name).where(Agent.id == 1))
        if self.attempts <= self.conflicts:
            other = threading.Thread(target=self.other.transaction, args=(self._change,))
            other.start()
            other.join(timeout=30)
        session.execute(text("UPDATE agent SET display_name = :n WHERE id = 1"), {"n": name})
        return str(name)

    @staticmethod
    def _change(session: Session) -> None:
        session.execute(text("UPDATE agent SET failed_logins = failed_logins WHERE id = 1"))


@pytest.mark.postgres
def test_a_serialization_failure_is_replayed(pg_database: str) -> None:
    db = open_database(pg_database, upgrade=False)
    work = _ConcurrentUpdate(pg_database, conflicts=2)
    try:
        db.transaction(work)
    finally:
        work.other.close()
        db.close()
    assert work.attempts == 3


@pytest.mark.postgres
def test_a_unit_of_work_that_keeps_losing_gives_up_with_a_french_message(pg_database: str) -> None:
    db = Database(pg_database, retry=RetryPolicy(attempts=3, first_wait=0.001))
    work = _ConcurrentUpdate(pg_database, conflicts=99)
    try:
        with pytest.raises(EnvironmentProblem) as gave_up:
            db.transaction(work)
    finally:
        work.other.close()
        db.close()
    assert work.attempts == 3
    assert gave_up.value.exit_status == 3
    assert gave_up.value.message.startswith("D'autres postes modifiaient les mêmes données")


@pytest.mark.postgres
def test_a_desk_kept_waiting_by_another_desks_locks_hears_the_database_is_busy(
    pg_database: str, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)
    services = Services.build(open_database(pg_database))
    name = pg_database.rpartition("/")[2]
    try:
        with postgres_server.superuser(name) as blocker, blocker.transaction():
            blocker.execute("SELECT * FROM ledger_head FOR UPDATE")  # a long write elsewhere
            with pytest.raises(EnvironmentProblem, match="^La base de données est occupée"):
                services.accounts.add_agent(
                    services.accounts.actor("admin"),
                    login="nouvel.agent",
                    display_name="Nouvel Agent",
                    role=Role.AGENT,
                )
    finally:
        services.close()


@pytest.mark.postgres
def test_the_migrations_make_the_models_schema_with_tokens_in_byte_order(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.create_database("migrated_fr", icu_locale="fr-FR")
    try:
        db = open_database(url)
        try:
            with db.engine.connect() as connection:
                differences = compare_metadata(
                    MigrationContext.configure(connection), Base.metadata
                )
                collation = connection.scalar(
                    text(
                        "SELECT collation_name FROM information_schema.columns "
                        "WHERE table_name = 'name_token' AND column_name = 'token'"
                    )
                )
                statistics = connection.scalar(
                    text(
                        "SELECT attstattarget FROM pg_attribute "
                        "WHERE attrelid = 'name_token'::regclass AND attname = 'token'"
                    )
                )
        finally:
            db.close()
    finally:
        postgres_server.drop_database("migrated_fr")
    assert differences == []
    assert collation == "C"
    assert statistics == 10000  # a word's range estimated at one row made `find` take 0.3 s
