"""`check`: is the file sound, does the journal's chain hold (up to a printed anchor, if given),
does every serial add up, and does the journal replayed give the register's statuses?"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select, text

from passdesk.i18n import _, ngettext
from passdesk.models import (
    Booklet,
    BookletStatus,
    Desk,
    EventKind,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    Programme,
    StockLot,
    VoidReason,
    Voucher,
    VoucherStatus,
)
from passdesk.services import stock_counts
from passdesk.services.desk_replay import transfer_problems
from passdesk.services.desks import several_desks
from passdesk.services.replay import examples, replay_problems
from passdesk.services.rows import LedgerReport, StockCounts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from passdesk.store import Database


@dataclass(frozen=True)
class IntegrityReport:
    storage_ok: bool
    ledger: LedgerReport
    stock: StockCounts
    lots_booklets: int
    orphan_handed_out: int
    lines: tuple[str, ...]
    problems: tuple[str, ...] = ()  # the register disagrees with itself or with the journal

    @property
    def ok(self) -> bool:
        return (
            self.storage_ok
            and self.ledger.ok
            and self.stock.balanced
            and self.lots_booklets == self.stock.received
            and self.orphan_handed_out == 0
            and not self.problems
        )


def check_database(services: object, anchor: str | None = None) -> IntegrityReport:
    db = services.db  # type: ignore[attr-defined]
    lines: list[str] = []
    storage_ok = True
    if db.is_sqlite:
        with db.engine.connect() as connection:
            result = [r[0] for r in connection.execute(text("PRAGMA integrity_check"))]
            connection.rollback()
        storage_ok = result == ["ok"]
        lines.append(
            _("Database file: sound.")
            if storage_ok
            else _("Database file: DAMAGED ({detail}). Restore the last backup.").format(
                detail="; ".join(result[:3])
            )
        )
    ledger = services.ledger.verify(anchor)  # type: ignore[attr-defined]
    if ledger.ok:
        lines.append(_("Journal: {n} events, chain intact.").format(n=ledger.events_checked))
        if ledger.anchor_event is not None:
            lines.append(
                _(
                    "Anchor: event {number} has the hash given; the journal up to it is the "
                    "one that hash was printed from."
                ).format(number=ledger.anchor_event)
            )
    elif ledger.first_bad_event is None:
        lines.append(_("Journal: {problem}").format(problem=ledger.problem))
    else:
        lines.append(
            _("Journal: BROKEN at event {number}: {problem}").format(
                number=ledger.first_bad_event, problem=ledger.problem
            )
        )
    with db.read() as session:  # every row counted: the derived figures trust a rule checked here
        stock = stock_counts.total(stock_counts.counts_by_programme(session, exact=True))
    with db.read() as session:
        lots_booklets = (
            session.scalar(
                select(
                    func.coalesce(func.sum(StockLot.last_booklet - StockLot.first_booklet + 1), 0)
                )
            )
            or 0
        )
        # A booklet marked handed out must belong to a handout that is not cancelled.
        live = select(HandoutBooklet.booklet_id).join(Handout).where(Handout.cancelled_at.is_(None))
        orphans = (
            session.scalar(
                select(func.count())
                .select_from(Booklet)
                .where(Booklet.status == BookletStatus.HANDED_OUT, Booklet.id.not_in(live))
            )
            or 0
        )
        vouchers = session.scalar(select(func.count()).select_from(Voucher)) or 0
    balanced = stock.balanced and lots_booklets == stock.received
    lines.append(
        (
            _(
                "Stock: {received} booklets received = {in_stock} in stock + {handed_out} handed out "
                "+ {voided} voided + {expired} expired ({vouchers} vouchers)."
            )
            if balanced
            else _(
                "Stock: DOES NOT BALANCE: {received} booklets received in lots, {in_stock} in stock + "
                "{handed_out} handed out + {voided} voided + {expired} expired ({vouchers} vouchers)."
            )
        ).format(
            received=lots_booklets,
            in_stock=stock.in_stock,
            handed_out=stock.handed_out,
            voided=stock.voided,
            expired=stock.expired,
            vouchers=vouchers,
        )
    )
    v = stock.vouchers
    lines.append(
        _(
            "Vouchers: {received} received = {in_stock} in stock + {handed_out} handed out + "
            "{voided} voided + {expired} expired + {used} used."
        ).format(
            received=v.received,
            in_stock=v.in_stock,
            handed_out=v.handed_out,
            voided=v.voided,
            expired=v.expired,
            used=v.used,
        )
    )
    if orphans:
        lines.append(
            ngettext(
                "{n} booklet marked handed out has no valid handout.",
                "{n} booklets marked handed out have no valid handout.",
                orphans,
            ).format(n=orphans)
        )
    with db.read() as session:
        lines.extend(desk_lines(session))
    problems = register_problems(db)
    with db.read() as session:
        problems += replay_problems(session)
        problems += transfer_problems(session)
        problems += holder_problems(session)
    lines.extend(problems)
    return IntegrityReport(
        storage_ok, ledger, stock, lots_booklets, orphans, tuple(lines), tuple(problems)
    )


# What each booklet status allows its vouchers to be.
VOUCHERS_ALLOWED = {
    BookletStatus.IN_STOCK: (VoucherStatus.IN_STOCK, VoucherStatus.VOIDED),
    BookletStatus.HANDED_OUT: (VoucherStatus.HANDED_OUT, VoucherStatus.USED, VoucherStatus.VOIDED),
    BookletStatus.VOIDED: (VoucherStatus.VOIDED, VoucherStatus.USED),
    BookletStatus.EXPIRED: (VoucherStatus.EXPIRED, VoucherStatus.USED, VoucherStatus.VOIDED),
}
# The booklet status the journal's last booklet-level event implies.
STATUS_AFTER_EVENT = {
    EventKind.HANDED_OUT.value: BookletStatus.HANDED_OUT,
    EventKind.RETURNED.value: BookletStatus.IN_STOCK,
    EventKind.VOIDED.value: BookletStatus.VOIDED,
    EventKind.EXPIRED.value: BookletStatus.EXPIRED,
}


def desk_lines(session: Session) -> list[str]:
    """Each desk's booklets by status, when desks share the database (a territory's): the
    territory's figures above are their sums."""
    if not several_desks(session):
        return []
    lines = []
    for desk in session.scalars(select(Desk).order_by(Desk.code)):
        held = stock_counts.total(stock_counts.counts_by_programme(session, desk_id=desk.id))
        lines.append(
            _(
                "Desk {code}: {in_stock} booklets in stock, {handed_out} handed out, "
                "{voided} voided, {expired} expired."
            ).format(
                code=desk.code,
                in_stock=held.in_stock,
                handed_out=held.handed_out,
                voided=held.voided,
                expired=held.expired,
            )
        )
    return lines


