"""The register's speed on PostgreSQL, with the national demo built into a server (issue 13).

    .venv/bin/python -m benchmarks.bench_postgres

Starts a PostgreSQL server of its own (the machine's binaries, as the tests do:
tests/pg_server.py) with the settings a fresh install has (fsync and synchronous commit on),
creates a database with a French ICU collation, as a French server would have, and builds the
`national` demo into it with the demonstration's bulk writer (timed; `check` after). Then,
as bench_register does on SQLite: search as you type, lookup of a scanned code, a handout, and
eight desks handing out at once (eight processes), each against bare SQL sent through psycopg
in the same run, alternating with it: the same statements or rows without SQLAlchemy, the ORM
or the rules. The eight desks are real: on the copy, seven desks are added beside the demo's as
a territory's administrator adds them (`add_desk`, an agent each, booklets transferred to each,
people shared), and each process acts for its own desk (its own receipt counter; the journal
stays one chain for the database); eight processes of ONE desk (one counter) are measured
beside them, their rounds interleaved, as the figure was before several desks existed. Targets: wall p95 of search ≤ 10 ms, lookup ≤ 2 ms, handout ≤ 30 ms, handout
with eight desks at once ≤ 50 ms. Writes happen on a copy (CREATE DATABASE … TEMPLATE). The
server is stopped and its folder removed at the end.

With the eight desks it also says how many statements each handout sent, how long it held
the receipt counter and the journal head (every handout of the desk waits for those two rows),
and, just before and after, what one durable commit costs on this disk: both rows stay locked
through the commit, so eight desks at once go no faster than one commit after the other.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from benchmarks.bench_register import (
    AGENT,
    HANDOUT_P95_MS,
    LOOKUP_P95_MS,
    LOOKUPS,
    SEARCH_P95_MS,
    SEED,
    _codes,
    _copy_last,
    search_queries,
)
from benchmarks.common import (
    NATIONAL_SEED,
    CpuFigure,
    Figure,
    Timings,
    cpu_figure,
    cpu_table,
    load,
    machine,
    percentile,
    save_results,
    table,
)

CONCURRENT_P95_MS = 50.0
HANDOUTS = 200
DESKS = 8
ROUNDS = 2  # of eight desks, for PassDesk and for the bare SQL, alternating
A_DESK_A_ROUND = 25
COMMITS = 200  # durable commits of one row, before and after the eight desks
DATABASE = "national"


def _bare_wall(baseline: Timings) -> str:
    """The baseline's wall p95, which the table leaves out: what the server and the machine
    cost without PassDesk, beside the target that is on wall time."""
    return f"baseline wall p95 {baseline.p(95):.2f} ms"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _conninfo(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgRaw:
    """A psycopg connection in autocommit that takes sqlite3's `?` placeholders, so that
    bench_register's helpers that pick names and codes serve here too."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(_conninfo(url), autocommit=True)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.connection.execute(sql.replace("?", "%s"), params)

    def close(self) -> None:
        self.connection.close()


def _compiled(statement: Any) -> tuple[str, dict[str, Any]]:
    """A SQLAlchemy statement as PostgreSQL SQL (psycopg's %(name)s) and its defaults."""
    from sqlalchemy.dialects import postgresql

    compiled = statement.compile(dialect=postgresql.dialect())
    return str(compiled), dict(compiled.params)


# --- build ------------------------------------------------------------------------------------


def build(server: Any) -> tuple[str, list[Figure], dict[str, Any]]:
    from passdesk import demo
    from passdesk.services import open_services
    from passdesk.services.integrity import check_database

    url = server.create_database(DATABASE, icu_locale="fr-FR")
    before = load()
    start = time.perf_counter()
    services = open_services(url)
    summary = demo.build(services, seed=NATIONAL_SEED, scale="national")
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    report = check_database(services)
    check_seconds = time.perf_counter() - start
    services.close()
    with server.superuser(DATABASE) as connection:
        connection.execute("VACUUM ANALYZE")
        size = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    figures = [
        Figure(
            "build `national` demo into PostgreSQL (bulk writer)",
            round(seconds, 1),
            "s",
            note=f"load {before} → {load()}; timings {dict(summary.timings)}",
        ),
        Figure("database size", round(size / 1e6, 1), "MB"),
        Figure(
            "`check` on it (chain, stock replayed)",
            round(check_seconds, 1),
            "s",
            note="passes" if report.ok else "FAILS: " + " ".join(report.lines),
        ),
    ]
    info = {k: v for k, v in asdict(summary).items() if k not in ("password", "timings")}
    return url, figures, {**info, "check_ok": report.ok}


