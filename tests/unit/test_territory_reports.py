"""Reports of a territory's desks sharing one database (issue 13): each desk's report counts its
own activity (the lots it received and the booklets transferred to it, its stock, its handouts
and their people), the coordination's administrators also see another desk's or the whole
territory's, and nobody else does.

The story: the fixtures' desk (A, Villeurbanne) receives MGP19 1-12 and gives 7-12 to VAULX (B).
A hands out 1 and 2 to two people it registered and voids 3; B hands out 7, 8 and 9 to three
people it registered, cancels the handout of 9 the same day (back in stock) and voids 12.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from passdesk import codes
from passdesk.documents.report_record import Hidden
from passdesk.errors import Forbidden
from passdesk.models import (
    Booklet,
    Desk,
    DeskKind,
    EventKind,
    Programme,
    Transfer,
    Voucher,
    VoucherStatus,
)
from passdesk.services import Services, ledger
from passdesk.services.report_figures import TERRITORY, ReportQuery
from passdesk.services.reports import report_job
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from tests.desks import PROGRAMME_CODE, MovableClock, person_input
from tests.territory import SECOND_CODE, SECOND_NAME, hand_over, second_desk

YEAR = ReportQuery(date(2026, 1, 1), date(2026, 12, 31))
FIRST_NAME = "Mairie de Villeurbanne"  # the fixtures' desk (tests/desks.py)


def give(
    services: Services, clock: MovableClock, giver: Actor, first: int, count: int, to: Actor
) -> None:
    """`hand_over`, and the transfer's row and events while `hand_over` moves the booklets by
    SQL alone (before the transfers service exists; once it does, it wrote them itself)."""
    hand_over(services, PROGRAMME_CODE, first, count, to)

    def work(session: Any) -> None:
        if session.scalar(select(func.count(Transfer.id))):
            return
        programme = session.scalar(select(Programme.id).where(Programme.code == PROGRAMME_CODE))
        at = clock()
        details = {"from": giver.desk_id, "to": to.desk_id, "first": first, "count": count}
        out = ledger.append(
            session,
            at=at,
            agent_id=giver.id,
            kind=EventKind.TRANSFERRED_OUT,
            programme_id=programme,
            details=details,
        )
        came = ledger.append(
            session,
            at=at,
            agent_id=giver.id,
            kind=EventKind.TRANSFERRED_IN,
            programme_id=programme,
            details=details,
        )
        session.flush()
        session.add(
            Transfer(
                at=at,
                agent_id=giver.id,
                programme_id=programme,
                from_desk_id=giver.desk_id,
                to_desk_id=to.desk_id,
                first_booklet=first,
                last_booklet=first + count - 1,
                count=count,
                out_event_id=out.id,
                in_event_id=came.id,
            )
        )

    services.db.transaction(work)


def serve(services: Services, agent: Actor, number: int, name: str) -> BeneficiaryRow:
    services.act_as(agent)
    person = services.beneficiaries.register(
        agent, person_input(last_name=name, postcode="69120", commune="Vaulx-en-Velin")
    )
    services.handouts.hand_out(
        agent, person.id, codes_=[codes.booklet_code(PROGRAMME_CODE, number)]
    )
    return person


def make_coordination(services: Services, desk_id: int) -> None:
    services.db.transaction(
        lambda session: session.execute(
            update(Desk).where(Desk.id == desk_id).values(kind=DeskKind.COORDINATION)
        )
    )


@pytest.fixture
def territory(
    services: Services,
    clock: MovableClock,
    admin: Actor,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
) -> dict[str, Actor]:
    vadmin, vagent = second_desk(services, clock())
    give(services, clock, admin, 7, 6, vadmin)
    serve(services, agent, 1, "Arnaud")
    serve(services, agent, 2, "Bernard")
    services.act_as(admin)
    services.stock.void(admin, codes.booklet_code(PROGRAMME_CODE, 3), "damaged")
    serve(services, vagent, 7, "Chevalier")
    serve(services, vagent, 8, "Dubois")
    services.act_as(vadmin)
    nine = serve(services, vagent, 9, "Etienne")
    handout = services.handouts.for_beneficiary(nine.id)[0]
    services.handouts.cancel(vadmin, handout.id, "erreur de saisie", returned=True)
    services.stock.void(vadmin, codes.booklet_code(PROGRAMME_CODE, 12), "damaged")
    return {"admin": admin, "agent": agent, "vadmin": vadmin, "vagent": vagent}


def stock_figures(figures: Any) -> dict[str, int]:
    return {
        name: figures.total(name).booklets
        for name in ("received", "in_stock", "handed_out", "returned", "voided")
    }


def test_each_desk_counts_its_own_activity(services: Services, territory: dict[str, Actor]) -> None:
    services.act_as(territory["admin"])
    mine = services.reports.compute(territory["admin"], YEAR)
    # 12 received, 6 given to VAULX; 4 in stock (4-6), 3 voided, 1 and 2 handed out.
    assert stock_figures(mine) == {
        "received": 6,
        "in_stock": 3,
        "handed_out": 2,
        "returned": 0,
        "voided": 1,
    }
    assert (mine.people_served, mine.new_people, mine.handouts) == (2, 2, 2)
    assert mine.desk == FIRST_NAME
    agents = {row.label for row in mine.breakdown("agent").rows}
    assert agents == {"Yanis Benali"}


def test_the_receiving_desk_counts_what_it_was_given(
    services: Services, territory: dict[str, Actor]
) -> None:
    # The process still works for the first desk: the agent's own desk is reported.
    services.act_as(territory["admin"])
    theirs = services.reports.compute(territory["vagent"], YEAR)
    # 7-12 given; 7 and 8 handed out, 9 back in stock, 12 voided: 10, 11 and 9 in stock.
    assert stock_figures(theirs) == {
        "received": 6,
        "in_stock": 3,
        "handed_out": 2,
        "returned": 1,
        "voided": 1,
    }
    assert (theirs.people_served, theirs.new_people, theirs.handouts) == (2, 2, 2)
    assert theirs.desk == SECOND_NAME
    assert {row.label for row in theirs.breakdown("agent").rows} == {"Vagent"}


def test_the_territory_adds_up_the_desks(services: Services, territory: dict[str, Actor]) -> None:
    admin = territory["admin"]
    make_coordination(services, admin.desk_id)
    desks = [
        services.reports.compute(admin, YEAR),
        services.reports.compute(admin, ReportQuery(YEAR.start, YEAR.end, desk=SECOND_CODE)),
    ]
    whole = services.reports.compute(admin, ReportQuery(YEAR.start, YEAR.end, desk=TERRITORY))
    assert stock_figures(whole) == {
        key: sum(stock_figures(d)[key] for d in desks) for key in stock_figures(whole)
    }
    assert stock_figures(whole)["received"] == 12  # the transfer moved nothing in or out
    assert (whole.people_served, whole.new_people, whole.handouts) == (4, 4, 4)
    assert desks[1].desk == SECOND_NAME
    assert whole.desk == f"{FIRST_NAME} : l'ensemble du territoire"
    record = services.reports.record(admin, ReportQuery(YEAR.start, YEAR.end, desk=TERRITORY))
    assert record.desk.name == FIRST_NAME
    assert "L'ensemble du territoire : l'activité de tous les guichets, additionnée." in (
        record.scope
    )


def test_small_cells_stay_hidden_per_desk_and_for_the_territory(
    services: Services, territory: dict[str, Actor]
) -> None:
    admin = territory["admin"]
    make_coordination(services, admin.desk_id)

    def people_served(query: ReportQuery) -> Any:
        summary = services.reports.record(admin, query).summary
        return next(row[1] for row in summary.rows if row[0] == "Personnes servies")

    # Two people at each desk, four in the territory: fewer than five everywhere.
    for desk in (None, SECOND_CODE, TERRITORY):
        cell = people_served(ReportQuery(YEAR.start, YEAR.end, desk=desk))
        assert cell == Hidden("< 5"), desk


@pytest.mark.parametrize("who", ["vadmin", "agent"])
def test_only_the_coordination_administrators_see_beyond_their_desk(
    services: Services, territory: dict[str, Actor], who: str
) -> None:
    """VAULX's administrator (not the coordination's) and an agent of the coordination."""
    make_coordination(services, territory["admin"].desk_id)
    actor = territory[who]
    for desk in (TERRITORY, SECOND_CODE if who == "agent" else "VILLEURBA"):
        with pytest.raises(Forbidden, match="administrateur de la coordination"):
            services.reports.compute(actor, ReportQuery(YEAR.start, YEAR.end, desk=desk))
    assert services.reports.desk_choices(actor) == ()


def test_not_a_coordination_no_territory(services: Services, territory: dict[str, Actor]) -> None:
    with pytest.raises(Forbidden):
        services.reports.compute(
            territory["admin"], ReportQuery(YEAR.start, YEAR.end, desk=TERRITORY)
        )
    assert services.reports.desk_choices(territory["admin"]) == ()


def test_the_coordination_chooses_among_every_desk(
    services: Services, territory: dict[str, Actor]
) -> None:
    make_coordination(services, territory["admin"].desk_id)
    choices = services.reports.desk_choices(territory["admin"])
    assert [d.name for d in choices] == [FIRST_NAME, SECOND_NAME]


def test_a_job_process_reports_the_agents_desk(
    services: Services, territory: dict[str, Actor], db_url: str
) -> None:
    """The window computes in a child process that opens the database anew, without the
    process's desk: the report is still the agent's desk's, and heads with its name."""
    services.act_as(territory["admin"])
    record = report_job(db_url, territory["vadmin"], YEAR, None, None)
    assert record.desk.name == SECOND_NAME
    handed = next(r for r in record.summary.rows if r[0] == "Carnets remis")
    assert handed[1] == 2


