"""Every figure of a report, on the hand-built desk of tests/unit/report_desk.py: the expected
values below are worked out from its story by hand (the docstring there), not read back from the
service. Period: 1 February to 30 April 2026, in Paris time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from passdesk import codes
from passdesk.errors import Forbidden, InvalidInput, NotFound
from passdesk.models import Booklet, HandoutBooklet
from passdesk.services import Services
from passdesk.services.report_figures import (
    Quantity,
    QuotaLine,
    ReportFigures,
    ReportQuery,
    age_band,
    age_on,
    split_by_shares,
)
from tests.unit import report_fixtures
from tests.unit.report_desk import AGENT_LOGIN, SUPERVISOR_LOGIN

report_desk = report_fixtures.report_desk
report_path = report_fixtures.report_path
reports = report_fixtures.reports
period = report_fixtures.period

E = Decimal


def q(booklets: int, vouchers: int, value: str) -> Quantity:
    return Quantity(booklets, vouchers, E(value))


def compute(services: Services, query: ReportQuery) -> ReportFigures:
    return services.reports.compute(services.accounts.actor("admin"), query)


def rows(figures: ReportFigures, dimension: str) -> list[tuple[str, int, int, int, Decimal]]:
    b = figures.breakdown(dimension)
    return [(r.key, r.people, r.booklets, r.vouchers, r.value) for r in b.rows]


def test_booklets_and_vouchers_of_each_programme(reports: Services, period: ReportQuery) -> None:
    figures = compute(reports, period)
    by_code = {p.code: p for p in figures.programmes}
    assert list(by_code) == ["CD69", "MGP19"]
    a, b = by_code["MGP19"], by_code["CD69"]
    # MGP19: lot 36-55 in February; 29 booklets handed out (P1-P28, P21's second); 32 back
    # the same day with the 9 vouchers it left with; 45, 47 (and 9 + 1 vouchers), P20's 22,
    # P28's cancelled 33 voided, plus voucher 1 of 46 and voucher 2 of 32 alone; 7 (3 used)
    # and 8 (10 used) started.
    assert a.received == q(20, 200, "2000.00")
    assert a.in_stock == q(19, 188, "1880.00")  # 31, 32, 36-55 but 36, 45, 47; 32, 46 lack one
    assert a.handed_out == q(29, 290, "2900.00")
    assert a.returned == q(1, 9, "90.00")
    assert a.voided == q(4, 42, "420.00")
    assert a.expired == q(0, 0, "0.00")
    assert a.started == q(2, 13, "130.00")
    assert a.fully_used == q(1, 10, "100.00")
    # CD69: 20 received in March, 1-9 handed out, 20 expired, 1 (5 used) and 2 (1 used).
    assert b.received == q(20, 100, "1250.00")
    assert b.in_stock == q(10, 50, "625.00")
    assert b.handed_out == q(9, 45, "562.50")
    assert (b.returned, b.voided) == (q(0, 0, "0"), q(0, 0, "0"))
    assert b.expired == q(1, 5, "62.50")
    assert b.started == q(2, 6, "75.00")
    assert b.fully_used == q(1, 5, "62.50")
    assert figures.total("handed_out") == q(38, 335, "3462.50")
    assert figures.today == date(2026, 6, 1)


def test_people_served_new_people_and_handouts(reports: Services, period: ReportQuery) -> None:
    figures = compute(reports, period)
    # P1-P28; P1 had a booklet in January, so 27 are new; P21 came twice: 29 handouts.
    assert (figures.people_served, figures.new_people, figures.handouts) == (28, 27, 29)


def test_the_period_is_the_desks_calendar_days(reports: Services) -> None:
    # 23:30 on 31 January (P30) is January, 00:15 on 1 May (P2) is May, in Paris time.
    january = compute(reports, ReportQuery(date(2026, 1, 1), date(2026, 1, 31)))
    may = compute(reports, ReportQuery(date(2026, 5, 1), date(2026, 5, 31)))
    assert (january.people_served, january.new_people, january.handouts) == (2, 2, 2)
    assert january.total("handed_out") == q(2, 20, "200.00")
    assert january.total("received") == q(35, 350, "3500.00")
    assert january.total("voided") == q(1, 10, "100.00")  # MGP19 35, damaged
    assert (may.people_served, may.new_people) == (1, 0)  # P2, served in February
    # P2's MGP19 34 left without its voided voucher 1: 9 vouchers, 90 EUR, all 9 used.
    assert may.total("handed_out") == q(1, 9, "90.00")
    assert may.total("fully_used") == q(1, 9, "90.00")
    assert may.total("started") == q(1, 9, "90.00")
    one_day = compute(reports, ReportQuery(date(2026, 2, 1), date(2026, 2, 1)))
    assert one_day.people_served == 1  # P3, at 00:30


def test_a_booklet_given_short_counts_the_vouchers_on_its_receipt(reports: Services) -> None:
    """A booklet handed out without its voided vouchers: the report's vouchers and money are
    the receipt's, everywhere it counts them (totals, breakdowns, quota, fully used)."""
    with reports.db.read() as session:
        handout_id = session.scalar(
            select(HandoutBooklet.handout_id)
            .join(Booklet, Booklet.id == HandoutBooklet.booklet_id)
            .where(Booklet.code == codes.booklet_code("MGP19", 34))
        )
    (line,) = reports.handouts.get(handout_id).booklets
    assert (line.voucher_count, line.value) == (9, E("90.00"))
    assert line.excluded == (codes.voucher_code("MGP19", 331),)
    may = compute(reports, ReportQuery(date(2026, 5, 1), date(2026, 5, 31)))
    for dimension in ("target_group", "age_band", "commune", "need", "agent", "month"):
        total = may.breakdown(dimension).total
        assert (total.booklets, total.vouchers, total.value) == (1, 9, E("90.00")), dimension
    (quota,) = [line for line in may.quotas if line.programme == "MGP19"]
    assert (quota.vouchers, quota.priority_vouchers) == (9, 9)


