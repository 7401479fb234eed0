"""Computing a report's figures in one read transaction: grouped queries, then one row per
person served for what depends on the person.

The SQL is portable (no date function, no SQLite-only syntax): a handout's month in the period
is found by comparing its moment with the months' first moments (CASE), counts are grouped in
SQL; a person's age and commune are worked out in Python from one row per person and
programme (about 90,000 for the national wave on one desk).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    case,
    cast,
    distinct,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from passdesk.models import (
    Agent,
    Beneficiary,
    Booklet,
    BookletStatus,
    ErasedPerson,
    EventKind,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    Programme,
    StockLot,
    Transfer,
    Voucher,
    VoucherStatus,
)
from passdesk.services.handout_reading import left_out_codes, short_handouts
from passdesk.services.report_figures import (
    NOT_GIVEN,
    ProgrammeFigures,
    Quantity,
    ReportQuery,
)
from passdesk.services.report_people import PeopleFigures, Person, Tally
from passdesk.services.report_scope import (
    DeskScope,
    check_period,
    local_midnight,
    months_between,
    programmes_in_scope,
)
from passdesk.services.rows import FunderShareRow
from passdesk.text import fold

# Handouts "since the beginning": a person served before the period is not new.
OLDEST = datetime(1970, 1, 1, tzinfo=UTC)


class FiguresBuilder:
    """Gathers one report's figures inside the caller's read transaction."""

    def __init__(self, session: Session, query: ReportQuery, today: date, scope: DeskScope) -> None:
        check_period(query.start, query.end)
        self.session = session
        self.query = query
        self.today = today
        self.scope = scope
        self.programmes = programmes_in_scope(session, query)
        self.ids = [p.id for p in self.programmes]
        self.by_id = {p.id: p for p in self.programmes}
        self.start = local_midnight(query.start)
        self.stop = local_midnight(date.fromordinal(query.end.toordinal() + 1))
        self._months = months_between(query.start, query.end)

    # --- SQL ------------------------------------------------------------------------------

    def _received(self) -> dict[int, int]:
        """Booklets of the lots the scope's desks received in the period (a lot's desk is its
        receiving agent's), plus those transferred to them, less those they transferred away
        (a transfer within the scope adds nothing)."""
        lots = (
            select(Booklet.programme_id, func.count(Booklet.id))
            .join(StockLot, StockLot.id == Booklet.lot_id)
            .where(
                Booklet.programme_id.in_(self.ids),
                StockLot.received_at >= self.start,
                StockLot.received_at < self.stop,
            )
            .group_by(Booklet.programme_id)
        )
        if self.scope.desk_ids is None:
            return dict(self.session.execute(lots).all())
        received: dict[int, int] = defaultdict(int)
        lots = lots.join(Agent, Agent.id == StockLot.received_by).where(
            *self.scope.only(Agent.desk_id)
        )
        for pid, n in self.session.execute(lots):
            received[pid] += n
        for desk, sign in ((Transfer.to_desk_id, 1), (Transfer.from_desk_id, -1)):
            moved = self.session.execute(
                select(Transfer.programme_id, func.sum(Transfer.count))
                .where(
                    Transfer.programme_id.in_(self.ids),
                    Transfer.at >= self.start,
                    Transfer.at < self.stop,
                    *self.scope.only(desk),
                )
                .group_by(Transfer.programme_id)
            )
            for pid, n in moved:
                received[pid] += sign * int(n or 0)
        return dict(received)

    def _in_stock(self) -> tuple[dict[int, int], dict[int, int]]:
        """Booklets in stock, and vouchers in stock (only booklets in stock hold any)."""
        booklets = self.session.execute(
            select(Booklet.programme_id, func.count(Booklet.id))
            .where(
                Booklet.programme_id.in_(self.ids),
                Booklet.status == BookletStatus.IN_STOCK,
                *self.scope.only(Booklet.desk_id),
            )
            .group_by(Booklet.programme_id)
        )
        vouchers = self.session.execute(
            select(Booklet.programme_id, func.count(Voucher.id))
            .join(Voucher, Voucher.booklet_id == Booklet.id)
            .where(
                Booklet.programme_id.in_(self.ids),
                Booklet.status == BookletStatus.IN_STOCK,
                Voucher.status == VoucherStatus.IN_STOCK,
                *self.scope.only(Booklet.desk_id),
            )
            .group_by(Booklet.programme_id)
        )
        return dict(booklets.all()), dict(vouchers.all())

    def _events(self) -> dict[tuple[str, int, bool], int]:
        """Journal events of the period: (kind, programme id, of one voucher) -> count. A desk's
        are those of the booklets it holds (a voided or expired booklet never moves again),
        and the booklets its own cancelled handouts gave back."""
        single = LedgerEvent.voucher_id.is_not(None)
        query = select(
            LedgerEvent.kind, Booklet.programme_id, single, func.count(LedgerEvent.id)
        ).join(Booklet, Booklet.id == LedgerEvent.booklet_id)
        if self.scope.desk_ids is not None:
            query = query.outerjoin(Handout, Handout.id == LedgerEvent.handout_id).where(
                case(
                    (LedgerEvent.kind == EventKind.RETURNED.value, Handout.desk_id),
                    else_=Booklet.desk_id,
                ).in_(self.scope.desk_ids)
            )
        rows = self.session.execute(
            query.where(
                LedgerEvent.kind.in_(
                    [EventKind.RETURNED.value, EventKind.VOIDED.value, EventKind.EXPIRED.value]
                ),
                LedgerEvent.at >= self.start,
                LedgerEvent.at < self.stop,
                Booklet.programme_id.in_(self.ids),
            ).group_by(LedgerEvent.kind, Booklet.programme_id, single)
        )
        return {(kind, pid, bool(one)): n for kind, pid, one, n in rows}

    def _vouchers_with_booklet(self) -> dict[tuple[str, int], int]:
        """Vouchers a whole-booklet event of the period voided or expired, by (kind, programme):
        the booklet's vouchers in that status, but those with an event of their own (a voucher
        voided alone earlier)."""
        kinds = {
            EventKind.VOIDED.value: VoucherStatus.VOIDED,
            EventKind.EXPIRED.value: VoucherStatus.EXPIRED,
        }
        alone = select(LedgerEvent.voucher_id).where(
            LedgerEvent.kind.in_(list(kinds)), LedgerEvent.voucher_id.is_not(None)
        )
        rows = self.session.execute(
            select(LedgerEvent.kind, Booklet.programme_id, Voucher.status, func.count(Voucher.id))
            .select_from(LedgerEvent)
            .join(Booklet, Booklet.id == LedgerEvent.booklet_id)
            .join(Voucher, Voucher.booklet_id == LedgerEvent.booklet_id)
            .where(
                LedgerEvent.kind.in_(list(kinds)),
                LedgerEvent.voucher_id.is_(None),
                LedgerEvent.at >= self.start,
                LedgerEvent.at < self.stop,
                Booklet.programme_id.in_(self.ids),
                Voucher.status.in_(list(kinds.values())),
                Voucher.id.not_in(alone),
                *self.scope.only(Booklet.desk_id),
            )
            .group_by(LedgerEvent.kind, Booklet.programme_id, Voucher.status)
        )
        return {(kind, pid): n for kind, pid, status, n in rows if kinds[kind] == status}

    def _live(self, *columns: Any, since: datetime | None = None) -> Select[Any]:
        """`columns` over the booklets of live handouts of the scope's programmes, handed out
        from `since` (the period's start) to the period's end."""
        return (
            select(*columns)
            .select_from(Handout)
            .join(HandoutBooklet, HandoutBooklet.handout_id == Handout.id)
            .join(Booklet, Booklet.id == HandoutBooklet.booklet_id)
            .where(
                Handout.cancelled_at.is_(None),
                Handout.created_at >= (since or self.start),
                Handout.created_at < self.stop,
                Booklet.programme_id.in_(self.ids),
                *self.scope.only(Handout.desk_id),
            )
        )

    def _month(self) -> ColumnElement[int]:
        """The index of a handout's month in the period (-1: before it), by comparisons only:
        portable SQL, whatever the desk's time zone."""
        starts = [self.start] + [local_midnight(m) for m in self._months[1:]]
        return case(
            *((Handout.created_at >= starts[i], i) for i in reversed(range(len(starts)))),
            else_=-1,
        ).label("month")

    def _people(self) -> tuple[dict[int, Person], dict[int, Tally], dict[date, Tally], int]:
        """The people served in the period (booklets by programme, profile), and the people
        and booklets by agent and by month, and the number of handouts: one grouped query.

        One row per person, agent and month, from every live handout up to the period's end
        (month -1: before the period, so the person is not new), the booklets counted by
        programme in the row."""
        month = self._month()
        by_programme = [
            func.sum(case((Booklet.programme_id == pid, 1), else_=0)).label(f"p{i}")
            for i, pid in enumerate(self.ids)
        ]
        # Grouped on numbers only (a narrow sort), the person's columns joined after.
        grouped = (
            self._live(
                Handout.beneficiary_id.label("person"),
                Handout.agent_id.label("agent"),
                month,
                func.count(distinct(Handout.id)).label("handouts"),
                func.min(Handout.created_at).label("first"),
                *by_programme,
                since=OLDEST,
            )
            .group_by(Handout.beneficiary_id, Handout.agent_id, "month")
            .subquery()
        )
        rows = self.session.execute(
            select(
                grouped.c.person,
                grouped.c.agent,
                grouped.c.month,
                grouped.c.handouts,
                grouped.c.first,
                Beneficiary.birth_date,
                # An erased person is counted by what was kept for these figures.
                func.coalesce(ErasedPerson.postcode, Beneficiary.postcode),
                func.coalesce(ErasedPerson.commune, Beneficiary.commune),
                func.coalesce(ErasedPerson.target_group, Beneficiary.target_group),
                func.coalesce(cast(ErasedPerson.needs, Text), cast(Beneficiary.diagnostic, Text)),
                *(grouped.c[f"p{i}"] for i in range(len(self.ids))),
                ErasedPerson.age_bands,
                Beneficiary.desk_id,
            )
            .join(Beneficiary, Beneficiary.id == grouped.c.person)
            .outerjoin(ErasedPerson, ErasedPerson.beneficiary_id == grouped.c.person)
        )
        people: dict[int, Person] = {}
        agents: dict[int, Tally] = defaultdict(Tally)
        months: dict[date, Tally] = defaultdict(Tally)
        agent_people: dict[int, set[int]] = defaultdict(set)
        month_people: dict[int, set[int]] = defaultdict(set)
        self.served_before: set[int] = set()
        # A desk's new people are those it registered (and served for the first time).
        self.registered_elsewhere: set[int] = set()
        ours = self.scope.desk_ids
        communes: dict[tuple[str, str], tuple[str, str]] = {}
        needs_of: dict[str | None, tuple[str, ...]] = {}
        handouts = 0
        for row in rows:
            person_id, agent_id, index, count, first, birth, postcode, commune, group, needs = row[
                :10
            ]
            if index < 0:
                self.served_before.add(person_id)
                continue
            if ours is not None and row[-1] not in ours:
                self.registered_elsewhere.add(person_id)
            handouts += count
            day = first.astimezone().date()
            person = people.get(person_id)
            if person is None:
                if (postcode, commune) not in communes:
                    communes[(postcode, commune)] = (
                        f"{postcode} {fold(commune)}".strip(),
                        " ".join(p for p in (postcode, commune) if p),
                    )
                if needs not in needs_of:
                    needs_of[needs] = tuple(json.loads(needs)) if needs else ()
                key, label = communes[(postcode, commune)]
                person = people[person_id] = Person(
                    birth, key, label, group or NOT_GIVEN, needs_of[needs], day, bands=row[-2]
                )
            elif day < person.first_day:
                person.first_day = day
            agent_people[agent_id].add(person_id)
            month_people[index].add(person_id)
            agent, month_tally = agents[agent_id], months[self._months[index]]
            for programme_id, n in zip(self.ids, row[10:-2], strict=True):
                if n:
                    for booklets in (person.booklets, agent.booklets, month_tally.booklets):
                        booklets[programme_id] = booklets.get(programme_id, 0) + n
        for agent_id, ids in agent_people.items():
            agents[agent_id].people = len(ids)
        for index, ids in month_people.items():
            months[self._months[index]].people = len(ids)
        return people, agents, months, handouts

    def _short(self) -> tuple[list[tuple[int, int, int, int, int, int]], dict[int, int]]:
        """The booklets of the scope that left without some vouchers (voided before), read in
        one pass over the journal: those of the period's live handouts, as (vouchers left out,
        programme, person, agent, month index, vouchers used); and by programme, the vouchers
        left out of the booklets returned in the period (a booklet comes back with what it was
        given)."""
        used = (
            select(func.count(Voucher.id))
            .where(Voucher.booklet_id == Booklet.id, Voucher.status == VoucherStatus.USED)
            .correlate(Booklet)
            .scalar_subquery()
        )
        live = and_(
            Handout.cancelled_at.is_(None),
            Handout.created_at >= self.start,
            Handout.created_at < self.stop,
        )
        returned = aliased(LedgerEvent)
        came_back = exists().where(
            returned.kind == EventKind.RETURNED.value,
            returned.handout_id == LedgerEvent.handout_id,
            returned.booklet_id == LedgerEvent.booklet_id,
            returned.at >= self.start,
            returned.at < self.stop,
        )
        rows = self.session.execute(
            short_handouts(
                Booklet.programme_id,
                Handout.beneficiary_id,
                Handout.agent_id,
                self._month(),
                used,
                case((live, 1), else_=0),
                case((came_back, 1), else_=0),
            )
            # The event's programme, not the booklet's (the same): the journal is read in one
            # pass, not booklet by booklet through the index.
            .where(
                LedgerEvent.programme_id.in_(self.ids),
                or_(live, came_back),
                *self.scope.only(Handout.desk_id),
            )
        )
        given: list[tuple[int, int, int, int, int, int]] = []
        back: dict[int, int] = defaultdict(int)
        for details, programme_id, person, agent, month, n_used, is_live, is_back in rows:
            k = len(left_out_codes(details))
            if is_live:
                given.append((k, programme_id, person, agent, month, n_used))
            if is_back:
                back[programme_id] += k
        return given, back

    def _usage(self) -> dict[int, tuple[int, int, int]]:
        """By programme, among the booklets handed out in the period: those with a voucher
        used, the vouchers used, and those whose every voucher was used (issue 11's usage
        import sets USED); a booklet given short is counted by `build` from `_short`."""
        used = (
            select(Voucher.booklet_id.label("booklet_id"), func.count(Voucher.id).label("n"))
            .where(Voucher.status == VoucherStatus.USED, Voucher.programme_id.in_(self.ids))
            .group_by(Voucher.booklet_id)
            .subquery()
        )
        rows = self.session.execute(
            self._live(
                Booklet.programme_id,
                func.count(used.c.booklet_id),
                func.sum(used.c.n),
                func.sum(case((used.c.n >= Programme.vouchers_per_booklet, 1), else_=0)),
            )
            .join(used, used.c.booklet_id == Booklet.id)
            .join(Programme, Programme.id == Booklet.programme_id)
            .group_by(Booklet.programme_id)
        )
        return {
            pid: (started, int(vouchers or 0), int(full or 0))
            for pid, started, vouchers, full in rows
        }

    def _agents(self) -> dict[int, str]:
        return dict(self.session.execute(select(Agent.id, Agent.display_name)).all())

    # --- putting it together ----------------------------------------------------------------

    def build(self) -> tuple[list[ProgrammeFigures], dict[str, object]]:
        """The programmes' figures and the people's (breakdowns, quotas, counts)."""
        people_figures = PeopleFigures(self.programmes, self.query, self._agents())
        if not self.ids:
            return [], {
                "people_served": 0,
                "new_people": 0,
                "handouts": 0,
                **people_figures.figures({}, {}, {}),
            }
        received = self._received()
        stock_booklets, stock_vouchers = self._in_stock()
        events = self._events()
        with_booklet = self._vouchers_with_booklet()
        usage = self._usage()
        people, agents, months, handouts = self._people()
        handed: dict[int, int] = defaultdict(int)
        for person in people.values():
            for programme_id, n in person.booklets.items():
                handed[programme_id] += n
        # Booklets given short: their vouchers left out, everywhere vouchers are counted; such
        # a booklet is fully used when every voucher it gave was.
        left_out: dict[int, int] = defaultdict(int)
        full_short: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # booklets, vouchers
        n_of = {p.id: p.vouchers_per_booklet for p in self.programmes}
        short, returned_short = self._short()
        for k, programme_id, person_id, agent_id, index, used in short:
            left_out[programme_id] += k
            for tally in (people[person_id], agents[agent_id], months[self._months[index]]):
                tally.left_out[programme_id] = tally.left_out.get(programme_id, 0) + k
            if used >= n_of[programme_id] - k:
                full_short[programme_id][0] += 1
                full_short[programme_id][1] += n_of[programme_id] - k

        figures = []
        for p in self.programmes:
            n, face = p.vouchers_per_booklet, p.face_value

            def event(kind: EventKind, alone: bool, pid: int = p.id) -> int:
                return events.get((kind.value, pid, alone), 0)

            voided, expired = event(EventKind.VOIDED, False), event(EventKind.EXPIRED, False)
            returned = event(EventKind.RETURNED, False)
            started, used_vouchers, full = usage.get(p.id, (0, 0, 0))
            short_full, short_full_vouchers = full_short[p.id]
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
                    handed_out=Quantity.of(handed[p.id], handed[p.id] * n - left_out[p.id], face),
                    returned=Quantity.of(returned, returned * n - returned_short[p.id], face),
                    voided=Quantity.of(
                        voided,
                        with_booklet.get((EventKind.VOIDED.value, p.id), 0)
                        + event(EventKind.VOIDED, True),
                        face,
                    ),
                    expired=Quantity.of(
                        expired,
                        with_booklet.get((EventKind.EXPIRED.value, p.id), 0)
                        + event(EventKind.EXPIRED, True),
                        face,
                    ),
                    started=Quantity.of(started, used_vouchers, face),
                    fully_used=Quantity.of(full + short_full, full * n + short_full_vouchers, face),
                )
            )
        return figures, {
            "people_served": len(people),
            "new_people": len(set(people) - self.served_before - self.registered_elsewhere),
            "handouts": handouts,
            **people_figures.figures(people, agents, months),
        }
