"""Stock: receive lots, list booklets by status, count them, void what is lost or damaged."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.i18n import N_, _
from passdesk.models import (
    Booklet,
    BookletStatus,
    EventKind,
    Programme,
    StockLot,
    VoidReason,
    Voucher,
    VoucherStatus,
)
from passdesk.roles import Action
from passdesk.services import ledger
from passdesk.services.base import Service, booklet_row, require
from passdesk.services.rows import Actor, BookletRow, LotRow, StockCounts

log = logging.getLogger(__name__)

MAX_LOT = 200_000
MAX_LOT_VOUCHERS = 1_000_000  # about 15 s of writing on a desk PC
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
class Found:
    """A booklet found from any of its codes, with its programme and the voucher if one."""

    booklet: Booklet
    programme: Programme
    voucher: Voucher | None
    parsed: codes.ParsedCode


def find_by_code(session: Session, text: str, *, for_update: bool = False) -> Found:
    """Parse a typed or scanned code (check digits first), then find its booklet."""
    parsed = codes.parse_code(text)
    programme = session.scalar(select(Programme).where(Programme.code == parsed.programme_code))
    voucher = None
    if parsed.kind == "voucher":
        voucher = session.scalar(select(Voucher).where(Voucher.code == parsed.code))
        booklet = session.get(Booklet, voucher.booklet_id) if voucher is not None else None
    else:
        booklet = session.scalar(select(Booklet).where(Booklet.code == parsed.code))
    if booklet is None or programme is None:
        raise not_in_stock(parsed)
    return Found(booklet, programme, voucher, parsed)


def not_in_stock(parsed: codes.ParsedCode) -> NotFound:
    """A well-formed code that names nothing here (another desk's, or not yet received)."""
    return NotFound(
        _("The code {code} is valid but is not in this desk's stock.").format(code=parsed.code),
        field="code",
    )


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


def void_reason_label(reason: VoidReason | str) -> str:
    return _(VOID_REASON_LABELS[VoidReason(reason)])


def status_label(status: str) -> str:
    return _(VOUCHER_STATUS_LABELS.get(status, status))


class StockService(Service):
    def receive(
        self, actor: Actor, *, programme_code: str, first_booklet: int, count: int, source: str = ""
    ) -> LotRow:
        """Record a lot of consecutive booklets (and their vouchers) as in stock."""
        require(actor, Action.RECEIVE_STOCK)
        if not 1 <= count <= MAX_LOT:
            raise InvalidInput(
                _("A lot holds 1 to {max} booklets.").format(max=MAX_LOT), field="count"
            )
        if first_booklet < 1:
            raise InvalidInput(_("Booklet numbers start at 1."), field="first_booklet")
        last_booklet = first_booklet + count - 1
        now = self._now()

        def work(session: Session) -> LotRow:
            programme = session.scalar(
                select(Programme).where(Programme.code == programme_code.strip().upper())
            )
            if programme is None:
                raise NotFound(
                    _("No programme with the code {code}.").format(code=programme_code),
                    field="programme",
                )
            n = programme.vouchers_per_booklet
            if count * n > MAX_LOT_VOUCHERS:
                # One transaction holds the write lock: every desk waits while it runs.
                raise InvalidInput(
                    _(
                        "A lot holds at most {max} vouchers ({booklets} booklets of this "
                        "programme): receive it in several lots."
                    ).format(max=MAX_LOT_VOUCHERS, booklets=MAX_LOT_VOUCHERS // n),
                    field="count",
                )
            if last_booklet > codes.max_booklet_number(programme.code, n):
                raise InvalidInput(
                    _("Booklet {number} is beyond the last number this programme can have.").format(
                        number=last_booklet
                    ),
                    field="count",
                )
            clash = session.scalar(
                select(Booklet.number)
                .where(
                    Booklet.programme_id == programme.id,
                    Booklet.number.between(first_booklet, last_booklet),
                )
                .order_by(Booklet.number)
                .limit(1)
            )
            if clash is not None:
                raise Refused(
                    _(
                        "Booklet {code} is already in the register: a lot cannot be "
                        "received twice. Nothing was recorded."
                    ).format(code=codes.booklet_code(programme.code, clash))
                )
            lot = StockLot(
                programme_id=programme.id,
                first_booklet=first_booklet,
                last_booklet=last_booklet,
                source=source.strip(),
                received_at=now,
                received_by=actor.id,
            )
            session.add(lot)
            session.flush()
            self._insert_booklets(session, programme, lot)
            first_code = codes.booklet_code(programme.code, first_booklet)
            last_code = codes.booklet_code(programme.code, last_booklet)
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
                },
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
            )

        return self._db.transaction(work)

    @staticmethod
    def _insert_booklets(
        session: Session, programme: Programme, lot: StockLot, chunk: int = 5000
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
        with self._db.read() as session:
            query = select(StockLot, Programme.code).join(Programme).order_by(StockLot.id)
            if programme_code:
                query = query.where(Programme.code == programme_code.strip().upper())
            return [
                LotRow(
                    lot.id,
                    code,
                    lot.first_booklet,
                    lot.last_booklet,
                    codes.booklet_code(code, lot.first_booklet),
                    codes.booklet_code(code, lot.last_booklet),
                    lot.source,
                    lot.received_at,
                )
                for lot, code in session.execute(query)
            ]

    def _booklet_query(self, programme_code: str | None, status: str | None) -> Select:
        query = select(Booklet, Programme.code, Programme.vouchers_per_booklet).join(Programme)
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
        query = self._booklet_query(programme_code, status).order_by(*order).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._db.read() as session:
            return [booklet_row(b, code, n) for b, code, n in session.execute(query)]

    def count_booklets(self, programme_code: str | None = None, status: str | None = None) -> int:
        query = self._booklet_query(programme_code, status).with_only_columns(func.count())
        with self._db.read() as session:
            return session.scalar(query.order_by(None)) or 0

    def counts(self, programme_code: str | None = None) -> StockCounts:
        query = select(Booklet.status, func.count()).group_by(Booklet.status)
        if programme_code:
            query = query.join(Programme).where(Programme.code == programme_code.strip().upper())
        with self._db.read() as session:
            by_status = {status.value: n for status, n in session.execute(query)}
        return StockCounts(
            received=sum(by_status.values()),
            in_stock=by_status.get("in_stock", 0),
            handed_out=by_status.get("handed_out", 0),
            voided=by_status.get("voided", 0),
            expired=by_status.get("expired", 0),
        )

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
        now = self._now()

        def work(session: Session) -> str:
            found = find_by_code(session, code)
            booklet, programme = found.booklet, found.programme
            if found.voucher is not None:
                voucher = found.voucher
                if voucher.status not in (VoucherStatus.IN_STOCK, VoucherStatus.HANDED_OUT):
                    raise Refused(
                        _("Voucher {code} is {status}: it cannot be voided.").format(
                            code=voucher.code, status=status_label(voucher.status.value)
                        )
                    )
                done = session.execute(
                    update(Voucher)
                    .where(Voucher.id == voucher.id, Voucher.status == voucher.status)
                    .values(status=VoucherStatus.VOIDED, void_reason=why)
                )
                if done.rowcount != 1:
                    raise Refused(
                        _("Voucher {code} changed meanwhile; try again.").format(code=voucher.code)
                    )
                ledger.append(
                    session,
                    at=now,
                    agent_id=actor.id,
                    kind=EventKind.VOIDED,
                    programme_id=programme.id,
                    booklet_id=booklet.id,
                    voucher_id=voucher.id,
                    details={"code": voucher.code, "reason": why.value},
                )
                log.info("agent %s voided voucher %s (%s)", actor.id, voucher.code, why.value)
                return voucher.code
            if booklet.status not in (BookletStatus.IN_STOCK, BookletStatus.HANDED_OUT):
                raise Refused(
                    _("Booklet {code} is {status}: it cannot be voided.").format(
                        code=booklet.code, status=status_label(booklet.status.value)
                    )
                )
            done = session.execute(
                update(Booklet)
                .where(Booklet.id == booklet.id, Booklet.status == booklet.status)
                .values(status=BookletStatus.VOIDED, void_reason=why)
            )
            if done.rowcount != 1:
                raise Refused(
                    _("Booklet {code} changed meanwhile; try again.").format(code=booklet.code)
                )
            session.execute(
                update(Voucher)
                .where(
                    Voucher.booklet_id == booklet.id,
                    Voucher.status.in_([VoucherStatus.IN_STOCK, VoucherStatus.HANDED_OUT]),
                )
                .values(status=VoucherStatus.VOIDED, void_reason=why)
            )
            ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=EventKind.VOIDED,
                programme_id=programme.id,
                booklet_id=booklet.id,
                details={"code": booklet.code, "reason": why.value},
            )
            log.info("agent %s voided booklet %s (%s)", actor.id, booklet.code, why.value)
            return booklet.code

        return self._db.transaction(work)
