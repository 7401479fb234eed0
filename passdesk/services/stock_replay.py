"""The journal replayed: how many booklets and vouchers are in each status after any event, and
what each event moved, from which status to which.

The régie register is computed from the journal rather than from the booklet table: the table
says where things are now, the journal how they got there and where they were on any day. The
replay knows only the journal's rules of movement, so movements added by later work (expiry,
returns after a later cancel, vouchers used) count as soon as their events exist:

- a reception puts its booklets in stock, with all their vouchers;
- a booklet-level event (no voucher) moves the booklet to the status its kind implies
  (`BOOKLET_TARGET`), with those of its vouchers that shared the booklet's status: a voucher
  voided or used on its own stays as it is, exactly as the services move them;
- a voucher-level event moves that one voucher (`VOUCHER_TARGET`);
- a booklet-level USED event marks every voucher of the booklet still handed out as used.

Memory stays small: a booklet is remembered only once an event touched it, as four fields.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import DateTime, select, type_coerce
from sqlalchemy.orm import Session

from passdesk.models import Booklet, BookletStatus, EventKind, LedgerEvent, VoucherStatus

IN_STOCK = BookletStatus.IN_STOCK.value
HANDED_OUT = BookletStatus.HANDED_OUT.value
VOIDED = BookletStatus.VOIDED.value
EXPIRED = BookletStatus.EXPIRED.value
USED = VoucherStatus.USED.value  # a status, and the kind of event that makes it
RECEIVED = EventKind.RECEIVED.value
HANDOUT = EventKind.HANDED_OUT.value

BOOKLET_STATUSES = tuple(s.value for s in BookletStatus)
VOUCHER_STATUSES = tuple(s.value for s in VoucherStatus)

BOOKLET_TARGET = {
    EventKind.HANDED_OUT.value: HANDED_OUT,
    EventKind.RETURNED.value: IN_STOCK,
    EventKind.VOIDED.value: VOIDED,
    EventKind.EXPIRED.value: EXPIRED,
}
VOUCHER_TARGET = {
    EventKind.HANDED_OUT.value: HANDED_OUT,
    EventKind.RETURNED.value: IN_STOCK,
    EventKind.VOIDED.value: VOIDED,
    EventKind.EXPIRED.value: EXPIRED,
    EventKind.USED.value: USED,
}
MOVEMENT_KINDS = (
    EventKind.RECEIVED.value,
    *BOOKLET_TARGET,
    EventKind.USED.value,
)
TRANSFER_KINDS = (EventKind.TRANSFERRED_OUT.value, EventKind.TRANSFERRED_IN.value)


class Move(NamedTuple):
    """What one event moved: `booklets` booklets and `vouchers` vouchers from `source` (None for
    a reception) to `target`. A tuple: 200,000 of them are made for a year's register."""

    event_id: int
    kind: str
    source: str | None
    target: str
    booklets: int
    vouchers: int
    details: dict[str, Any]


class Replay:
    """Counts by status, kept up to date event by event.

    `booklets` and `vouchers` are Counters by status value. Per touched booklet: its status,
    the status its untouched vouchers share, how many those are, and the vouchers that went
    their own way (voucher id -> status).
    """

    def __init__(self, booklet_sizes: dict[int, int], default_size: int) -> None:
        self.booklets: Counter[str] = Counter()
        self.vouchers: Counter[str] = Counter()
        self._sizes = booklet_sizes  # booklet id -> its vouchers (from its lot)
        self._default_size = default_size
        self._state: dict[int, list[Any]] = {}

    def _booklet(self, booklet_id: int) -> list[Any]:
        state = self._state.get(booklet_id)
        if state is None:
            size = self._sizes.get(booklet_id, self._default_size)
            state = [IN_STOCK, IN_STOCK, size, None]  # status, untouched status, untouched, apart
            self._state[booklet_id] = state
        return state

    def apply(
        self,
        event_id: int,
        kind: str,
        booklet_id: int | None,
        voucher_id: int | None,
        details: dict[str, Any],
        counted: bool = True,
    ) -> Move | None:
        """Count one event; what it moved, or None when it moved nothing. Not `counted`: the
        booklet's state follows the event but the counts do not (another desk's event, in a
        territory's register of one desk)."""
        move = self._move(event_id, kind, booklet_id, voucher_id, details)
        if move is not None and counted:
            if move.source is not None:
                self.booklets[move.source] -= move.booklets
                self.vouchers[move.source] -= move.vouchers
            self.booklets[move.target] += move.booklets
            self.vouchers[move.target] += move.vouchers
        return move

    def contents(self, booklet_id: int) -> Counter[str]:
        """A booklet's vouchers by status, as the journal read so far leaves them."""
        status, untouched_status, untouched, apart = self._state.get(booklet_id) or self._booklet(
            booklet_id
        )
        found: Counter[str] = Counter({untouched_status: untouched} if untouched else {})
        found.update((apart or {}).values())
        return found

    def hand_over(self, booklet_id: int, arriving: bool) -> tuple[int, int]:
        """A booklet leaving the counted desk (or `arriving` at it) by a transfer: its status
        and all its vouchers leave (or join) the counts. Its booklets and vouchers in stock."""
        sign = 1 if arriving else -1
        status = (self._state.get(booklet_id) or self._booklet(booklet_id))[0]
        self.booklets[status] += sign
        contents = self.contents(booklet_id)
        for voucher_status, n in contents.items():
            self.vouchers[voucher_status] += sign * n
        return (1, contents[IN_STOCK]) if status == IN_STOCK else (0, 0)

    def _move(
        self,
        event_id: int,
        kind: str,
        booklet_id: int | None,
        voucher_id: int | None,
        details: dict[str, Any],
    ) -> Move | None:
        if kind == RECEIVED:
            booklets = int(details.get("booklets", 0))
            vouchers = int(details.get("vouchers", 0))
            return Move(event_id, kind, None, IN_STOCK, booklets, vouchers, details)
        if booklet_id is None:
            return None
        state = self._state.get(booklet_id) or self._booklet(booklet_id)
        if voucher_id is not None:
            return self._voucher(event_id, kind, state, voucher_id, details)
        if kind == USED:
            return self._all_used(event_id, state, details)
        target = BOOKLET_TARGET.get(kind)
        source = state[0]
        if target is None or target == source:
            return None
        moved = 0
        if state[1] == source:
            moved += state[2]
            state[1] = target
        apart = state[3]
        if apart:
            for voucher, status in apart.items():
                if status == source:
                    apart[voucher] = target
                    moved += 1
        state[0] = target
        return Move(event_id, kind, source, target, 1, moved, details)

    def _voucher(
        self,
        event_id: int,
        kind: str,
        state: list[Any],
        voucher_id: int,
        details: dict[str, Any],
    ) -> Move | None:
        target = VOUCHER_TARGET.get(kind)
        if target is None:
            return None
        apart = state[3]
        if apart is None:
            apart = state[3] = {}
        source = apart.get(voucher_id)
        if source is None:
            source = state[1]
            state[2] -= 1
        if source == target:
            return None
        apart[voucher_id] = target
        return Move(event_id, kind, source, target, 0, 1, details)

    def _all_used(self, event_id: int, state: list[Any], details: dict[str, Any]) -> Move | None:
        moved = 0
        if state[1] == HANDED_OUT:
            moved += state[2]
            state[1] = USED
        for voucher, status in (state[3] or {}).items():
            if status == HANDED_OUT:
                state[3][voucher] = USED
                moved += 1
        if not moved:
            return None
        return Move(event_id, USED, HANDED_OUT, USED, 0, moved, details)