def test_breakdown_by_target_group(reports: Services, period: ReportQuery) -> None:
    figures = compute(reports, period)
    assert rows(figures, "target_group") == [
        ("young_no_qualification", 8, 8, 80, E("800.00")),
        ("jobseeker_no_diploma", 3, 3, 30, E("300.00")),
        ("senior", 9, 18, 135, E("1462.50")),
        ("other", 6, 7, 70, E("700.00")),
        ("", 2, 2, 20, E("200.00")),
    ]
    b = figures.breakdown("target_group")
    assert [r.priority for r in b.rows] == [True, True, False, False, False]
    assert (b.total.people, b.total.booklets, b.total.value) == (28, 38, E("3462.50"))
    assert b.margins == (("young_no_qualification", "jobseeker_no_diploma"),)


def test_breakdown_by_age_on_the_first_handout(reports: Services, period: ReportQuery) -> None:
    # P3 is 26 on the day (26-44), P4 the day after (under 26), P9 45 on the day, P12 65 on
    # the day and P13 the day after (45-64).
    assert rows(compute(reports, period), "age_band") == [
        ("under_26", 5, 5, 50, E("500.00")),
        ("26_44", 8, 9, 90, E("900.00")),
        ("45_64", 6, 7, 65, E("662.50")),
        ("65_plus", 9, 17, 130, E("1400.00")),
        ("unknown", 0, 0, 0, E("0.00")),
    ]


def test_breakdown_by_commune(reports: Services, period: ReportQuery) -> None:
    figures = compute(reports, period)
    assert rows(figures, "commune") == [
        ("69100 villeurbanne", 10, 10, 100, E("1000.00")),  # P5 typed it in lower case
        ("69500 bron", 10, 19, 145, E("1562.50")),
        ("69120 vaulxenvelin", 4, 5, 50, E("500.00")),
        ("69003 lyon", 1, 1, 10, E("100.00")),
        ("", 3, 3, 30, E("300.00")),
    ]
    labels = [r.label for r in figures.breakdown("commune").rows]
    assert labels == [
        "69100 Villeurbanne",
        "69500 Bron",
        "69120 Vaulx-en-Velin",
        "69003 Lyon",
        "Non renseigné",
    ]


