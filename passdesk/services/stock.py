"""Stock: receive lots, list booklets by status, count them, void what is lost or damaged.

What a lot may be (counts, limits, clashes) is decided once, in `lots.plan_lot`: the receive
dialog asks it before the agent confirms, `receive` asks it again inside its unit of work.

Also what "whole" means (`booklet_complete`, `voucher_out_of_stock`): a booklet holding a voucher
that is no longer in stock is handed out with the rest when it is asked for by its code, but
"next booklet" and "the next booklets to print" pass it by.

Codes are read by `find_by_code`, which also knows the operator serials of delivered lots.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, insert, select, update
from sqlalchemy.orm import QueryableAttribute, Session

from passdesk import codes
from passdesk.errors import InvalidInput, Refused
from passdesk.i18n import N_, _
from passdesk.models import (
    Booklet,
    BookletStatus,
    EventKind,
    LotKind,
    Programme,
    StockLot,
    VoidReason,
    Voucher,
    VoucherStatus,
)
from passdesk.roles import Action
from passdesk.services import ledger, lots, stock_counts
from passdesk.services.base import Service, booklet_row, desk_id_in, desk_of, require
from passdesk.services.finding import (  # noqa: F401 - other services import them from here
    Found,
    find_by_code,
    not_in_stock,
)
from passdesk.services.holding import check_held, check_still_held, held_booklet
from passdesk.services.lots import LotPlan, LotSerials
from passdesk.services.rows import Actor, BookletRow, LotRow, StockCounts

log = logging.getLogger(__name__)

BOOKLET_STATUS_LABELS = {
    "in_stock": N_("in stock"),
    "handed_out": N_("handed out"),
    "voided": N_("voided"),
    "expired": N_("expired"),
}
VOUCHER_STATUS_LABELS = {**BOOKLET_STATUS_LABELS, "used": N_("used")}
VOID_REASON_LABELS = {
    VoidReason.LOST: N_("lost"),
    VoidReason.STOLEN: N_("stolen"),
    VoidReason.DAMAGED: N_("damaged"),
    VoidReason.MISPRINT: N_("misprint"),
    VoidReason.CANCELLED_HANDOUT: N_("handout cancelled"),
}
# The reasons an agent may give for voiding; a cancelled handout voids by itself.
AGENT_VOID_REASONS = (VoidReason.LOST, VoidReason.STOLEN, VoidReason.DAMAGED, VoidReason.MISPRINT)
BOOKLET_SORT_KEYS = ("number", "code", "status")


@dataclass(frozen=True)
class StatusChange:
    """What one operation makes of a booklet and of its vouchers, and the event that says so.

    A booklet in `booklet_from` becomes `booklet`; those of its vouchers in `vouchers_from`
    become `voucher`; both take `reason` as their void reason. The services apply a change to
    one booklet at a time, the demonstration's bulk writer to thousands in a statement.
    """

    kind: EventKind
    booklet_from: tuple[BookletStatus, ...]
    booklet: BookletStatus
    vouchers_from: tuple[VoucherStatus, ...]
    voucher: VoucherStatus
    reason: VoidReason | None = None


def void_change(reason: VoidReason) -> StatusChange:
    """Voiding: whatever is still at the desk or with the person (not used, not expired)."""
    return StatusChange(
        EventKind.VOIDED,
        (BookletStatus.IN_STOCK, BookletStatus.HANDED_OUT),
        BookletStatus.VOIDED,
        (VoucherStatus.IN_STOCK, VoucherStatus.HANDED_OUT),
        VoucherStatus.VOIDED,
        reason,
    )


def void_details(code: str, reason: VoidReason) -> dict[str, Any]:
    """The journal's details of a void, booklet or voucher."""
    return {"code": code, "reason": reason.value}


def _vouchers_out_of_stock(booklet_id: QueryableAttribute[int] | int) -> Select[tuple[str]]:
    return select(Voucher.code).where(
        Voucher.booklet_id == booklet_id, Voucher.status != VoucherStatus.IN_STOCK
    )


