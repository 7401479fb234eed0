"""The régie register: computed from the journal, its balances equal the booklet and voucher
tables' counts, movements land in the right column on the right day, and the opening balance is
the state at the period's first instant."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from passdesk import codes
from passdesk.documents.regie_records import ENTRY, EXIT, OUTSIDE, Quantity, RegisterRecord
from passdesk.errors import InvalidInput, NotFound
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow

if TYPE_CHECKING:
    from conftest import MovableClock, RawDb

FACE = Decimal("10.00")


@pytest.fixture
def people(services: Services, agent: Actor) -> list[BeneficiaryRow]:
    names = ["Martin", "Bernard", "Dubois", "Thomas", "Robert"]
    return [
        services.beneficiaries.register(
            agent, BeneficiaryInput(name, "Camille", f"19{60 + i}-0{i + 1}-1{i}")
        )
        for i, name in enumerate(names)
    ]


def booklet(n: int) -> str:
    return codes.booklet_code("MGP19", n)


def voucher(n: int) -> str:
    return codes.voucher_code("MGP19", n)


@pytest.fixture
def busy_desk(
    services: Services,
    supervisor: Actor,
    agent: Actor,
    lot: LotRow,
    people: list[BeneficiaryRow],
    clock: MovableClock,
) -> dict[str, date]:
    """Three days of a desk: receive, handouts, a same-day cancel, a later cancel, voids of a
    booklet in stock, of a booklet handed out and of single vouchers; a second lot on day 3."""
    day1 = clock.now.date()
    services.handouts.hand_out(agent, people[0].id, codes_=[booklet(1)])
    services.handouts.hand_out(agent, people[1].id, codes_=[booklet(2), booklet(3)])
    same_day = services.handouts.hand_out(agent, people[2].id, codes_=[booklet(4)])
    services.handouts.cancel(supervisor, same_day.id, "erreur de saisie")  # 4 back in stock
    services.stock.void(supervisor, booklet(12), "damaged")  # in stock -> voided
    services.stock.void(supervisor, voucher(51), "misprint")  # one voucher of booklet 6
    clock.advance(timedelta(days=1))
    day2 = clock.now.date()
    later = services.handouts.hand_out(agent, people[3].id, codes_=[booklet(5)])
    services.stock.void(supervisor, voucher(12), "lost")  # a voucher of handed-out booklet 2
    clock.advance(timedelta(days=1))
    day3 = clock.now.date()
    services.handouts.cancel(supervisor, later.id, "doublon", returned=False)  # later: voided
    services.stock.void(supervisor, booklet(1), "stolen")  # handed out -> voided
    services.stock.receive(supervisor, programme_code="MGP19", first_booklet=13, count=8)
    services.handouts.hand_out(agent, people[4].id, codes_=[booklet(4)])
    return {"day1": day1, "day2": day2, "day3": day3}


def table_counts(raw: RawDb, table: str) -> dict[str, int]:
    return dict(
        raw.query(
            f"SELECT t.status, count(*) FROM {table} t JOIN programme p ON p.id = t.programme_id "
            "WHERE p.code = 'MGP19' GROUP BY t.status"
        )
    )


def closing_by_status(record: RegisterRecord) -> tuple[dict[str, int], dict[str, int]]:
    booklets = {s.status: s.closing.booklets for s in record.statuses if s.closing.booklets}
    vouchers = {s.status: s.closing.vouchers for s in record.statuses if s.closing.vouchers}
    return booklets, vouchers


def test_the_closing_balance_equals_the_booklet_and_voucher_tables(
    services: Services, busy_desk: dict[str, date], raw: RawDb
) -> None:
    record = services.regie.register("MGP19", busy_desk["day1"], busy_desk["day3"])

    booklets, vouchers = closing_by_status(record)
    assert booklets == table_counts(raw, "booklet")
    assert vouchers == table_counts(raw, "voucher")
    for line in record.statuses:
        assert line.closing.amount == line.closing.vouchers * FACE
    # The safe's balance: the booklets and vouchers in stock in the tables, and their value.
    in_stock = table_counts(raw, "voucher")["in_stock"]
    assert record.closing_stock == Quantity(
        table_counts(raw, "booklet")["in_stock"], in_stock, in_stock * FACE
    )
    # Nothing before the first day: the opening is empty, and opening + movements = closing.
    assert record.opening_stock == Quantity()
    assert record.opening_stock + record.total(ENTRY) - record.total(EXIT) == record.closing_stock
    assert record.lines[-1].stock_after == record.closing_stock


def test_each_movement_is_in_its_column_with_its_reason(
    services: Services, busy_desk: dict[str, date]
) -> None:
    record = services.regie.register("MGP19", busy_desk["day1"], busy_desk["day3"])
    lines = [(line.day, line.label, line.effect, line.quantity) for line in record.lines]
    day1, day2, day3 = busy_desk["day1"], busy_desk["day2"], busy_desk["day3"]

    def q(booklets: int, vouchers: int) -> Quantity:
        return Quantity(booklets, vouchers, vouchers * FACE)

    assert lines == [
        # The unit desk's lot was received on day 1 (the fixture's clock).
        (day1, "Réception du lot", ENTRY, q(12, 120)),
        (day1, "Remises", EXIT, q(4, 40)),
        (day1, "Retour en stock : remise annulée", ENTRY, q(1, 10)),
        (day1, "Invalidé en stock : abîmé", EXIT, q(1, 10)),
        (day1, "Invalidé en stock : erreur d'impression", EXIT, q(0, 1)),  # a single voucher
        (day2, "Remises", EXIT, q(1, 10)),
        (day2, "Invalidé après remise : perdu", OUTSIDE, q(0, 1)),
        (day3, "Invalidé après remise : remise annulée", OUTSIDE, q(1, 10)),
        (day3, "Invalidé après remise : volé", OUTSIDE, q(1, 10)),
        (day3, "Réception du lot", ENTRY, q(8, 80)),
        (day3, "Remises", EXIT, q(1, 10)),
    ]


def test_the_opening_balance_is_the_state_at_the_first_instant_of_the_period(
    services: Services, busy_desk: dict[str, date]
) -> None:
    whole = services.regie.register("MGP19", busy_desk["day1"], busy_desk["day3"])
    later = services.regie.register("MGP19", busy_desk["day2"], busy_desk["day3"])
    day1_lines = [line for line in whole.lines if line.day == busy_desk["day1"]]

    assert later.opening_stock == day1_lines[-1].stock_after
    assert later.closing_stock == whole.closing_stock
    assert [s.opening for s in later.statuses] != [s.opening for s in whole.statuses]
    assert later.lines == tuple(line for line in whole.lines if line.day != busy_desk["day1"])


def test_a_period_before_anything_happened_is_empty(
    services: Services, busy_desk: dict[str, date]
) -> None:
    before = busy_desk["day1"] - timedelta(days=30)
    record = services.regie.register("MGP19", before, before + timedelta(days=1))
    assert record.lines == ()
    assert record.opening_stock == record.closing_stock == Quantity()


def test_bad_periods_and_unknown_programmes_are_refused_in_french(
    services: Services, programme: ProgrammeRow
) -> None:
    with pytest.raises(InvalidInput, match="avant"):
        services.regie.register("MGP19", "2026-03-10", "2026-03-01")
    with pytest.raises(InvalidInput, match="JJ/MM/AAAA"):
        services.regie.register("MGP19", "10 mars 2026", "2026-03-11")
    with pytest.raises(InvalidInput, match="n'existe pas"):
        services.regie.register("MGP19", "29/02/2026", "2026-03-11")
    with pytest.raises(NotFound, match="XYZ"):
        services.regie.register("XYZ", "2026-03-01", "2026-03-10")


def test_movements_other_work_adds_appear_as_soon_as_their_events_exist(
    services: Services, busy_desk: dict[str, date], admin: Actor, clock: MovableClock, raw: RawDb
) -> None:
    """Expiry, a return after a later cancel and vouchers used are written by other parts of
    PassDesk; the register knows them by their event kinds alone."""
    from passdesk.models import EventKind
    from passdesk.services import ledger

    ids = dict(raw.query("SELECT code, id FROM booklet"))
    voucher_ids = dict(raw.query("SELECT code, id FROM voucher"))
    programme_id = raw.scalar("SELECT id FROM programme WHERE code = 'MGP19'")
    clock.advance(timedelta(days=1))
    day4 = clock.now.date()

    def event(kind: EventKind, booklet: str, voucher: str | None = None, **details: str) -> None:
        services.db.transaction(
            lambda session: ledger.append(
                session,
                at=clock.now,
                agent_id=admin.id,
                kind=kind,
                programme_id=programme_id,
                booklet_id=ids[booklet],
                voucher_id=voucher_ids[voucher] if voucher else None,
                details={"booklet": booklet, **details},
            )
        )

    event(EventKind.EXPIRED, booklet(6))  # in stock, one voucher voided on day 1
    event(EventKind.USED, booklet(2), voucher(13))
    event(EventKind.USED, booklet(2), voucher(14))
    event(EventKind.RETURNED, booklet(3), reason="returned_intact")
    record = services.regie.register("MGP19", busy_desk["day1"], day4)

    day4_lines = [(x.label, x.effect, x.quantity) for x in record.lines if x.day == day4]
    assert day4_lines == [
        ("Périmé en stock", EXIT, Quantity(1, 9, 9 * FACE)),
        ("Chèques utilisés", OUTSIDE, Quantity(0, 2, 2 * FACE)),
        ("Retour en stock : returned_intact", ENTRY, Quantity(1, 10, 10 * FACE)),
    ]
    statuses = {s.status: s.closing for s in record.statuses}
    assert statuses["expired"] == Quantity(1, 9, 9 * FACE)
    assert statuses["used"].vouchers == 2
    assert record.opening_stock + record.total(ENTRY) - record.total(EXIT) == record.closing_stock


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_two_periods_join_up_and_the_whole_ends_on_the_tables(
    services: Services,
    supervisor: Actor,
    agent: Actor,
    lot: LotRow,
    people: list[BeneficiaryRow],
    clock: MovableClock,
    raw: RawDb,
    seed: int,
) -> None:
    """Random days of handouts, cancels (same day and later) and voids: however the period is
    cut, a part's closing is the next part's opening, each part adds up, and the whole ends on
    the booklet and voucher tables."""
    import random

    from passdesk.errors import PassDeskError

    rng = random.Random(seed)
    first = clock.now.date()
    given: list[int] = []
    for _step in range(40):
        roll = rng.random()
        try:
            if roll < 0.45:
                person = rng.choice(people)
                row = services.handouts.hand_out(
                    supervisor, person.id, next_programme="MGP19", override_reason="essai"
                )
                given.append(row.id)
            elif roll < 0.6 and given:
                services.handouts.cancel(supervisor, given.pop(rng.randrange(len(given))), "x")
            elif roll < 0.75:
                services.stock.void(supervisor, booklet(rng.randint(1, 12)), "lost")
            elif roll < 0.85:
                services.stock.void(supervisor, voucher(rng.randint(1, 120)), "damaged")
            else:
                clock.advance(timedelta(days=rng.randint(1, 3)))
        except PassDeskError:
            pass  # refused by a rule (nothing left, already voided...): the register is unmoved
    last = clock.now.date()
    whole = services.regie.register("MGP19", first, last)
    booklets, vouchers = closing_by_status(whole)
    assert booklets == table_counts(raw, "booklet")
    assert vouchers == table_counts(raw, "voucher")
    cut = first + timedelta(days=rng.randint(0, max((last - first).days, 0)))
    parts = [
        services.regie.register("MGP19", first, cut),
        services.regie.register("MGP19", cut + timedelta(days=1), last + timedelta(days=1)),
    ]
    assert parts[0].closing_stock == parts[1].opening_stock
    assert [s.closing for s in parts[0].statuses] == [s.opening for s in parts[1].statuses]
    assert parts[1].closing_stock == whole.closing_stock
    for part in parts:
        assert part.opening_stock + part.total(ENTRY) - part.total(EXIT) == part.closing_stock
    # A line is one day's movements of one kind: cutting between days splits none of them.
    assert parts[0].lines + parts[1].lines == whole.lines