def test_breakdown_by_need(reports: Services, period: ReportQuery) -> None:
    figures = compute(reports, period)
    assert rows(figures, "need") == [
        ("admin_procedures", 12, 13, 125, E("1262.50")),
        ("everyday_tools", 9, 18, 135, E("1462.50")),
        ("job_search", 3, 3, 30, E("300.00")),
        ("equipment", 0, 0, 0, E("0.00")),
        ("security", 1, 2, 20, E("200.00")),
        ("", 7, 7, 70, E("700.00")),
    ]
    assert figures.breakdown("need").additive is False


def test_breakdown_by_agent_and_month(reports: Services, period: ReportQuery) -> None:
    figures = compute(reports, period)
    agents = figures.breakdown("agent").rows
    assert [(r.label, r.people, r.booklets, r.vouchers, r.value) for r in agents] == [
        ("admin", 2, 2, 20, E("200.00")),  # the administrator, named by its login
        ("Claire Martin", 10, 19, 145, E("1562.50")),
        ("Yanis Benali", 16, 17, 170, E("1700.00")),
    ]
    assert rows(figures, "month") == [
        ("2026-02", 10, 10, 100, E("1000.00")),
        ("2026-03", 10, 19, 145, E("1562.50")),
        ("2026-04", 8, 9, 90, E("900.00")),
    ]
    assert [r.label for r in figures.breakdown("month").rows] == [
        "février 2026",
        "mars 2026",
        "avril 2026",
    ]


def test_priority_share_against_the_quota(reports: Services, period: ReportQuery) -> None:
    quotas = {line.programme: line for line in compute(reports, period).quotas}
    mgp = quotas["MGP19"]
    # 8 young + 3 job seekers of 28 people; 110 of the 290 vouchers: 37.93 %, under 50 %.
    assert (mgp.people, mgp.priority_people, mgp.vouchers, mgp.priority_vouchers) == (
        28,
        11,
        290,
        110,
    )
    assert (mgp.quota, mgp.share, mgp.met) == (E("50.00"), E("37.9"), False)
    cd = quotas["CD69"]
    assert (cd.priority_groups, cd.quota, cd.share, cd.met) == ((), None, None, None)
    assert (cd.people, cd.vouchers) == (9, 45)


def test_the_quota_is_decided_on_exact_figures() -> None:
    line = QuotaLine("X", ("young_no_qualification",), E("50"), 10000, 4996, 100, 50)
    assert (line.share, line.met) == (E("50.0"), False)  # 49.96 % is shown 50.0 %, not met
    assert QuotaLine("X", ("a",), E("50"), 10, 5, 2, 1).met is True
    assert QuotaLine("X", ("a",), E("33.33"), 3, 1, 3, 1).met is True  # 33.333... >= 33.33
    assert QuotaLine("X", ("a",), E("50"), 0, 0, 0, 0).met is None


def test_funder_shares_to_the_cent_add_up(reports: Services, period: ReportQuery) -> None:
    lines = compute(reports, period).funders
    got = {(f.funder, f.programme): (f.received, f.handed_out, f.used) for f in lines}
    assert got == {
        ("Département du Rhône", "CD69"): (E("416.63"), E("187.48"), E("25.00")),
        ("CAF du Rhône", "CD69"): (E("416.62"), E("187.48"), E("25.00")),
        ("Ville de Bron", "CD69"): (E("416.75"), E("187.54"), E("25.00")),
        ("État", "MGP19"): (E("900.00"), E("1305.00"), E("58.50")),
        ("Métropole de Lyon", "MGP19"): (E("1100.00"), E("1595.00"), E("71.50")),
    }
    cd = [v for (_f, code), v in got.items() if code == "CD69"]
    assert [sum(x) for x in zip(*cd, strict=True)] == [E("1250.00"), E("562.50"), E("75.00")]


