"""Stock: lots received with their booklets and vouchers, overlaps refused, counts, voiding."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from passdesk import codes
from passdesk.errors import Forbidden, InvalidCode, InvalidInput, NotFound, Refused
from passdesk.models import Booklet
from passdesk.services import Services
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from passdesk.services.stock import booklet_complete, voucher_out_of_stock

if TYPE_CHECKING:
    from conftest import MovableClock, RawDb


def _booklet_statuses(raw: RawDb) -> dict[str, str]:
    return dict(raw.query("SELECT code, status FROM booklet"))


def _voucher_statuses(raw: RawDb, booklet_code: str) -> dict[str, tuple[str, str | None]]:
    return {
        code: (status, reason)
        for code, status, reason in raw.query(
            "SELECT v.code, v.status, v.void_reason FROM voucher v "
            "JOIN booklet b ON b.id = v.booklet_id WHERE b.code = ?",
            (booklet_code,),
        )
    }


def _events(raw: RawDb) -> list[tuple[int, str, int, dict[str, object]]]:
    return [
        (event_id, kind, agent_id, json.loads(details))
        for event_id, kind, agent_id, details in raw.query(
            "SELECT id, kind, agent_id, details FROM ledger_event ORDER BY id"
        )
    ]


# ---------------------------------------------------------------------------------------------
# Receiving lots


def test_a_lot_creates_its_booklets_and_vouchers_with_their_codes(
    services: Services, admin: Actor, programme: ProgrammeRow, raw: RawDb, clock: MovableClock
) -> None:
    first, count, n = 7, 5, programme.vouchers_per_booklet
    lot = services.stock.receive(
        admin,
        programme_code=programme.code.lower(),
        first_booklet=first,
        count=count,
        source="  Préfecture  ",
    )
    assert (lot.programme_code, lot.first_booklet, lot.last_booklet) == (
        programme.code,
        first,
        first + count - 1,
    )
    assert lot.count == count
    assert lot.first_code == codes.booklet_code(programme.code, first)
    assert lot.last_code == codes.booklet_code(programme.code, first + count - 1)
    assert lot.source == "Préfecture"
    assert lot.received_at == clock()
    assert services.stock.lots() == [lot]

    booklets = raw.query(
        "SELECT number, code, status, lot_id, print_count FROM booklet ORDER BY number"
    )
    assert booklets == [
        (k, codes.booklet_code(programme.code, k), "in_stock", lot.id, 0)
        for k in range(first, first + count)
    ]
    vouchers = raw.query(
        "SELECT b.number, v.number, v.code, v.status, v.programme_id FROM voucher v "
        "JOIN booklet b ON b.id = v.booklet_id ORDER BY v.number"
    )
    assert vouchers == [
        (k, v, codes.voucher_code(programme.code, v), "in_stock", programme.id)
        for k in range(first, first + count)
        for v in codes.voucher_numbers_in_booklet(k, n)
    ]
    for _k, v, code, _status, _programme in vouchers:
        parsed = codes.parse_code(code)
        assert (parsed.kind, parsed.number) == ("voucher", v)

    rows = services.stock.booklets(programme.code)
    assert [r.code for r in rows] == [b[1] for b in booklets]
    assert rows[0].first_voucher_code == codes.voucher_code(programme.code, (first - 1) * n + 1)
    assert rows[-1].last_voucher_code == codes.voucher_code(programme.code, (first + count - 1) * n)

    events = [e for e in _events(raw) if e[1] == "received"]
    assert [(kind, agent_id) for _id, kind, agent_id, _d in events] == [("received", admin.id)]
    assert events[0][3] == {
        "lot": lot.id,
        "first": lot.first_code,
        "last": lot.last_code,
        "booklets": count,
        "vouchers": count * n,
        "kind": "delivered",
    }
    assert services.ledger.verify().ok


@pytest.mark.parametrize(
    ("first", "count"),
    [(1, 12), (5, 1), (10, 10), (12, 1), (1, 1), (1, 30)],
)
def test_an_overlapping_lot_is_refused_and_nothing_is_recorded(
    services: Services, admin: Actor, lot: LotRow, raw: RawDb, first: int, count: int
) -> None:
    before = raw.dump()
    with pytest.raises(Refused) as caught:
        services.stock.receive(
            admin, programme_code=lot.programme_code, first_booklet=first, count=count
        )
    assert caught.value.exit_status == 1
    clash = max(first, lot.first_booklet)
    assert codes.booklet_code(lot.programme_code, clash) in caught.value.message
    assert raw.dump() == before


def test_adjacent_lots_and_other_programmes_numbers_are_accepted(
    services: Services,
    admin: Actor,
    lot: LotRow,
    other_programme: ProgrammeRow,
    raw: RawDb,
) -> None:
    after = services.stock.receive(
        admin, programme_code=lot.programme_code, first_booklet=lot.last_booklet + 1, count=3
    )
    assert after.first_booklet == lot.last_booklet + 1
    numbers = [
        n
        for (n,) in raw.query(
            "SELECT b.number FROM booklet b JOIN programme p ON p.id = b.programme_id "
            "WHERE p.code = ? ORDER BY b.number",
            (other_programme.code,),
        )
    ]
    assert numbers == list(range(1, 21))  # the same numbers as the first lot, another programme
    assert services.stock.counts(lot.programme_code).received == lot.count + 3
    assert services.stock.counts(other_programme.code).received == 20
    assert services.stock.counts().received == lot.count + 3 + 20


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"count": 0}, InvalidInput, "count"),
        ({"count": -3}, InvalidInput, "count"),
        ({"first_booklet": 0}, InvalidInput, "first_booklet"),
        ({"programme_code": "ZZ99"}, NotFound, "programme"),
        ({"first_booklet": codes.MAX_BOOKLET_NUMBER, "count": 2}, InvalidInput, "count"),
    ],
)
def test_bad_lots_are_refused_untouched(
    services: Services,
    admin: Actor,
    programme: ProgrammeRow,
    raw: RawDb,
    kwargs: dict[str, object],
    error: type[Exception],
    field: str,
) -> None:
    arguments: dict[str, object] = {
        "programme_code": programme.code,
        "first_booklet": 1,
        "count": 5,
        **kwargs,
    }
    before = raw.dump()
    with pytest.raises(error) as caught:
        services.stock.receive(admin, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field  # type: ignore[attr-defined]
    assert raw.dump() == before


def test_a_lot_past_the_programmes_last_voucher_number_is_refused(
    services: Services, admin: Actor, programme: ProgrammeRow, raw: RawDb
) -> None:
    last = codes.max_booklet_number(programme.code, programme.vouchers_per_booklet)
    before = raw.dump()
    with pytest.raises(InvalidInput) as caught:
        services.stock.receive(admin, programme_code=programme.code, first_booklet=last, count=2)
    assert caught.value.field == "count"
    assert raw.dump() == before
    lot = services.stock.receive(admin, programme_code=programme.code, first_booklet=last, count=1)
    assert lot.last_booklet == last


def test_only_supervisors_receive_stock(
    services: Services, agent: Actor, supervisor: Actor, programme: ProgrammeRow, raw: RawDb
) -> None:
    before = raw.dump()
    with pytest.raises(Forbidden):
        services.stock.receive(agent, programme_code=programme.code, first_booklet=1, count=2)
    assert raw.dump() == before
    services.stock.receive(supervisor, programme_code=programme.code, first_booklet=1, count=2)
    assert raw.scalar("SELECT count(*) FROM booklet") == 2


# ---------------------------------------------------------------------------------------------
# Counts and lists


def test_counts_balance_and_match_the_booklets(
    services: Services,
    admin: Actor,
    supervisor: Actor,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    raw: RawDb,
) -> None:
    code, n = lot.programme_code, programme.vouchers_per_booklet
    services.handouts.hand_out(agent, person.id, next_programme=code)
    services.stock.void(supervisor, codes.booklet_code(code, 5), "lost")
    services.stock.void(supervisor, codes.booklet_code(code, 6), "damaged")
    services.stock.void(supervisor, codes.voucher_code(code, 7 * n + 1), "misprint")  # booklet 8

    counts = services.stock.counts(code)
    by_status = dict(raw.query("SELECT status, count(*) FROM booklet GROUP BY status"))
    assert counts.received == lot.count == sum(by_status.values())
    assert counts.handed_out == by_status["handed_out"] == 1
    assert counts.voided == by_status["voided"] == 2
    assert counts.in_stock == by_status["in_stock"] == lot.count - 3
    assert counts.expired == 0
    assert counts.balanced
    assert services.stock.counts() == counts

    assert services.stock.count_booklets(code, "voided") == 2
    assert {b.code for b in services.stock.booklets(status="voided")} == {
        codes.booklet_code(code, 5),
        codes.booklet_code(code, 6),
    }
    assert [b.number for b in services.stock.booklets(code, "in_stock", limit=3)] == [2, 3, 4]
    page = services.stock.booklets(code, offset=2, limit=2, sort="number", descending=True)
    assert [b.number for b in page] == [lot.last_booklet - 2, lot.last_booklet - 3]
    with pytest.raises(InvalidInput) as caught:
        services.stock.booklets(code, "lost")
    assert caught.value.field == "status"


def test_get_booklet_by_any_of_its_codes(
    services: Services, lot: LotRow, programme: ProgrammeRow
) -> None:
    n = programme.vouchers_per_booklet
    booklet = codes.booklet_code(programme.code, 3)
    for code in (
        booklet,
        codes.voucher_code(programme.code, 2 * n + 1),
        codes.voucher_code(programme.code, 3 * n),
    ):
        assert services.stock.get_booklet(code).code == booklet
    with pytest.raises(NotFound):
        services.stock.get_booklet(codes.booklet_code(programme.code, lot.last_booklet + 1))


# ---------------------------------------------------------------------------------------------
# Voiding


@pytest.mark.parametrize("reason", ["lost", "stolen", "damaged", "misprint", " LOST "])
def test_void_a_booklet_voids_it_and_all_its_vouchers(
    services: Services,
    supervisor: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    raw: RawDb,
    reason: str,
) -> None:
    code = codes.booklet_code(lot.programme_code, 4)
    assert services.stock.void(supervisor, code, reason) == code
    why = reason.strip().lower()
    assert raw.query("SELECT status, void_reason FROM booklet WHERE code = ?", (code,)) == [
        ("voided", why)
    ]
    vouchers = _voucher_statuses(raw, code)
    assert len(vouchers) == programme.vouchers_per_booklet
    assert set(vouchers.values()) == {("voided", why)}
    assert _booklet_statuses(raw) == {
        codes.booklet_code(lot.programme_code, k): "voided" if k == 4 else "in_stock"
        for k in range(lot.first_booklet, lot.last_booklet + 1)
    }
    events = _events(raw)
    assert events[-1][1:] == ("voided", supervisor.id, {"code": code, "reason": why})
    assert raw.query(
        "SELECT booklet_id, voucher_id FROM ledger_event ORDER BY id DESC LIMIT 1"
    ) == [(raw.scalar("SELECT id FROM booklet WHERE code = ?", (code,)), None)]
    assert services.ledger.verify().ok


def test_void_a_single_voucher(
    services: Services, supervisor: Actor, lot: LotRow, programme: ProgrammeRow, raw: RawDb
) -> None:
    voucher = codes.voucher_code(programme.code, 2 * programme.vouchers_per_booklet + 4)
    booklet = codes.booklet_code(programme.code, 3)
    assert services.stock.void(supervisor, voucher, "damaged") == voucher
    statuses = _voucher_statuses(raw, booklet)
    assert statuses[voucher] == ("voided", "damaged")
    assert [s for c, s in statuses.items() if c != voucher] == [("in_stock", None)] * 9
    assert _booklet_statuses(raw)[booklet] == "in_stock"
    last = raw.query("SELECT kind, voucher_id, details FROM ledger_event ORDER BY id DESC LIMIT 1")[
        0
    ]
    assert last[0] == "voided"
    assert last[1] == raw.scalar("SELECT id FROM voucher WHERE code = ?", (voucher,))
    assert json.loads(last[2]) == {"code": voucher, "reason": "damaged"}
    assert services.ledger.verify().ok


def test_a_booklet_with_a_voucher_out_of_stock_is_not_whole(
    services: Services, supervisor: Actor, lot: LotRow, programme: ProgrammeRow
) -> None:
    # The one home of the rule the handout and the print both apply.
    n = programme.vouchers_per_booklet
    second, fourth = (codes.voucher_code(programme.code, 2 * n + k) for k in (2, 4))
    services.stock.void(supervisor, fourth, "damaged")
    services.stock.void(supervisor, second, "misprint")
    with services.db.read() as session:
        booklet_id = {
            number: id_
            for number, id_ in session.execute(
                select(Booklet.number, Booklet.id).where(Booklet.programme_id == programme.id)
            )
        }
        assert voucher_out_of_stock(session, booklet_id[3]) == second  # the first by number
        assert voucher_out_of_stock(session, booklet_id[2]) is None
        whole = session.scalars(
            select(Booklet.number)
            .where(Booklet.programme_id == programme.id, booklet_complete())
            .order_by(Booklet.number)
        ).all()
    assert whole == [k for k in range(lot.first_booklet, lot.last_booklet + 1) if k != 3]


@pytest.mark.parametrize("reason", ["", "broken", "cancelled_handout", "perdu"])
def test_void_needs_one_of_the_four_reasons(
    services: Services, supervisor: Actor, lot: LotRow, raw: RawDb, reason: str
) -> None:
    before = raw.dump()
    with pytest.raises(InvalidInput) as caught:
        services.stock.void(supervisor, lot.first_code, reason)
    assert caught.value.field == "reason"
    assert raw.dump() == before


def test_agents_cannot_void(
    services: Services, agent: Actor, admin: Actor, lot: LotRow, raw: RawDb
) -> None:
    before = raw.dump()
    with pytest.raises(Forbidden):
        services.stock.void(agent, lot.first_code, "lost")
    assert raw.dump() == before
    services.stock.void(admin, lot.first_code, "lost")  # an administrator may
    assert _booklet_statuses(raw)[lot.first_code] == "voided"


def test_what_is_voided_cannot_be_voided_again(
    services: Services, supervisor: Actor, lot: LotRow, programme: ProgrammeRow, raw: RawDb
) -> None:
    n = programme.vouchers_per_booklet
    booklet = codes.booklet_code(programme.code, 2)
    voucher_in_it = codes.voucher_code(programme.code, n + 1)
    lone_voucher = codes.voucher_code(programme.code, 4 * n + 2)
    services.stock.void(supervisor, booklet, "stolen")
    services.stock.void(supervisor, lone_voucher, "misprint")
    before = raw.dump()
    for code in (booklet, voucher_in_it, lone_voucher):
        with pytest.raises(Refused) as caught:
            services.stock.void(supervisor, code, "lost")
        assert code in caught.value.message
    assert raw.dump() == before


def test_void_reads_the_code_first(
    services: Services, supervisor: Actor, lot: LotRow, raw: RawDb
) -> None:
    mistyped = lot.first_code[:-1] + str((int(lot.first_code[-1]) + 1) % 10)
    unknown = codes.booklet_code(lot.programme_code, lot.last_booklet + 1)
    before = raw.dump()
    with pytest.raises(InvalidCode):
        services.stock.void(supervisor, mistyped, "lost")
    with pytest.raises(NotFound):
        services.stock.void(supervisor, unknown, "lost")
    assert raw.dump() == before
