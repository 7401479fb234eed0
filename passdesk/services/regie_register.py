"""The régie stock register ("valeurs inactives") gathered: what the public accountant reconciles.

For one programme and a period of the desk's calendar days: the stock held at the opening, every
movement (one line per day, kind and void reason; one per lot received) in booklets, vouchers
and euros, and the closing balance, with every status (in stock, handed out, used, voided,
expired) at both ends. All of it is replayed from the journal (`stock_replay`), the register's
one history; the booklet table is only asked for the booklets' lots.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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
from passdesk.models import EventKind, Programme, StockLot
from passdesk.services import stock_replay
from passdesk.services.base import local_date
from passdesk.services.print_lines import desk_line
from passdesk.services.programmes import parse_date
from passdesk.services.stock import status_label, void_reason_label
from passdesk.services.stock_replay import IN_STOCK, Move, Replay

STATUS_LABELS = {
    "in_stock": N_("In stock"),
    "handed_out": N_("Handed out"),
    "used": N_("Used"),
    "voided": N_("Voided"),
    "expired": N_("Expired"),
}
STATUS_ORDER = ("in_stock", "handed_out", "used", "voided", "expired")
SHOWN_CODES = 3  # a line names its serials up to this many, else the first and the last


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


@dataclass
class _Group:
    """The movements one register line adds up, while the journal is read."""

    day: date
    kind: str
    source: str | None
    target: str
    reason: str | None
    first_event: int
    booklets: int = 0
    vouchers: int = 0
    codes: list[str] | None = None
    receipts: list[str] | None = None
    lot: dict[str, Any] | None = None

    def add(self, move: Move) -> None:
        self.booklets += move.booklets
        self.vouchers += move.vouchers
        details = move.details
        code = details.get("code") or details.get("booklet")
        if code:
            self.codes = (self.codes or []) + [str(code)]
        receipt = details.get("receipt")
        if receipt and move.kind == EventKind.HANDED_OUT.value:
            self.receipts = (self.receipts or []) + [str(receipt)]


def effect(source: str | None, target: str) -> str:
    """ENTRY into the safe, EXIT from it, or OUTSIDE of it."""
    if target == IN_STOCK:
        return ENTRY
    if source == IN_STOCK:
        return EXIT
    return OUTSIDE


def movement_label(kind: str, source: str | None, target: str, reason: str | None) -> str:
    """What a line of the register says happened (the detail column says to which serials)."""
    why = void_reason_label(reason) if reason else ""
    if kind == EventKind.RECEIVED.value:
        return _("Lot received")
    if kind == EventKind.HANDED_OUT.value:
        return _("Handouts")
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


def _codes_text(codes: list[str]) -> str:
    if len(codes) <= SHOWN_CODES:
        return ", ".join(codes)
    ordered = sorted(codes)
    return _("{first} … {last} ({n} codes)").format(
        first=ordered[0], last=ordered[-1], n=len(codes)
    )


def _detail(group: _Group, lots: dict[int, str]) -> str:
    if group.lot is not None:
        lot = group.lot
        text = _("lot {lot}: {first} to {last}").format(
            lot=lot.get("lot", "?"), first=lot.get("first", ""), last=lot.get("last", "")
        )
        source = lots.get(int(lot["lot"]), "") if "lot" in lot else ""
        return f"{text} — {source}" if source else text
    if group.receipts:
        first, last = min(group.receipts), max(group.receipts)
        if first == last:
            return _("receipt {number}").format(number=first)
        return _("receipts {first} to {last}").format(first=first, last=last)
    if group.codes:
        return _codes_text(group.codes)
    return ""


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
    start, end = day_start(first), day_start(last + timedelta(days=1))
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
    events = stock_replay.movement_events(session, programme.id, end)
    for event_id, at, kind, booklet_id, voucher_id, details_text in events:
        if opening is None and at >= start:
            opening = (dict(replay.booklets), dict(replay.vouchers))
        details = stock_replay.parse_details(details_text, kind, opening is not None)
        move = replay.apply(event_id, at, kind, booklet_id, voucher_id, details)
        if move is None or opening is None:
            continue
        _group(groups, move)
    if opening is None:
        opening = (dict(replay.booklets), dict(replay.vouchers))
    closing = (dict(replay.booklets), dict(replay.vouchers))
    face = heading.face_value
    lines = _lines(groups.values(), lots, face, opening)
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


def _group(groups: dict[tuple[Any, ...], _Group], move: Move) -> None:
    day = local_date(move.at)
    reason = move.details.get("reason") if move.kind != EventKind.HANDED_OUT.value else None
    if move.kind == EventKind.RECEIVED.value:
        key: tuple[Any, ...] = (day, move.event_id)
    else:
        key = (day, move.kind, move.source, move.target, reason)
    group = groups.get(key)
    if group is None:
        group = groups[key] = _Group(
            day, move.kind, move.source, move.target, reason, move.event_id
        )
        if move.kind == EventKind.RECEIVED.value:
            group.lot = move.details
    group.add(move)


def _lines(
    groups: Iterable[_Group],
    lots: dict[int, str],
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
                detail=_detail(group, lots),
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
