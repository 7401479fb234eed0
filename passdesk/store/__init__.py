"""The store: the database (SQLite by default, PostgreSQL for shared stock), its schema
upgrades (Alembic revisions in `migrations/`) and copies of it. Nothing above it opens an
engine itself."""

from passdesk.store.database import Database, RetryPolicy, after_commit, open_database
from passdesk.store.location import display_url, resolve_url, sqlite_path

__all__ = [
    "Database",
    "RetryPolicy",
    "after_commit",
    "display_url",
    "open_database",
    "resolve_url",
    "sqlite_path",
]
