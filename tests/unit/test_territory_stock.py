"""Two desks in one database, the stock side (issue 13): each desk hands out, voids and prints
only the booklets it holds, and a refusal names the holding desk, never the person; "next
booklet", the stock's figures, lists, closing, receipts and lookups are the acting desk's.

The fixtures' desk holds booklets 1-6 of the lot, desk VAULX (tests/territory.py) 7-12.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from passdesk import codes
from passdesk.documents.regie_records import EXIT
from passdesk.errors import NotFound, Refused
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.integrity import check_database
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from tests.desks import START
from tests.territory import SECOND_CODE, SECOND_NAME, hand_over, second_desk

if TYPE_CHECKING:
    from conftest import RawDb

VAULX_FIRST, VAULX_COUNT = 7, 6


@pytest.fixture
def vaulx(services: Services, programme: ProgrammeRow, lot: LotRow) -> tuple[Actor, Actor]:
    """Desk VAULX's administrator and agent; VAULX holds booklets 7-12 of the lot."""
    vadmin, vagent = second_desk(services, START)
    hand_over(services, programme.code, VAULX_FIRST, VAULX_COUNT, vadmin)
    return vadmin, vagent


@pytest.fixture
def vaulx_person(services: Services, vaulx: tuple[Actor, Actor]) -> BeneficiaryRow:
    return services.beneficiaries.register(
        vaulx[1], BeneficiaryInput("Diallo", "Awa", "1979-05-03")
    )


def _code(programme: ProgrammeRow, number: int) -> str:
    return codes.booklet_code(programme.code, number)


def _first_desk(services: Services, actor: Actor) -> tuple[str, str]:
    desk = services.desks.get(actor.desk_id)
    return desk.name, desk.code


def _unchanged(raw: RawDb) -> tuple[object, ...]:
    """What a refused operation must leave as it was."""
    return (
        raw.query("SELECT id, status, desk_id, print_count FROM booklet ORDER BY id"),
        raw.query("SELECT id, cancelled_at FROM handout ORDER BY id"),
        raw.query("SELECT desk_id, year, last_number FROM receipt_counter ORDER BY desk_id"),
        raw.scalar("SELECT count(*) FROM ledger_event"),
        raw.scalar("SELECT count(*) FROM print_record"),
    )


def test_another_desks_booklet_is_not_handed_out_and_the_refusal_names_its_holder(
    services: Services,
    raw: RawDb,
    agent: Actor,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    vaulx_person: BeneficiaryRow,
) -> None:
    _vadmin, vagent = vaulx
    name, code = _first_desk(services, agent)
    before = _unchanged(raw)
    services.act_as(vagent)
    with pytest.raises(Refused) as checked:
        services.handouts.check(vaulx_person.id, _code(programme, 1))
    with pytest.raises(Refused) as refused:
        services.handouts.hand_out(vagent, vaulx_person.id, codes_=[_code(programme, 1)])
    for error in (checked.value, refused.value):
        assert name in error.message and code in error.message
        assert vaulx_person.last_name not in error.message
    assert _unchanged(raw) == before
    # Its own booklet, scanned the same way, goes.
    row = services.handouts.hand_out(vagent, vaulx_person.id, codes_=[_code(programme, 7)])
    assert [b.booklet_code for b in row.booklets] == [_code(programme, 7)]


def test_a_refused_handout_of_a_booklet_handed_out_elsewhere_names_the_desk_not_the_person(
    services: Services,
    raw: RawDb,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    vaulx_person: BeneficiaryRow,
) -> None:
    services.handouts.hand_out(agent, person.id, codes_=[_code(programme, 2)])
    _vadmin, vagent = vaulx
    before = _unchanged(raw)
    services.act_as(vagent)
    with pytest.raises(Refused) as refused:
        services.handouts.hand_out(vagent, vaulx_person.id, codes_=[_code(programme, 2)])
    assert _first_desk(services, agent)[0] in refused.value.message
    assert person.last_name not in refused.value.message
    assert _unchanged(raw) == before


def test_next_booklet_is_the_desks_own(
    services: Services,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    vaulx_person: BeneficiaryRow,
) -> None:
    _vadmin, vagent = vaulx
    services.act_as(vagent)
    assert services.handouts.next_booklet(programme.code).number == VAULX_FIRST
    row = services.handouts.hand_out(vagent, vaulx_person.id, next_programme=programme.code)
    assert row.booklets[0].booklet_code == _code(programme, VAULX_FIRST)
    services.act_as(agent)
    assert services.handouts.next_booklet(programme.code).number == 1
    row = services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    assert row.booklets[0].booklet_code == _code(programme, 1)


def test_next_booklet_when_the_desk_holds_none_does_not_take_another_desks(
    services: Services,
    raw: RawDb,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
) -> None:
    hand_over(services, programme.code, 1, VAULX_FIRST - 1, vaulx[0])  # VAULX holds all now
    services.act_as(agent)
    assert services.handouts.next_booklet(programme.code) is None
    before = _unchanged(raw)
    with pytest.raises(Refused):
        services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    assert _unchanged(raw) == before


