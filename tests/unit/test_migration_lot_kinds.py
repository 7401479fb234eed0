"""Revision 0006 (lot kinds) on a database written before lot kinds: which kind each lot gets, and why.

A lot the desk printed from (an original print record) becomes print_on_site; every other lot
becomes delivered (see the revision's docstring). The database is built at revision 0001 with
the rows PassDesk wrote then, by plain SQL, and opened by this code, which upgrades it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command

from passdesk.models import LotKind
from passdesk.services import Services
from passdesk.store import Database, open_database
from passdesk.store import schema as migrations
from passdesk.store.database import create_passdesk_engine

NOW = "2026-03-10 12:00:00.000000"


def _at_0001(path: Path) -> None:
    db = Database(f"sqlite:///{path}", create_passdesk_engine(f"sqlite:///{path}"))
    try:
        config = migrations.alembic_config(db)
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
    finally:
        db.close()
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("INSERT INTO desk VALUES (1, 'Mairie', '', '', '', NULL, NULL, ?)", (NOW,))
        c.execute("INSERT INTO agent VALUES (1, 1, 'admin', 'Admin', 'admin', NULL, 1, ?)", (NOW,))
        c.execute(
            "INSERT INTO programme VALUES (1, 'MGP19', 'Pass', 10, 1, '2026-01-01', "
            "'2027-12-31', NULL, '[]')"
        )
        # lot 1: printed from (an original and a reprint); lot 2: only reprinted; lot 3: never
        for lot, first, last in ((1, 1, 2), (2, 3, 4), (3, 5, 6)):
            c.execute(
                "INSERT INTO stock_lot VALUES (?, 1, ?, ?, '', ?, 1)", (lot, first, last, NOW)
            )
            for number in range(first, last + 1):
                c.execute(
                    "INSERT INTO booklet VALUES (?, 1, ?, ?, ?, 'in_stock', NULL, 0)",
                    (number, lot, number, f"B{number}"),
                )
        for record, booklet, reprint in ((1, 1, 0), (2, 1, 1), (3, 3, 1)):
            c.execute(
                "INSERT INTO print_record VALUES (?, ?, 1, ?, ?, NULL, 'a', 'b')",
                (record, booklet, NOW, reprint),
            )
        c.execute("UPDATE booklet SET print_count = 1 WHERE id IN (1, 3)")


def test_lots_printed_from_become_print_on_site_the_others_delivered(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    _at_0001(path)
    db = open_database(path)  # upgrades, after a backup
    try:
        assert migrations.current_revision(db) == migrations.HEAD
        services: Any = Services.build(db)
        kinds = {lot.id: lot.kind for lot in services.stock.lots()}
        assert kinds == {
            1: LotKind.PRINT_ON_SITE.value,
            2: LotKind.DELIVERED.value,
            3: LotKind.DELIVERED.value,
        }
        assert all(lot.serial_format is None for lot in services.stock.lots())
    finally:
        db.close()
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT count(*) FROM print_record").fetchone() == (3,)
        assert c.execute("SELECT count(*) FROM serial_format").fetchone() == (0,)
