"""Handouts: by any code or the next in stock, every refusal the rules ask for, gapless receipts,
cancellation, and the journal events each operation writes."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from passdesk import codes
from passdesk.errors import Forbidden, InvalidCode, InvalidInput, NotFound, Refused
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.handout_rules import STOP_DAYS_BEFORE_END
from passdesk.services.rows import Actor, BeneficiaryRow, HandoutRow, LotRow, ProgrammeRow

if TYPE_CHECKING:
    from conftest import MovableClock, RawDb

RECEIPT = re.compile(r"^(\d{4})-(\d{6})$")


@pytest.fixture
def people(services: Services, agent: Actor) -> list[BeneficiaryRow]:
    names = [
        ("N'Diaye", "Hélène"),
        ("Le Bœuf", "Marie-Ève"),
        ("Wałęsa", "Łukasz"),
        ("Martin", "Paul"),
        ("Diallo", "Awa"),
    ]
    return [
        services.beneficiaries.register(
            agent, BeneficiaryInput(last, first, f"19{60 + i}-0{i + 1}-1{i}")
        )
        for i, (last, first) in enumerate(names)
    ]


def _booklet(programme: ProgrammeRow, number: int) -> str:
    return codes.booklet_code(programme.code, number)


def _voucher(programme: ProgrammeRow, booklet: int, index: int) -> str:
    """The index-th voucher (0-based) of a booklet."""
    numbers = codes.voucher_numbers_in_booklet(booklet, programme.vouchers_per_booklet)
    return codes.voucher_code(programme.code, numbers[index])


def _status(raw: RawDb, code: str) -> tuple[str, list[str]]:
    """A booklet's status and its vouchers' statuses."""
    booklet_status = raw.scalar("SELECT status FROM booklet WHERE code = ?", (code,))
    vouchers = [
        s
        for (s,) in raw.query(
            "SELECT v.status FROM voucher v JOIN booklet b ON b.id = v.booklet_id "
            "WHERE b.code = ? ORDER BY v.number",
            (code,),
        )
    ]
    return booklet_status, vouchers


def _events_since(raw: RawDb, after: int) -> list[tuple[str, int, int | None, int | None, dict]]:
    return [
        (kind, agent_id, booklet_id, handout_id, json.loads(details))
        for kind, agent_id, booklet_id, handout_id, details in raw.query(
            "SELECT kind, agent_id, booklet_id, handout_id, details FROM ledger_event "
            "WHERE id > ? ORDER BY id",
            (after,),
        )
    ]


def _last_event_id(raw: RawDb) -> int:
    return raw.scalar("SELECT coalesce(max(id), 0) FROM ledger_event")


def _booklet_id(raw: RawDb, code: str) -> int:
    return raw.scalar("SELECT id FROM booklet WHERE code = ?", (code,))


def _receipt_sequence(receipts: list[str]) -> list[int]:
    numbers = []
    for receipt in receipts:
        match = RECEIPT.match(receipt)
        assert match, receipt
        numbers.append(int(match[2]))
    return numbers


# ---------------------------------------------------------------------------------------------
# Handing out


def test_hand_out_by_booklet_code(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
    clock: MovableClock,
) -> None:
    code = _booklet(programme, 3)
    after = _last_event_id(raw)
    row = services.handouts.hand_out(agent, person.id, codes_=[code])

    match = RECEIPT.match(row.receipt_number)
    assert match and int(match[1]) == clock().year and int(match[2]) == 1
    assert (row.beneficiary_id, row.agent_id, row.created_at) == (person.id, agent.id, clock())
    assert row.agent_name == agent.display_name
    assert row.override_reason is None and not row.cancelled
    [line] = row.booklets
    n = programme.vouchers_per_booklet
    assert line.booklet_code == code
    assert line.first_voucher_code == _voucher(programme, 3, 0)
    assert line.last_voucher_code == _voucher(programme, 3, n - 1)
    assert line.voucher_count == n
    assert line.value == programme.face_value * n == row.total_value
    stored = services.handouts.get(row.id)
    assert stored.booklets[0].status == "handed_out"
    assert (stored.id, stored.receipt_number, stored.created_at) == (
        row.id,
        row.receipt_number,
        row.created_at,
    )
    assert services.handouts.for_beneficiary(person.id) == [stored]

    assert _status(raw, code) == ("handed_out", ["handed_out"] * n)
    assert raw.query("SELECT handout_id, booklet_id FROM handout_booklet") == [
        (row.id, _booklet_id(raw, code))
    ]
    assert _events_since(raw, after) == [
        (
            "handed_out",
            agent.id,
            _booklet_id(raw, code),
            row.id,
            {
                "booklet": code,
                "receipt": row.receipt_number,
                "first": line.first_voucher_code,
                "last": line.last_voucher_code,
            },
        )
    ]
    assert services.ledger.verify().ok
    others = raw.query("SELECT code FROM booklet WHERE status != 'in_stock'")
    assert others == [(code,)]


@pytest.mark.parametrize("index", [0, 4, 9])
def test_hand_out_by_any_voucher_code(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
    index: int,
) -> None:
    row = services.handouts.hand_out(agent, person.id, codes_=[_voucher(programme, 5, index)])
    assert [b.booklet_code for b in row.booklets] == [_booklet(programme, 5)]
    assert _status(raw, _booklet(programme, 5))[0] == "handed_out"


def test_codes_are_read_as_typed_or_scanned(
    services: Services, agent: Actor, programme: ProgrammeRow, lot: LotRow, person: BeneficiaryRow
) -> None:
    typed = " " + _booklet(programme, 2).replace("-", "").lower() + " "
    row = services.handouts.hand_out(agent, person.id, codes_=[typed])
    assert row.booklets[0].booklet_code == _booklet(programme, 2)


def test_hand_out_the_next_booklet_in_stock(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    people: list[BeneficiaryRow],
) -> None:
    services.handouts.hand_out(agent, people[0].id, codes_=[_booklet(programme, 1)])
    services.stock.void(supervisor, _booklet(programme, 2), "lost")
    services.stock.void(supervisor, _voucher(programme, 3, 7), "damaged")  # booklet 3 incomplete
    given = [
        services.handouts.hand_out(agent, p.id, next_programme=programme.code.lower())
        for p in people[1:4]
    ]
    assert [h.booklets[0].booklet_code for h in given] == [
        _booklet(programme, k) for k in (4, 5, 6)
    ]


def test_next_booklet_skips_one_that_holds_a_voided_voucher(
    services: Services, supervisor: Actor, programme: ProgrammeRow, lot: LotRow
) -> None:
    first = services.handouts.next_booklet(programme.code)
    assert first is not None and first.number == lot.first_booklet
    services.stock.void(supervisor, _voucher(programme, lot.first_booklet, 3), "damaged")
    proposed = services.handouts.next_booklet(programme.code)
    # The window proposes what the handout would take: never a booklet it would refuse.
    assert proposed is not None and proposed.number == lot.first_booklet + 1


def test_several_booklets_in_one_handout_share_one_receipt(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    other_programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    after = _last_event_id(raw)
    row = services.handouts.hand_out(
        agent,
        person.id,
        codes_=[_booklet(other_programme, 2), _voucher(programme, 4, 1)],
    )
    assert {b.booklet_code for b in row.booklets} == {
        _booklet(other_programme, 2),
        _booklet(programme, 4),
    }
    assert row.total_value == programme.face_value * programme.vouchers_per_booklet + (
        other_programme.face_value * other_programme.vouchers_per_booklet
    )
    events = _events_since(raw, after)
    assert [e[0] for e in events] == ["handed_out", "handed_out"]
    assert {e[4]["receipt"] for e in events} == {row.receipt_number}
    assert raw.scalar("SELECT count(*) FROM handout") == 1


def test_a_refused_booklet_refuses_the_whole_handout(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    services.stock.void(supervisor, _booklet(programme, 2), "lost")
    before = raw.dump()
    with pytest.raises(Refused) as caught:
        services.handouts.hand_out(
            agent, person.id, codes_=[_booklet(programme, 1), _booklet(programme, 2)]
        )
    assert _booklet(programme, 2) in caught.value.message
    assert raw.dump() == before


# ---------------------------------------------------------------------------------------------
# Refusals: nothing written, no receipt number used


def test_second_handout_of_a_booklet_is_refused_naming_the_receipt(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    people: list[BeneficiaryRow],
    raw: RawDb,
) -> None:
    first = services.handouts.hand_out(agent, people[0].id, codes_=[_booklet(programme, 7)])
    before = raw.dump()
    for code in (_booklet(programme, 7), _voucher(programme, 7, 3)):
        for person in people[:2]:
            with pytest.raises(Refused) as caught:
                services.handouts.hand_out(agent, person.id, codes_=[code])
            assert caught.value.exit_status == 1
            assert caught.value.field == "code"
            assert first.receipt_number in caught.value.message
            assert _booklet(programme, 7) in caught.value.message
            with pytest.raises(Refused) as checked:
                services.handouts.check(person.id, code)
            assert first.receipt_number in checked.value.message
    assert raw.dump() == before


def test_a_booklet_of_another_programme_is_refused_when_serving_one(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    other_programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    before = raw.dump()
    for code in (_booklet(other_programme, 1), _voucher(other_programme, 1, 2)):
        with pytest.raises(Refused) as caught:
            services.handouts.hand_out(
                agent, person.id, codes_=[code], expected_programme=programme.code.lower()
            )
        assert caught.value.field == "code"
        assert other_programme.code in caught.value.message
        with pytest.raises(Refused):
            services.handouts.check(person.id, code, expected_programme=programme.code)
    assert raw.dump() == before
    row = services.handouts.hand_out(
        agent, person.id, codes_=[_booklet(programme, 1)], expected_programme=programme.code
    )
    assert row.booklets[0].programme_code == programme.code


def test_before_the_programme_starts_handouts_are_refused(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
    clock: MovableClock,
) -> None:
    clock.set_date(programme.valid_from - timedelta(days=1))
    before = raw.dump()
    with pytest.raises(Refused) as caught:
        services.handouts.hand_out(agent, person.id, codes_=[_booklet(programme, 1)])
    assert caught.value.field == "code"
    with pytest.raises(Refused):
        services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    with pytest.raises(Refused):
        services.handouts.check(person.id, _booklet(programme, 1))
    assert raw.dump() == before
    clock.set_date(programme.valid_from)
    services.handouts.hand_out(agent, person.id, codes_=[_booklet(programme, 1)])


def test_handing_out_stops_fifteen_days_before_the_end(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    people: list[BeneficiaryRow],
    raw: RawDb,
    clock: MovableClock,
) -> None:
    # Handing out stops at D-15: the day before is the last one.
    last_day = programme.valid_until - timedelta(days=STOP_DAYS_BEFORE_END + 1)
    clock.set_date(last_day)
    assert [e.programme_code for e in services.handouts.entitlements(people[1].id)] == [
        programme.code
    ]
    services.handouts.hand_out(agent, people[0].id, codes_=[_booklet(programme, 1)])
    for day in (
        last_day + timedelta(days=1),
        programme.valid_until,
        programme.valid_until + timedelta(days=40),
    ):
        clock.set_date(day)
        before = raw.dump()
        with pytest.raises(Refused) as caught:
            services.handouts.hand_out(agent, people[1].id, codes_=[_booklet(programme, 2)])
        assert programme.valid_until.strftime("%d/%m/%Y") in caught.value.message
        with pytest.raises(Refused):
            services.handouts.hand_out(agent, people[1].id, next_programme=programme.code)
        assert raw.dump() == before
    assert services.handouts.entitlements(people[1].id) == []


def test_a_booklet_with_a_voided_voucher_is_handed_out_with_the_rest(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    # Issue 9: it used to be refused, and stayed "in stock" for ever; now it leaves without the
    # voided voucher, which its HANDED_OUT event and its receipt name.
    voided = _voucher(programme, 6, 2)
    services.stock.void(supervisor, voided, "misprint")
    for code in (_booklet(programme, 6), _voucher(programme, 6, 0), voided):
        check = services.handouts.check(person.id, code)
        assert check.excluded == (voided,)
    row = services.handouts.hand_out(agent, person.id, codes_=[voided])
    [line] = row.booklets
    n = programme.vouchers_per_booklet
    assert (line.booklet_code, line.voucher_count, line.excluded) == (
        _booklet(programme, 6),
        n - 1,
        (voided,),
    )
    assert line.value == programme.face_value * (n - 1)
    assert _status(raw, _booklet(programme, 6)) == (
        "handed_out",
        ["handed_out", "handed_out", "voided"] + ["handed_out"] * (n - 3),
    )
    details = json.loads(
        raw.scalar("SELECT details FROM ledger_event WHERE kind = 'handed_out' ORDER BY id DESC")
    )
    assert details["excluded"] == [voided]


def test_bad_requests_are_refused_before_anything_is_written(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    good = _booklet(programme, 1)
    mistyped = good[:-2] + f"{(int(good[-2:]) + 1) % 97:02d}"
    before = raw.dump()
    with pytest.raises(InvalidCode):
        services.handouts.hand_out(agent, person.id, codes_=[mistyped])
    with pytest.raises(InvalidInput) as caught:
        services.handouts.hand_out(agent, person.id)
    assert caught.value.field == "code"
    with pytest.raises(InvalidInput):
        services.handouts.hand_out(agent, person.id, codes_=[good], next_programme=programme.code)
    with pytest.raises(InvalidInput) as caught:
        services.handouts.hand_out(
            agent, person.id, codes_=[good, _voucher(programme, 1, 5)]
        )  # the same booklet scanned twice
    assert caught.value.field == "code"
    with pytest.raises(NotFound) as caught:
        services.handouts.hand_out(agent, person.id + 1000, codes_=[good])
    assert caught.value.field == "beneficiary"
    with pytest.raises(NotFound):
        services.handouts.hand_out(
            agent, person.id, codes_=[_booklet(programme, lot.last_booklet + 1)]
        )
    with pytest.raises(NotFound) as caught:
        services.handouts.hand_out(agent, person.id, next_programme="ZZ99")
    assert caught.value.field == "programme"
    assert raw.dump() == before


def test_an_empty_stock_is_refused(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    services.stock.receive(supervisor, programme_code=programme.code, first_booklet=1, count=1)
    services.stock.void(supervisor, _booklet(programme, 1), "stolen")
    before = raw.dump()
    with pytest.raises(Refused) as caught:
        services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    assert caught.value.field == "programme"
    assert raw.dump() == before


# ---------------------------------------------------------------------------------------------
# The limit per person and its override


def _reach_limit(
    services: Services, actor: Actor, programme: ProgrammeRow, person: BeneficiaryRow
) -> list[HandoutRow]:
    assert programme.limit_per_person is not None
    return [
        services.handouts.hand_out(actor, person.id, next_programme=programme.code)
        for _ in range(programme.limit_per_person)
    ]


def test_the_limit_per_person_is_refused_without_override(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    other_programme: ProgrammeRow,
    lot: LotRow,
    people: list[BeneficiaryRow],
    raw: RawDb,
) -> None:
    person, other = people[0], people[1]
    limit = programme.limit_per_person
    assert limit is not None
    _reach_limit(services, agent, programme, person)
    [entitlement] = [
        e for e in services.handouts.entitlements(person.id) if e.programme_code == programme.code
    ]
    assert (entitlement.received, entitlement.limit, entitlement.remaining) == (limit, limit, 0)

    check = services.handouts.check(person.id, _booklet(programme, lot.last_booklet))
    assert check.needs_override
    assert check.message is not None and str(limit) in check.message
    before = raw.dump()
    with pytest.raises(Refused) as caught:
        services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    assert caught.value.field == "override"
    with pytest.raises(Refused):
        services.handouts.hand_out(
            agent, person.id, codes_=[_booklet(programme, lot.last_booklet)], override_reason="  "
        )
    assert raw.dump() == before
    # Another person, and another programme without a limit, are not affected.
    assert not services.handouts.check(
        other.id, _booklet(programme, lot.last_booklet)
    ).needs_override
    services.handouts.hand_out(agent, person.id, next_programme=other_programme.code)
    services.handouts.hand_out(agent, other.id, next_programme=programme.code)


def test_two_booklets_at_once_cannot_pass_the_limit(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    assert programme.limit_per_person is not None
    wanted = [_booklet(programme, k) for k in range(1, programme.limit_per_person + 2)]
    before = raw.dump()
    with pytest.raises(Refused) as caught:
        services.handouts.hand_out(agent, person.id, codes_=wanted)
    assert caught.value.field == "override"
    assert raw.dump() == before


def test_a_supervisor_overrides_the_limit_with_a_reason(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    _reach_limit(services, agent, programme, person)
    reason = "Famille de 4 personnes, accord du CCAS"
    after = _last_event_id(raw)
    row = services.handouts.hand_out(
        supervisor, person.id, next_programme=programme.code, override_reason=f"  {reason} "
    )
    assert row.override_reason == reason
    assert raw.scalar("SELECT override_reason FROM handout WHERE id = ?", (row.id,)) == reason
    [event] = _events_since(raw, after)
    assert event[0] == "handed_out" and event[1] == supervisor.id
    # The journal keeps no free text: the reason's SHA-256 stands for it.
    assert event[4]["override"] == hashlib.sha256(reason.encode("utf-8")).hexdigest()
    assert reason not in raw.scalar("SELECT details FROM ledger_event ORDER BY id DESC")
    assert services.handouts.get(row.id).override_reason == reason
    assert services.ledger.verify().ok


def test_an_agent_cannot_override_the_limit(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    _reach_limit(services, agent, programme, person)
    before = raw.dump()
    with pytest.raises(Forbidden) as caught:
        services.handouts.hand_out(
            agent, person.id, next_programme=programme.code, override_reason="Il insiste"
        )
    assert caught.value.exit_status == 1
    assert raw.dump() == before


# ---------------------------------------------------------------------------------------------
# Receipt numbers


def test_receipt_numbers_are_gapless_even_around_refusals(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    other_programme: ProgrammeRow,
    lot: LotRow,
    people: list[BeneficiaryRow],
    raw: RawDb,
    clock: MovableClock,
) -> None:
    receipts = []
    attempts = [
        (people[0], [_booklet(programme, 1)], True),
        (people[1], [_booklet(programme, 1)], False),  # already handed out
        (people[1], [_booklet(other_programme, 3)], True),
        (people[2], [_booklet(programme, lot.last_booklet + 5)], False),  # not in stock
        (people[0], [_booklet(programme, 2)], True),
        (people[0], [_booklet(programme, 3)], False),  # limit reached
        (people[3], [_voucher(programme, 4, 0)], True),
    ]
    for person, wanted, succeeds in attempts:
        if succeeds:
            receipts.append(
                services.handouts.hand_out(agent, person.id, codes_=wanted).receipt_number
            )
        else:
            with pytest.raises((Refused, NotFound)):
                services.handouts.hand_out(agent, person.id, codes_=wanted)
    handed = sum(ok for _p, _w, ok in attempts)
    assert _receipt_sequence(receipts) == list(range(1, handed + 1))
    assert {RECEIPT.match(r)[1] for r in receipts} == {str(clock().year)}  # type: ignore[index]
    assert raw.query("SELECT receipt_number FROM handout ORDER BY id") == [(r,) for r in receipts]
    assert raw.scalar("SELECT last_number FROM receipt_counter") == handed

    # A cancellation keeps its number; the next handout takes the next one.
    services.handouts.cancel(
        supervisor, services.handouts.for_beneficiary(people[3].id)[0].id, "erreur de personne"
    )
    again = services.handouts.hand_out(agent, people[4].id, codes_=[_booklet(programme, 4)])
    assert _receipt_sequence([again.receipt_number]) == [handed + 1]


def test_receipt_numbers_start_again_each_year(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    people: list[BeneficiaryRow],
    clock: MovableClock,
) -> None:
    clock.set_date(clock().date().replace(month=12, day=30))
    last_year = [
        services.handouts.hand_out(agent, p.id, next_programme=programme.code).receipt_number
        for p in people[:2]
    ]
    clock.advance(timedelta(days=3))
    this_year = [
        services.handouts.hand_out(agent, p.id, next_programme=programme.code).receipt_number
        for p in people[2:4]
    ]
    year = clock().year
    assert last_year == [f"{year - 1}-000001", f"{year - 1}-000002"]
    assert this_year == [f"{year}-000001", f"{year}-000002"]


# ---------------------------------------------------------------------------------------------
# Cancellation


def test_cancel_the_same_day_puts_the_booklet_back_in_stock(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    people: list[BeneficiaryRow],
    raw: RawDb,
    clock: MovableClock,
) -> None:
    code = _booklet(programme, 2)
    handout = services.handouts.hand_out(agent, people[0].id, codes_=[code])
    clock.advance(timedelta(hours=3))
    after = _last_event_id(raw)
    cancelled = services.handouts.cancel(supervisor, handout.id, "  Mauvaise personne ")

    assert cancelled.cancelled and cancelled.cancelled_at == clock()
    assert cancelled.cancel_reason == "Mauvaise personne"
    assert cancelled.receipt_number == handout.receipt_number
    assert cancelled.booklets[0].status == "in_stock"
    assert _status(raw, code) == ("in_stock", ["in_stock"] * programme.vouchers_per_booklet)
    assert raw.scalar("SELECT cancelled_by FROM handout WHERE id = ?", (handout.id,)) == (
        supervisor.id
    )
    booklet_id = _booklet_id(raw, code)
    assert _events_since(raw, after) == [
        (
            "cancelled",
            supervisor.id,
            None,
            handout.id,
            {"receipt": handout.receipt_number, "booklets": [code]},
        ),
        (
            "returned",
            supervisor.id,
            booklet_id,
            handout.id,
            {"booklet": code, "receipt": handout.receipt_number, "reason": "cancelled_handout"},
        ),
    ]
    # The person's entitlement is back, and the booklet can be handed out again.
    [entitlement] = [
        e
        for e in services.handouts.entitlements(people[0].id)
        if e.programme_code == programme.code
    ]
    assert entitlement.received == 0
    again = services.handouts.hand_out(agent, people[1].id, codes_=[code])
    assert again.receipt_number != handout.receipt_number
    assert _status(raw, code)[0] == "handed_out"
    assert services.ledger.verify().ok


def test_cancel_on_a_later_day_of_a_booklet_not_returned_voids_it(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    people: list[BeneficiaryRow],
    raw: RawDb,
    clock: MovableClock,
) -> None:
    code = _booklet(programme, 3)
    handout = services.handouts.hand_out(agent, people[0].id, codes_=[code])
    clock.advance(timedelta(days=1))
    after = _last_event_id(raw)
    cancelled = services.handouts.cancel(
        supervisor, handout.id, "Carnet parti avec la personne", returned=False
    )

    assert cancelled.booklets[0].status == "voided"
    assert _status(raw, code) == ("voided", ["voided"] * programme.vouchers_per_booklet)
    assert raw.query(
        "SELECT DISTINCT void_reason FROM voucher WHERE booklet_id = ?", (_booklet_id(raw, code),)
    ) == [("cancelled_handout",)]
    assert raw.scalar("SELECT void_reason FROM booklet WHERE code = ?", (code,)) == (
        "cancelled_handout"
    )
    assert [(e[0], e[2]) for e in _events_since(raw, after)] == [
        ("cancelled", None),
        ("voided", _booklet_id(raw, code)),
    ]
    with pytest.raises(Refused):
        services.handouts.hand_out(agent, people[1].id, codes_=[code])
    counts = services.stock.counts(programme.code)
    assert (counts.voided, counts.handed_out, counts.balanced) == (1, 0, True)
    assert services.ledger.verify().ok


def test_cancel_needs_a_supervisor_and_a_reason(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    admin: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    handout = services.handouts.hand_out(agent, person.id, next_programme=programme.code)
    before = raw.dump()
    with pytest.raises(Forbidden):
        services.handouts.cancel(agent, handout.id, "Erreur")
    for reason in ("", "   "):
        with pytest.raises(InvalidInput) as caught:
            services.handouts.cancel(supervisor, handout.id, reason)
        assert caught.value.field == "reason"
    with pytest.raises(NotFound) as caught:
        services.handouts.cancel(supervisor, handout.id + 100, "Erreur")
    assert caught.value.field == "handout"
    assert raw.dump() == before

    services.handouts.cancel(admin, handout.id, "Erreur de saisie")
    after = raw.dump()
    with pytest.raises(Refused) as refused:
        services.handouts.cancel(supervisor, handout.id, "Encore")
    assert handout.receipt_number in refused.value.message
    assert raw.dump() == after


def test_cancel_leaves_a_booklet_voided_meanwhile_as_it_is(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    code = _booklet(programme, 8)
    handout = services.handouts.hand_out(agent, person.id, codes_=[code])
    services.stock.void(supervisor, code, "stolen")
    services.handouts.cancel(supervisor, handout.id, "Volé à la sortie")
    assert raw.query("SELECT status, void_reason FROM booklet WHERE code = ?", (code,)) == [
        ("voided", "stolen")
    ]
    assert services.ledger.verify().ok


# ---------------------------------------------------------------------------------------------
# The journal across a day at the desk


def test_every_operation_writes_its_journal_events(
    services: Services,
    admin: Actor,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    people: list[BeneficiaryRow],
    raw: RawDb,
    clock: MovableClock,
) -> None:
    lot = services.stock.receive(
        supervisor, programme_code=programme.code, first_booklet=1, count=6
    )
    h1 = services.handouts.hand_out(agent, people[0].id, codes_=[lot.first_code])
    h2 = services.handouts.hand_out(agent, people[1].id, next_programme=programme.code)
    services.stock.void(supervisor, _booklet(programme, 5), "lost")
    services.stock.void(supervisor, _voucher(programme, 6, 0), "damaged")
    services.handouts.cancel(supervisor, h1.id, "Erreur")
    with pytest.raises(Refused):
        services.handouts.hand_out(agent, people[2].id, codes_=[_booklet(programme, 2)])
    clock.advance(timedelta(days=2))
    services.handouts.cancel(supervisor, h2.id, "Doublon", returned=False)

    events = raw.query(
        "SELECT id, kind, agent_id, booklet_id, voucher_id, handout_id FROM ledger_event "
        "WHERE id > (SELECT max(id) FROM ledger_event WHERE kind = 'programme_created') "
        "ORDER BY id"
    )
    b = {k: _booklet_id(raw, _booklet(programme, k)) for k in range(1, 7)}
    voucher_6_1 = raw.scalar("SELECT id FROM voucher WHERE code = ?", (_voucher(programme, 6, 0),))
    assert [e[1:] for e in events] == [
        ("received", supervisor.id, None, None, None),
        ("handed_out", agent.id, b[1], None, h1.id),
        ("handed_out", agent.id, b[2], None, h2.id),
        ("voided", supervisor.id, b[5], None, None),
        ("voided", supervisor.id, b[6], voucher_6_1, None),
        ("cancelled", supervisor.id, None, None, h1.id),
        ("returned", supervisor.id, b[1], None, h1.id),
        ("cancelled", supervisor.id, None, None, h2.id),
        ("voided", supervisor.id, b[2], None, h2.id),
    ]
    first = events[0][0]
    assert [e[0] for e in events] == list(range(first, first + len(events)))
    report = services.ledger.verify()
    assert report.ok and report.events_checked == first - 1 + len(events) == services.ledger.count()
    counts = services.stock.counts()
    assert counts.balanced
    assert (counts.in_stock, counts.handed_out, counts.voided) == (4, 0, 2)
    assert services.handouts.for_beneficiary(people[0].id)[0].total_value == Decimal(
        programme.face_value * programme.vouchers_per_booklet
    )


def test_the_returned_handout_shows_its_booklets_handed_out(
    services: Services, agent: Actor, programme: ProgrammeRow, lot: LotRow, person: BeneficiaryRow
) -> None:
    row = services.handouts.hand_out(agent, person.id, codes_=[_booklet(programme, 1)])
    assert [b.status for b in row.booklets] == ["handed_out"]
    assert row == services.handouts.get(row.id)


def test_the_rows_a_handout_and_its_cancellation_return_are_the_stored_ones(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    other_programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
) -> None:
    # Both build their row from what they wrote, without reading it back (that would keep the
    # receipt counter and the journal head, which every desk locks, locked longer): it must
    # be the row read afterwards, booklets in number order, vouchers left out, statuses.
    voided = _voucher(programme, 5, 1)
    services.stock.void(supervisor, voided, "misprint")
    scanned = [_booklet(other_programme, 7), voided, _booklet(other_programme, 2)]
    row = services.handouts.hand_out(agent, person.id, codes_=scanned)
    assert [(b.booklet_code, b.status, b.excluded) for b in row.booklets] == [
        (_booklet(other_programme, 2), "handed_out", ()),
        (_booklet(programme, 5), "handed_out", (voided,)),
        (_booklet(other_programme, 7), "handed_out", ()),
    ]
    assert row == services.handouts.get(row.id)

    services.stock.void(supervisor, _booklet(other_programme, 7), "stolen")
    cancelled = services.handouts.cancel(supervisor, row.id, "Erreur de personne")
    assert [(b.booklet_code, b.status) for b in cancelled.booklets] == [
        (_booklet(other_programme, 2), "in_stock"),
        (_booklet(programme, 5), "in_stock"),
        (_booklet(other_programme, 7), "voided"),
    ]
    assert cancelled == services.handouts.get(row.id)
    assert services.ledger.verify().ok
