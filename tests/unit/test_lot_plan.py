"""Lot planning, the one home of the lot rule: what the receive dialog shows before the agent
confirms, and what `StockService.receive` refuses, are the same problems."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from passdesk import codes
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.services import Services
from passdesk.services.lots import MAX_LOT, MAX_LOT_VOUCHERS
from passdesk.services.rows import Actor, LotRow, ProgrammeRow

if TYPE_CHECKING:
    from conftest import RawDb


def test_a_free_run_of_booklets_is_planned_with_its_counts_and_codes(
    services: Services, programme: ProgrammeRow, raw: RawDb
) -> None:
    before = raw.dump()
    plan = services.stock.plan_lot(programme.code.lower(), 101, 50)
    assert plan.ok and plan.problems == ()
    assert (plan.programme_code, plan.first_booklet, plan.last_booklet) == (
        programme.code,
        101,
        150,
    )
    assert plan.count == 50
    assert plan.vouchers == 50 * programme.vouchers_per_booklet
    assert plan.programme_name == programme.name
    assert plan.first_code == codes.booklet_code(programme.code, 101)
    assert plan.last_code == codes.booklet_code(programme.code, 150)
    assert raw.dump() == before  # planning writes nothing


@pytest.mark.parametrize(
    ("first", "count", "field"),
    [
        (1, 0, "count"),
        (1, MAX_LOT + 1, "count"),
        (0, 5, "first_booklet"),
        (1, MAX_LOT_VOUCHERS // 10 + 1, "count"),  # 10 vouchers a booklet: too many vouchers
    ],
)
def test_counts_and_numbers_out_of_bounds_are_problems_of_their_field(
    services: Services, programme: ProgrammeRow, first: int, count: int, field: str
) -> None:
    plan = services.stock.plan_lot(programme.code, first, count)
    assert not plan.ok
    assert [p.field for p in plan.problems] == [field]
    assert plan.problems[0].refusal is InvalidInput
    assert "Traceback" not in plan.problems[0].message


def test_numbers_past_the_programmes_last_code_are_refused(
    services: Services, programme: ProgrammeRow
) -> None:
    last = codes.max_booklet_number(programme.code, programme.vouchers_per_booklet)
    assert services.stock.plan_lot(programme.code, last, 1).ok
    plan = services.stock.plan_lot(programme.code, last, 2)
    assert plan.problem_of("count") is not None
    assert str(last + 1) in plan.problems[0].message


def test_an_unknown_programme_is_not_found(services: Services, programme: ProgrammeRow) -> None:
    plan = services.stock.plan_lot("ZZ99", 1, 5)
    assert [(p.field, p.refusal) for p in plan.problems] == [("programme", NotFound)]
    assert "ZZ99" in plan.problems[0].message


@pytest.mark.parametrize(("first", "count"), [(1, 12), (5, 1), (12, 3), (1, 30)])
def test_booklets_already_in_the_register_clash(
    services: Services, lot: LotRow, first: int, count: int
) -> None:
    plan = services.stock.plan_lot(lot.programme_code, first, count)
    assert [(p.field, p.refusal) for p in plan.problems] == [(None, Refused)]
    clash = codes.booklet_code(lot.programme_code, max(first, lot.first_booklet))
    assert clash in plan.problems[0].message


def test_the_next_run_after_a_lot_is_free(services: Services, lot: LotRow) -> None:
    assert services.stock.plan_lot(lot.programme_code, lot.last_booklet + 1, 3).ok


@pytest.mark.parametrize(
    ("first", "count"), [(1, 0), (0, 5), (1, MAX_LOT_VOUCHERS // 10 + 1), (5, 3)]
)
def test_receive_refuses_with_the_plans_first_problem_and_writes_nothing(
    services: Services, admin: Actor, lot: LotRow, raw: RawDb, first: int, count: int
) -> None:
    plan = services.stock.plan_lot(lot.programme_code, first, count)
    before = raw.dump()
    with pytest.raises(plan.problems[0].refusal) as caught:
        services.stock.receive(
            admin, programme_code=lot.programme_code, first_booklet=first, count=count
        )
    assert caught.value.message == plan.problems[0].message
    assert caught.value.field == plan.problems[0].field
    assert raw.dump() == before


# --- from the two scanned covers ----------------------------------------------------------


def test_first_and_last_covers_make_the_lot_between_them(
    services: Services, programme: ProgrammeRow
) -> None:
    first, last = codes.booklet_code(programme.code, 101), codes.booklet_code(programme.code, 150)
    plan = services.stock.plan_lot_between(first, last)
    assert plan.ok
    assert (plan.first_booklet, plan.count, plan.first_code, plan.last_code) == (
        101,
        50,
        first,
        last,
    )
    single = services.stock.plan_lot_between(first, first)
    assert single.ok and single.count == 1


def test_a_voucher_code_or_a_typo_is_a_problem_of_its_field(
    services: Services, programme: ProgrammeRow
) -> None:
    first = codes.booklet_code(programme.code, 1)
    voucher = services.stock.plan_lot_between(first, codes.voucher_code(programme.code, 40))
    assert [p.field for p in voucher.problems] == ["last_booklet"]
    assert "couverture" in voucher.problems[0].message
    typo = services.stock.plan_lot_between(first.replace("C000001", "C000009"), first)
    assert [p.field for p in typo.problems] == ["first_booklet"]
    assert "clé de contrôle" in typo.problems[0].message


def test_a_lot_holds_one_programme_in_ascending_order(
    services: Services, programme: ProgrammeRow, other_programme: ProgrammeRow
) -> None:
    first = codes.booklet_code(programme.code, 150)
    other = services.stock.plan_lot_between(first, codes.booklet_code(other_programme.code, 160))
    assert [p.field for p in other.problems] == ["last_booklet"]
    assert "une seule opération" in other.problems[0].message
    reversed_ = services.stock.plan_lot_between(first, codes.booklet_code(programme.code, 101))
    assert [p.field for p in reversed_.problems] == ["last_booklet"]
    assert "avant le premier" in reversed_.problems[0].message


def test_the_first_cover_alone_says_whether_its_programme_exists(
    services: Services, programme: ProgrammeRow
) -> None:
    known = services.stock.plan_lot_between(codes.booklet_code(programme.code, 1), "")
    assert [p.field for p in known.problems] == ["last_booklet"]  # only: give the last one
    unknown = services.stock.plan_lot_between(codes.booklet_code("ZZ99", 1), "")
    assert [p.field for p in unknown.problems] == ["programme", "last_booklet"]
