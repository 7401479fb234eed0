"""Lookup of a code: what it is, where it went, who received it (for those allowed), in one query.

The one-SELECT lookup is compared with a reference built the plain way (find_by_code, then the
live handout, then the person) over every state a booklet and a voucher can be in.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from passdesk import codes, roles
from passdesk.errors import InvalidCode, NotFound
from passdesk.models import Beneficiary, Handout, HandoutBooklet
from passdesk.roles import Action, Role
from passdesk.services import Services
from passdesk.services.base import voucher_bounds
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow, LookupResult, LotRow, ProgrammeRow
from passdesk.services.stock import find_by_code

# The `programme` fixture's (tests/unit/conftest.py).
PROGRAMME_CODE = "MGP19"
PROGRAMME_VOUCHERS = 10


def reference_lookup(services: Services, actor: Actor, code: str) -> LookupResult:
    """The lookup as it was written before it became one SELECT: entity by entity."""
    with services.lookup._db.read() as session:
        found = find_by_code(session, code)
        booklet, programme, voucher = found.booklet, found.programme, found.voucher
        first, last = voucher_bounds(booklet.number, programme.vouchers_per_booklet)
        handout = session.scalar(
            select(Handout)
            .join(HandoutBooklet)
            .where(HandoutBooklet.booklet_id == booklet.id, Handout.cancelled_at.is_(None))
            .order_by(Handout.id.desc())
            .limit(1)
        )
        person = None
        if handout is not None and roles.may(actor.role, Action.SEE_RECIPIENT):
            person = session.get(Beneficiary, handout.beneficiary_id)
        return LookupResult(
            kind=found.parsed.kind,
            code=found.parsed.code,
            status=(voucher.status if voucher is not None else booklet.status).value,
            programme_code=programme.code,
            programme_name=programme.name,
            booklet_code=booklet.code,
            booklet_status=booklet.status.value,
            first_voucher_code=codes.voucher_code(programme.code, first),
            last_voucher_code=codes.voucher_code(programme.code, last),
            face_value=programme.face_value,
            valid_until=programme.valid_until,
            receipt_number=handout.receipt_number if handout else None,
            handed_out_at=handout.created_at if handout else None,
            beneficiary_id=person.id if person else None,
            beneficiary_name=f"{person.first_name} {person.last_name}" if person else None,
        )


def booklet(number: int) -> str:
    return codes.booklet_code(PROGRAMME_CODE, number)


def voucher(booklet_number: int, index: int = 0) -> str:
    first, _last = voucher_bounds(booklet_number, PROGRAMME_VOUCHERS)
    return codes.voucher_code(PROGRAMME_CODE, first + index)


def every_code(lot: LotRow) -> list[str]:
    """Each booklet's code, its first and last voucher, and typed-by-hand forms of some."""
    found = []
    for number in range(lot.first_booklet, lot.last_booklet + 1):
        found += [booklet(number), voucher(number), voucher(number, PROGRAMME_VOUCHERS - 1)]
    found += [voucher(1).replace("-", "").lower(), f"  {booklet(2).lower()} "]
    return found


@pytest.fixture
def history(
    services: Services,
    supervisor: Actor,
    agent: Actor,
    lot: LotRow,
    person: BeneficiaryRow,
) -> dict[str, BeneficiaryRow]:
    """Booklets in every state: in stock, handed out, handed out then cancelled and handed out
    again to someone else, back in stock after a cancellation, voided, with a voided voucher."""
    other = services.beneficiaries.register(
        agent, BeneficiaryInput(last_name="Wałęsa", first_name="Łukasz", birth_date="2001-05-17")
    )
    services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    services.handouts.hand_out(agent, other.id, codes_=[voucher(2)])
    cancelled = services.handouts.hand_out(agent, person.id, codes_=[booklet(3)])
    services.handouts.cancel(supervisor, cancelled.id, "erreur de saisie")
    services.handouts.hand_out(agent, other.id, codes_=[booklet(3)])
    back = services.handouts.hand_out(agent, person.id, codes_=[booklet(4)])
    services.handouts.cancel(supervisor, back.id, "erreur de saisie")
    services.stock.void(supervisor, booklet(5), "lost")
    services.stock.void(supervisor, voucher(6, 3), "damaged")
    return {"person": person, "other": other}


def test_lookup_answers_as_the_entity_by_entity_reference_in_every_state(
    services: Services, agent: Actor, lot: LotRow, history: dict[str, BeneficiaryRow]
) -> None:
    assert lot.programme_code == PROGRAMME_CODE
    for code in [*every_code(lot), voucher(6, 3)]:
        assert services.lookup.lookup(agent, code) == reference_lookup(services, agent, code)


def test_lookup_names_the_live_handout_and_its_person(
    services: Services, agent: Actor, history: dict[str, BeneficiaryRow]
) -> None:
    found = services.lookup.lookup(agent, voucher(3, 4))
    assert (found.kind, found.status, found.booklet_status) == (
        "voucher",
        "handed_out",
        "handed_out",
    )
    assert found.booklet_code == booklet(3)
    assert (found.first_voucher_code, found.last_voucher_code) == (voucher(3), voucher(3, 9))
    assert found.beneficiary_id == history["other"].id
    assert found.beneficiary_name == "Łukasz Wałęsa"
    assert found.receipt_number is not None and found.handed_out_at is not None
    # Booklet 4 came back to stock: its cancelled handout names nobody.
    back = services.lookup.lookup(agent, booklet(4))
    assert back.status == "in_stock"
    assert (back.receipt_number, back.beneficiary_id, back.beneficiary_name) == (None, None, None)


def test_a_voided_voucher_shows_its_own_status_beside_its_booklets(
    services: Services, agent: Actor, history: dict[str, BeneficiaryRow]
) -> None:
    found = services.lookup.lookup(agent, voucher(6, 3))
    assert (found.status, found.booklet_status) == ("voided", "in_stock")


def test_a_role_that_may_not_see_the_recipient_gets_the_handout_without_the_person(
    services: Services,
    agent: Actor,
    history: dict[str, BeneficiaryRow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(roles.MINIMUM_ROLE, Action.SEE_RECIPIENT, Role.SUPERVISOR)
    found = services.lookup.lookup(agent, booklet(1))
    assert found.receipt_number is not None
    assert (found.beneficiary_id, found.beneficiary_name) == (None, None)
    assert found == reference_lookup(services, agent, booklet(1))


def test_a_valid_code_not_in_stock_is_not_found_in_french(
    services: Services, agent: Actor, lot: LotRow, programme: ProgrammeRow
) -> None:
    for code in (booklet(lot.last_booklet + 1), codes.booklet_code("PN26", 1)):
        with pytest.raises(NotFound, match="ne fait pas partie du stock") as caught:
            services.lookup.lookup(agent, code)
        assert caught.value.field == "code"


def test_check_digits_are_checked_before_the_database(
    services: Services, agent: Actor, lot: LotRow
) -> None:
    code = voucher(1)
    mistyped = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(InvalidCode, match="clé de contrôle"):
        services.lookup.lookup(agent, mistyped)


def test_a_lookup_is_one_statement_sent_to_the_database(
    services: Services, agent: Actor, history: dict[str, BeneficiaryRow]
) -> None:
    """No BEGIN or ROLLBACK around it either: the SELECT is its own read transaction."""
    sent: list[str] = []
    engine = services.lookup._db.engine

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        for code in (booklet(1), voucher(3, 4), booklet(4)):
            sent.clear()
            services.lookup.lookup(agent, code)
            assert len(sent) == 1 and sent[0].lstrip().upper().startswith("SELECT"), sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
