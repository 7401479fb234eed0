"""The few statements SQLite and PostgreSQL write differently, each behind one function.

Services build their SQL with SQLAlchemy and run it on either database; where the two differ
(an upsert, sequences after rows inserted with their ids), the difference lives here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


def upsert(bind: Session | Connection, table: Table) -> Any:
    """An INSERT of `table` that takes `.on_conflict_do_update(...)` on the database of
    `bind`: both dialects spell it the same way, each with its own construct."""
    dialect = bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def catch_up_sequences(connection: Connection, tables: Iterable[str]) -> None:
    """After rows were inserted with explicit ids, make PostgreSQL's sequences give the next
    ids after them (SQLite takes max(id) + 1 by itself)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
        )
