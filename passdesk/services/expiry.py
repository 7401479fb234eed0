"""End of validity: booklets left in stock after their programme's end expire; what ends soon.

A programme's vouchers are valid until `valid_until`. From the next day, every booklet of it
still in stock is EXPIRED (its vouchers in stock with it; a voided one stays voided), with one
EXPIRED event each: no agent decides it, the calendar does, so any agent's session may record it
(the window does at start-up and once a day, the console with `expire`). Running it again finds
nothing left to do. Booklets with a person are theirs until then: they are not touched.

`alerts` lists the programmes that end within ALERT_DAYS (D-30), with the stock left and the day
handing out (and printing for the stock) stops (D-15).

Expiring a whole national stock is one unit of work: the booklets and vouchers change in two
UPDATEs and the events, chained in memory, go in by the thousand (the demonstration's bulk writer
does the same), so 100,000 booklets take seconds, not the minutes of one event at a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from passdesk.errors import InvalidInput
from passdesk.formatting import format_date, format_money, format_number
from passdesk.i18n import _, ngettext
from passdesk.models import (
    Booklet,
    BookletStatus,
    EventKind,
    LedgerEvent,
    LedgerHead,
    Programme,
    Voucher,
    VoucherStatus,
)
from passdesk.services import ledger, stock_counts
from passdesk.services.base import Service, desk_id_in
from passdesk.services.handout_rules import STOP_DAYS_BEFORE_END, handout_stop
from passdesk.services.rows import Actor
from passdesk.services.stock import StatusChange

log = logging.getLogger(__name__)

ALERT_DAYS = 30  # the scheme's alert at D-30
EVENT_CHUNK = 5_000
ID_CHUNK = 5_000  # booklet ids a statement names (SQLite's limit on bound values is 32,766)

EXPIRE = StatusChange(
    EventKind.EXPIRED,
    (BookletStatus.IN_STOCK,),
    BookletStatus.EXPIRED,
    (VoucherStatus.IN_STOCK,),
    VoucherStatus.EXPIRED,
)


@dataclass(frozen=True)
class ExpiredProgramme:
    code: str
    valid_until: date
    booklets: int
    vouchers: int
    value: Decimal


@dataclass(frozen=True)
class ExpiryResult:
    as_of: date
    programmes: tuple[ExpiredProgramme, ...]

    @property
    def booklets(self) -> int:
        return sum(p.booklets for p in self.programmes)

    @property
    def vouchers(self) -> int:
        return sum(p.vouchers for p in self.programmes)


@dataclass(frozen=True)
class ProgrammeAlert:
    """A programme that ends soon (or has ended with stock not yet expired)."""

    code: str
    name: str
    valid_until: date
    days_left: int  # 0 on the last valid day, negative once it has ended
    handout_stop: date
    booklets_in_stock: int
    vouchers_in_stock: int
    value_in_stock: Decimal


def alert_text(alert: ProgrammeAlert) -> str:
    """One alert in a sentence, as the console prints it and the window's banner shows it."""
    if alert.days_left < 0:
        return _(
            "{code} ended on {date}: {booklets} booklets still in stock, not yet expired."
        ).format(
            code=alert.code,
            date=format_date(alert.valid_until),
            booklets=format_number(alert.booklets_in_stock),
        )
    when = ngettext(
        "{code} ends on {date} (in {days} day)",
        "{code} ends on {date} (in {days} days)",
        alert.days_left,
    ).format(code=alert.code, date=format_date(alert.valid_until), days=alert.days_left)
    stop = (
        _("handing out stopped on {date}")
        if alert.days_left <= STOP_DAYS_BEFORE_END
        else _("handing out stops on {date}")
    ).format(date=format_date(alert.handout_stop))
    return _("{when}, {stop}: {booklets} booklets in stock, {vouchers} vouchers, {value}.").format(
        when=when,
        stop=stop,
        booklets=format_number(alert.booklets_in_stock),
        vouchers=format_number(alert.vouchers_in_stock),
        value=format_money(alert.value_in_stock),
    )


def parse_as_of(text: str | date | None, today: date) -> date:
    """An `--as-of` date (YYYY-MM-DD); today when none."""
    if text is None:
        return today
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            _("{value} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-31.").format(value=text),
            field="as_of",
        ) from None