def test_one_funder_sees_its_programmes_and_its_share(reports: Services) -> None:
    figures = compute(
        reports, ReportQuery(date(2026, 2, 1), date(2026, 4, 30), funder="caf du rhone")
    )
    assert [p.code for p in figures.programmes] == ["CD69"]
    assert [(f.funder, f.handed_out) for f in figures.funders] == [("CAF du Rhône", E("187.48"))]
    assert (figures.people_served, figures.new_people, figures.handouts) == (9, 9, 9)
    assert figures.total("handed_out") == q(9, 45, "562.50")


def test_one_programme(reports: Services) -> None:
    figures = compute(reports, ReportQuery(date(2026, 2, 1), date(2026, 4, 30), programme="mgp19"))
    assert [p.code for p in figures.programmes] == ["MGP19"]
    assert (figures.people_served, figures.handouts) == (28, 29)
    assert rows(figures, "target_group")[2] == ("senior", 9, 9, 90, E("900.00"))


@pytest.mark.parametrize(
    ("query", "error", "field"),
    [
        (ReportQuery(date(2026, 2, 1), date(2026, 1, 31)), InvalidInput, "end"),
        (ReportQuery(date(2026, 2, 1), date(2026, 4, 30), programme="XX99"), NotFound, "programme"),
        (ReportQuery(date(2026, 2, 1), date(2026, 4, 30), funder="Nobody"), NotFound, "funder"),
        (
            ReportQuery(
                date(2026, 2, 1), date(2026, 4, 30), programme="MGP19", funder="CAF du Rhône"
            ),
            InvalidInput,
            "funder",
        ),
    ],
)
def test_a_report_that_cannot_be_made_says_why(
    reports: Services, query: ReportQuery, error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as caught:
        compute(reports, query)
    assert caught.value.field == field  # type: ignore[attr-defined]


def test_roles(reports: Services, period: ReportQuery, tmp_path: Path) -> None:
    agent = reports.accounts.actor(AGENT_LOGIN)
    supervisor = reports.accounts.actor(SUPERVISOR_LOGIN)
    assert reports.reports.compute(agent, period).people_served == 28  # every agent sees them
    with pytest.raises(Forbidden):
        reports.reports.write(agent, period, "pdf", tmp_path / "r.pdf")
    with pytest.raises(Forbidden):
        reports.pseudonymised.write(supervisor, period, tmp_path / "p.csv")
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.csv"))


# --- the rules --------------------------------------------------------------------------------


def test_age_on_a_birthday_and_on_29_february() -> None:
    assert age_on(date(2000, 2, 1), date(2026, 2, 1)) == 26
    assert age_on(date(2000, 2, 2), date(2026, 2, 1)) == 25
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
    assert [
        age_band(date(2026 - a, 1, 1), date(2026, 6, 1)) for a in (0, 25, 26, 44, 45, 64, 65, 99)
    ] == [
        "under_26",
        "under_26",
        "26_44",
        "26_44",
        "45_64",
        "45_64",
        "65_plus",
        "65_plus",
    ]
    assert age_band(None, date(2026, 6, 1)) == "unknown"


def test_split_by_shares_known_cases() -> None:
    thirds = [E("33.33"), E("33.33"), E("33.34")]
    assert split_by_shares(E("1250.00"), thirds) == [E("416.63"), E("416.62"), E("416.75")]
    assert split_by_shares(E("0.01"), [E(50), E(50)]) == [E("0.01"), E("0.00")]  # ties: first
    assert split_by_shares(E("0.00"), [E(45), E(55)]) == [E("0.00"), E("0.00")]


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=10**9),
    weights=st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=6),
)
def test_split_by_shares_adds_up_and_stays_within_a_cent(cents: int, weights: list[int]) -> None:
    # Percentages of two decimals adding up to exactly 100.
    total = sum(weights)
    percents = [E(w * 10_000 // total) / 100 for w in weights]
    percents[0] += E(100) - sum(percents)
    amount = E(cents) / 100
    split = split_by_shares(amount, percents)
    assert sum(split) == amount
    for share, percent in zip(split, percents, strict=True):
        assert abs(share - amount * percent / 100) < E("0.01")
        assert share == share.quantize(E("0.01"))
