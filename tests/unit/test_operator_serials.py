"""A delivered lot printed with an operator's serials: declared, received, and then found by those
serials wherever a code is typed or scanned. The operator and its format are made up."""

from __future__ import annotations

import json
from typing import Any

import pytest

from passdesk import codes
from passdesk.errors import Forbidden, InvalidCode, InvalidInput, NotFound, Refused
from passdesk.services.integrity import check_database
from passdesk.services.lots import LotSerials

P = "MGP19"  # 10 vouchers a booklet


@pytest.fixture
def op1(services: Any, admin: Any, programme: Any) -> Any:
    """Format OP1: OPX, 8 digits, Luhn."""
    return services.serial_formats.add(admin, name="op1", prefix="opx", digits=8, check="luhn")


def serial(number: int) -> str:
    return "OPX" + f"{number:08d}" + _luhn(f"{number:08d}")


def _luhn(digits: str) -> str:
    from stdnum import luhn

    return luhn.calc_check_digit(digits)


def receive(services: Any, actor: Any, first: int, count: int, first_serial: str, **kw: Any) -> Any:
    return services.stock.receive(
        actor,
        programme_code=P,
        first_booklet=first,
        count=count,
        serials=LotSerials("OP1", first_serial, **kw),
    )


def test_a_format_is_declared_by_an_admin_and_journaled(
    services: Any, admin: Any, supervisor: Any, programme: Any, raw: Any
) -> None:
    with pytest.raises(Forbidden):
        services.serial_formats.add(supervisor, name="OP1", prefix="OPX", digits=8, check="luhn")
    row = services.serial_formats.add(admin, name="op1", prefix="opx", digits=8, check="luhn")
    assert (row.name, row.prefix, row.example, row.catches_typos) == (
        "OP1",
        "OPX",
        "OPX000000018",
        True,
    )
    assert "sauf 09 et 90" in row.checks
    kind, details = raw.query("SELECT kind, details FROM ledger_event ORDER BY id DESC LIMIT 1")[0]
    assert kind == "serial_format_added"
    assert json.loads(details) == {"name": "OP1", "prefix": "OPX", "digits": 8, "check": "luhn"}
    assert [f.name for f in services.serial_formats.list()] == ["OP1"]
    before = raw.dump()
    with pytest.raises(Refused, match="existe déjà"):
        services.serial_formats.add(admin, name="OP1", prefix="OPZ", digits=6, check="none")
    assert raw.dump() == before


def test_a_format_and_a_programme_never_read_the_same_text(
    services: Any, admin: Any, programme: Any, raw: Any
) -> None:
    before = raw.dump()
    # MGP + 11 digits = 14 characters: the undashed shape of MGP19's voucher codes.
    with pytest.raises(Refused, match="codes de l'opération MGP19"):
        services.serial_formats.add(admin, name="BAD", prefix="MGP", digits=11, check="none")
    assert raw.dump() == before
    services.serial_formats.add(admin, name="OK", prefix="MGP", digits=10, check="none")
    services.serial_formats.add(admin, name="NS1", prefix="NS", digits=8, check="luhn")
    with pytest.raises(Refused, match="NS1"):
        services.programmes.add(
            admin,
            code="NS",
            name="Pass",
            face_value="10",
            vouchers_per_booklet=5,
            valid_from="2026-01-01",
            valid_until="2027-01-01",
            funders=[("État", 100)],
        )
    with pytest.raises(Refused, match="format NS1"):
        services.serial_formats.add(admin, name="NS2", prefix="NS0", digits=7, check="luhn")


def test_a_delivered_lot_declares_its_serials_and_is_found_by_them(
    services: Any, supervisor: Any, agent: Any, op1: Any, person: Any, raw: Any
) -> None:
    lot = receive(services, supervisor, 1, 3, serial(5000), vouchers_per_booklet=10)
    assert (lot.kind, lot.serial_format, lot.first_serial, lot.last_serial) == (
        "delivered",
        "OP1",
        serial(5000),
        serial(5029),
    )
    assert services.stock.lots() == [lot]
    details = json.loads(
        raw.scalar("SELECT details FROM ledger_event WHERE kind = 'received' ORDER BY id DESC")
    )
    assert details["serial_format"] == "OP1" and details["last_serial"] == serial(5029)
    # serial 5013 is the 4th voucher of the lot's 2nd booklet: voucher 14 of MGP19
    found = services.stock.get_booklet(serial(5013))
    assert found.code == codes.booklet_code(P, 2)
    looked_up = services.lookup.lookup(supervisor, serial(5013).lower())
    assert (looked_up.kind, looked_up.code) == ("voucher", codes.voucher_code(P, 14))
    services.stock.void(supervisor, serial(5013), "stolen")
    assert raw.scalar(
        "SELECT status FROM voucher WHERE code = ?", (codes.voucher_code(P, 14),)
    ) == ("voided")
    row = services.handouts.hand_out(agent, person.id, codes_=[serial(5021)])
    assert [b.booklet_code for b in row.booklets] == [codes.booklet_code(P, 3)]
    (record,) = services.booklet_printing.build_booklets(
        codes=[serial(5001)], reprint_reason="Carnet de l'opérateur abîmé"
    )
    assert (record.booklet_code, record.duplicate) == (codes.booklet_code(P, 1), True)
    # a serial of the format outside every lot is "not in stock", a typo is a typo
    with pytest.raises(NotFound, match="pas partie du stock"):
        services.stock.get_booklet(serial(6000))
    typo = serial(5013)[:-1] + str((int(serial(5013)[-1]) + 1) % 10)
    with pytest.raises(InvalidCode, match="format OP1"):
        services.stock.get_booklet(typo)
    assert check_database(services).ok


def test_serials_of_a_lot_cannot_be_received_twice_nor_go_wrong(
    services: Any, supervisor: Any, op1: Any, raw: Any
) -> None:
    receive(services, supervisor, 1, 3, serial(5000))
    before = raw.dump()
    with pytest.raises(Refused, match="déjà au registre"):
        receive(services, supervisor, 10, 2, serial(5025))  # 5025..5044 meets 5000..5029
    with pytest.raises(InvalidInput, match="en contiennent 10"):
        receive(services, supervisor, 10, 2, serial(6000), vouchers_per_booklet=5)
    with pytest.raises(InvalidCode, match="format OP1"):
        receive(services, supervisor, 10, 2, serial(6000)[:-1] + "0" * (serial(6000)[-1] != "0"))
    with pytest.raises(InvalidInput, match="n'est pas un numéro du format OP1"):
        receive(services, supervisor, 10, 2, codes.voucher_code(P, 5))
    with pytest.raises(NotFound, match="Aucun format"):
        services.stock.receive(
            supervisor,
            programme_code=P,
            first_booklet=10,
            count=1,
            serials=LotSerials("OP9", serial(6000)),
        )
    with pytest.raises(InvalidInput, match="Seul un lot livré"):
        services.stock.receive(
            supervisor,
            programme_code=P,
            first_booklet=10,
            count=1,
            kind="print_on_site",
            serials=LotSerials("OP1", serial(6000)),
        )
    with pytest.raises(InvalidInput, match="plus de 8 chiffres"):
        receive(services, supervisor, 10, 2, serial(99_999_990))
    assert raw.dump() == before
    receive(services, supervisor, 4, 2, serial(5030))  # right after: accepted