# --- search -----------------------------------------------------------------------------------


class BareSearch:
    """`BeneficiaryService.search` step by step with name_search's own statements compiled for
    PostgreSQL and sent through psycopg (the in-order walk from a server-side cursor, as the
    service reads it): the same rows without SQLAlchemy."""

    PEOPLE = (
        "SELECT id, last_name, first_name, birth_date, postcode, commune, phone, email, "
        "target_group, diagnostic, consent_at, name_key FROM beneficiary WHERE id = ANY(%s)"
    )

    def __init__(self, raw: PgRaw) -> None:
        self._connection = raw.connection
        self._sql: dict[object, tuple[str, dict[str, Any]]] = {}

    def _run(self, statement: Any, values: dict[str, Any]) -> Any:
        if statement not in self._sql:
            self._sql[statement] = _compiled(statement)
        sql, defaults = self._sql[statement]
        return self._connection.execute(sql, {**defaults, **values})

    def _first_people(self, statement: Any, values: dict[str, Any], limit: int) -> list[int]:
        """As the service reads them: from a server-side cursor, `2 × limit` rows at a time."""
        if statement not in self._sql:
            self._sql[statement] = _compiled(statement)
        sql, defaults = self._sql[statement]
        people: dict[int, None] = {}
        with (
            self._connection.transaction(),
            self._connection.cursor(name="walk") as cursor,
        ):
            cursor.itersize = 2 * limit
            cursor.execute(sql, {**defaults, **values})
            for (person,) in cursor:
                people[person] = None
                if len(people) >= limit:
                    break
        return list(people)

    def search(self, text: str, limit: int = 20) -> list[tuple[Any, ...]]:
        from passdesk.services import name_search as ns
        from passdesk.text import query_tokens

        words = query_tokens(text)
        if not words:
            return []
        rarest, smallest = 0, ns.RARE
        if len(words) > 1:
            for i, word in enumerate(words):
                values = {**ns._parameters([word]), "cap": smallest}
                size = self._run(ns._range_size(), values).fetchone()[0]
                if size < smallest:
                    rarest, smallest = i, size
        values = ns._parameters(words)
        ids: list[int] = []
        if rarest == 0:
            ids = self._first_people(ns._in_index_order(len(words), False), values, limit)
        elif smallest // 4 >= limit:
            budgeted = {**values, "budget": smallest // 4}
            ids = self._first_people(ns._in_index_order(len(words), True), budgeted, limit)
        if rarest != 0 and len(ids) < limit:
            ordered = [*words[:rarest], *words[rarest + 1 :], words[rarest]]
            found = dict(self._run(ns._whole_range(len(words)), ns._parameters(ordered)).fetchall())
            ids = sorted(found, key=lambda person: (found[person], person))[:limit]
        if not ids:
            return []
        people = self._connection.execute(self.PEOPLE, (ids,)).fetchall()
        return sorted(people, key=lambda p: (*p[-1].partition("|")[::2], p[0]))


def bench_search(url: str) -> tuple[list[CpuFigure], list[str]]:
    from passdesk.services import open_services

    services = open_services(url)
    raw = PgRaw(url)
    bare = BareSearch(raw)
    # Names only: BareSearch does not know the birth dates the search takes since (a date, or
    # a name and a year); these are the 250 queries the figures were first measured with.
    queries = [
        (kind, query)
        for kind, query in search_queries(raw, random.Random(SEED))  # type: ignore[arg-type]
        if kind not in ("birth date", "name and year")
    ]
    search = services.beneficiaries.search
    same = 0
    for _k, query in queries:  # warm up: pages in cache, statements prepared
        same += [p.id for p in search(query)] == [p[0] for p in bare.search(query)]
    every, every_bare = Timings(), Timings()
    by_kind: dict[str, tuple[Timings, Timings]] = {}
    for _round in range(3):
        for kind, query in queries:
            timings, bare_timings = by_kind.setdefault(kind, (Timings(), Timings()))
            every.run(lambda q=query: search(q))
            _copy_last(every, timings)
            every_bare.run(lambda q=query: bare.search(q))
            _copy_last(every_bare, bare_timings)
    raw.close()
    services.close()
    figures = [
        cpu_figure(
            "search as you type, every query",
            every,
            every_bare,
            baseline_label="the service's own statements in raw psycopg",
            note=f"{len(queries)} queries × 3; {_bare_wall(every_bare)}",
            wall_p95=SEARCH_P95_MS,
        )
    ]
    for kind in ("1 letter", "2 letters", "3+ letters", "two words"):
        if kind in by_kind:
            timings, bare_timings = by_kind[kind]
            figures.append(
                cpu_figure(f"search, {kind}", timings, bare_timings, note=_bare_wall(bare_timings))
            )
    notes = [
        f"the service and its statements in raw psycopg found the same people, in the same "
        f"order, for {same} of {len(queries)} queries (French ICU collation)"
    ]
    return figures, notes


# --- lookup -----------------------------------------------------------------------------------


def bench_lookup(url: str) -> list[CpuFigure]:
    from passdesk.services import open_services
    from passdesk.services.lookup import _statement

    services = open_services(url)
    raw = PgRaw(url)
    own = {kind: _compiled(_statement(kind, True)) for kind in ("voucher", "booklet")}

    def bare(code: str) -> object:
        table = "booklet" if "-C" in code else "voucher"
        return raw.execute(f"SELECT id, status FROM {table} WHERE code = ?", (code,)).fetchone()

    def own_sql(code: str) -> object:
        sql, defaults = own["booklet" if "-C" in code else "voucher"]
        given = {**defaults, "code": code, "programme": code.split("-")[0]}
        return raw.connection.execute(sql, given).fetchone()

    rng = random.Random(SEED + 1)
    actor = services.accounts.actor(AGENT)
    for code in _codes(raw, rng, 50):  # type: ignore[arg-type]
        services.lookup.lookup(actor, code)
        bare(code)
        own_sql(code)
    measured, baseline, floor = Timings(), Timings(), Timings()
    sides = zip(*(_codes(raw, rng, LOOKUPS) for _ in range(3)), strict=True)  # type: ignore[arg-type]
    for mine, theirs, plain in sides:
        measured.run(lambda c=mine: services.lookup.lookup(actor, c))
        baseline.run(lambda c=theirs: bare(c))
        floor.run(lambda c=plain: own_sql(c))
    raw.close()
    services.close()
    return [
        cpu_figure(
            "lookup by code",
            measured,
            baseline,
            baseline_label="SELECT id, status … WHERE code = %s",
            note=f"{LOOKUPS} distinct codes, half vouchers, half booklets; {_bare_wall(baseline)}",
            wall_p95=LOOKUP_P95_MS,
        ),
        cpu_figure("the lookup's own SELECT in raw psycopg", floor, baseline, note="the floor"),
    ]


# --- handouts ---------------------------------------------------------------------------------


class LockTrace:
    """How long each handout held the two rows every handout of a desk locks, and how many
    statements it sent: the first statement naming `receipt_counter` locks the desk's counter
    row once it returns (it may have waited for another desk), the first naming `ledger_head`
    the journal's head; both stay locked until the commit returns. While one desk holds them
    the others wait, so eight desks at once can go no faster than one handout per hold."""

    def __init__(self) -> None:
        self.statements: list[int] = []  # COMMIT included
        self.locked: list[int] = []  # from the counter's upsert to the COMMIT, both included
        self.counter_ms: list[float] = []
        self.head_ms: list[float] = []
        self._start()

    def _start(self) -> None:
        self._sent, self._locked = 0, 0
        self._counter: int | None = None
        self._head: int | None = None

    def saw(self, statement: str) -> None:
        """Before a statement is sent."""
        self._sent += 1
        self._locked += self._counter is not None or "receipt_counter" in statement

    def done(self, statement: str) -> None:
        """After it returned: holding the row it locked, if any, from now on."""
        now = time.perf_counter_ns()
        if self._counter is None and "receipt_counter" in statement:
            self._counter = now
        if self._head is None and "ledger_head" in statement:
            self._head = now

    def run(self, action: Callable[[], Any]) -> Any:
        self._start()
        result = action()
        end = time.perf_counter_ns()
        self.statements.append(self._sent)
        self.locked.append(self._locked)
        for since, held in ((self._counter, self.counter_ms), (self._head, self.head_ms)):
            if since is not None:
                held.append((end - since) / 1e6)
        return result

    def watch(self, engine: Any) -> None:
        """Count the statements a SQLAlchemy engine sends (its COMMITs too)."""
        from sqlalchemy import event

        event.listen(engine, "before_cursor_execute", lambda *a: self.saw(a[2]))
        event.listen(engine, "after_cursor_execute", lambda *a: self.done(a[2]))
        event.listen(engine, "commit", lambda _connection: self.saw("COMMIT"))

    def add(self, other: tuple[list[int], list[int], list[float], list[float]]) -> None:
        for mine, theirs in zip(self.as_lists(), other, strict=True):
            mine.extend(theirs)  # type: ignore[attr-defined]

    def as_lists(self) -> tuple[list[int], list[int], list[float], list[float]]:
        return self.statements, self.locked, self.counter_ms, self.head_ms

    def summary(self) -> str:
        return (
            f"{percentile(self.statements, 50):.0f} statements, "
            f"{percentile(self.locked, 50):.0f} of them with the counter row locked; "
            f"counter row held p50 {percentile(self.counter_ms, 50):.1f} ms, "
            f"p95 {percentile(self.counter_ms, 95):.1f} ms; journal head held p50 "
            f"{percentile(self.head_ms, 50):.1f} ms, p95 {percentile(self.head_ms, 95):.1f} ms"
        )


class BareHandout:
    """A handout as bare SQL in one transaction through psycopg: the same rows and journal
    event as the service (chained, the head row locked as `ledger.append` does, so that the
    copy still passes `check` after eight desks), no ORM and no rules. In the service's order:
    the booklet and its vouchers first, then the contended rows (the receipt counter, the
    handout, the journal) just before the commit."""

    def __init__(self, url: str, agent_id: int, desk_id: int, programme_id: int) -> None:
        import psycopg

        self.connection = psycopg.connect(_conninfo(url))
        self.agent_id, self.desk_id, self.programme_id = agent_id, desk_id, programme_id
        self.trace = LockTrace()

    def hand_out(self, booklet_code: str, person: int) -> None:
        from passdesk import codes
        from passdesk.services.ledger import canonical, chain_hash

        now = datetime.now(UTC)
        stamp = now.replace(tzinfo=None)

        def run(sql: str, params: Sequence[Any] = ()) -> Any:
            self.trace.saw(sql)
            cursor = self.connection.execute(sql, params)
            self.trace.done(sql)
            return cursor

        with self.connection.transaction():
            booklet_id, number = run(
                "SELECT id, number FROM booklet WHERE code = %s AND status = 'in_stock'",
                (booklet_code,),
            ).fetchone()
            run(
                "UPDATE booklet SET status = 'handed_out' WHERE id = %s AND status = 'in_stock'",
                (booklet_id,),
            )
            run(
                "UPDATE voucher SET status = 'handed_out' "
                "WHERE booklet_id = %s AND status = 'in_stock'",
                (booklet_id,),
            )
            (last_number,) = run(
                "INSERT INTO receipt_counter (desk_id, year, last_number) VALUES (%s, %s, 1) "
                "ON CONFLICT (desk_id, year) DO UPDATE "
                "SET last_number = receipt_counter.last_number + 1 RETURNING last_number",
                (self.desk_id, now.year),
            ).fetchone()
            receipt = f"{now.year}-{last_number:06d}"
            (handout_id,) = run(
                "INSERT INTO handout (desk_id, beneficiary_id, agent_id, created_at, "
                "receipt_number) VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (self.desk_id, person, self.agent_id, stamp, receipt),
            ).fetchone()
            run(
                "INSERT INTO handout_booklet (handout_id, booklet_id) VALUES (%s, %s)",
                (handout_id, booklet_id),
            )
            last_id, last_hash = run(
                "SELECT last_id, last_hash FROM ledger_head WHERE id = 1 FOR UPDATE"
            ).fetchone()
            details = json.dumps(
                {
                    "booklet": booklet_code,
                    "receipt": receipt,
                    "first": codes.voucher_code("PN19", (number - 1) * 10 + 1),
                    "last": codes.voucher_code("PN19", number * 10),
                },
                ensure_ascii=False,
                sort_keys=True,
                separators=(",", ":"),
            )
            event_id = last_id + 1
            digest = chain_hash(
                last_hash,
                canonical(
                    event_id, now, self.agent_id, "handed_out", self.programme_id, booklet_id,
                    None, handout_id, details,
                ),
            )  # fmt: skip
            run(
                "INSERT INTO ledger_event (id, at, agent_id, kind, programme_id, booklet_id, "
                "voucher_id, handout_id, details, prev_hash, hash) "
                "VALUES (%s, %s, %s, 'handed_out', %s, %s, NULL, %s, %s, %s, %s)",
                (
                    event_id, stamp, self.agent_id, self.programme_id, booklet_id, handout_id,
                    details, last_hash, digest,
                ),
            )  # fmt: skip
            run(
                "UPDATE ledger_head SET last_id = %s, last_hash = %s WHERE id = 1",
                (event_id, digest),
            )
            self.trace.saw("COMMIT")  # as the block ends

    def close(self) -> None:
        self.connection.close()


def _work(url: str, count: int) -> tuple[list[str], list[int], int, int, int]:
    """Complete booklets in stock (highest numbers first) and people without a live handout,
    `count` of each; the agent's, the desk's and PN19's ids."""
    from passdesk import codes
    from passdesk.services import open_services

    services = open_services(url)
    raw = PgRaw(url)
    try:
        complete = raw.execute(
            "SELECT b.number FROM booklet b WHERE b.status = 'in_stock' AND NOT EXISTS ("
            "SELECT 1 FROM voucher v WHERE v.booklet_id = b.id AND v.status <> 'in_stock') "
            "ORDER BY b.number DESC LIMIT ?",
            (count,),
        ).fetchall()
        waiting = [
            person
            for (person,) in raw.execute(
                "SELECT id FROM beneficiary WHERE id NOT IN "
                "(SELECT beneficiary_id FROM handout WHERE cancelled_at IS NULL)"
            )
        ]
        return (
            [codes.booklet_code("PN19", n) for (n,) in complete],
            random.Random(SEED + 2).sample(waiting, count),
            services.accounts.actor(AGENT).id,
            services.accounts.desk().id,
            services.programmes.get("PN19").id,
        )
    finally:
        raw.close()
        services.close()


def bench_handout(url: str) -> tuple[list[CpuFigure], list[str]]:
    from passdesk.services import open_services

    booklets, people, agent_id, desk_id, programme_id = _work(url, 2 * HANDOUTS)
    services = open_services(url)
    actor = services.accounts.actor(AGENT)
    trace = LockTrace()
    trace.watch(services.db.engine)
    bare = BareHandout(url, agent_id, desk_id, programme_id)
    measured, baseline = Timings(), Timings()
    for i in range(HANDOUTS):  # alternating, so that both meet the same load
        code, person = booklets[2 * i], people[2 * i]
        measured.run(
            lambda c=code, p=person: trace.run(
                lambda: services.handouts.hand_out(actor, p, codes_=[c])
            )
        )
        code, person = booklets[2 * i + 1], people[2 * i + 1]
        baseline.run(lambda c=code, p=person: bare.trace.run(lambda: bare.hand_out(c, p)))
    bare.close()
    services.close()
    notes = [
        f"one desk alone, each PassDesk handout: {trace.summary()}",
        f"one desk alone, each bare transaction: {bare.trace.summary()}",
    ]
    return [
        cpu_figure(
            "handout by code",
            measured,
            baseline,
            baseline_label="the same rows in one transaction in raw psycopg",
            note=f"{HANDOUTS} handouts, synchronous commit; {_bare_wall(baseline)}",
            wall_p95=HANDOUT_P95_MS,
        )
    ], notes


def commit_timings(url: str, count: int = COMMITS) -> Timings:
    """`count` durable commits of one updated row, one after the other: what the disk's flush
    costs a transaction here, the same minute. Every handout of a desk holds the receipt
    counter and the journal head through its commit, so eight desks at once can go no faster
    than one commit after the other."""
    import psycopg

    timings = Timings()
    with psycopg.connect(_conninfo(url)) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS probe (id int PRIMARY KEY, n int)")
        connection.execute("INSERT INTO probe VALUES (1, 0) ON CONFLICT DO NOTHING")
        connection.commit()
        for _ in range(count):
            connection.execute("UPDATE probe SET n = n + 1 WHERE id = 1")
            timings.run(connection.commit)
    return timings


def commit_figure(before: Timings, after: Timings) -> CpuFigure:
    both = Timings()
    for timings in (before, after):
        both.wall.extend(timings.wall)
        both.cpu.extend(timings.cpu)
    return cpu_figure(
        "a durable commit of one row (the disk's flush)",
        both,
        note=f"{len(before.wall)} just before the eight desks, wall p50 {before.p(50):.2f} ms, "
        f"p95 {before.p(95):.2f} ms; {len(after.wall)} just after, wall p50 "
        f"{after.p(50):.2f} ms, p95 {after.p(95):.2f} ms; eight desks at once hold the "
        f"receipt counter through it: {DESKS} × {both.p(50):.2f} ms = "
        f"{DESKS * both.p(50):.0f} ms a round of handouts at the least",
    )


@dataclass(frozen=True)
class DeskProcess:
    """Who a desk process acts as: the agent it logs in as (`act_as`), and the ids the bare
    transaction writes with, its desk's receipt counter row among them."""

    login: str
    agent_id: int
    desk_id: int


def _complete_booklets(raw: PgRaw, programme_id: int, desk_id: int, count: int) -> list[int]:
    """The numbers of `count` complete booklets in stock at the desk, highest first."""
    rows = raw.execute(
        "SELECT b.number FROM booklet b WHERE b.programme_id = ? AND b.desk_id = ? "
        "AND b.status = 'in_stock' AND NOT EXISTS (SELECT 1 FROM voucher v "
        "WHERE v.booklet_id = b.id AND v.status <> 'in_stock') ORDER BY b.number DESC LIMIT ?",
        (programme_id, desk_id, count),
    ).fetchall()
    if len(rows) < count:
        raise RuntimeError(f"desk {desk_id} holds {len(rows)} complete booklets, {count} needed")
    return [n for (n,) in rows]


def _in_stock_runs(raw: PgRaw, programme_id: int, desk_id: int, size: int) -> list[int]:
    """The first numbers of contiguous runs of `size` complete booklets in stock at the desk,
    highest first, each run cut into as many as it holds: ranges a transfer accepts whole."""
    islands = raw.execute(
        "SELECT min(number), count(*) FROM (SELECT b.number, "
        "b.number - row_number() OVER (ORDER BY b.number) AS island FROM booklet b "
        "WHERE b.programme_id = ? AND b.desk_id = ? AND b.status = 'in_stock' AND NOT EXISTS "
        "(SELECT 1 FROM voucher v WHERE v.booklet_id = b.id AND v.status <> 'in_stock')) s "
        "GROUP BY island HAVING count(*) >= ? ORDER BY min(number) DESC",
        (programme_id, desk_id, size),
    ).fetchall()
    return [first + k * size for first, length in islands for k in range(length // size)]


def territory(url: str, desks: int, booklets: int) -> tuple[list[DeskProcess], int]:
    """The demo's desk and `desks - 1` desks added beside it as a territory's administrator
    adds them (`add_desk`, an agent each, `booklets` complete booklets transferred to each from
    the demo desk's stock), people shared between the desks: each process of the eight desks'
    figure acts for its own desk, with its own receipt counter. Returns the desks' agents (the
    demo's first) and PN19's id."""
    from passdesk.roles import Role
    from passdesk.services import open_services

    services = open_services(url)
    raw = PgRaw(url)
    try:
        admin = services.accounts.actor()
        programme_id = services.programmes.get("PN19").id
        demo_agent = services.accounts.actor(AGENT)
        processes = [DeskProcess(AGENT, demo_agent.id, demo_agent.desk_id)]
        services.settings.set(admin, "people_shared", True)
        firsts = _in_stock_runs(raw, programme_id, demo_agent.desk_id, booklets)
        if len(firsts) < desks - 1:
            raise RuntimeError(f"{len(firsts)} runs of {booklets} booklets in stock, {desks - 1}")
        for number, first in zip(range(2, desks + 1), firsts, strict=False):
            code = f"BANC-{number}"
            services.desks.add_desk(
                admin,
                code=code,
                name=f"Guichet d'essai {number}",
                admin_login=f"admin.banc{number}",
            )
            its_admin = services.accounts.actor(f"admin.banc{number}")
            login = f"agent.banc{number}"
            services.accounts.add_agent(
                its_admin, login=login, display_name=f"Agent d'essai {number}", role=Role.AGENT
            )
            services.transfers.transfer(
                admin, programme="PN19", first_booklet=first, count=booklets, to_desk=code
            )
            agent = services.accounts.actor(login)
            processes.append(DeskProcess(login, agent.id, agent.desk_id))
        return processes, programme_id
    finally:
        raw.close()
        services.close()


def _handouts_of(
    url: str,
    setups: Sequence[Sequence[DeskProcess]],
    programme_id: int,
    each: int,
    people: list[int],
) -> list[list[list[tuple[str, int]]]]:
    """For each process of each setup, `each` (booklet code, person) pairs: booklets its desk
    holds, none given twice (a desk named by several processes shares its booklets out among
    them), people from `people`, which it consumes."""
    from passdesk import codes

    per_desk: dict[int, int] = {}
    for process in (p for processes in setups for p in processes):
        per_desk[process.desk_id] = per_desk.get(process.desk_id, 0) + each
    raw = PgRaw(url)
    try:
        stock = {
            desk: iter(_complete_booklets(raw, programme_id, desk, count))
            for desk, count in per_desk.items()
        }
    finally:
        raw.close()
    return [
        [
            [
                (codes.booklet_code("PN19", next(stock[p.desk_id])), people.pop())
                for _ in range(each)
            ]
            for p in processes
        ]
        for processes in setups
    ]


def _waiting_people(url: str, count: int) -> list[int]:
    raw = PgRaw(url)
    try:
        waiting = [
            person
            for (person,) in raw.execute(
                "SELECT id FROM beneficiary WHERE id NOT IN "
                "(SELECT beneficiary_id FROM handout WHERE cancelled_at IS NULL)"
            )
        ]
    finally:
        raw.close()
    return random.Random(SEED + 3).sample(waiting, count)


def _desk(
    url: str,
    bare: bool,
    work: list[tuple[str, int]],
    process: DeskProcess,
    programme_id: int,
    start: Any,
    results: Any,
) -> None:
    """One of eight desk processes: its handouts' wall and CPU ms, its errors and how long it
    held the contended rows. It works for its agent's desk, as the window after a login."""
    from passdesk.services import open_services

    services = open_services(url)
    actor = services.act_as(services.accounts.actor(process.login))
    raw = BareHandout(url, process.agent_id, process.desk_id, programme_id)
    trace = raw.trace if bare else LockTrace()
    if not bare:
        trace.watch(services.db.engine)
    timings, errors = Timings(), []
    if bare:
        raw.hand_out(*work[0])  # warm up, as the service's first handout below
    else:
        services.handouts.hand_out(actor, work[0][1], codes_=[work[0][0]])
    start.wait(timeout=300)
    for code, person in work[1:]:
        try:
            if bare:
                timings.run(lambda c=code, p=person: trace.run(lambda: raw.hand_out(c, p)))
            else:
                timings.run(
                    lambda c=code, p=person: trace.run(
                        lambda: services.handouts.hand_out(actor, p, codes_=[c])
                    )
                )
        except Exception as error:  # noqa: BLE001 - counted and reported
            errors.append(repr(error))
    raw.close()
    services.close()
    results.put((timings.wall, timings.cpu, errors, trace.as_lists()))


@dataclass
class Setup:
    """One row of the concurrent figures: which desk each of the eight processes works for,
    their handouts round by round, and what they measured."""

    label: str
    processes: list[DeskProcess]
    work: list[list[tuple[str, int]]]
    measured: Timings = field(default_factory=Timings)
    baseline: Timings = field(default_factory=Timings)
    traces: dict[bool, LockTrace] = field(
        default_factory=lambda: {False: LockTrace(), True: LockTrace()}
    )
    errors: list[str] = field(default_factory=list)


def _round(url: str, setup: Setup, number: int, programme_id: int) -> None:
    """The eight processes of `setup` started together; odd rounds are the bare SQL's."""
    bare = number % 2 == 1
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(DESKS), context.Queue()
    per_round = A_DESK_A_ROUND + 1
    desks = [
        context.Process(
            target=_desk,
            args=(
                url,
                bare,
                work[number * per_round : (number + 1) * per_round],
                process,
                programme_id,
                start,
                results,
            ),  # fmt: skip
            daemon=True,  # never outlives the run, even one that fails
        )
        for process, work in zip(setup.processes, setup.work, strict=True)
    ]
    for desk in desks:
        desk.start()
    for _desk_done in desks:
        wall, cpu, failed, trace = results.get(timeout=600)
        (setup.baseline if bare else setup.measured).wall.extend(wall)
        (setup.baseline if bare else setup.measured).cpu.extend(cpu)
        setup.traces[bare].add(trace)
        setup.errors += failed
    for desk in desks:
        desk.join(timeout=60)


def bench_concurrent(url: str) -> tuple[list[CpuFigure], list[str], bool]:
    """Eight processes hand out at once: eight desks of a territory (each its own receipt
    counter; the journal head is the database's one), then, the same minute, eight processes
    of one desk (sharing its counter too). Rounds alternate: PassDesk's and the bare SQL's,
    the eight desks' and the one desk's, so that all meet the same load."""
    from passdesk.services import open_services
    from passdesk.services.integrity import check_database

    each = 2 * ROUNDS * (A_DESK_A_ROUND + 1)  # PassDesk's rounds and the bare SQL's
    processes, programme_id = territory(url, DESKS, each)
    people = _waiting_people(url, 2 * DESKS * each)
    one_desk = [processes[0]] * DESKS
    desks_work, one_desk_work = _handouts_of(url, [processes, one_desk], programme_id, each, people)
    setups = [
        Setup(f"{DESKS} desks at once", processes, desks_work),
        Setup(f"one desk, {DESKS} processes at once", one_desk, one_desk_work),
    ]
    for number in range(2 * ROUNDS):
        for setup in setups:
            _round(url, setup, number, programme_id)
    services = open_services(url)
    report = check_database(services)
    services.close()
    figures, notes = [], []
    for setup, target in zip(setups, (CONCURRENT_P95_MS, None), strict=True):
        figures.append(
            cpu_figure(
                f"handout by code, {setup.label}",
                setup.measured,
                setup.baseline,
                baseline_label=f"the bare transaction, {setup.label}",
                note=f"{len(setup.measured.wall)} handouts in {ROUNDS} rounds, alternating with "
                f"the baseline's; {_bare_wall(setup.baseline)}",
                wall_p95=target,
            )
        )
        notes += [
            f"{setup.label}: {len(setup.errors)} errors"
            + (f" ({setup.errors[:3]})" if setup.errors else "")
            + f"; wall p95 {setup.measured.p(95):.1f} ms, the bare transaction's "
            f"{setup.baseline.p(95):.1f} ms",
            f"{setup.label}, each PassDesk handout: {setup.traces[False].summary()}",
            f"{setup.label}, each bare transaction: {setup.traces[True].summary()}",
        ]
    measured = setups[0].measured
    notes += [
        f"{DESKS} desk processes and the server share {os.cpu_count()} cores here (on a "
        f"territory they are {DESKS} PCs): the desks' own CPU alone, {DESKS} × "
        f"{measured.cpu_p(50):.1f} ms / {os.cpu_count()} cores, keeps a handout waiting "
        f"{DESKS * measured.cpu_p(50) / (os.cpu_count() or 1):.0f} ms for a core",
        f"the {DESKS} desks: the demo's and {DESKS - 1} added with `add_desk`, {each} booklets "
        "transferred to each, people shared (`people_shared`)",
        "after all the handouts, `check` on the copy: "
        + ("passes" if report.ok else "FAILS: " + " ".join(report.lines)),
    ]
    errors = any(setup.errors for setup in setups)
    return figures, notes, report.ok and not errors


# --- the run ----------------------------------------------------------------------------------


def _section(name: str, action: Callable[[], Any]) -> Any:
    before = load()
    start = time.perf_counter()
    result = action()
    _say(f"  {name}: {time.perf_counter() - start:.1f} s, load {before} → {load()}")
    return result


def _stop_on_term(signum: int, _frame: object) -> None:
    """SIGTERM (a `kill`, a CI timeout) unwinds like Ctrl+C, so that `finally` stops the server."""
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    from tests.pg_server import PostgresServer, stop_orphans

    signal.signal(signal.SIGTERM, _stop_on_term)
    stop_orphans()  # the servers of runs killed with SIGKILL, which no `finally` stops

    started = datetime.now(UTC)
    context: dict[str, Any] = {
        "benchmark": "register on PostgreSQL (issue 13)",
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "load_at_start": load(),
    }
    server = PostgresServer(settings={"max_connections": "100"})
    try:
        server.start()  # inside the `try`: a start that fails halfway is cleaned up too
        with server.superuser() as connection:
            context["postgresql"] = connection.execute("SHOW server_version").fetchone()[0]
        _say("Building the national demo into PostgreSQL ...")
        url, figures, summary = _section("build", lambda: build(server))
        copy = server.create_database("national_copy", template=DATABASE)
        _say("Measuring:")
        search_figures, search_notes = _section("search", lambda: bench_search(url))
        lookup_figures = _section("lookup", lambda: bench_lookup(url))
        handout_figures, handout_notes = _section("handout", lambda: bench_handout(copy))
        probe = server.create_database("commit_probe")
        commits_before = commit_timings(probe)
        concurrent_figures, concurrent_notes, concurrent_ok = _section(
            "eight desks", lambda: bench_concurrent(copy)
        )
        commits_after = commit_timings(probe)
    finally:
        server.stop()
    operations = [
        *search_figures,
        *lookup_figures,
        *handout_figures,
        *concurrent_figures,
        commit_figure(commits_before, commits_after),
    ]
    notes = [*search_notes, *handout_notes, *concurrent_notes]
    context.update(load_at_end=load(), national=summary, notes=notes)
    m = context["machine"]
    print()
    print(f"Register on PostgreSQL (issue 13) — {started:%Y-%m-%d %H:%M} UTC")
    print(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}, "
        f"Python {m['python']}, PostgreSQL {context['postgresql']} on the same machine"
    )
    print(f"Load average (1/5/15 min): {context['load_at_start']} at start, {load()} at end")
    print()
    print(table(figures))
    print()
    print(cpu_table(operations))
    print()
    for note in notes:
        print(f"- {note}")
    saved = save_results("bench_postgres", [*figures, *operations], context)
    print(f"\n(results saved in {saved.relative_to(saved.parents[2])})")
    missed = any(f.passed is False for f in [*figures, *operations])
    return 1 if missed or not (summary["check_ok"] and concurrent_ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())
