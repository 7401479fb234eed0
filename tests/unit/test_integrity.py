"""`check` catches the register changed behind the journal's back, not only a broken chain."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from passdesk import codes
from passdesk.services import Services
from passdesk.services.integrity import check_database
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow

if TYPE_CHECKING:
    from conftest import RawDb


def _booklet(programme: ProgrammeRow, number: int) -> str:
    return codes.booklet_code(programme.code, number)


@pytest.fixture
def busy_register(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
) -> Services:
    """Handouts, a same-day cancellation, a voided booklet and a voided voucher: all sound."""
    first = services.handouts.hand_out(agent, person.id, codes_=[_booklet(programme, 1)])
    services.handouts.cancel(supervisor, first.id, "wrong person")
    services.handouts.hand_out(agent, person.id, codes_=[_booklet(programme, 2)])
    services.stock.void(supervisor, _booklet(programme, 3), "lost")
    numbers = codes.voucher_numbers_in_booklet(4, programme.vouchers_per_booklet)
    services.stock.void(supervisor, codes.voucher_code(programme.code, numbers[0]), "damaged")
    report = check_database(services)
    assert report.ok, report.lines
    return services


def _put_back_and_hand_out_again(
    services: Services, raw: RawDb, programme: ProgrammeRow, agent: Actor, other: int
) -> None:
    code = _booklet(programme, 2)
    raw.execute("UPDATE booklet SET status = 'in_stock' WHERE code = ?", (code,))
    raw.execute(
        "UPDATE voucher SET status = 'in_stock' WHERE booklet_id = "
        "(SELECT id FROM booklet WHERE code = ?)",
        (code,),
    )
    services.handouts.hand_out(agent, other, codes_=[code])


TAMPERING: dict[str, Callable[..., None]] = {
    "a booklet put back in stock by hand, then handed out to someone else": (
        lambda services, raw, programme, agent, other: _put_back_and_hand_out_again(
            services, raw, programme, agent, other
        )
    ),
    "a voucher row deleted": lambda services, raw, programme, agent, other: raw.execute(
        "DELETE FROM voucher WHERE id = (SELECT max(id) FROM voucher)"
    ),
    "a booklet voided without an event": lambda services, raw, programme, agent, other: raw.execute(
        "UPDATE booklet SET status = 'voided' WHERE code = ?", (_booklet(programme, 5),)
    ),
    "a voucher voided without an event": lambda services, raw, programme, agent, other: raw.execute(
        "UPDATE voucher SET status = 'voided' WHERE id = "
        "(SELECT min(v.id) FROM voucher v JOIN booklet b ON b.id = v.booklet_id "
        "WHERE b.number = 6)"
    ),
    "a handed-out voucher marked in stock": lambda services, raw, programme, agent, other: (
        raw.execute(
            "UPDATE voucher SET status = 'in_stock' WHERE id = "
            "(SELECT min(v.id) FROM voucher v JOIN booklet b ON b.id = v.booklet_id "
            "WHERE b.status = 'handed_out')"
        )
    ),
    "a lot's booklets deleted with their vouchers": lambda services, raw, programme, agent, other: (
        raw.execute_unchecked(
            "DELETE FROM voucher WHERE booklet_id = (SELECT max(id) FROM booklet)",
            "DELETE FROM booklet WHERE id = (SELECT max(id) FROM booklet)",
        )
    ),
}


@pytest.mark.parametrize("how", list(TAMPERING))
def test_check_reports_a_register_changed_behind_the_journal(
    how: str,
    busy_register: Services,
    raw: RawDb,
    programme: ProgrammeRow,
    agent: Actor,
    services: Services,
) -> None:
    from passdesk.services.beneficiaries import BeneficiaryInput

    other = services.beneficiaries.register(
        agent, BeneficiaryInput("Martin", "Paul", "1970-03-03"), allow_duplicate=True
    )
    assert check_database(services).ok
    TAMPERING[how](services, raw, programme, agent, other.id)
    report = check_database(services)
    assert not report.ok
    assert report.ledger.ok  # the chain alone would not have seen it
    assert report.problems, report.lines
