"""Computing a report's figures in one read transaction: a few grouped queries, then one pass
over the period's handed-out booklets in Python.

The SQL is portable (no date function, no SQLite-only syntax): counts are grouped in SQL,
while calendar months and ages, which depend on the desk's time zone and each person's birth
date, are worked out in Python from one row per booklet handed out in the period (about
100,000 rows for the national wave on one desk).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from passdesk.errors import InvalidInput, NotFound
from passdesk.formatting import format_month
from passdesk.i18n import _
from passdesk.models import (
    Agent,
    Beneficiary,
    Booklet,
    BookletStatus,
    EventKind,
    Funder,
    FunderShare,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    Programme,
    StockLot,
    Voucher,
    VoucherStatus,
)
from passdesk.services.beneficiaries import DIAGNOSTIC_NEEDS
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.report_figures import (
    AGE_BANDS,
    AGE_UNKNOWN,
    NOT_GIVEN,
    Breakdown,
    BreakdownRow,
    FunderLine,
    ProgrammeFigures,
    Quantity,
    QuotaLine,
    ReportQuery,
    age_band,
    split_by_shares,
)
from passdesk.services.rows import FunderShareRow
from passdesk.text import fold


def local_midnight(day: date) -> datetime:
    """The UTC moment the desk's calendar day `day` begins (the computer's time zone)."""
    return datetime(day.year, day.month, day.day).astimezone().astimezone(UTC)


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s to `end`'s."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(_("The end of the period comes before its start."), field="end")


def programmes_in_scope(session: Session, query: ReportQuery) -> list[Programme]:
    """The programmes the report covers: one, or all, narrowed to those the funder pays for."""
    programmes = list(
        session.scalars(
            select(Programme)
            .options(selectinload(Programme.shares).selectinload(FunderShare.funder))
            .order_by(Programme.code)
        )
    )
    if query.programme:
        code = query.programme.strip().upper()
        programmes = [p for p in programmes if p.code == code]
        if not programmes:
            raise NotFound(
                _("No programme with the code {code}.").format(code=query.programme),
                field="programme",
            )
    if query.funder:
        name = find_funder(session, query.funder).name
        funded = [p for p in programmes if any(s.funder.name == name for s in p.shares)]
        if query.programme and not funded:
            raise InvalidInput(
                _("{funder} does not fund the programme {code}.").format(
                    funder=name, code=programmes[0].code
                ),
                field="funder",
            )
        programmes = funded
    return programmes


def find_funder(session: Session, name: str) -> Funder:
    """A funder by its name, case and accents as typed or not."""
    wanted = fold(name)
    for funder in session.scalars(select(Funder).order_by(Funder.id)):
        if fold(funder.name) == wanted:
            return funder
    raise NotFound(_("No funder called {name}.").format(name=name), field="funder")


@dataclass
class _Person:
    birth: date | None
    commune_key: str
    commune_label: str
    group: str
    needs: tuple[str, ...]
    first_day: date
    booklets: Counter[int] = field(default_factory=Counter)  # programme id -> booklets


@dataclass
class _Tally:
    """People and booklets (by programme) of one category."""

    people: set[int] = field(default_factory=set)
    booklets: Counter[int] = field(default_factory=Counter)


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
            return [], self._people({}, {}, {}, 0)
        received = self._received()
        stock_booklets, stock_vouchers = self._in_stock()
        events = self._events()
        voided_with = self._vouchers_with_booklet(EventKind.VOIDED, VoucherStatus.VOIDED)
        expired_with = self._vouchers_with_booklet(EventKind.EXPIRED, VoucherStatus.EXPIRED)
        used = self._used_by_booklet()

        people: dict[int, _Person] = {}
        agents: dict[int, _Tally] = defaultdict(_Tally)
        months: dict[date, _Tally] = defaultdict(_Tally)
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
                person = people[person_id] = _Person(
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
        return figures, self._people(people, agents, months, len(handouts))

    # --- people ---------------------------------------------------------------------------

    def _quantity(self, booklets: Counter[int]) -> Quantity:
        total = Quantity()
        for programme_id, count in booklets.items():
            p = self.by_id[programme_id]
            total += Quantity.of(count, count * p.vouchers_per_booklet, p.face_value)
        return total

    def _row(
        self, key: str, label: str, people: Iterable[int], booklets: Counter[int], **extra: bool
    ) -> BreakdownRow:
        q = self._quantity(booklets)
        return BreakdownRow(key, label, len(set(people)), q.booklets, q.vouchers, q.value, **extra)

    def _by_attribute(
        self,
        people: dict[int, _Person],
        categories: Sequence[tuple[str, str]],
        of: object,
        *,
        multiple: bool = False,
        priority: frozenset[str] = frozenset(),
        keep_empty: bool = True,
    ) -> list[BreakdownRow]:
        """Rows of people by a profile attribute: `categories` (key, label) in print order,
        then any key met that is not among them, labelled by itself."""
        members: dict[str, list[int]] = defaultdict(list)
        labels = dict(categories)
        for person_id, person in people.items():
            keys = of(person)  # type: ignore[operator]
            for key in (keys if multiple else (keys,)) or (NOT_GIVEN,):
                members[key].append(person_id)
                if key not in labels:
                    labels[key] = _(TARGET_GROUPS[key]) if key in TARGET_GROUPS else key
        order = [k for k, _l in categories] + sorted(k for k in labels if k not in dict(categories))
        rows = []
        for key in order:
            ids = members.get(key, [])
            if not ids and not keep_empty:
                continue
            booklets: Counter[int] = Counter()
            for person_id in ids:
                booklets.update(people[person_id].booklets)
            rows.append(self._row(key, labels[key], ids, booklets, priority=key in priority))
        return rows

    def _people(
        self,
        people: dict[int, _Person],
        agents: dict[int, _Tally],
        months: dict[date, _Tally],
        handout_count: int,
    ) -> dict[str, object]:
        before = self._served_before() if self.ids else set()
        everyone: Counter[int] = Counter()
        for person in people.values():
            everyone.update(person.booklets)
        total = self._row("", _("Total"), people, everyone)
        priority = frozenset(g for p in self.programmes for g in (p.priority_groups or ()))
        declared = {g for p in self.programmes for g in (p.target_groups or ())}
        groups = [
            (k, _(label)) for k, label in TARGET_GROUPS.items() if not declared or k in declared
        ]
        not_given = (NOT_GIVEN, _("Not given"))
        end = self.query.end
        breakdowns = [
            Breakdown(
                "target_group",
                tuple(
                    self._by_attribute(
                        people, [*groups, not_given], lambda p: p.group, priority=priority
                    )
                ),
                total,
                additive=True,
                margins=tuple(
                    tuple(p.priority_groups) for p in self.programmes if p.priority_groups
                ),
            ),
            Breakdown(
                "age_band",
                tuple(
                    self._by_attribute(
                        people,
                        [(k, _(label)) for k, label, _l, _h in AGE_BANDS]
                        + [(AGE_UNKNOWN, _("Birth date not given"))],
                        lambda p: age_band(p.birth, p.first_day),
                    )
                ),
                total,
                additive=True,
            ),
            Breakdown("commune", self._communes(people), total, additive=True),
            Breakdown(
                "need",
                tuple(
                    self._by_attribute(
                        people,
                        [(k, _(label)) for k, label in DIAGNOSTIC_NEEDS.items()]
                        + [(NOT_GIVEN, _("No need recorded"))],
                        lambda p: p.needs,
                        multiple=True,
                    )
                ),
                total,
                additive=False,  # a person may have several needs
            ),
            Breakdown("agent", self._agents_rows(agents), total, additive=False),
            Breakdown(
                "month",
                tuple(
                    self._row(
                        m.isoformat()[:7],
                        format_month(m),
                        months[m].people if m in months else (),
                        months[m].booklets if m in months else Counter(),
                    )
                    for m in months_between(self.query.start, end)
                ),
                total,
                additive=False,  # a person served in two months is in both
            ),
        ]
        return {
            "people_served": len(people),
            "new_people": len(set(people) - before),
            "handouts": handout_count,
            "breakdowns": tuple(breakdowns),
            "quotas": tuple(self._quotas(people)),
        }

    def _communes(self, people: dict[int, _Person]) -> tuple[BreakdownRow, ...]:
        members: dict[str, list[int]] = defaultdict(list)
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for person_id, person in people.items():
            key = person.commune_key or NOT_GIVEN
            members[key].append(person_id)
            spellings[key][person.commune_label or _("Not given")] += 1
        # A commune typed two ways ("Villeurbanne", "villeurbanne") is one row, named as most
        # people's file writes it.
        labels = {
            key: min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
            for key, counter in spellings.items()
        }
        rows = []
        for key, ids in members.items():
            booklets: Counter[int] = Counter()
            for person_id in ids:
                booklets.update(people[person_id].booklets)
            rows.append(self._row(key, labels[key], ids, booklets))
        # The most served first; "not given" last; then by name, for a stable order.
        rows.sort(key=lambda r: (r.key == NOT_GIVEN, -r.people, r.label.casefold(), r.key))
        return tuple(rows)

    def _agents_rows(self, agents: dict[int, _Tally]) -> tuple[BreakdownRow, ...]:
        names = self._agents()
        rows = [
            self._row(str(agent_id), names.get(agent_id, str(agent_id)), t.people, t.booklets)
            for agent_id, t in agents.items()
        ]
        return tuple(sorted(rows, key=lambda r: (r.label.casefold(), r.key)))

    def _quotas(self, people: dict[int, _Person]) -> list[QuotaLine]:
        lines = []
        for p in self.programmes:
            groups = set(p.priority_groups or ())
            vouchers = priority_vouchers = served = priority_served = 0
            for person in people.values():
                count = person.booklets.get(p.id, 0)
                if not count:
                    continue
                served += 1
                vouchers += count * p.vouchers_per_booklet
                if person.group in groups:
                    priority_served += 1
                    priority_vouchers += count * p.vouchers_per_booklet
            lines.append(
                QuotaLine(
                    p.code,
                    tuple(p.priority_groups or ()),
                    p.priority_quota,
                    vouchers,
                    priority_vouchers,
                    served,
                    priority_served,
                )
            )
        return lines


def funder_lines(programmes: Sequence[ProgrammeFigures], funder: str | None) -> list[FunderLine]:
    """Each funder's share of each programme's values (all funders split, then the one asked)."""
    lines = []
    for p in programmes:
        percents = [s.percent for s in p.shares]
        split = [
            split_by_shares(amount, percents)
            for amount in (p.received.value, p.handed_out.value, p.started.value)
        ]
        for i, share in enumerate(p.shares):
            if funder is not None and share.funder != funder:
                continue
            lines.append(
                FunderLine(
                    share.funder, p.code, share.percent, split[0][i], split[1][i], split[2][i]
                )
            )
    return lines


def funder_name(session: Session, query: ReportQuery) -> str | None:
    return find_funder(session, query.funder).name if query.funder else None
