"""Schema upgrades with Alembic (revisions in store/migrations), run at start-up by both entry points.

Cheap revision check first; a database at head opens at once. Otherwise a SQLite file gets an
online-backup copy, the upgrade runs in one transaction, and a failure puts the copy back.
A database whose revision this code does not know was written by a newer PassDesk: refused.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text

from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _
from passdesk.store.backups import backup_to, restore_from, timestamped_backup_path

if TYPE_CHECKING:
    from alembic.config import Config

    from passdesk.store.database import Database

log = logging.getLogger(__name__)

# The newest revision in versions/ (a test keeps them equal). At start-up a database at this
# revision opens without importing Alembic at all, which costs a quarter of a second.
HEAD = "0010"


def alembic_config(db: Database | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "passdesk.store:migrations")
    if db is not None:
        config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    """The revision stamped in the database, read with plain SQL (None for a new database)."""
    with db.engine.connect() as connection:
        revision = None
        if inspect(connection).has_table("alembic_version"):
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        connection.rollback()
    return revision


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def known_revision(revision: str) -> bool:
    """Whether this code knows `revision` (a database or a backup at it can be opened)."""
    return revision == HEAD or _known(revision)


def _refuse_newer(revision: str) -> None:
    raise EnvironmentProblem(
        _(
            "This database was written by a newer version of PassDesk (schema {revision}). "
            "Install the latest PassDesk to open it; nothing was changed."
        ).format(revision=revision)
    )


def ensure_current(db: Database) -> None:
    """Refuse a database that is not exactly at this code's schema (no upgrade attempted)."""
    current = current_revision(db)
    if current == HEAD or current == head_revision():
        return
    if current is not None and not _known(current):
        _refuse_newer(current)
    raise EnvironmentProblem(
        _("The database must be upgraded first: start PassDesk or run passdesk-admin check.")
    )


def _run_upgrade(db: Database) -> None:
    """Run the scripts to head in one transaction.

    On SQLite a batch step rebuilds a table (copy, drop, rename), which its foreign keys
    would refuse as soon as another table's rows point at it; so, as Alembic advises, they are
    switched off for the upgrade (only possible outside a transaction), and the upgrade
    commits only if `PRAGMA foreign_key_check` then finds nothing pointing nowhere.
    """
    from alembic import command

    config = alembic_config(db)
    with db.engine.execution_options(passdesk_write=True).connect() as connection:
        raw = connection.connection.driver_connection if db.is_sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if raw is not None:
                    dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if dangling:
                        raise RuntimeError(f"the upgrade left {len(dangling)} dangling references")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def upgrade_to_head(db: Database) -> None:
    current = current_revision(db)
    if current == HEAD:
        return
    head = head_revision()
    if current == head:
        return
    if current is not None and not _known(current):
        _refuse_newer(current)
    backup = None
    if db.is_sqlite and current is not None:
        backup = backup_to(db, timestamped_backup_path(f"before-{head}", db))
        log.info("backup before schema upgrade %s -> %s written to %s", current, head, backup)
    try:
        _run_upgrade(db)
    except Exception as exc:
        log.exception("schema upgrade %s -> %s failed", current, head)
        if backup is not None:
            restore_from(db, backup)
            log.info("database restored from %s", backup)
        raise EnvironmentProblem(
            _(
                "The database could not be upgraded; it was put back as it was. Error: {error}"
            ).format(error=type(exc).__name__)
        ) from exc
    log.info("schema upgraded %s -> %s", current, head)