def test_the_dashboard_shows_the_acting_desk(
    services: Services, territory: dict[str, Actor]
) -> None:
    services.act_as(territory["admin"])
    mine = services.dashboard.dashboard(territory["admin"])
    theirs = services.dashboard.dashboard(territory["vagent"])
    assert sum(w.booklets for w in mine.weeks) == 2
    assert sum(w.booklets for w in theirs.weeks) == 2
    assert [s.in_stock for s in mine.stock] == [3]
    assert [s.in_stock for s in theirs.stock] == [3]
    assert [q.vouchers for q in mine.quotas] == [q.vouchers for q in theirs.quotas]


def test_the_console_asks_for_a_desk_or_the_whole_territory() -> None:
    from argparse import Namespace

    from passdesk.cli.reports import _query

    def query(desk: str | None) -> ReportQuery:
        args = Namespace(
            start="2026-01-01", end="2026-12-31", programme=None, funder=None, scope_desk=desk
        )
        return _query(args)

    assert query(None).desk is None
    assert query("all").desk == TERRITORY
    assert query("ALL").desk == TERRITORY
    assert query("VAULX").desk == "VAULX"


def test_the_pseudonymised_export_holds_the_desks_handouts(
    services: Services, territory: dict[str, Actor], tmp_path: Path
) -> None:
    admin, vadmin = territory["admin"], territory["vadmin"]
    query = ReportQuery(YEAR.start, YEAR.end, funder="État")
    mine = services.pseudonymised.write(admin, query, tmp_path / "a.csv")
    theirs = services.pseudonymised.write(vadmin, query, tmp_path / "b.csv")
    assert (mine, theirs) == (2, 2)
    assert SECOND_NAME in (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
    with pytest.raises(Forbidden):
        services.pseudonymised.write(
            vadmin, ReportQuery(YEAR.start, YEAR.end, funder="État", desk=TERRITORY), tmp_path / "c"
        )
    assert not (tmp_path / "c").exists()
    make_coordination(services, admin.desk_id)
    whole = services.pseudonymised.write(
        admin, ReportQuery(YEAR.start, YEAR.end, funder="État", desk=TERRITORY), tmp_path / "t"
    )
    assert whole == 4


def test_usage_rates_count_the_process_desks_handouts(
    services: Services, territory: dict[str, Actor]
) -> None:
    """Every voucher of VAULX's booklet 7 used: VAULX's rate is 10 of 20, the first desk's 0
    of 20; the comparison by desk shows both."""

    def work(session: Any) -> None:
        session.execute(
            update(Voucher)
            .where(
                Voucher.booklet_id
                == select(Booklet.id)
                .where(Booklet.code == codes.booklet_code(PROGRAMME_CODE, 7))
                .scalar_subquery()
            )
            .values(status=VoucherStatus.USED)
        )

    services.db.transaction(work)
    services.act_as(territory["admin"])
    rate = services.followup.usage_rate()
    assert (rate.handed_out, rate.used) == (20, 0)
    assert [(r.key, r.used) for r in services.followup.usage_rates("agent")] == [
        ("yanis.benali", 0)
    ]
    services.act_as(territory["vagent"])
    rate = services.followup.usage_rate()
    assert (rate.handed_out, rate.used) == (20, 10)
    assert [(r.key, r.used) for r in services.followup.usage_rates("agent")] == [("vagent", 10)]
    by_desk = {r.label: (r.handed_out, r.used) for r in services.followup.usage_rates("desk")}
    assert by_desk == {FIRST_NAME: (20, 0), SECOND_NAME: (20, 10)}