def booklet_complete() -> ColumnElement[bool]:
    """SQL, correlated to the query's `Booklet`: every voucher of the booklet is still in stock.

    A booklet in stock with one voucher voided (lost, misprinted) gives fewer vouchers than its
    cover says: "next booklet" (handout) and "the next booklets to print" pass it by with this,
    so that whole booklets go first; asked for by its code, it is handed out (or printed) with
    the rest, the voided vouchers named on the receipt (issue 9).
    """
    return ~_vouchers_out_of_stock(Booklet.id).exists()


def voucher_out_of_stock(session: Session, booklet_id: int) -> str | None:
    """The code of the booklet's first voucher that is no longer in stock; None if it is whole."""
    return session.scalar(_vouchers_out_of_stock(booklet_id).order_by(Voucher.number).limit(1))


def parse_void_reason(text: str) -> VoidReason:
    """One of the reasons an agent may give (`AGENT_VOID_REASONS`), by its name."""
    try:
        why = VoidReason(text.strip().lower())
    except ValueError:
        why = None
    if why not in AGENT_VOID_REASONS:
        raise InvalidInput(
            _("The reason must be one of: {choices}.").format(
                choices=", ".join(
                    r.value
                    if void_reason_label(r) == r.value
                    else f"{r.value} ({void_reason_label(r)})"
                    for r in AGENT_VOID_REASONS
                )
            ),
            field="reason",
        )
    return why


def parse_lot_kind(kind: LotKind | str) -> LotKind:
    """A lot kind by its name (`print-on-site` as the console writes it, or `print_on_site`)."""
    try:
        return LotKind(str(kind).strip().lower().replace("-", "_"))
    except ValueError:
        raise InvalidInput(
            _("A lot is delivered or print-on-site, not {kind}.").format(kind=kind), field="kind"
        ) from None


def void_reason_label(reason: VoidReason | str) -> str:
    return _(VOID_REASON_LABELS[VoidReason(reason)])


def status_label(status: str) -> str:
    return _(VOUCHER_STATUS_LABELS.get(status, status))