def booklet_sizes(session: Session, programme_id: int, default: int) -> tuple[dict[int, int], int]:
    """Each booklet's number of vouchers, from what its lot's reception recorded: a map for the
    booklets whose lot differs from the usual size, and that usual size.

    A lot may hold booklets of another size than its programme's (an operator's pre-printed
    lot); the reception event says how many booklets and vouchers it brought.
    """
    per_lot: dict[int, int] = {}
    for (text,) in session.execute(
        select(LedgerEvent.details).where(
            LedgerEvent.programme_id == programme_id,
            LedgerEvent.kind == EventKind.RECEIVED.value,
        )
    ):
        details = json.loads(text)
        booklets, vouchers = int(details.get("booklets", 0)), int(details.get("vouchers", 0))
        if "lot" in details and booklets:
            per_lot[int(details["lot"])] = vouchers // booklets
    sizes = Counter(per_lot.values())
    usual = sizes.most_common(1)[0][0] if sizes else default
    if len(sizes) <= 1:
        return {}, usual  # one size for every lot: no booklet needs looking up
    odd_lots = {lot: size for lot, size in per_lot.items() if size != usual}
    return {
        booklet_id: odd_lots[lot_id]
        for booklet_id, lot_id in session.execute(
            select(Booklet.id, Booklet.lot_id).where(
                Booklet.programme_id == programme_id, Booklet.lot_id.in_(list(odd_lots))
            )
        )
    }, usual


def movement_events(
    session: Session, programme_id: int, before: datetime, transfers: bool = False
) -> Iterator[tuple[int, datetime, str, int | None, int | None, int | None, int | None, str]]:
    """The programme's movement events before `before` (naive UTC, as stored), in journal
    order, streamed; their moments naive UTC too (no time zone attached to each of 200,000).

    With `transfers`, the transfers' events too (TRANSFERRED_OUT, TRANSFERRED_IN): a territory's
    desk reads them to know who held each booklet when (`regie_holders`)."""
    kinds = (*MOVEMENT_KINDS, *TRANSFER_KINDS) if transfers else MOVEMENT_KINDS
    query = (
        select(
            LedgerEvent.id,
            type_coerce(LedgerEvent.at, DateTime()),
            LedgerEvent.kind,
            LedgerEvent.booklet_id,
            LedgerEvent.voucher_id,
            LedgerEvent.handout_id,
            LedgerEvent.agent_id,
            LedgerEvent.details,
        )
        .where(
            LedgerEvent.programme_id == programme_id,
            LedgerEvent.kind.in_(kinds),
            type_coerce(LedgerEvent.at, DateTime()) < before,
        )
        .order_by(LedgerEvent.id)
        .execution_options(yield_per=10_000)
    )
    # Core rows straight from the connection: the ORM's row handling would double the time.
    rows = session.connection().execute(query)
    for rows_read in rows.partitions():  # a chunk at a time: row by row costs a call each
        yield from rows_read  # type: ignore[misc]


_EMPTY: dict[str, Any] = {}
_ALWAYS_READ = (RECEIVED, *TRANSFER_KINDS)


def parse_details(text: str, kind: str, needed: bool) -> dict[str, Any]:
    """An event's details, read only where they count: always for a reception (its sizes);
    when `needed`, for the serials and reasons a line of the register names; never for a
    handout, whose receipt is found from its handout (a year holds 150,000 of them)."""
    if kind in _ALWAYS_READ or (needed and kind != HANDOUT):
        return json.loads(text)
    return _EMPTY
