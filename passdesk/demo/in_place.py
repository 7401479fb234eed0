"""The demonstration built all or nothing: into a hidden file beside the database, which takes
the database's place only once the whole year is written.

The year is a few thousand units of work (200,000 people at the national scale); a demo killed
halfway would otherwise leave a half-built desk that the next `demo` refuses ("this database
already has a desk"). Built aside, a killed demo leaves the database as it was (empty) and a
part file that the next start sweeps (`passdesk.staged`). The bulk writer writes the hidden file
exactly as it would the database, so the demo is as fast; putting it in place is a rename when
nothing else has the database open, else one SQLite backup transaction into the live file.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from passdesk import staged
from passdesk.demo import DemoSummary, build
from passdesk.errors import Refused
from passdesk.i18n import _
from passdesk.store import open_database
from passdesk.store.backups import discard, restore_from

if TYPE_CHECKING:
    from passdesk.services import Services

log = logging.getLogger(__name__)


def build_all_or_nothing(services: Services, **options: Any) -> DemoSummary:
    """`demo.build` into the database of `services`, all or nothing (see the module doc). A
    server database is filled in place (a PostgreSQL desk is set up by its IT contact)."""
    from passdesk.services import Services

    target = services.db.path
    if target is None:
        return build(services, **options)
    if services.accounts.is_initialised():
        raise Refused(
            _(
                "This database already has a desk: the demonstration only fills an empty "
                "database. Choose a new file with --database."
            )
        )
    part = staged.part_path(target, tag="demo-")
    try:
        with staged.held(part):
            aside = open_database(part)
            try:
                summary = build(Services.build(aside), **options)
            finally:
                aside.close()
            _put_in_place(services, part)
    finally:
        discard(part)
    log.info("demonstration put in place of an empty database")
    return summary


def _put_in_place(services: Services, part: Any) -> None:
    target = services.db.path
    assert target is not None
    services.db.engine.dispose()
    companions = [target.with_name(target.name + keep) for keep in ("-wal", "-shm")]
    if not any(path.exists() for path in companions):
        try:
            os.replace(part, target)
            return
        except OSError:  # Windows: another process has the file open
            pass
    restore_from(services.db, part)  # one transaction into the live file, WAL and all
