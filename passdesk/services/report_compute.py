"""Computing a report's figures in one read transaction: a few grouped queries, then one pass
over the period's handed-out booklets in Python.

The SQL is portable (no date function, no SQLite-only syntax): counts are grouped in SQL,
while calendar months and ages, which depend on the desk's time zone and each person's birth
date, are worked out in Python from one row per booklet handed out in the period (about
100,000 rows for the national wave on one desk).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passdesk.models import (
    Agent,
    Beneficiary,
    Booklet,
    BookletStatus,
    EventKind,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    StockLot,
    Voucher,
    VoucherStatus,
)
from passdesk.services.report_figures import (
    NOT_GIVEN,
    ProgrammeFigures,
    Quantity,
    ReportQuery,
)
from passdesk.services.report_people import PeopleFigures, Person, Tally
from passdesk.services.report_scope import check_period, local_midnight, programmes_in_scope
from passdesk.services.rows import FunderShareRow
from passdesk.text import fold


class FiguresBuilder:
    """Gathers one report's figures inside the caller's read transaction."""

    def __init__(self, session: Session, query: ReportQuery, today: date) -> None:
        check_period(query.start, query.end)
        self.session = session
        self.query = query
        self.today = today
        self.programmes = programmes_in_scope(session, query)
        self.ids = [p.id for p in self.programmes]
        self.by_id = {p.id: p for p in self.programmes}
        self.start = local_midnight(query.start)
        self.stop = local_midnight(date.fromordinal(query.end.toordinal() + 1))

    # --- SQL ------------------------------------------------------------------------------

    def _received(self) -> dict[int, int]:
        rows = self.session.execute(
            select(Booklet.programme_id, func.count(Booklet.id))
            .join(StockLot, StockLot.id == Booklet.lot_id)
            .where(
                Booklet.programme_id.in_(self.ids),
                StockLot.received_at >= self.start,
                StockLot.received_at < self.stop,
            )
            .group_by(Booklet.programme_id)
        )
        return dict(rows.all())

    def _in_stock(self) -> tuple[dict[int, int], dict[int, int]]:
        """Booklets in stock, and vouchers in stock (only booklets in stock hold any)."""
        booklets = self.session.execute(
            select(Booklet.programme_id, func.count(Booklet.id))
            .where(Booklet.programme_id.in_(self.ids), Booklet.status == BookletStatus.IN_STOCK)
            .group_by(Booklet.programme_id)
        )
        vouchers = self.session.execute(
            select(Booklet.programme_id, func.count(Voucher.id))
            .join(Voucher, Voucher.booklet_id == Booklet.id)
            .where(
                Booklet.programme_id.in_(self.ids),
                Booklet.status == BookletStatus.IN_STOCK,
                Voucher.status == VoucherStatus.IN_STOCK,
            )
            .group_by(Booklet.programme_id)
        )
        return dict(booklets.all()), dict(vouchers.all())

    def _events(self) -> dict[tuple[str, int, bool], int]:
        """Journal events of the period: (kind, programme id, of one voucher) -> count."""
        single = LedgerEvent.voucher_id.is_not(None)
        rows = self.session.execute(
            select(LedgerEvent.kind, Booklet.programme_id, single, func.count(LedgerEvent.id))
            .join(Booklet, Booklet.id == LedgerEvent.booklet_id)
            .where(
                LedgerEvent.kind.in_(
                    [EventKind.RETURNED.value, EventKind.VOIDED.value, EventKind.EXPIRED.value]
                ),
                LedgerEvent.at >= self.start,
                LedgerEvent.at < self.stop,
                Booklet.programme_id.in_(self.ids),
            )
            .group_by(LedgerEvent.kind, Booklet.programme_id, single)
        )
        return {(kind, pid, bool(one)): n for kind, pid, one, n in rows}

    def _vouchers_with_booklet(self, kind: EventKind, status: VoucherStatus) -> dict[int, int]:
        """Vouchers that a whole-booklet event of the period took to `status` (voided,
        expired): the booklet's vouchers in that status, but those with an event of their own
        (a voucher voided alone earlier)."""
        alone = select(LedgerEvent.voucher_id).where(
            LedgerEvent.kind == kind.value, LedgerEvent.voucher_id.is_not(None)
        )
        rows = self.session.execute(
            select(Booklet.programme_id, func.count(Voucher.id))
            .select_from(LedgerEvent)
            .join(Booklet, Booklet.id == LedgerEvent.booklet_id)
            .join(Voucher, Voucher.booklet_id == LedgerEvent.booklet_id)
            .where(
                LedgerEvent.kind == kind.value,
                LedgerEvent.voucher_id.is_(None),
                LedgerEvent.at >= self.start,
                LedgerEvent.at < self.stop,
                Booklet.programme_id.in_(self.ids),
                Voucher.status == status,
                Voucher.id.not_in(alone),
            )
            .group_by(Booklet.programme_id)
        )
        return dict(rows.all())

    def _live_lines(self) -> Iterable[tuple]:
        """One row per booklet of a live handout of the period, with its person's profile."""
        return self.session.execute(
            select(
                Handout.id,
                Handout.created_at,
                Handout.agent_id,
                Handout.beneficiary_id,
                Booklet.id,
                Booklet.programme_id,
                Beneficiary.birth_date,
                Beneficiary.postcode,
                Beneficiary.commune,
                Beneficiary.target_group,
                Beneficiary.diagnostic,
            )
            .select_from(Handout)
            .join(HandoutBooklet, HandoutBooklet.handout_id == Handout.id)
            .join(Booklet, Booklet.id == HandoutBooklet.booklet_id)
            .join(Beneficiary, Beneficiary.id == Handout.beneficiary_id)
            .where(
                Handout.cancelled_at.is_(None),
                Handout.created_at >= self.start,
                Handout.created_at < self.stop,
                Booklet.programme_id.in_(self.ids),
            )
        )

    def _served_before(self) -> set[int]:
        rows = self.session.execute(
            select(Handout.beneficiary_id)
            .distinct()
            .join(HandoutBooklet, HandoutBooklet.handout_id == Handout.id)
            .join(Booklet, Booklet.id == HandoutBooklet.booklet_id)
            .where(
                Handout.cancelled_at.is_(None),
                Handout.created_at < self.start,
                Booklet.programme_id.in_(self.ids),
            )
        )
        return set(rows.scalars())

    def _used_by_booklet(self) -> dict[int, int]:
        """Vouchers used, by booklet (the usage import, issue 11, sets USED)."""
        rows = self.session.execute(
            select(Voucher.booklet_id, func.count(Voucher.id))
            .where(Voucher.status == VoucherStatus.USED, Voucher.programme_id.in_(self.ids))
            .group_by(Voucher.booklet_id)
        )
        return dict(rows.all())

    def _agents(self) -> dict[int, str]:
        return dict(self.session.execute(select(Agent.id, Agent.display_name)).all())

    # --- putting it together ----------------------------------------------------------------

    def build(self) -> tuple[list[ProgrammeFigures], dict[str, object]]:
        """The programmes' figures and the people's (breakdowns, quotas, counts)."""
        if not self.ids:
            return [], self._people().figures({}, {}, {}, 0)
        received = self._received()
        stock_booklets, stock_vouchers = self._in_stock()
        events = self._events()
        voided_with = self._vouchers_with_booklet(EventKind.VOIDED, VoucherStatus.VOIDED)
        expired_with = self._vouchers_with_booklet(EventKind.EXPIRED, VoucherStatus.EXPIRED)
        used = self._used_by_booklet()

        people: dict[int, Person] = {}
        agents: dict[int, Tally] = defaultdict(Tally)
        months: dict[date, Tally] = defaultdict(Tally)
        handed: Counter[int] = Counter()
        started: Counter[int] = Counter()
        used_vouchers: Counter[int] = Counter()
        full: Counter[int] = Counter()
        handouts: set[int] = set()
        for (
            handout_id,
            created_at,
            agent_id,
            person_id,
            booklet_id,
            programme_id,
            birth,
            postcode,
            commune,
            group,
            needs,
        ) in self._live_lines():
            day = created_at.astimezone().date()
            person = people.get(person_id)
            if person is None:
                key = f"{postcode} {fold(commune)}".strip()
                label = " ".join(p for p in (postcode, commune) if p)
                person = people[person_id] = Person(
                    birth, key, label, group or NOT_GIVEN, tuple(needs or ()), day
                )
            elif day < person.first_day:
                person.first_day = day
            person.booklets[programme_id] += 1
            handouts.add(handout_id)
            handed[programme_id] += 1
            tally = agents[agent_id]
            tally.people.add(person_id)
            tally.booklets[programme_id] += 1
            tally = months[date(day.year, day.month, 1)]
            tally.people.add(person_id)
            tally.booklets[programme_id] += 1
            n_used = used.get(booklet_id, 0)
            if n_used:
                started[programme_id] += 1
                used_vouchers[programme_id] += n_used
                if n_used >= self.by_id[programme_id].vouchers_per_booklet:
                    full[programme_id] += 1

        figures = []
        for p in self.programmes:
            n, face = p.vouchers_per_booklet, p.face_value
            voided_booklets = events.get((EventKind.VOIDED.value, p.id, False), 0)
            voided_alone = events.get((EventKind.VOIDED.value, p.id, True), 0)
            expired_booklets = events.get((EventKind.EXPIRED.value, p.id, False), 0)
            expired_alone = events.get((EventKind.EXPIRED.value, p.id, True), 0)
            returned = events.get((EventKind.RETURNED.value, p.id, False), 0)
            figures.append(
                ProgrammeFigures(
                    code=p.code,
                    name=p.name,
                    face_value=face,
                    vouchers_per_booklet=n,
                    valid_from=p.valid_from,
                    valid_until=p.valid_until,
                    shares=tuple(FunderShareRow(s.funder.name, s.percent) for s in p.shares),
                    priority_groups=tuple(p.priority_groups or ()),
                    priority_quota=p.priority_quota,
                    received=Quantity.of(received.get(p.id, 0), received.get(p.id, 0) * n, face),
                    in_stock=Quantity.of(
                        stock_booklets.get(p.id, 0), stock_vouchers.get(p.id, 0), face
                    ),
                    handed_out=Quantity.of(handed[p.id], handed[p.id] * n, face),
                    returned=Quantity.of(returned, returned * n, face),
                    voided=Quantity.of(
                        voided_booklets, voided_with.get(p.id, 0) + voided_alone, face
                    ),
                    expired=Quantity.of(
                        expired_booklets, expired_with.get(p.id, 0) + expired_alone, face
                    ),
                    started=Quantity.of(started[p.id], used_vouchers[p.id], face),
                    fully_used=Quantity.of(full[p.id], full[p.id] * n, face),
                )
            )
        return figures, self._people().figures(people, agents, months, len(handouts))

    def _people(self) -> PeopleFigures:
        served_before = self._served_before() if self.ids else set()
        return PeopleFigures(self.programmes, self.query, self._agents(), served_before)
