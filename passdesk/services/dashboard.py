"""The dashboard on the serve page: handouts per week, each programme's stock and the day it
runs out at the current pace, the priority-quota gauge, and the usage rate, all of the acting
agent's desk (a database may hold several).

Made for refreshing often, off the window's thread: every figure is one grouped query (SQLite
works without holding Python's lock), and what comes back is a few dozen numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from passdesk.models import (
    Beneficiary,
    Booklet,
    BookletStatus,
    ErasedPerson,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    Programme,
    UsageImport,
)
from passdesk.roles import Action
from passdesk.services.base import Service, require
from passdesk.services.followup import usage_counts
from passdesk.services.handout_reading import left_out_codes, short_handouts
from passdesk.services.report_figures import QuotaLine
from passdesk.services.report_scope import DeskScope, desk_scope, local_midnight
from passdesk.services.rows import Actor

WEEKS = 12
PACE_DAYS = 28  # the current pace: booklets handed out over the last four weeks


@dataclass(frozen=True)
class WeekCount:
    monday: date
    booklets: int


@dataclass(frozen=True)
class StockOutlook:
    """A programme's booklets in stock, its pace, and the day the stock runs out at that pace
    (None: nothing handed out lately)."""

    code: str
    name: str
    in_stock: int
    per_week: Decimal
    runs_out_on: date | None
    valid_until: date


@dataclass(frozen=True)
class Dashboard:
    today: date
    weeks: tuple[WeekCount, ...]
    stock: tuple[StockOutlook, ...]
    quotas: tuple[QuotaLine, ...]  # since each programme began, programmes with priority groups
    # Percent of the vouchers handed out that were used; None until a usage file is imported,
    # and the dashboard says why.
    usage_rate: Decimal | None = None


def runs_out_on(today: date, in_stock: int, handed_recently: int) -> date | None:
    """The day the stock is gone if the last PACE_DAYS' handouts go on at the same pace."""
    if not handed_recently:
        return None
    return today + timedelta(days=math.ceil(in_stock * PACE_DAYS / handed_recently))