class StockService(Service):
    def plan_lot(
        self,
        programme_code: str,
        first_booklet: int,
        count: int,
        *,
        kind: LotKind = LotKind.DELIVERED,
        serials: LotSerials | None = None,
    ) -> LotPlan:
        """What receiving this lot would record, and every reason it may not (see lots)."""
        with self._db.read() as session:
            return lots.plan_lot(
                session, programme_code, first_booklet, count, kind=kind, serials=serials
            )

    def plan_lot_between(
        self, first_code: str, last_code: str, *, kind: LotKind = LotKind.DELIVERED
    ) -> LotPlan:
        """The lot from its first to its last booklet as scanned, planned as `plan_lot`."""
        with self._db.read() as session:
            return lots.plan_lot_between(session, first_code, last_code, kind=kind)

    def next_free_booklet(self, programme_code: str) -> int:
        """Where a lot of a programme may start: after its highest booklet number."""
        with self._db.read() as session:
            return lots.next_free_booklet(session, programme_code)

    def receive(
        self,
        actor: Actor,
        *,
        programme_code: str,
        first_booklet: int,
        count: int,
        source: str = "",
        kind: LotKind | str = LotKind.DELIVERED,
        serials: LotSerials | None = None,
    ) -> LotRow:
        """Record a lot of consecutive booklets (and their vouchers) as in stock."""
        require(actor, Action.RECEIVE_STOCK)
        kind = parse_lot_kind(kind)
        now = self._now()

        def work(session: Session) -> LotRow:
            plan = lots.plan_lot(
                session, programme_code, first_booklet, count, kind=kind, serials=serials
            )
            plan.raise_first()  # the same rule the window showed, asked again in this unit
            programme = session.get(Programme, plan.programme_id)
            assert programme is not None
            n = programme.vouchers_per_booklet
            last_booklet = plan.last_booklet
            lot = StockLot(
                programme_id=programme.id,
                first_booklet=first_booklet,
                last_booklet=last_booklet,
                source=source.strip(),
                received_at=now,
                received_by=actor.id,
                kind=kind,
                serial_format_id=plan.serial_format_id,
                first_serial=plan.first_serial,
            )
            session.add(lot)
            session.flush()
            self._insert_booklets(session, programme, lot, desk_of(session, actor).id)
            first_code, last_code = plan.first_code, plan.last_code
            serial_range = plan.serial_range
            ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=EventKind.RECEIVED,
                programme_id=programme.id,
                details={
                    "lot": lot.id,
                    "first": first_code,
                    "last": last_code,
                    "booklets": count,
                    "vouchers": count * n,
                    "kind": kind.value,
                }
                | (
                    {
                        "serial_format": plan.serial_format.name,
                        "first_serial": serial_range[0],
                        "last_serial": serial_range[1],
                    }
                    if plan.serial_format is not None and serial_range is not None
                    else {}
                ),
            )
            log.info(
                "agent %s received lot %s: %s booklets of %s",
                actor.id,
                lot.id,
                count,
                programme.code,
            )
            return LotRow(
                lot.id,
                programme.code,
                first_booklet,
                last_booklet,
                first_code,
                last_code,
                lot.source,
                now,
                kind.value,
                plan.serial_format.name if plan.serial_format is not None else None,
                *(serial_range or (None, None)),
            )

        return self._db.transaction(work)

    @staticmethod
    def _insert_booklets(
        session: Session, programme: Programme, lot: StockLot, desk_id: int, chunk: int = 5000
    ) -> None:
        n = programme.vouchers_per_booklet
        for start in range(lot.first_booklet, lot.last_booklet + 1, chunk):
            stop = min(start + chunk - 1, lot.last_booklet)
            session.execute(
                insert(Booklet),
                [
                    {
                        "programme_id": programme.id,
                        "lot_id": lot.id,
                        "desk_id": desk_id,
                        "number": k,
                        "code": codes.booklet_code(programme.code, k),
                        "status": BookletStatus.IN_STOCK,
                        "print_count": 0,
                    }
                    for k in range(start, stop + 1)
                ],
            )
            ids = session.execute(
                select(Booklet.id, Booklet.number).where(
                    Booklet.programme_id == programme.id, Booklet.number.between(start, stop)
                )
            )
            session.execute(
                insert(Voucher),
                [
                    {
                        "programme_id": programme.id,
                        "booklet_id": booklet_id,
                        "number": v,
                        "code": codes.voucher_code(programme.code, v),
                        "status": VoucherStatus.IN_STOCK,
                    }
                    for booklet_id, number in ids
                    for v in range((number - 1) * n + 1, number * n + 1)
                ],
            )

    def lots(self, programme_code: str | None = None) -> list[LotRow]:
        """The lots the desk's booklets came from (see lots.lot_rows)."""
        with self._db.read() as session:
            return lots.lot_rows(session, programme_code, desk_id_in(session))

    @staticmethod
    def _booklet_query(programme_code: str | None, status: str | None, desk_id: int) -> Select:
        """The booklets the desk holds, of a programme and a status if given."""
        query = (
            select(Booklet, Programme.code, Programme.vouchers_per_booklet)
            .join(Programme)
            .where(Booklet.desk_id == desk_id)
        )
        if programme_code:
            query = query.where(Programme.code == programme_code.strip().upper())
        if status:
            try:
                query = query.where(Booklet.status == BookletStatus(status))
            except ValueError:
                raise InvalidInput(
                    _("Unknown status {status}; use one of: {choices}.").format(
                        status=status, choices=", ".join(s.value for s in BookletStatus)
                    ),
                    field="status",
                ) from None
        return query

    def booklets(
        self,
        programme_code: str | None = None,
        status: str | None = None,
        *,
        offset: int = 0,
        limit: int | None = 200,
        sort: str = "number",
        descending: bool = False,
    ) -> list[BookletRow]:
        """A page of booklets, filtered and sorted in SQL (tables stay fast at 100,000 rows)."""
        if sort not in BOOKLET_SORT_KEYS:
            raise InvalidInput(f"unknown sort key {sort}")
        column = getattr(Booklet, sort)
        # Ties break on the id, so each sort key walks one index (no temporary sort of 100k rows).
        tie = Booklet.id.desc() if descending else Booklet.id.asc()
        order = [column.desc() if descending else column.asc(), tie]
        with self._db.read() as session:
            query = self._booklet_query(programme_code, status, desk_id_in(session))
            query = query.order_by(*order).offset(offset)
            if limit is not None:
                query = query.limit(limit)
            return [booklet_row(b, code, n) for b, code, n in session.execute(query)]

    def count_booklets(self, programme_code: str | None = None, status: str | None = None) -> int:
        with self._db.read() as session:
            query = self._booklet_query(programme_code, status, desk_id_in(session))
            query = query.with_only_columns(func.count())
            return session.scalar(query.order_by(None)) or 0

    def counts(self, programme_code: str | None = None) -> StockCounts:
        """The desk's booklets and vouchers by status, of one programme or all (stock_counts)."""
        with self._db.read() as session:
            figures = stock_counts.counts_by_programme(
                session, programme_code, desk_id=desk_id_in(session)
            )
            return stock_counts.total(figures)

    def counts_by_programme(self) -> dict[str, StockCounts]:
        """Every programme's figures at the desk in one read (the stock page's table)."""
        with self._db.read() as session:
            return stock_counts.counts_by_programme(session, desk_id=desk_id_in(session))

    def get_booklet(self, code: str) -> BookletRow:
        with self._db.read() as session:
            found = find_by_code(session, code)
            return booklet_row(
                found.booklet, found.programme.code, found.programme.vouchers_per_booklet
            )

    def void(self, actor: Actor, code: str, reason: str) -> str:
        """Void a whole booklet (booklet code) or one voucher (voucher code); returns the code."""
        require(actor, Action.VOID)
        why = parse_void_reason(reason)
        change = void_change(why)
        now = self._now()

        def work(session: Session) -> str:
            found = find_by_code(session, code)
            booklet, programme = found.booklet, found.programme
            check_held(session, booklet, actor.desk_id)
            if found.voucher is not None:
                voucher = found.voucher
                if voucher.status not in change.vouchers_from:
                    raise Refused(
                        _("Voucher {code} is {status}: it cannot be voided.").format(
                            code=voucher.code, status=status_label(voucher.status.value)
                        )
                    )
                done = session.execute(
                    update(Voucher)
                    .where(
                        Voucher.id == voucher.id,
                        Voucher.status == voucher.status,
                        Voucher.booklet_id.in_(held_booklet(booklet.id, actor.desk_id)),
                    )
                    .values(status=change.voucher, void_reason=change.reason)
                )
                if done.rowcount != 1:
                    check_still_held(session, booklet, actor.desk_id)
                    raise Refused(
                        _("Voucher {code} changed meanwhile; try again.").format(code=voucher.code)
                    )
                ledger.append(
                    session,
                    at=now,
                    agent_id=actor.id,
                    kind=change.kind,
                    programme_id=programme.id,
                    booklet_id=booklet.id,
                    voucher_id=voucher.id,
                    details=void_details(voucher.code, why),
                )
                log.info("agent %s voided voucher %s (%s)", actor.id, voucher.code, why.value)
                return voucher.code
            if booklet.status not in change.booklet_from:
                raise Refused(
                    _("Booklet {code} is {status}: it cannot be voided.").format(
                        code=booklet.code, status=status_label(booklet.status.value)
                    )
                )
            done = session.execute(
                update(Booklet)
                .where(
                    Booklet.id == booklet.id,
                    Booklet.status == booklet.status,
                    Booklet.desk_id == actor.desk_id,  # not transferred since the check
                )
                .values(status=change.booklet, void_reason=change.reason)
            )
            if done.rowcount != 1:
                check_still_held(session, booklet, actor.desk_id)
                raise Refused(
                    _("Booklet {code} changed meanwhile; try again.").format(code=booklet.code)
                )
            session.execute(
                update(Voucher)
                .where(Voucher.booklet_id == booklet.id, Voucher.status.in_(change.vouchers_from))
                .values(status=change.voucher, void_reason=change.reason)
            )
            ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=change.kind,
                programme_id=programme.id,
                booklet_id=booklet.id,
                details=void_details(booklet.code, why),
            )
            log.info("agent %s voided booklet %s (%s)", actor.id, booklet.code, why.value)
            return booklet.code

        return self._db.transaction(work)