def test_receipt_series_start_at_one_at_each_desk_and_each_finds_its_own(
    services: Services,
    raw: RawDb,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    vaulx_person: BeneficiaryRow,
) -> None:
    _vadmin, vagent = vaulx
    services.act_as(agent)
    ours = services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    services.act_as(vagent)
    theirs = services.handouts.hand_out(vagent, vaulx_person.id, next_programme=programme.code)
    assert ours.receipt_number == theirs.receipt_number == f"{START.year}-000001"
    assert services.receipts.find(theirs.receipt_number) == theirs.id
    assert services.receipts.build_receipt(theirs.id).beneficiary_name == "Awa Diallo"
    services.act_as(agent)
    assert services.receipts.find(ours.receipt_number) == ours.id
    # The other desk's receipt, with its person, is not printed here.
    before = _unchanged(raw)
    with pytest.raises(Refused) as refused:
        services.receipts.build_receipt(theirs.id)
    assert SECOND_NAME in refused.value.message and SECOND_CODE in refused.value.message
    assert "Diallo" not in refused.value.message
    with pytest.raises(NotFound):
        services.receipts.find(f"{START.year}-000002")
    assert _unchanged(raw) == before


def test_a_handout_is_cancelled_only_by_its_desk_and_returns_to_its_stock(
    services: Services,
    raw: RawDb,
    admin: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
) -> None:
    vadmin, _vagent = vaulx
    row = services.handouts.hand_out(agent, person.id, codes_=[_code(programme, 3)])
    before = _unchanged(raw)
    services.act_as(vadmin)
    with pytest.raises(Refused) as refused:
        services.handouts.cancel(vadmin, row.id, "Erreur de saisie")
    name, code = _first_desk(services, agent)
    assert name in refused.value.message and code in refused.value.message
    assert _unchanged(raw) == before
    services.act_as(admin)
    services.handouts.cancel(admin, row.id, "Erreur de saisie")
    assert raw.query("SELECT status, desk_id FROM booklet WHERE code = ?", (_code(programme, 3),))[
        0
    ] == ("in_stock", admin.desk_id)
    assert services.stock.counts().in_stock == 6


def test_another_desks_booklet_is_neither_voided_nor_printed(
    services: Services,
    raw: RawDb,
    agent: Actor,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    tmp_path,
) -> None:
    vadmin, _vagent = vaulx
    name, code = _first_desk(services, agent)
    before = _unchanged(raw)
    services.act_as(vadmin)
    for attempt in (
        lambda: services.stock.void(vadmin, _code(programme, 1), "lost"),
        lambda: services.stock.void(vadmin, codes.voucher_code(programme.code, 1), "lost"),
        lambda: services.booklet_printing.print_booklets(
            vadmin,
            codes=[_code(programme, 1)],
            path=tmp_path / "b.pdf",
            reprint_reason="Couverture abîmée",
        ),
        lambda: services.booklet_printing.print_booklets(
            vadmin,
            programme_code=programme.code,
            from_booklet=5,
            count=3,
            path=tmp_path / "r.pdf",
            reprint_reason="Couverture abîmée",
        ),
    ):
        with pytest.raises(Refused) as refused:
            attempt()
        assert name in refused.value.message and code in refused.value.message
    assert _unchanged(raw) == before
    assert not (tmp_path / "b.pdf").exists() and not (tmp_path / "r.pdf").exists()
    # Its own booklet is voided.
    assert services.stock.void(vadmin, _code(programme, 8), "lost") == _code(programme, 8)


def test_print_on_site_next_booklets_are_the_desks_own(
    services: Services, programme: ProgrammeRow, site_lot: LotRow, tmp_path
) -> None:
    vadmin, _vagent = second_desk(services, START)
    hand_over(services, programme.code, 1, 4, vadmin)
    services.act_as(vadmin)
    records = list(services.booklet_printing.build_booklets(programme_code=programme.code))
    assert [r.booklet_code for r in records] == [_code(programme, n) for n in range(1, 5)]
    result = services.booklet_printing.print_booklets(
        vadmin, programme_code=programme.code, count=2, path=tmp_path / "v.pdf"
    )
    assert result.booklets == 2


def test_lookup_of_another_desks_booklet_shows_the_holder_not_the_person(
    services: Services,
    admin: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
) -> None:
    services.handouts.hand_out(agent, person.id, codes_=[_code(programme, 1)])
    vadmin, _vagent = vaulx
    name, code = _first_desk(services, agent)
    mine = services.lookup.lookup(admin, _code(programme, 1))
    assert mine.beneficiary_id == person.id and mine.holder_desk is None
    services.act_as(vadmin)
    for actor in (vadmin, None):
        theirs = services.lookup.lookup(actor, _code(programme, 1))
        assert theirs.status == "handed_out"
        assert theirs.holder_desk == f"{name} ({code})"
        assert theirs.beneficiary_id is None and theirs.beneficiary_name is None
    shown = services.lookup.lookup_shown(vadmin, codes.voucher_code(programme.code, 3))
    assert shown.beneficiary_id is None
    details = services.booklet_history.details(vadmin, _code(programme, 1))
    assert [(h.beneficiary_id, h.beneficiary_name) for h in details.handouts] == [(None, None)]
    assert services.booklet_history.details(admin, _code(programme, 1)).handouts[
        0
    ].beneficiary_id == (person.id)
    # VAULX's own booklet: no holder named.
    assert services.lookup.lookup(vadmin, _code(programme, 7)).holder_desk is None


