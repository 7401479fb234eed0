"""Copies of the SQLite file through SQLite's online backup API (the WAL included), owner-only
(0600) like the database itself."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from passdesk import paths
from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _

if TYPE_CHECKING:
    from passdesk.store.database import Database


def timestamped_backup_path(label: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    return paths.backup_dir() / f"passdesk-{stamp}-{label}.sqlite3"


def backup_to(db: Database, destination: Path) -> Path:
    """A consistent copy of the database file, taken while others may be writing."""
    source_path = db.path
    if source_path is None:
        raise EnvironmentProblem(_("Only a database file can be copied this way."))
    destination.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(destination) as target:
        paths.private_files([destination])  # a copy of people's data: the owner's alone
        source.backup(target)
    source.close()
    target.close()
    return destination


def restore_from(db: Database, backup: Path) -> None:
    """Put a backup copy back in place of the database file (connections are closed first)."""
    target_path = db.path
    assert target_path is not None
    db.engine.dispose()
    with sqlite3.connect(backup) as source, sqlite3.connect(target_path) as target:
        source.backup(target)
    source.close()
    target.close()