def holder_problems(session: Session) -> list[str]:
    """A desk hands out only the booklets it holds, and a handed-out booklet stays held by
    that desk (a cancel returns it to that desk's stock): a live handout's booklet held by
    another desk was moved behind the services' back."""
    moved = session.scalars(
        select(Booklet.code)
        .join(HandoutBooklet, HandoutBooklet.booklet_id == Booklet.id)
        .join(Handout, Handout.id == HandoutBooklet.handout_id)
        .where(Handout.cancelled_at.is_(None), Booklet.desk_id != Handout.desk_id)
        .order_by(Booklet.id)
    ).all()
    if not moved:
        return []
    return [
        ngettext(
            "{n} booklet handed out is held by another desk than the one that handed it "
            "out: {codes}.",
            "{n} booklets handed out are held by another desk than the one that handed "
            "them out: {codes}.",
            len(moved),
        ).format(n=len(moved), codes=examples(list(moved)))
    ]


def register_problems(db: Database) -> list[str]:
    """Every serial accounted for: the register agrees with itself and with the journal.

    The chain proves the journal was not rewritten; this proves the tables were not changed
    behind the journal's back (a booklet put back in stock by hand and handed out again, a
    voucher row deleted, a booklet voided without an event).
    """
    problems: list[str] = []
    with db.read() as session:
        # Each booklet holds exactly its programme's number of vouchers.
        count = (
            select(func.count(Voucher.id)).where(Voucher.booklet_id == Booklet.id).scalar_subquery()
        )
        wrong_size = session.scalars(
            select(Booklet.code)
            .join(Programme)
            .where(count != Programme.vouchers_per_booklet)
            .order_by(Booklet.id)
        ).all()
        if wrong_size:
            problems.append(
                ngettext(
                    "{n} booklet does not hold its number of vouchers: {codes}.",
                    "{n} booklets do not hold their number of vouchers: {codes}.",
                    len(wrong_size),
                ).format(n=len(wrong_size), codes=examples(list(wrong_size)))
            )
        # Vouchers agree with their booklet.
        clash = []
        for status, allowed in VOUCHERS_ALLOWED.items():
            clash += session.scalars(
                select(Voucher.code)
                .join(Booklet, Booklet.id == Voucher.booklet_id)
                .where(Booklet.status == status, Voucher.status.not_in(allowed))
                .order_by(Voucher.id)
            ).all()
        if clash:
            problems.append(
                ngettext(
                    "{n} voucher disagrees with its booklet's status: {codes}.",
                    "{n} vouchers disagree with their booklet's status: {codes}.",
                    len(clash),
                ).format(n=len(clash), codes=examples(clash))
            )
        # A booklet belongs to at most one live handout, and is not back in stock meanwhile.
        live = (
            select(HandoutBooklet.booklet_id, func.count().label("handouts"))
            .join(Handout)
            .where(Handout.cancelled_at.is_(None))
            .group_by(HandoutBooklet.booklet_id)
            .subquery()
        )
        twice = session.scalars(
            select(Booklet.code)
            .join(live, live.c.booklet_id == Booklet.id)
            # (voided after it was given, lost or stolen, it stays in its handout)
            .where((live.c.handouts > 1) | (Booklet.status == BookletStatus.IN_STOCK))
            .order_by(Booklet.id)
        ).all()
        if twice:
            problems.append(
                ngettext(
                    "{n} booklet is in a live handout it cannot be in: {codes}.",
                    "{n} booklets are in a live handout they cannot be in: {codes}.",
                    len(twice),
                ).format(n=len(twice), codes=examples(list(twice)))
            )
        # Replay: the last booklet-level event says what the status must be.
        last_event = (
            select(func.max(LedgerEvent.id).label("id"))
            .where(
                LedgerEvent.booklet_id.is_not(None),
                LedgerEvent.voucher_id.is_(None),
                LedgerEvent.kind.in_(list(STATUS_AFTER_EVENT)),
            )
            .group_by(LedgerEvent.booklet_id)
            .subquery()
        )
        implied = dict(
            session.execute(
                select(LedgerEvent.booklet_id, LedgerEvent.kind).join(
                    last_event, last_event.c.id == LedgerEvent.id
                )
            ).all()
        )
        behind_back = [
            code
            for booklet_id, code, status in session.execute(
                select(Booklet.id, Booklet.code, Booklet.status).order_by(Booklet.id)
            )
            if STATUS_AFTER_EVENT.get(implied.get(booklet_id, ""), BookletStatus.IN_STOCK)
            is not status
        ]
        # One HANDED_OUT event for each time a booklet was given.
        given = dict(
            session.execute(
                select(HandoutBooklet.booklet_id, func.count()).group_by(HandoutBooklet.booklet_id)
            ).all()
        )
        journaled = dict(
            session.execute(
                select(LedgerEvent.booklet_id, func.count())
                .where(LedgerEvent.kind == EventKind.HANDED_OUT.value)
                .group_by(LedgerEvent.booklet_id)
            ).all()
        )
        if given != journaled:
            ids = sorted(k for k in set(given) | set(journaled) if given.get(k) != journaled.get(k))
            behind_back += list(
                session.scalars(select(Booklet.code).where(Booklet.id.in_(ids[:3]))).all()
            )
        if behind_back:
            problems.append(
                ngettext(
                    "{n} booklet changed without the journal: {codes}.",
                    "{n} booklets changed without the journal: {codes}.",
                    len(behind_back),
                ).format(n=len(behind_back), codes=examples(sorted(set(behind_back))))
            )
        # A voucher voided on its own has its VOIDED event.
        voided_alone = select(LedgerEvent.voucher_id).where(
            LedgerEvent.kind == EventKind.VOIDED.value, LedgerEvent.voucher_id.is_not(None)
        )
        silent = session.scalars(
            select(Voucher.code)
            .join(Booklet, Booklet.id == Voucher.booklet_id)
            .where(
                Voucher.status == VoucherStatus.VOIDED,
                Booklet.status != BookletStatus.VOIDED,
                or_(
                    Voucher.void_reason.is_(None),
                    Voucher.void_reason != VoidReason.CANCELLED_HANDOUT,
                ),
                Voucher.id.not_in(voided_alone),
            )
            .order_by(Voucher.id)
        ).all()
        if silent:
            problems.append(
                ngettext(
                    "{n} voucher was voided without the journal: {codes}.",
                    "{n} vouchers were voided without the journal: {codes}.",
                    len(silent),
                ).format(n=len(silent), codes=examples(list(silent)))
            )
        # The lots add up to what the journal says was received.
        received = 0
        for details in session.scalars(
            select(LedgerEvent.details).where(LedgerEvent.kind == EventKind.RECEIVED.value)
        ):
            received += int(json.loads(details).get("booklets", 0))
        booklets = session.scalar(select(func.count()).select_from(Booklet)) or 0
        if received != booklets:
            problems.append(
                _(
                    "The journal records {received} booklets received, the register holds "
                    "{booklets}."
                ).format(received=received, booklets=booklets)
            )
    return problems
