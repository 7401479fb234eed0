"""The register's speed on the national demo database (issues 2 and 7, "Speed").

    .venv/bin/python -m benchmarks.bench_register [--db PATH] [--rebuild]

Builds (or reuses, from benchmarks/out/) the `national` demo database, then measures on it what a
desk agent waits for: search as you type, lookup of a scanned code, a handout committed with
synchronous=FULL. Each operation's own CPU time is reported (p50, p95, max): other work on the
machine moves wall-clock times far more. Each comes with a bare baseline measured in the same
run, alternating with it (the same work as plain sqlite3 statements, no ORM, no validation),
and the ratio of their p95s, so that a slow figure can be told apart from a slow machine.
Writes happen on a throw-away copy of the database.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.common import (
    BuildInfo,
    CpuFigure,
    Figure,
    Timings,
    arguments,
    cpu_figure,
    cpu_table,
    load,
    machine,
    national_database,
    save_results,
    table,
    working_copy,
)

# The targets: issue 2's (wall-clock p95) and issue 7's (own CPU, which a loaded machine
# does not move as much).
SEARCH_P95_MS = 10.0
SEARCH_WORST_CPU_MS = 10.0
LOOKUP_P95_MS = 2.0
LOOKUP_CPU_P95_MS = 0.3
LOOKUP_RATIO = 20.0
HANDOUT_P95_MS = 30.0
BUILD_S = 180.0
SIZE_MB = 400.0

SEED = 26
SEARCH_NAMES = 40
SEARCH_BIRTHS = 20
SEARCH_LIMIT = 20
LOOKUPS = 1000
HANDOUTS = 200
NEXT_HANDOUTS = 50
AGENT = "lucie.moreau"

T = TypeVar("T")


def _connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with PassDesk's pragmas, autocommit (we say BEGIN)."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=10000"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- build and size ---------------------------------------------------------------------------


def build_figures(info: BuildInfo) -> list[Figure]:
    when = f"cached, built {info.built_at}" if info.cached else "built in this run"
    return [
        Figure(
            "build `national` demo",
            info.seconds,
            "s",
            target=BUILD_S,
            baseline=info.compact_seconds,
            baseline_label="VACUUM INTO: SQLite rewriting the same rows",
            note=f"{when}, load {info.load_before} → {info.load_after}",
        ),
        Figure(
            "database size",
            info.size_mb,
            "MB",
            target=SIZE_MB,
            baseline=info.compact_size_mb,
            baseline_label="same data VACUUMed",
        ),
        Figure(
            "`check` on it (integrity, chain, stock)",
            info.check_seconds,
            "s",
            note="passes" if info.check_ok else "FAILS",
        ),
    ]


# --- search as you type -----------------------------------------------------------------------


def search_queries(raw: sqlite3.Connection, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query) as agents type them: a surname letter by letter, then first name + surname;
    and by birth date (12/04/1985, 12041985, 1985-04-12) or name and birth year (issue 8)."""
    from passdesk.text import fold

    count = raw.execute("SELECT max(id) FROM beneficiary").fetchone()[0]
    ids = rng.sample(range(1, count + 1), SEARCH_NAMES)
    people = raw.execute(
        f"SELECT first_name, last_name FROM beneficiary WHERE id IN ({','.join('?' * len(ids))})",
        ids,
    ).fetchall()
    people.append(("Hélène", "N'Diaye"))
    queries: list[tuple[str, str]] = []
    for i, (first, last) in enumerate(people):
        typed_last = last.lower() if i % 2 else fold(last)  # with or without the accents
        if i % 3:
            for k in range(1, min(len(typed_last), 8) + 1):
                queries.append((_kind(typed_last[:k]), typed_last[:k]))
        else:
            typed_first = fold(first).split()[0]
            for k in range(1, min(len(typed_last), 5) + 1):
                queries.append(("two words", f"{typed_first} {typed_last[:k]}"))
    queries += [("two words", "helene ndi"), ("two words", "marie d"), ("two words", "jean l")]
    born = rng.sample(range(1, count + 1), SEARCH_BIRTHS)
    shapes = ("%d/%m/%Y", "%d%m%Y", "%Y-%m-%d")
    for i, (last, birth) in enumerate(
        raw.execute(
            f"SELECT last_name, birth_date FROM beneficiary WHERE id IN ({','.join('?' * len(born))})",
            born,
        ).fetchall()
    ):
        day = birth if isinstance(birth, date) else datetime.strptime(birth, "%Y-%m-%d")
        queries.append(("birth date", day.strftime(shapes[i % 3])))
        queries.append(("name and year", f"{fold(last).split()[0]} {day.year}"))
        queries.append(("name and year", f"{fold(last)[:2]} {day.year}"))  # a common prefix
    queries += [("name and year", "diallo 1964"), ("name and year", "m 1990")]
    return queries


