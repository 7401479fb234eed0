"""The régie stock register ("valeurs inactives") gathered: what the public accountant reconciles.

For one programme and a period of the desk's calendar days: the stock held at the opening, every
movement (one line per day, kind and void reason; one per lot received) in booklets, vouchers
and euros, and the closing balance, with every status (in stock, handed out, used, voided,
expired) at both ends. All of it is replayed from the journal (`stock_replay`), the register's
one history; the booklet table is only asked for the booklets' lots. "In stock" is the
register's status: a print-on-site booklet not printed yet is in it (the régie answers for the
allocation received), though the daily closing does not look for it in the safe (`closing`).

When desks share the database (a territory's), each desk's register is its own: the events of
the booklets it held when they happened, and its transfers as exits and entries
(`regie_holders`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk.documents.regie_records import (
    ENTRY,
    EXIT,
    OUTSIDE,
    MovementTotal,
    ProgrammeHeading,
    Quantity,
    RegisterLine,
    RegisterRecord,
    StatusLine,
)
from passdesk.errors import InvalidInput, NotFound
from passdesk.formatting import format_date
from passdesk.i18n import N_, _
from passdesk.models import EventKind, Handout, Programme, StockLot
from passdesk.services import stock_replay
from passdesk.services.base import desk_id_in
from passdesk.services.desks import several_desks
from passdesk.services.print_lines import desk_line
from passdesk.services.programmes import parse_date
from passdesk.services.regie_holders import DeskHolders
from passdesk.services.stock import status_label, void_reason_label
from passdesk.services.stock_replay import IN_STOCK, TRANSFER_KINDS, Move, Replay

STATUS_LABELS = {
    "in_stock": N_("In stock"),
    "handed_out": N_("Handed out"),
    "used": N_("Used"),
    "voided": N_("Voided"),
    "expired": N_("Expired"),
}
STATUS_ORDER = ("in_stock", "handed_out", "used", "voided", "expired")
SHOWN_CODES = 3  # a line names its serials up to this many, else the first and the last
RECEIVED_KIND = EventKind.RECEIVED.value
HANDED_OUT_KIND = EventKind.HANDED_OUT.value
ONE_LINE_KINDS = (RECEIVED_KIND, *TRANSFER_KINDS)  # a line each, never added up by day


def day_start(day: date) -> datetime:
    """The first instant of a calendar day of the desk (the computer's time zone)."""
    return datetime.combine(day, time.min).astimezone()


def find_programme(session: Session, code: str) -> Programme:
    programme = session.scalar(select(Programme).where(Programme.code == code.strip().upper()))
    if programme is None:
        raise NotFound(
            _("No programme with the code {code}.").format(code=code.strip()), field="programme"
        )
    return programme


def programme_heading(programme: Programme) -> ProgrammeHeading:
    return ProgrammeHeading(
        programme.code,
        programme.name,
        programme.face_value,
        programme.vouchers_per_booklet,
        programme.valid_from,
        programme.valid_until,
    )


@dataclass(slots=True)
class _Group:
    """The movements one register line adds up, while the journal is read: their quantities,
    and enough of their serials and receipts to name them."""

    day: date
    kind: str
    source: str | None
    target: str
    reason: str | None
    first_event: int
    booklets: int = 0
    vouchers: int = 0
    codes: int = 0
    some_codes: list[str] = field(default_factory=list)  # the first SHOWN_CODES + 1
    lowest_code: str = ""
    highest_code: str = ""
    first_handout: int | None = None
    last_handout: int | None = None
    lot: dict[str, Any] | None = None
    note: str | None = None  # a transfer's other desk and range

    def add(self, move: Move, handout_id: int | None) -> None:
        self.booklets += move.booklets
        self.vouchers += move.vouchers
        if handout_id is not None and move.kind == HANDED_OUT_KIND:
            # The receipts are named by number once the journal is read (one query).
            if self.first_handout is None or handout_id < self.first_handout:
                self.first_handout = handout_id
            if self.last_handout is None or handout_id > self.last_handout:
                self.last_handout = handout_id
            return
        details = move.details
        code = details.get("code") or details.get("booklet")
        if code:
            code = str(code)
            self.codes += 1
            if len(self.some_codes) <= SHOWN_CODES:
                self.some_codes.append(code)
            if not self.lowest_code or code < self.lowest_code:
                self.lowest_code = code
            if code > self.highest_code:
                self.highest_code = code


def effect(source: str | None, target: str) -> str:
    """ENTRY into the safe, EXIT from it, or OUTSIDE of it."""
    if target == IN_STOCK:
        return ENTRY
    if source == IN_STOCK:
        return EXIT
    return OUTSIDE


def _reason_label(reason: str) -> str:
    """A void reason as the reader reads it; a reason added by later work, as written."""
    try:
        return void_reason_label(reason)
    except ValueError:
        return reason


def movement_label(kind: str, source: str | None, target: str, reason: str | None) -> str:
    """What a line of the register says happened (the detail column says to which serials)."""
    why = _reason_label(reason) if reason else ""
    if kind == EventKind.RECEIVED.value:
        return _("Lot received")
    if kind == EventKind.HANDED_OUT.value:
        return _("Handouts")
    if kind == EventKind.TRANSFERRED_OUT.value:
        return _("Transferred to another desk")
    if kind == EventKind.TRANSFERRED_IN.value:
        return _("Transferred from another desk")
    if kind == EventKind.RETURNED.value or target == IN_STOCK:
        return (
            _("Returned to stock: {reason}").format(reason=why) if why else _("Returned to stock")
        )
    if kind == EventKind.VOIDED.value:
        if source == IN_STOCK:
            return (
                _("Voided in stock: {reason}").format(reason=why) if why else _("Voided in stock")
            )
        return (
            _("Voided after handout: {reason}").format(reason=why)
            if why
            else _("Voided after handout")
        )
    if kind == EventKind.EXPIRED.value:
        return _("Expired in stock") if source == IN_STOCK else _("Expired after handout")
    if kind == EventKind.USED.value:
        return _("Vouchers used")
    return _("{source} to {target}").format(
        source=status_label(source or ""), target=status_label(target)
    )


def _detail(group: _Group, lots: dict[int, str], receipts: dict[int, str]) -> str:
    if group.note is not None:
        return group.note
    if group.lot is not None:
        lot = group.lot
        text = _("lot {lot}: {first} to {last}").format(
            lot=lot.get("lot", "?"), first=lot.get("first", ""), last=lot.get("last", "")
        )
        source = lots.get(int(lot["lot"]), "") if "lot" in lot else ""
        return f"{text} — {source}" if source else text
    if group.first_handout is not None and group.last_handout is not None:
        first, last = receipts.get(group.first_handout), receipts.get(group.last_handout)
        if first == last:
            return _("receipt {number}").format(number=first)
        return _("receipts {first} to {last}").format(first=first, last=last)
    if group.codes <= SHOWN_CODES:
        return ", ".join(group.some_codes)
    return _("{first} … {last} ({n} codes)").format(
        first=group.lowest_code, last=group.highest_code, n=group.codes
    )


def checked_period(period_from: date | str, period_to: date | str) -> tuple[date, date]:
    """The period's first and last days, as typed or given; refused in French if reversed."""
    first = parse_date(period_from, "period_from")
    last = parse_date(period_to, "period_to")
    if last < first:
        raise InvalidInput(
            _("The period ends on {end}, before it starts on {start}.").format(
                end=format_date(last), start=format_date(first)
            ),
            field="period_to",
        )
    return first, last


def build_register(
    session: Session, programme_code: str, first: date, last: date, made_at: datetime
) -> RegisterRecord:
    """The register of `programme_code` from `first` to `last` (both included), replayed from
    the journal in one read."""
    # Each day's first instant as stored (naive UTC): an event's day is found by bisection,
    # without turning 200,000 timestamps into the desk's time zone one by one.
    days = [first + timedelta(days=n) for n in range((last - first).days + 2)]
    starts = [utc_naive(day_start(day)) for day in days]
    start, end = starts[0], starts[-1]
    desk = desk_line(session)
    programme = find_programme(session, programme_code)
    heading = programme_heading(programme)
    sizes, usual = stock_replay.booklet_sizes(session, programme.id, programme.vouchers_per_booklet)
    replay = Replay(sizes, usual)
    lots = dict(
        session.execute(
            select(StockLot.id, StockLot.source).where(StockLot.programme_id == programme.id)
        ).all()
    )
    opening: tuple[dict[str, int], dict[str, int]] | None = None
    groups: dict[tuple[Any, ...], _Group] = {}
    # A database of one desk counts every event, as before desks shared one (issue 13); a
    # territory's desk, the events of the booklets it held when they happened, and transfers.
    holders = (
        DeskHolders(session, programme.id, desk_id_in(session)) if several_desks(session) else None
    )
    events = stock_replay.movement_events(session, programme.id, end, holders is not None)
    for event_id, at, kind, booklet_id, voucher_id, handout_id, agent_id, text in events:
        if opening is None and at >= start:
            opening = (dict(replay.booklets), dict(replay.vouchers))
        details = stock_replay.parse_details(text, kind, opening is not None)
        if holders is None:
            move = replay.apply(event_id, kind, booklet_id, voucher_id, details)
        elif kind in TRANSFER_KINDS:
            move = holders.transfer(replay, event_id, kind, details)
        else:
            counted = holders.counted(kind, booklet_id, agent_id, details)
            move = replay.apply(event_id, kind, booklet_id, voucher_id, details, counted)
            move = move if counted else None
        if move is None or opening is None:
            continue
        day = days[bisect_right(starts, at) - 1]
        reason = details.get("reason")
        key = (
            (day, event_id)
            if kind in ONE_LINE_KINDS
            else (day, kind, move.source, move.target, reason)
        )
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(day, kind, move.source, move.target, reason, event_id)
            if kind == RECEIVED_KIND:
                group.lot = details
            elif holders is not None and kind in TRANSFER_KINDS:
                group.note = holders.describe(details, kind)
        group.add(move, handout_id)
    if opening is None:
        opening = (dict(replay.booklets), dict(replay.vouchers))
    closing = (dict(replay.booklets), dict(replay.vouchers))
    receipts = _receipts(session, groups.values())
    face = heading.face_value
    lines = _lines(groups.values(), lots, receipts, face, opening)
    return RegisterRecord(
        desk=desk,
        programme=heading,
        period_from=first,
        period_to=last,
        made_at=made_at,
        opening_stock=_quantity(opening, IN_STOCK, face),
        lines=tuple(lines),
        closing_stock=_quantity(closing, IN_STOCK, face),
        statuses=tuple(
            StatusLine(
                status,
                _(STATUS_LABELS[status]),
                _quantity(opening, status, face),
                _quantity(closing, status, face),
                has_booklets=status in stock_replay.BOOKLET_STATUSES,
            )
            for status in STATUS_ORDER
        ),
        movements=tuple(_totals(groups.values(), face)),
    )


def utc_naive(moment: datetime) -> datetime:
    """A moment as the journal stores it: UTC, without its zone."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def _receipts(session: Session, groups: Iterable[_Group]) -> dict[int, str]:
    """The receipt numbers of the first and last handout of each line of handouts."""
    wanted = {
        handout_id
        for group in groups
        for handout_id in (group.first_handout, group.last_handout)
        if handout_id is not None
    }
    found: dict[int, str] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update(
            session.execute(
                select(Handout.id, Handout.receipt_number).where(Handout.id.in_(chunk))
            ).all()
        )
    return found


def _lines(
    groups: Iterable[_Group],
    lots: dict[int, str],
    receipts: dict[int, str],
    face: Decimal,
    opening: tuple[dict[str, int], dict[str, int]],
) -> list[RegisterLine]:
    stock = _quantity(opening, IN_STOCK, face)
    lines = []
    for group in sorted(groups, key=lambda g: (g.day, g.first_event)):
        moved = Quantity(group.booklets, group.vouchers, face * group.vouchers)
        where = effect(group.source, group.target)
        if where == ENTRY:
            stock = stock + moved
        elif where == EXIT:
            stock = stock - moved
        lines.append(
            RegisterLine(
                day=group.day,
                movement=group.kind,
                label=movement_label(group.kind, group.source, group.target, group.reason),
                detail=_detail(group, lots, receipts),
                effect=where,
                quantity=moved,
                stock_after=stock,
            )
        )
    return lines


def _totals(groups: Iterable[_Group], face: Decimal) -> list[MovementTotal]:
    totals: dict[tuple[Any, ...], list[Any]] = {}
    for group in sorted(groups, key=lambda g: g.first_event):
        key = (group.kind, group.source, group.target, group.reason)
        entry = totals.setdefault(key, [0, 0])
        entry[0] += group.booklets
        entry[1] += group.vouchers
    return [
        MovementTotal(
            movement_label(kind, source, target, reason),
            effect(source, target),
            Quantity(booklets, vouchers, face * vouchers),
        )
        for (kind, source, target, reason), (booklets, vouchers) in totals.items()
    ]


def _quantity(
    counts: tuple[dict[str, int], dict[str, int]], status: str, face: Decimal
) -> Quantity:
    booklets, vouchers = counts
    n = vouchers.get(status, 0)
    return Quantity(booklets.get(status, 0), n, face * n)
