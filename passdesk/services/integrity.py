"""`check`: is the file sound, does the journal's chain hold, does every serial add up?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, text

from passdesk.i18n import _
from passdesk.models import Booklet, BookletStatus, Handout, HandoutBooklet, StockLot, Voucher
from passdesk.services.rows import LedgerReport, StockCounts


@dataclass(frozen=True)
class IntegrityReport:
    storage_ok: bool
    ledger: LedgerReport
    stock: StockCounts
    lots_booklets: int
    orphan_handed_out: int
    lines: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return (
            self.storage_ok
            and self.ledger.ok
            and self.stock.balanced
            and self.lots_booklets == self.stock.received
            and self.orphan_handed_out == 0
        )


def check_database(services: object) -> IntegrityReport:
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
    ledger = services.ledger.verify()  # type: ignore[attr-defined]
    if ledger.ok:
        lines.append(_("Journal: {n} events, chain intact.").format(n=ledger.events_checked))
    else:
        lines.append(
            _("Journal: BROKEN at event {number}: {problem}").format(
                number=ledger.first_bad_event, problem=ledger.problem
            )
        )
    stock = services.stock.counts()  # type: ignore[attr-defined]
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
    if orphans:
        lines.append(_("{n} booklet(s) marked handed out have no valid handout.").format(n=orphans))
    return IntegrityReport(storage_ok, ledger, stock, lots_booklets, orphans, tuple(lines))