def _kind(query: str) -> str:
    letters = len(query.replace(" ", ""))
    return {1: "1 letter", 2: "2 letters"}.get(letters, "3+ letters")


def _compiled(statement: Any) -> tuple[str, tuple[str, ...], dict[str, Any]]:
    """A SQLAlchemy statement as SQLite SQL, its parameters' names in order, their defaults."""
    from sqlalchemy.dialects import sqlite

    compiled = statement.compile(dialect=sqlite.dialect())
    return str(compiled), tuple(compiled.positiontup or ()), dict(compiled.params)


class BareSearch:
    """`BeneficiaryService.search` step by step with its own SQL (name_search's statements
    compiled for SQLite) sent through a raw sqlite3 connection: the same rows without
    SQLAlchemy, so the ratio is what SQLAlchemy and the service's Python cost."""

    PEOPLE = (
        "SELECT id, last_name, first_name, birth_date, postcode, commune, phone, email, "
        "target_group, diagnostic, consent_at, name_key FROM beneficiary WHERE id IN ({})"
    )

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._sql: dict[object, tuple[str, tuple[str, ...], dict[str, Any]]] = {}

    def _run(self, statement: Any, values: dict[str, Any]) -> sqlite3.Cursor:
        if statement not in self._sql:
            self._sql[statement] = _compiled(statement)
        sql, names, defaults = self._sql[statement]
        given = {**defaults, **values}
        # Dates as SQLAlchemy stores them in SQLite (sqlite3's own adapter is deprecated).
        return self._connection.execute(sql, [_iso(given[name]) for name in names])

    def _first_people(self, statement: Any, values: dict[str, Any], limit: int) -> list[int]:
        people: dict[int, None] = {}
        for (person,) in self._run(statement, values):
            people[person] = None
            if len(people) >= limit:
                break
        return list(people)

    def search(self, text: str, limit: int = SEARCH_LIMIT) -> list[tuple[Any, ...]]:
        from passdesk.services import name_search as ns
        from passdesk.services.search_terms import search_terms

        terms = search_terms(text)
        words, born = terms.words, terms.born
        if terms.nobody or terms.empty:
            return []
        ids = self._ids(ns, words, born, limit)
        if not ids:
            return []
        people = self._connection.execute(self.PEOPLE.format(",".join("?" * len(ids))), ids)
        return sorted(people, key=lambda p: (*p[-1].partition("|")[::2], p[0]))

    def _ids(self, ns: Any, words: list[str], born: Any, limit: int) -> list[int]:
        if not words:
            rows = self._run(ns._born_only(), {**ns._parameters([], born), "limit": limit})
            return [person for (person,) in rows]
        rarest, smallest = 0, ns.RARE
        if len(words) > 1 or born is not None:
            for i, word in enumerate(words):
                values = {**ns._parameters([word]), "cap": smallest}
                size = self._run(ns._range_size(), values).fetchone()[0]
                if size < smallest:
                    rarest, smallest = i, size
        values = ns._parameters(words, born)
        by_birth = born is not None
        if by_birth:
            size = self._run(ns._born_size(), {**values, "cap": smallest}).fetchone()[0]
            if size < smallest:
                found = dict(self._run(ns._born_whole(len(words)), values).fetchall())
                return sorted(found, key=lambda person: (found[person], person))[:limit]
        ids: list[int] = []
        if rarest == 0:
            ids = self._first_people(ns._in_index_order(len(words), False, by_birth), values, limit)
        elif smallest // 4 >= limit:
            budgeted = {**values, "budget": smallest // 4}
            ids = self._first_people(
                ns._in_index_order(len(words), True, by_birth), budgeted, limit
            )
        if rarest != 0 and len(ids) < limit:
            ordered = [*words[:rarest], *words[rarest + 1 :], words[rarest]]
            found = dict(
                self._run(
                    ns._whole_range(len(words), by_birth), ns._parameters(ordered, born)
                ).fetchall()
            )
            ids = sorted(found, key=lambda person: (found[person], person))[:limit]
        return ids


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _like_scan(connection: sqlite3.Connection, text: str) -> list[tuple[object, ...]]:
    from passdesk.text import fold

    return connection.execute(
        "SELECT id, last_name, first_name FROM beneficiary WHERE search_name LIKE ? LIMIT 20",
        (f"%{fold(text)}%",),
    ).fetchall()


def bench_search(path: Path) -> tuple[list[CpuFigure], list[str]]:
    from passdesk.services import open_services

    services = open_services(path)
    raw = _connect(path)
    bare = BareSearch(raw)
    queries = search_queries(raw, random.Random(SEED))
    search = services.beneficiaries.search
    same = 0
    for _k, query in queries:  # warm up: pages in cache, statements compiled
        same += [p.id for p in search(query)] == [p[0] for p in bare.search(query)]
    every, every_bare, scan = Timings(), Timings(), Timings()
    by_kind: dict[str, tuple[Timings, Timings]] = {}
    slowest: list[tuple[float, str]] = []
    # Service and bare SQL alternate, query by query, so that both meet the same load.
    for _round in range(3):
        for kind, query in queries:
            timings, bare_timings = by_kind.setdefault(kind, (Timings(), Timings()))
            every.run(lambda q=query: search(q))
            _copy_last(every, timings)
            slowest.append((every.cpu[-1], query))
            every_bare.run(lambda q=query: bare.search(q))
            _copy_last(every_bare, bare_timings)
    for _k, query in queries:
        scan.run(lambda q=query: _like_scan(raw, q))
    raw.close()
    services.close()
    n = len(queries)
    figures = [
        cpu_figure(
            "search as you type, every query",
            every,
            every_bare,
            baseline_label="the service's own statements in raw sqlite3",
            note=f"{n} queries × 3",
            cpu_max=SEARCH_WORST_CPU_MS,
            wall_p95=SEARCH_P95_MS,
        )
    ]
    for kind in ("1 letter", "2 letters", "3+ letters", "two words", "birth date", "name and year"):
        if kind in by_kind:
            timings, bare_timings = by_kind[kind]
            figures.append(
                cpu_figure(
                    f"search, {kind}",
                    timings,
                    bare_timings,
                    note=f"{len(timings.cpu) // 3} queries × 3",
                )
            )
    figures.append(
        cpu_figure("naive `search_name LIKE '%…%' LIMIT 20` scan", scan, note="for comparison")
    )
    worst = sorted(set(slowest), reverse=True)[:6]
    notes = [
        "slowest searches (own CPU): " + ", ".join(f"{q!r} {t:.1f} ms" for t, q in worst),
        f"the service and its statements in raw sqlite3 found the same people, in the same "
        f"order, for {same} of {n} queries",
    ]
    return figures, notes


def _copy_last(source: Timings, target: Timings) -> None:
    """Credit the measurement just taken to a second series (a query's kind)."""
    target.wall.append(source.wall[-1])
    target.cpu.append(source.cpu[-1])


# --- lookup of a code -------------------------------------------------------------------------


def _codes(raw: sqlite3.Connection, rng: random.Random, n: int) -> list[str]:
    """Half voucher codes, half booklet codes, drawn over the whole stock."""
    from passdesk import codes

    vouchers = raw.execute("SELECT max(number) FROM voucher").fetchone()[0]
    booklets = raw.execute("SELECT max(number) FROM booklet").fetchone()[0]
    return [
        codes.voucher_code("PN19", rng.randint(1, vouchers))
        if i % 2
        else codes.booklet_code("PN19", rng.randint(1, booklets))
        for i in range(n)
    ]


def _raw_lookup(connection: sqlite3.Connection, code: str) -> object:
    table = "booklet" if "-C" in code else "voucher"
    return connection.execute(f"SELECT id, status FROM {table} WHERE code = ?", (code,)).fetchone()


class BareLookup:
    """The lookup's one SELECT (compiled for SQLite) in raw sqlite3, without parsing the code
    or building the answer: the floor of what the service can cost."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        from passdesk.services.lookup import _statement

        self._connection = connection
        self._sql = {kind: _compiled(_statement(kind, True)) for kind in ("voucher", "booklet")}

    def lookup(self, code: str) -> object:
        sql, names, defaults = self._sql["booklet" if "-C" in code else "voucher"]
        given = {**defaults, "code": code, "programme": code.split("-")[0]}
        return self._connection.execute(sql, [given[name] for name in names]).fetchone()


def bench_lookup(path: Path) -> list[CpuFigure]:
    from passdesk.services import open_services

    services = open_services(path)
    raw = _connect(path)
    own_sql = BareLookup(raw)
    rng = random.Random(SEED + 1)
    actor = services.accounts.actor(AGENT)
    for code in _codes(raw, rng, 50):  # warm up
        services.lookup.lookup(actor, code)
        _raw_lookup(raw, code)
        own_sql.lookup(code)
    # Different codes for each side, so that neither reads pages another just brought in;
    # the sides alternate, code by code, so that all meet the same load.
    measured, bare, floor = Timings(), Timings(), Timings()
    sides = zip(
        _codes(raw, rng, LOOKUPS), _codes(raw, rng, LOOKUPS), _codes(raw, rng, LOOKUPS), strict=True
    )
    for mine, theirs, plain in sides:
        measured.run(lambda c=mine: services.lookup.lookup(actor, c))
        bare.run(lambda c=theirs: _raw_lookup(raw, c))
        floor.run(lambda c=plain: own_sql.lookup(c))
    raw.close()
    services.close()
    return [
        cpu_figure(
            "lookup by code",
            measured,
            bare,
            baseline_label="SELECT id, status … WHERE code = ?",
            note=f"{LOOKUPS} distinct codes, half vouchers, half booklets",
            cpu_p95=LOOKUP_CPU_P95_MS,
            ratio=LOOKUP_RATIO,
            wall_p95=LOOKUP_P95_MS,
        ),
        cpu_figure(
            "the lookup's own SELECT in raw sqlite3",
            floor,
            bare,
            note="no parsing, no answer built: the floor",
        ),
    ]


# --- handout ----------------------------------------------------------------------------------


def _raw_handout(
    connection: sqlite3.Connection,
    booklet_code: str,
    person: int,
    agent_id: int,
    desk_id: int,
    programme_id: int,
) -> None:
    """A handout as bare SQL in one BEGIN IMMEDIATE … COMMIT: the same rows and journal event
    (chained correctly, so that the copy still passes `check`), no ORM and no validation."""
    from passdesk import codes
    from passdesk.services.ledger import canonical, chain_hash

    now = datetime.now(UTC)
    stamp = now.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    connection.execute("BEGIN IMMEDIATE")
    try:
        booklet_id, number = connection.execute(
            "SELECT id, number FROM booklet WHERE code = ? AND status = 'in_stock'",
            (booklet_code,),
        ).fetchone()
        connection.execute(
            "UPDATE booklet SET status = 'handed_out' WHERE id = ? AND status = 'in_stock'",
            (booklet_id,),
        )
        connection.execute(
            "UPDATE voucher SET status = 'handed_out' WHERE booklet_id = ? AND status = 'in_stock'",
            (booklet_id,),
        )
        (last_number,) = connection.execute(
            "UPDATE receipt_counter SET last_number = last_number + 1 WHERE desk_id = ? AND year = ?"
            " RETURNING last_number",
            (desk_id, now.year),
        ).fetchone()
        receipt = f"{now.year}-{last_number:06d}"
        handout_id = connection.execute(
            "INSERT INTO handout (desk_id, beneficiary_id, agent_id, created_at, receipt_number)"
            " VALUES (?, ?, ?, ?, ?)",
            (desk_id, person, agent_id, stamp, receipt),
        ).lastrowid
        connection.execute(
            "INSERT INTO handout_booklet (handout_id, booklet_id) VALUES (?, ?)",
            (handout_id, booklet_id),
        )
        last_id, last_hash = connection.execute(
            "SELECT last_id, last_hash FROM ledger_head WHERE id = 1"
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
                event_id, now, agent_id, "handed_out", programme_id, booklet_id, None, handout_id,
                details,
            ),
        )  # fmt: skip
        connection.execute(
            "INSERT INTO ledger_event (id, at, agent_id, kind, programme_id, booklet_id,"
            " voucher_id, handout_id, details, prev_hash, hash)"
            " VALUES (?, ?, ?, 'handed_out', ?, ?, NULL, ?, ?, ?, ?)",
            (
                event_id, stamp, agent_id, programme_id, booklet_id, handout_id, details,
                last_hash, digest,
            ),
        )  # fmt: skip
        connection.execute(
            "UPDATE ledger_head SET last_id = ?, last_hash = ? WHERE id = 1", (event_id, digest)
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def bench_handout(path: Path) -> tuple[list[CpuFigure], list[str]]:
    from passdesk import codes
    from passdesk.services import open_services
    from passdesk.services.integrity import check_database

    with working_copy(path, "bench-register-handout") as copy:
        services = open_services(copy)
        raw = _connect(copy)
        actor = services.accounts.actor(AGENT)
        desk_id = services.accounts.desk().id
        programme_id = services.programmes.get("PN19").id
        complete = raw.execute(
            "SELECT b.number FROM booklet b WHERE b.status = 'in_stock' AND NOT EXISTS ("
            "SELECT 1 FROM voucher v WHERE v.booklet_id = b.id AND v.status != 'in_stock')"
            " ORDER BY b.number DESC LIMIT ?",
            (2 * HANDOUTS + NEXT_HANDOUTS,),
        ).fetchall()
        booklets = [codes.booklet_code("PN19", n) for (n,) in complete]
        waiting = [
            person
            for (person,) in raw.execute(
                "SELECT id FROM beneficiary WHERE id NOT IN "
                "(SELECT beneficiary_id FROM handout WHERE cancelled_at IS NULL)"
            )
        ]
        people = random.Random(SEED + 2).sample(waiting, 2 * HANDOUTS + NEXT_HANDOUTS)
        measured, bare, following = Timings(), Timings(), Timings()
        # Alternate service and bare handouts so that both see the same load on the machine.
        for i in range(HANDOUTS):
            code, person = booklets[2 * i], people[2 * i]
            measured.run(lambda c=code, p=person: services.handouts.hand_out(actor, p, codes_=[c]))
            code, person = booklets[2 * i + 1], people[2 * i + 1]
            bare.run(
                lambda c=code, p=person: _raw_handout(raw, c, p, actor.id, desk_id, programme_id)
            )
        for person in people[2 * HANDOUTS :]:
            following.run(
                lambda p=person: services.handouts.hand_out(actor, p, next_programme="PN19")
            )
        raw.close()
        services.close()
        services = open_services(copy)
        report = check_database(services)
        services.close()
    figures = [
        cpu_figure(
            "handout by code",
            measured,
            bare,
            baseline_label="BEGIN IMMEDIATE … COMMIT in raw sqlite3",
            note=f"{HANDOUTS} handouts, synchronous=FULL",
            wall_p95=HANDOUT_P95_MS,
        ),
        cpu_figure(
            "handout of the next booklet in stock",
            following,
            note=f"{NEXT_HANDOUTS} handouts",
            wall_p95=HANDOUT_P95_MS,
        ),
    ]
    notes = [
        "after the handouts, `check` on the copy: "
        + ("passes" if report.ok else "FAILS: " + " ".join(report.lines))
    ]
    return figures, notes


# --- the run ----------------------------------------------------------------------------------


def _section(name: str, action: Callable[[], T]) -> T:
    before = load()
    start = time.perf_counter()
    result = action()
    _say(f"  {name}: {time.perf_counter() - start:.1f} s, load {before} → {load()}")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(__doc__.splitlines()[0], argv)
    started = datetime.now(UTC)
    context = {
        "benchmark": "register (issues 2 and 7)",
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "load_at_start": load(),
    }
    info = national_database(args.db, rebuild=args.rebuild)
    figures = build_figures(info)
    _say("Measuring:")
    search_figures, search_notes = _section("search", lambda: bench_search(args.db))
    lookup_figures = _section("lookup", lambda: bench_lookup(args.db))
    handout_figures, handout_notes = _section("handout", lambda: bench_handout(args.db))
    operations = [*search_figures, *lookup_figures, *handout_figures]
    notes = [*search_notes, *handout_notes]
    context["load_at_end"] = load()
    context["national"] = info.summary
    context["notes"] = notes
    m = context["machine"]
    print()
    print(f"Register (issues 2 and 7) — {started:%Y-%m-%d %H:%M} UTC")
    print(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}, {m['os']}, "
        f"Python {m['python']}, SQLite {m['sqlite']}"
    )
    print(f"Load average (1/5/15 min): {context['load_at_start']} at start, {load()} at end")
    s = info.summary
    if s:
        print(
            f"National demo: {s['beneficiaries']:,} people, {s['booklets']:,} booklets, "
            f"{s['vouchers']:,} vouchers, {s['handouts']:,} handouts, "
            f"{s['ledger_events']:,} journal events"
        )
    print()
    print(table(figures))
    print()
    print(cpu_table(operations))
    print()
    for note in notes:
        print(f"- {note}")
    saved = save_results("bench_register", [*figures, *operations], context)
    print(f"\n(results saved in {saved.relative_to(saved.parents[2])})")
    missed = any(f.passed is False for f in [*figures, *operations])
    return 1 if missed or not info.check_ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
