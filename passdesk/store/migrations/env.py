"""Alembic environment: runs on the connection PassDesk hands over (never builds its own)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from passdesk.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )


connection = config.attributes.get("connection")
if connection is not None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()
else:  # alembic command line, for writing new revisions
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as own_connection:
        _configure(own_connection)
        with context.begin_transaction():
            context.run_migrations()