class DashboardService(Service):
    def dashboard(self, actor: Actor) -> Dashboard:
        require(actor, Action.VIEW_REPORTS)
        today = self._today()
        with self._db.read() as session:
            scope = desk_scope(session, actor, None)
            programmes = list(
                session.scalars(
                    select(Programme).where(Programme.valid_until >= today).order_by(Programme.code)
                )
            )
            return Dashboard(
                today=today,
                weeks=self._weeks(session, today, scope),
                stock=self._stock(session, programmes, today, scope),
                quotas=self._quotas(session, [p for p in programmes if p.priority_groups], scope),
                usage_rate=self._usage_rate(session, scope),
            )

    @staticmethod
    def _usage_rate(session: Session, scope: DeskScope) -> Decimal | None:
        """Percent of the vouchers handed out that were used; None before any usage import
        (a rate of 0 % would read as "nobody used anything")."""
        if session.scalar(select(func.count()).select_from(UsageImport)) == 0:
            return None
        handed, used = usage_counts(
            session, desk_id=None if scope.desk_ids is None else scope.desk.id
        )
        if not handed:
            return None
        return (Decimal(100) * used / handed).quantize(Decimal("0.1"))

    def _weeks(self, session: Session, today: date, scope: DeskScope) -> tuple[WeekCount, ...]:
        monday = today - timedelta(days=today.weekday())
        mondays = [monday - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]
        starts = [local_midnight(m) for m in mondays]
        # One scan, each handout put in its week by comparisons only (portable SQL).
        week = case(
            *((Handout.created_at >= starts[i], i) for i in reversed(range(1, WEEKS))),
            else_=0,
        )
        counts = dict(
            session.execute(
                select(week, func.count(HandoutBooklet.booklet_id))
                .select_from(Handout)
                .join(HandoutBooklet, HandoutBooklet.handout_id == Handout.id)
                .where(
                    Handout.cancelled_at.is_(None),
                    Handout.created_at >= starts[0],
                    *scope.only(Handout.desk_id),
                )
                .group_by(week)
            ).all()
        )
        return tuple(WeekCount(m, counts.get(i, 0)) for i, m in enumerate(mondays))

    def _stock(
        self, session: Session, programmes: list[Programme], today: date, scope: DeskScope
    ) -> tuple[StockOutlook, ...]:
        ids = [p.id for p in programmes]
        in_stock = dict(
            session.execute(
                select(Booklet.programme_id, func.count(Booklet.id))
                .where(
                    Booklet.programme_id.in_(ids),
                    Booklet.status == BookletStatus.IN_STOCK,
                    *scope.only(Booklet.desk_id),
                )
                .group_by(Booklet.programme_id)
            ).all()
        )
        since = self._now() - timedelta(days=PACE_DAYS)
        recent = dict(
            session.execute(
                select(Booklet.programme_id, func.count(Booklet.id))
                .select_from(Handout)
                .join(HandoutBooklet, HandoutBooklet.handout_id == Handout.id)
                .join(Booklet, Booklet.id == HandoutBooklet.booklet_id)
                .where(
                    Handout.cancelled_at.is_(None),
                    Handout.created_at >= since,
                    Booklet.programme_id.in_(ids),
                    *scope.only(Handout.desk_id),
                )
                .group_by(Booklet.programme_id)
            ).all()
        )
        return tuple(
            StockOutlook(
                p.code,
                p.name,
                in_stock.get(p.id, 0),
                (Decimal(recent.get(p.id, 0)) * 7 / PACE_DAYS).quantize(Decimal("0.1")),
                runs_out_on(today, in_stock.get(p.id, 0), recent.get(p.id, 0)),
                p.valid_until,
            )
            for p in programmes
        )

    def _quotas(
        self, session: Session, programmes: list[Programme], scope: DeskScope
    ) -> tuple[QuotaLine, ...]:
        # An erased person's group, as kept for the figures.
        group = func.coalesce(ErasedPerson.target_group, Beneficiary.target_group)
        rows = session.execute(
            select(Booklet.programme_id, group, func.count(Booklet.id))
            .select_from(Handout)
            .join(HandoutBooklet, HandoutBooklet.handout_id == Handout.id)
            .join(Booklet, Booklet.id == HandoutBooklet.booklet_id)
            .join(Beneficiary, Beneficiary.id == Handout.beneficiary_id)
            .outerjoin(ErasedPerson, ErasedPerson.beneficiary_id == Handout.beneficiary_id)
            .where(
                Handout.cancelled_at.is_(None),
                Booklet.programme_id.in_([p.id for p in programmes]),
                *scope.only(Handout.desk_id),
            )
            .group_by(Booklet.programme_id, group)
        ).all()
        # Booklets given short (vouchers voided before they left): the vouchers given.
        left_out: dict[tuple[int, str | None], int] = defaultdict(int)
        for details, pid, person_group in session.execute(
            short_handouts(Booklet.programme_id, group)
            .join(Beneficiary, Beneficiary.id == Handout.beneficiary_id)
            .outerjoin(ErasedPerson, ErasedPerson.beneficiary_id == Handout.beneficiary_id)
            .where(
                Handout.cancelled_at.is_(None),
                # The event's programme: the journal read in one pass, not booklet by booklet.
                LedgerEvent.programme_id.in_([p.id for p in programmes]),
                *scope.only(Handout.desk_id),
            )
        ):
            left_out[(pid, person_group)] += len(left_out_codes(details))
        lines = []
        for p in programmes:
            n = p.vouchers_per_booklet
            vouchers = {
                group: booklets * n - left_out[(p.id, group)]
                for pid, group, booklets in rows
                if pid == p.id
            }
            priority = sum(v for group, v in vouchers.items() if group in p.priority_groups)
            lines.append(
                QuotaLine(
                    p.code,
                    tuple(p.priority_groups),
                    p.priority_quota,
                    sum(vouchers.values()),
                    priority,
                    0,
                    0,
                )
            )
        return tuple(lines)
