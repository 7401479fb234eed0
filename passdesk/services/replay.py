"""The journal replayed into statuses: what every booklet and voucher must be, by the events alone.

The chain proves the events were not rewritten; replaying them proves the tables say the same:
a status changed by hand, a voucher row edited, a movement without its event all show as a
difference. The events follow the services' status changes:

* RECEIVED puts the lot's booklets (and vouchers) in stock;
* a booklet-level HANDED_OUT, RETURNED, VOIDED or EXPIRED moves the booklet, and with it those of
  its vouchers that shared its status (`StatusChange.vouchers_from`: a voucher voided or used on
  its own keeps its status);
* a voucher-level VOIDED or USED moves that voucher alone, for good.

So a voucher has its booklet's status unless an event of its own says otherwise, and the replay
keeps only booklets (a national stock: 100,000) and the vouchers touched alone (a few hundred).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk.i18n import ngettext
from passdesk.models import Booklet, BookletStatus, EventKind, LedgerEvent, Voucher, VoucherStatus

# The booklet status each booklet-level event leads to.
BOOKLET_AFTER = {
    EventKind.HANDED_OUT.value: BookletStatus.HANDED_OUT,
    EventKind.RETURNED.value: BookletStatus.IN_STOCK,
    EventKind.VOIDED.value: BookletStatus.VOIDED,
    EventKind.EXPIRED.value: BookletStatus.EXPIRED,
}
# The voucher status each voucher-level event leads to.
VOUCHER_AFTER = {
    EventKind.VOIDED.value: VoucherStatus.VOIDED,
    EventKind.USED.value: VoucherStatus.USED,
}
_KINDS = [EventKind.RECEIVED.value, *BOOKLET_AFTER, *VOUCHER_AFTER]


@dataclass
class Replayed:
    """Statuses by id: every booklet, and the vouchers an event of their own moved."""

    booklets: dict[int, BookletStatus] = field(default_factory=dict)
    vouchers: dict[int, tuple[int, VoucherStatus]] = field(default_factory=dict)  # (booklet, st.)

    def voucher_status(self, booklet_id: int, voucher_id: int) -> VoucherStatus | None:
        own = self.vouchers.get(voucher_id)
        if own is not None:
            return own[1]
        booklet = self.booklets.get(booklet_id)
        return VoucherStatus(booklet.value) if booklet is not None else None


def replay(session: Session) -> Replayed:
    """Every status-changing event, in journal order, applied to the statuses."""
    by_lot: dict[int, list[int]] = {}
    for booklet_id, lot_id in session.execute(select(Booklet.id, Booklet.lot_id)):
        by_lot.setdefault(lot_id, []).append(booklet_id)
    state = Replayed()
    for kind, booklet_id, voucher_id, details in session.execute(
        select(
            LedgerEvent.kind, LedgerEvent.booklet_id, LedgerEvent.voucher_id, LedgerEvent.details
        )
        .where(LedgerEvent.kind.in_(_KINDS))
        .order_by(LedgerEvent.id)
        .execution_options(yield_per=5000)
    ):
        if kind == EventKind.RECEIVED.value:
            for received in by_lot.get(int(json.loads(details)["lot"]), ()):
                state.booklets[received] = BookletStatus.IN_STOCK
        elif voucher_id is not None:
            if kind in VOUCHER_AFTER:
                state.vouchers[voucher_id] = (booklet_id, VOUCHER_AFTER[kind])
        elif booklet_id is not None:
            state.booklets[booklet_id] = BOOKLET_AFTER[kind]
    return state


def examples(codes: list[str]) -> str:
    """The first three codes of a problem's list, "…" when there are more: `check`'s messages
    name a few, not thousands."""
    return ", ".join(codes[:3]) + ("…" if len(codes) > 3 else "")


def replay_problems(session: Session) -> list[str]:
    """Where the tables differ from the replayed journal, in French (empty when they agree)."""
    state = replay(session)
    problems = []
    booklets = [
        code
        for booklet_id, code, status in session.execute(
            select(Booklet.id, Booklet.code, Booklet.status).order_by(Booklet.id)
        )
        if state.booklets.get(booklet_id) is not status
    ]
    if booklets:
        problems.append(
            ngettext(
                "{n} booklet differs from the journal replayed: {codes}.",
                "{n} booklets differ from the journal replayed: {codes}.",
                len(booklets),
            ).format(n=len(booklets), codes=examples(booklets))
        )
    # Vouchers: those whose status is not their booklet's, and those an event moved alone.
    differing = select(Voucher.id, Voucher.booklet_id, Voucher.code, Voucher.status).join(
        Booklet, Booklet.id == Voucher.booklet_id
    )
    rows = session.execute(
        differing.where(Voucher.status != Booklet.status).order_by(Voucher.id)
    ).all()
    if state.vouchers:
        seen = {row[0] for row in rows}
        rows += [
            row
            for row in session.execute(
                differing.where(Voucher.id.in_(list(state.vouchers))).order_by(Voucher.id)
            )
            if row[0] not in seen
        ]
    vouchers = sorted(
        code
        for voucher_id, booklet_id, code, status in rows
        if state.voucher_status(booklet_id, voucher_id) is not status
    )
    if vouchers:
        problems.append(
            ngettext(
                "{n} voucher differs from the journal replayed: {codes}.",
                "{n} vouchers differ from the journal replayed: {codes}.",
                len(vouchers),
            ).format(n=len(vouchers), codes=examples(vouchers))
        )
    return problems