class ExpiryService(Service):
    def today(self) -> date:
        """The desk's calendar day by the services' clock (the window's daily check asks it)."""
        return self._today()

    def expire(self, actor: Actor, as_of: str | date | None = None) -> ExpiryResult:
        """Expire every booklet still in stock of the programmes ended before `as_of` (today by
        default; a later day is refused: vouchers are valid until their last day)."""
        today = self._today()
        day = parse_as_of(as_of, today)
        if day > today:
            raise InvalidInput(
                _(
                    "Stock cannot be expired as of {date}, a day still to come: its vouchers "
                    "are valid until then. Use alerts to see what ends soon."
                ).format(date=format_date(day)),
                field="as_of",
            )
        now = self._now()
        if not self._anything_to_expire(day):
            # The window asks at every start and every day: no write lock taken for nothing.
            return ExpiryResult(day, ())

        def work(session: Session) -> ExpiryResult:
            done = []
            for programme in session.scalars(
                select(Programme).where(Programme.valid_until < day).order_by(Programme.code)
            ):
                expired = _expire_programme(session, actor, programme, now)
                if expired is not None:
                    done.append(expired)
            return ExpiryResult(day, tuple(done))

        result = self._db.transaction(work)
        if result.booklets:
            log.info(
                "agent %s session expired %s booklet(s) of %s programme(s)",
                actor.id,
                result.booklets,
                len(result.programmes),
            )
        return result

    def _anything_to_expire(self, day: date) -> bool:
        with self._db.read() as session:
            return (
                session.scalar(
                    select(Booklet.id)
                    .join(Programme, Programme.id == Booklet.programme_id)
                    .where(Programme.valid_until < day, Booklet.status == BookletStatus.IN_STOCK)
                    .limit(1)
                )
                is not None
            )

    def alerts(
        self, as_of: str | date | None = None, days: int = ALERT_DAYS
    ) -> list[ProgrammeAlert]:
        """Programmes ending within `days` of `as_of`, and those ended with stock not expired."""
        day = parse_as_of(as_of, self._today())
        with self._db.read() as session:
            programmes = session.scalars(
                select(Programme)
                .where(Programme.valid_until <= day + timedelta(days=days))
                .order_by(Programme.valid_until, Programme.code)
            ).all()
            counts = stock_counts.counts_by_programme(session, desk_id=desk_id_in(session))
            alerts = []
            for programme in programmes:
                figures = counts[programme.code]
                if programme.valid_until < day and figures.in_stock == 0:
                    continue  # ended and dealt with
                alerts.append(
                    ProgrammeAlert(
                        programme.code,
                        programme.name,
                        programme.valid_until,
                        (programme.valid_until - day).days,
                        handout_stop(programme.valid_until),
                        figures.in_stock,
                        figures.vouchers.in_stock,
                        figures.vouchers.value_in_stock,
                    )
                )
            return alerts


def _expire_programme(
    session: Session, actor: Actor, programme: Programme, now: Any
) -> ExpiredProgramme | None:
    """Expire the programme's booklets in stock, with their vouchers still in stock, one event
    each.

    The booklets are locked as they are read (SELECT ... FOR UPDATE), then moved by id: on
    PostgreSQL a handout that commits meanwhile either got there first (the locked read waits
    for it and no longer sees its booklet) or waits for this unit of work, so what is read is
    what is moved. SQLite's write lock, held by the unit of work, already serialises them.
    """
    booklets = session.execute(
        select(Booklet.id, Booklet.code)
        .where(Booklet.programme_id == programme.id, Booklet.status == BookletStatus.IN_STOCK)
        .order_by(Booklet.number)
        .with_for_update()
    ).all()
    if not booklets:
        return None
    ids = [booklet_id for booklet_id, _code in booklets]
    vouchers: dict[int, int] = {}
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        session.execute(
            update(Voucher)
            .where(Voucher.booklet_id.in_(chunk), Voucher.status.in_(EXPIRE.vouchers_from))
            .values(status=EXPIRE.voucher)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(Booklet)
            .where(Booklet.id.in_(chunk))
            .values(status=EXPIRE.booklet)
            .execution_options(synchronize_session=False)
        )
        # What was moved, counted after the move (a voucher voided meanwhile is not).
        vouchers.update(
            session.execute(
                select(Voucher.booklet_id, func.count())
                .where(Voucher.booklet_id.in_(chunk), Voucher.status == EXPIRE.voucher)
                .group_by(Voucher.booklet_id)
            ).all()
        )
    head = session.scalars(select(LedgerHead).where(LedgerHead.id == 1).with_for_update()).one()
    last_id, last_hash = head.last_id, head.last_hash
    until = programme.valid_until.isoformat()
    events = []
    for booklet_id, code in booklets:
        row = ledger.event_values(
            last_id + 1,
            last_hash,
            at=now,
            agent_id=actor.id,
            kind=EXPIRE.kind,
            programme_id=programme.id,
            booklet_id=booklet_id,
            details={
                "booklet": code,
                "valid_until": until,
                "vouchers": vouchers.get(booklet_id, 0),
            },
        )
        last_id, last_hash = row["id"], row["hash"]
        events.append(row)
    for start in range(0, len(events), EVENT_CHUNK):
        session.execute(insert(LedgerEvent.__table__), events[start : start + EVENT_CHUNK])
    head.last_id, head.last_hash = last_id, last_hash
    count = sum(vouchers.values())
    return ExpiredProgramme(
        programme.code,
        programme.valid_until,
        len(booklets),
        count,
        programme.face_value * count,
    )
