"""The dashboard's figures on the hand-built desk (tests/unit/report_desk.py), worked out by
hand: handouts per week, stock and the day it runs out at the current pace, the quota gauge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from passdesk.services import Services, open_services
from passdesk.services.dashboard import runs_out_on
from tests.desks import MovableClock
from tests.unit import report_fixtures
from tests.unit.report_desk import paris

report_desk = report_fixtures.report_desk
report_path = report_fixtures.report_path
reports = report_fixtures.reports


def test_handouts_per_week_for_twelve_weeks(reports: Services) -> None:
    board = reports.dashboard.dashboard(reports.accounts.actor("yanis.benali"))
    assert board.today == date(2026, 6, 1)  # a Monday
    assert [w.monday for w in board.weeks][:2] == [date(2026, 3, 16), date(2026, 3, 23)]
    assert board.weeks[-1].monday == date(2026, 6, 1)
    # P21-P25 from 1 to 5 April, P26 on the 6th, P21 again on the 15th, P27 on the 21st, P28
    # at 23:30 on the 30th and P2 at 00:15 on 1 May (the same week); cancelled ones left out.
    assert [w.booklets for w in board.weeks] == [0, 0, 5, 1, 1, 1, 2, 0, 0, 0, 0, 0]


def test_stock_and_the_day_it_runs_out(reports: Services, report_path: Path) -> None:
    on_2_may = open_services(report_path, clock=MovableClock(paris(5, 2, 12)))
    try:
        board = on_2_may.dashboard.dashboard(on_2_may.accounts.actor("admin"))
    finally:
        on_2_may.close()
    stock = {s.code: s for s in board.stock}
    # MGP19: 19 in stock; 6 booklets in the 28 days from 4 April noon (P25 on the 5th, P26,
    # P21's second, P27, P28, P2): 19 x 28 / 6 = 88.7, so 89 days after 2 May.
    mgp = stock["MGP19"]
    assert (mgp.in_stock, mgp.per_week, mgp.runs_out_on) == (19, Decimal("1.5"), date(2026, 7, 30))
    cd = stock["CD69"]
    assert (cd.in_stock, cd.per_week, cd.runs_out_on) == (10, Decimal("0.0"), None)


def test_the_quota_gauge_counts_since_the_programme_began(reports: Services) -> None:
    board = reports.dashboard.dashboard(reports.accounts.actor("admin"))
    assert [q.programme for q in board.quotas] == ["MGP19"]  # CD69 has no priority group
    gauge = board.quotas[0]
    # 32 MGP19 booklets in live handouts, 14 to young people and job seekers (P1 and P30 in
    # January, 11 in the period, P2 in May, whose booklet left with 9 vouchers): 139 of 319.
    assert (gauge.vouchers, gauge.priority_vouchers) == (319, 139)
    assert (gauge.share, gauge.quota, gauge.met) == (Decimal("43.6"), Decimal("50.00"), False)
    assert board.usage_rate is None  # until usage files are imported (issue 11)


def test_runs_out_on() -> None:
    assert runs_out_on(date(2026, 1, 1), 10, 0) is None
    assert runs_out_on(date(2026, 1, 1), 28, 28) == date(2026, 1, 29)
    assert runs_out_on(date(2026, 1, 1), 0, 5) == date(2026, 1, 1)