def test_stock_figures_lists_and_unused_value_are_the_desks(
    services: Services,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    lot: LotRow,
    vaulx: tuple[Actor, Actor],
) -> None:
    services.handouts.hand_out(agent, person.id, codes_=[_code(programme, 1)])
    vadmin, _vagent = vaulx
    services.act_as(agent)
    ours = services.stock.counts(programme.code)
    assert (ours.received, ours.in_stock, ours.handed_out) == (6, 5, 1)
    assert ours.vouchers.in_stock == 50
    assert [b.number for b in services.stock.booklets(programme.code)] == list(range(1, 7))
    assert services.stock.count_booklets(programme.code, "in_stock") == 5
    assert services.regie.unused(programme.code).in_stock.booklets == 5
    services.act_as(vadmin)
    theirs = services.stock.counts_by_programme()[programme.code]
    assert (theirs.received, theirs.in_stock, theirs.handed_out) == (6, 6, 0)
    assert [b.number for b in services.stock.booklets(programme.code)] == list(range(7, 13))
    assert services.regie.unused(programme.code).in_stock.booklets == 6
    assert [row.id for row in services.stock.lots()] == [lot.id]  # the lot its booklets are of
    # Alerts count the desk's stock too.
    assert services.expiry.alerts(days=10_000)[0].booklets_in_stock == 6


def test_a_desk_without_booklets_of_a_lot_does_not_see_it(
    services: Services, programme: ProgrammeRow, lot: LotRow
) -> None:
    vadmin, _vagent = second_desk(services, START)
    services.act_as(vadmin)
    assert services.stock.lots() == []
    assert services.stock.counts().received == 0


def test_closing_counts_the_desks_stock_and_another_desks_booklet_is_not_ours(
    services: Services, admin: Actor, programme: ProgrammeRow, vaulx: tuple[Actor, Actor]
) -> None:
    vadmin, _vagent = vaulx
    services.act_as(vadmin)
    assert services.closing.expected().count(programme.code) == 6
    vaulx_closing = services.closing.close_day(vadmin, counts={programme.code: 6})
    assert [(c.expected, c.counted) for c in vaulx_closing.counts] == [(6, 6)]
    assert services.closing.identify(_code(programme, 1)).status is None
    services.act_as(admin)
    assert services.closing.closed_today() is None  # VAULX's closing is not ours
    scanned = [_code(programme, n) for n in range(1, 8)]
    closing = services.closing.close_day(
        admin, scanned=scanned, explanation="Un carnet de Vaulx rangé ici par erreur"
    )
    assert closing.missing == ()
    assert closing.unknown == (_code(programme, 7),)
    assert [(c.expected, c.counted) for c in closing.counts] == [(6, 6)]
    assert closing.corrects is None  # the day's first closing of this desk


def test_check_passes_with_two_desks_and_names_each_desks_figures(
    services: Services,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    vaulx_person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    _vadmin, vagent = vaulx
    services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    services.act_as(vagent)
    services.handouts.hand_out(vagent, vaulx_person.id, next_programme=programme.code)
    report = check_database(services)
    assert report.ok, report.lines
    assert any(SECOND_CODE in line and " 5 " in line for line in report.lines)  # 5 in stock
    # A handed-out booklet moved to another desk behind the services' back is found.
    raw.execute(  # the services refuse to move a handed-out booklet: a forger's UPDATE
        f"UPDATE booklet SET desk_id = {agent.desk_id} WHERE code = '{_code(programme, VAULX_FIRST)}'"
    )
    report = check_database(services)
    assert not report.ok
    assert any(_code(programme, VAULX_FIRST) in p for p in report.problems)


def test_the_regie_register_holds_the_desks_movements(
    services: Services,
    admin: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    vaulx_person: BeneficiaryRow,
) -> None:
    vadmin, vagent = vaulx
    services.handouts.hand_out(agent, person.id, codes_=[_code(programme, 1)])
    services.handouts.hand_out(agent, person.id, codes_=[_code(programme, 2)])
    services.act_as(vagent)
    services.handouts.hand_out(vagent, vaulx_person.id, codes_=[_code(programme, 7)])
    day = START.date()

    def exits(actor: Actor) -> int:
        services.act_as(actor)
        record = services.regie.register(programme.code, day, day)
        return sum(m.quantity.booklets for m in record.movements if m.effect == EXIT)

    assert exits(admin) == 2 + VAULX_COUNT  # two handouts, and the transfer of 7-12 to VAULX
    assert exits(vadmin) == 1
