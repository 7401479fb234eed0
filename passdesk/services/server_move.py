"""Moving a desk from its SQLite file onto a PostgreSQL server (`passdesk-admin migrate-to`).

The move is trusted only if the server then holds the same register: `check` runs on the file
before (a register that does not check is not moved), the register's figures (people, booklets
by status, handouts, receipts, journal events and the chain's head) are compared inside the
copy's transaction, and after the commit `check` runs on the server and its figures are
compared again; if they differ, the copy is taken away and the desk stays on its file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Connection, func, select

from passdesk.errors import EnvironmentProblem, Refused
from passdesk.i18n import _
from passdesk.models import (
    Base,
    Beneficiary,
    Booklet,
    Desk,
    Handout,
    LedgerEvent,
    ReceiptCounter,
)
from passdesk.roles import Action
from passdesk.services.base import require
from passdesk.services.integrity import IntegrityReport, check_database
from passdesk.services.rows import Actor
from passdesk.store import display_url, open_database, server_copy
from passdesk.store.server_copy import Progress

if TYPE_CHECKING:
    from passdesk.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Census:
    """The register's figures a move must keep, on either side."""

    desk: str
    people: int
    booklets: dict[str, int]  # by status
    handouts: int
    cancelled_handouts: int
    receipts: int  # receipt numbers given
    last_receipt: dict[int, int]  # by year: the last number given
    journal_events: int
    chain_head: str  # the hash of the journal's last event ("" when it is empty)


def census(connection: Connection) -> Census:
    """The figures, read on `connection` (inside the copy's transactions, or a snapshot)."""

    def count(entity: type[Base], *where: ColumnElement[bool]) -> int:
        statement = select(func.count()).select_from(entity).where(*where)
        return int(connection.scalar(statement) or 0)

    by_status = connection.execute(
        select(Booklet.status, func.count()).group_by(Booklet.status)
    ).all()
    return Census(
        desk=connection.scalar(select(Desk.name).order_by(Desk.id).limit(1)) or "",
        people=count(Beneficiary),
        booklets={str(status.value): n for status, n in sorted(by_status, key=str)},
        handouts=count(Handout),
        cancelled_handouts=count(Handout, Handout.cancelled_at.is_not(None)),
        receipts=int(connection.scalar(select(func.count(Handout.receipt_number))) or 0),
        last_receipt=dict(
            connection.execute(
                select(ReceiptCounter.year, func.max(ReceiptCounter.last_number))
                .group_by(ReceiptCounter.year)
                .order_by(ReceiptCounter.year)
            ).all()
        ),
        journal_events=count(LedgerEvent),
        chain_head=connection.scalar(
            select(LedgerEvent.hash).order_by(LedgerEvent.id.desc()).limit(1)
        )
        or "",
    )


@dataclass(frozen=True)
class MoveReport:
    target: str  # the server's address, without its password
    census: Census  # the same on both sides
    rows: dict[str, int]  # copied, by table
    source_check: tuple[str, ...] = field(default=())
    target_check: tuple[str, ...] = field(default=())


def _checked_figures(report: IntegrityReport) -> tuple[object, ...]:
    return (
        report.ok,
        report.ledger.events_checked,
        report.stock,
        report.lots_booklets,
        report.orphan_handed_out,
    )


def move_to_server(
    services: Services, actor: Actor, target_url: str, *, progress: Progress | None = None
) -> MoveReport:
    """Copy the desk of `services` (on its SQLite file) into the empty server database at
    `target_url`; all or nothing. The file is left as it was."""
    require(actor, Action.EDIT_DESK)
    db = services.db
    target_url = server_copy.server_url(target_url)
    shown = display_url(target_url)
    checked: dict[str, IntegrityReport] = {}
    seen: dict[str, Census] = {}

    def same_register(source: Connection, target: Connection) -> None:
        # Run while the copy holds the file: the check sees exactly the register copied.
        checked["source"] = check_database(services)
        if not checked["source"].ok:
            raise Refused(
                _(
                    "The desk's check finds problems; it is not moved until they are solved "
                    "(passdesk-admin check says which). Nothing was copied."
                )
            )
        seen["source"], seen["target"] = census(source), census(target)
        if seen["source"] != seen["target"]:
            raise EnvironmentProblem(_differ(shown))

    rows = server_copy.copy_to_server(db, target_url, verify=same_register, progress=progress)
    before = checked["source"]
    try:
        after, on_server = _check_server(target_url)
        if on_server != seen["source"] or _checked_figures(after) != _checked_figures(before):
            raise EnvironmentProblem(_differ(shown))
    except Exception:
        log.error("the server's check disagrees with the desk's file: copy taken away")
        server_copy.empty_target(target_url)
        raise
    log.info("desk moved to %s by agent %s", shown, actor.id)
    return MoveReport(shown, seen["source"], rows, before.lines, after.lines)


def _check_server(target_url: str) -> tuple[IntegrityReport, Census]:
    from passdesk.services import Services

    services = Services.build(open_database(target_url))
    try:
        report = check_database(services)
        with services.db.engine.connect() as connection:
            figures = census(connection)
            connection.rollback()
        return report, figures
    finally:
        services.close()


def _differ(shown: str) -> str:
    return _(
        "The register copied to {url} does not give the same figures as the desk's file; "
        "nothing was kept on the server and the desk stays on its file. Keep the log file for "
        "your IT contact."
    ).format(url=shown)
