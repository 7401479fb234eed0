"""Expiring the national stock (issue 9): every booklet left in stock after its programme's end.

    .venv/bin/python -m benchmarks.bench_expiry [--db PATH] [--rebuild]

Two stocks, each expired with the clock on 1 January 2028 (PN19 ended on 31 December 2027):

* the national demo's year (benchmarks/common.py's cached database): what is left in stock
  after its 150,000 handouts;
* the whole national allocation still in stock: the demo's four lots of 25,000 booklets of 10
  received and nothing else (1,000,000 vouchers), the most a desk can have to expire at once.

PassDesk's `ExpiryService.expire` (one unit of work: two UPDATEs, one chained EXPIRED event per
booklet) runs on one copy; on another copy of the same database, in the same run, a bare
baseline in raw sqlite3 makes the same changes: the same two UPDATEs and the same events, the
chain computed with hashlib over the same text, inserted with executemany, in one BEGIN
IMMEDIATE ... COMMIT with the same pragmas. Wall and own CPU time (process time: the machine is
shared) of both; then `check` on the expired copy.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import (
    OUT,
    Figure,
    arguments,
    load,
    machine,
    national_database,
    remove_database,
    save_results,
    table,
    working_copy,
)

TARGET_S = 10.0
AS_OF = datetime(2028, 1, 1, 12, 0, tzinfo=UTC)
FULL_STOCK = OUT / "full-national-stock.sqlite3"


class FixedClock:
    def __call__(self) -> datetime:
        return AS_OF


def full_national_stock() -> tuple[Path, float]:
    """The national allocation received, nothing else: built through the services each run."""
    from passdesk.demo.scales import SCALES
    from passdesk.services import open_services

    remove_database(FULL_STOCK)
    start = time.perf_counter()
    services = open_services(FULL_STOCK)
    admin = services.accounts.init_desk(name="Structure nationale")
    spec = SCALES["national"].programmes[0]
    services.programmes.add(
        admin,
        code=spec.code,
        name=spec.name,
        face_value=spec.face_value,
        vouchers_per_booklet=spec.vouchers_per_booklet,
        valid_from=spec.valid_from,
        valid_until=spec.valid_until,
        funders=spec.funders,
    )
    for lot in SCALES["national"].lots:
        services.stock.receive(
            admin, programme_code=lot.programme, first_booklet=lot.first, count=lot.count
        )
    services.close()
    return FULL_STOCK, time.perf_counter() - start


def passdesk_expire(path: Path) -> dict[str, Any]:
    from passdesk.services import open_services
    from passdesk.services.integrity import check_database

    services = open_services(path, clock=FixedClock())
    actor = services.accounts.actor()
    wall, cpu = time.perf_counter(), time.process_time()
    result = services.expiry.expire(actor)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    start = time.perf_counter()
    report = check_database(services)
    check_s = time.perf_counter() - start
    again = services.expiry.expire(actor).booklets  # nothing left: idempotent
    services.close()
    return {
        "wall": wall,
        "cpu": cpu,
        "booklets": result.booklets,
        "vouchers": result.vouchers,
        "check_ok": report.ok,
        "check_s": check_s,
        "second_run": again,
    }


def _event_text(
    event_id: int, at: str, agent: int, programme: int, booklet: int, details: str
) -> str:
    # ledger.canonical's form, restated with the standard library alone
    return json.dumps(
        [event_id, at, agent, "expired", programme, booklet, None, None, details],
        ensure_ascii=True,
        separators=(",", ":"),
    )


def bare_expire(path: Path) -> dict[str, Any]:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    agent = connection.execute("SELECT min(id) FROM agent WHERE role = 'admin'").fetchone()[0]
    day = AS_OF.date().isoformat()
    at_text = AS_OF.isoformat(timespec="microseconds")
    at_column = AS_OF.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    wall, cpu = time.perf_counter(), time.process_time()
    connection.execute("BEGIN IMMEDIATE")
    ended = "SELECT id FROM programme WHERE valid_until < ?"
    booklets = connection.execute(
        "SELECT b.id, b.code, b.programme_id, p.valid_until FROM booklet b "
        f"JOIN programme p ON p.id = b.programme_id WHERE b.status = 'in_stock' "
        f"AND b.programme_id IN ({ended}) ORDER BY p.code, b.number",
        (day,),
    ).fetchall()
    vouchers = dict(
        connection.execute(
            "SELECT v.booklet_id, count(*) FROM voucher v JOIN booklet b ON b.id = v.booklet_id "
            f"WHERE b.status = 'in_stock' AND b.programme_id IN ({ended}) "
            "AND v.status = 'in_stock' GROUP BY v.booklet_id",
            (day,),
        ).fetchall()
    )
    connection.execute(
        "UPDATE voucher SET status = 'expired' WHERE status = 'in_stock' AND booklet_id IN "
        f"(SELECT id FROM booklet WHERE status = 'in_stock' AND programme_id IN ({ended}))",
        (day,),
    )
    connection.execute(
        f"UPDATE booklet SET status = 'expired' WHERE status = 'in_stock' "
        f"AND programme_id IN ({ended})",
        (day,),
    )
    last_id, last_hash = connection.execute(
        "SELECT last_id, last_hash FROM ledger_head WHERE id = 1"
    ).fetchone()
    rows = []
    for booklet_id, code, programme_id, valid_until in booklets:
        last_id += 1
        details = json.dumps(
            {"booklet": code, "valid_until": valid_until, "vouchers": vouchers.get(booklet_id, 0)},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        text = _event_text(last_id, at_text, agent, programme_id, booklet_id, details)
        digest = hashlib.sha256((last_hash + text).encode("ascii")).hexdigest()
        rows.append(
            (last_id, at_column, agent, "expired", programme_id, booklet_id, None, None, details,
             last_hash, digest)
        )  # fmt: skip
        last_hash = digest
    connection.executemany(
        "INSERT INTO ledger_event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    connection.execute(
        "UPDATE ledger_head SET last_id = ?, last_hash = ? WHERE id = 1", (last_id, last_hash)
    )
    connection.execute("COMMIT")
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    connection.close()
    return {"wall": wall, "cpu": cpu, "booklets": len(booklets), "vouchers": sum(vouchers.values())}


def measure(name: str, source: Path) -> tuple[Figure, Figure, dict[str, Any]]:
    with working_copy(source, f"expiry-{name}") as copy:
        ours = passdesk_expire(copy)
    with working_copy(source, f"expiry-bare-{name}") as copy:
        bare = bare_expire(copy)
    assert (ours["booklets"], ours["vouchers"]) == (bare["booklets"], bare["vouchers"]), (
        ours,
        bare,
    )
    label = f"{ours['booklets']:,} booklets, {ours['vouchers']:,} vouchers"
    wall = Figure(
        f"expire {name} ({label}) – wall",
        ours["wall"],
        "s",
        target=TARGET_S,
        cpu=ours["cpu"],
        baseline=bare["wall"],
        baseline_label="bare sqlite3",
    )
    cpu = Figure(
        f"expire {name} – own CPU (process time)",
        ours["cpu"],
        "s",
        baseline=bare["cpu"],
        baseline_label="bare sqlite3",
    )
    return wall, cpu, {"passdesk": ours, "bare": bare}


def main(argv: Sequence[str] | None = None) -> int:
    args = arguments(__doc__.splitlines()[0], argv)
    before = load()
    info = national_database(args.db, rebuild=args.rebuild)
    print(f"National demo database: {info.path} ({'cached' if info.cached else 'built'})")
    full, build_s = full_national_stock()
    print(f"Whole national allocation received through the services in {build_s:.1f} s")
    figures: list[Figure] = []
    details: dict[str, Any] = {}
    for name, source in (("the national demo's year-end stock", Path(info.path)),
                         ("the whole national allocation", full)):  # fmt: skip
        wall, cpu, raw = measure(name, source)
        figures += [wall, cpu]
        details[name] = raw
    remove_database(full)
    print()
    print(table(figures))
    print()
    for name, raw in details.items():
        ours = raw["passdesk"]
        print(
            f"- {name}: check after expiry {'passes' if ours['check_ok'] else 'FAILS'} "
            f"({ours['check_s']:.1f} s); a second run expires {ours['second_run']} booklets"
        )
    context = {
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "as_of": date(2028, 1, 1).isoformat(),
        "load_before": before,
        "load_after": load(),
        "full_stock_build_s": round(build_s, 1),
        "details": details,
    }
    print(f"\nLoad average before {before}, after {context['load_after']}.")
    print(f"Results saved to {save_results('expiry', figures, context)}")
    ok = all(f.passed is not False for f in figures) and all(
        raw["passdesk"]["check_ok"] and raw["passdesk"]["second_run"] == 0
        for raw in details.values()
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
