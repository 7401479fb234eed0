"""The daily closing: counts and scans against the register, differences by serial, a typo
refused by the check digits, the CLOSED event and the head hash its sheet prints, a second
closing of the day recorded as a correction, and nothing written when a closing is refused."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from passdesk import codes
from passdesk.documents.closing_sheet import hash_groups
from passdesk.errors import Forbidden, InvalidCode, InvalidInput, NotFound
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, LotRow, ProgrammeRow

if TYPE_CHECKING:
    from pathlib import Path

    from conftest import MovableClock, RawDb


def booklet(n: int, programme: str = "MGP19") -> str:
    return codes.booklet_code(programme, n)


@pytest.fixture
def desk(
    services: Services, supervisor: Actor, agent: Actor, lot: LotRow, other_programme: ProgrammeRow
) -> Services:
    """MGP19 booklets 1..12 and PN26 booklets 1..20 received; MGP19-1 handed out, MGP19-12
    voided: 10 MGP19 and 20 PN26 booklets in stock."""
    person = services.beneficiaries.register(
        agent, BeneficiaryInput("Martin", "Camille", "1970-01-01")
    )
    services.handouts.hand_out(agent, person.id, codes_=[booklet(1)])
    services.stock.void(supervisor, booklet(12), "lost")
    return services


def all_in_stock() -> list[str]:
    return [booklet(n) for n in range(2, 12)] + [booklet(n, "PN26") for n in range(1, 21)]


def last_event(raw: RawDb) -> tuple[int, str, str, int]:
    return raw.query(
        "SELECT id, kind, details, agent_id FROM ledger_event ORDER BY id DESC LIMIT 1"
    )[0]


def head(raw: RawDb) -> str:
    return raw.scalar("SELECT last_hash FROM ledger_head")


def test_counts_that_agree_close_the_day_without_explanation(
    desk: Services, agent: Actor, raw: RawDb
) -> None:
    record = desk.closing.close_day(agent, counts={"MGP19": 10, "pn26": 20})

    assert not record.has_differences
    assert [(c.programme_code, c.expected, c.counted) for c in record.counts] == [
        ("MGP19", 10, 10),
        ("PN26", 20, 20),
    ]
    event_id, kind, details, agent_id = last_event(raw)
    assert (kind, agent_id, event_id) == ("closed", agent.id, record.event_id)
    facts = json.loads(details)
    assert facts["mode"] == "counted" and facts["day"] == record.day.isoformat()
    assert facts["counts"] == {
        "MGP19": {"expected": 10, "counted": 10},
        "PN26": {"expected": 20, "counted": 20},
    }
    # The sheet's hash is the journal's head right after the closing event.
    assert record.head_hash == head(raw)
    assert raw.scalar("SELECT head_hash FROM daily_closing WHERE id = ?", (record.closing_id,)) == (
        head(raw)
    )
    assert desk.ledger.verify().ok


def test_a_count_that_differs_needs_an_explanation_and_records_it_hashed(
    desk: Services, agent: Actor, raw: RawDb
) -> None:
    before = raw.dump()
    with pytest.raises(InvalidInput) as caught:
        desk.closing.close_day(agent, counts={"MGP19": 9, "PN26": 20})
    assert caught.value.field == "explanation"
    assert "expliquez" in caught.value.message.lower()
    assert raw.dump() == before  # nothing written

    why = "Un carnet remis à Mme X sans récépissé, à régulariser demain."
    record = desk.closing.close_day(agent, counts={"MGP19": 9, "PN26": 20}, explanation=why)
    assert [c.difference for c in record.counts] == [-1, 0]
    details = json.loads(last_event(raw)[2])
    # The journal keeps no free text: the explanation is in the closing's row, its hash here.
    assert why not in json.dumps(details, ensure_ascii=False)
    assert details["explanation_sha256"] == hashlib.sha256(why.encode()).hexdigest()
    assert raw.scalar("SELECT explanation FROM daily_closing") == why


def test_every_programme_with_stock_must_be_counted(desk: Services, agent: Actor) -> None:
    with pytest.raises(InvalidInput, match="PN26"):
        desk.closing.close_day(agent, counts={"MGP19": 10})
    with pytest.raises(NotFound, match="ZZ99"):
        desk.closing.close_day(agent, counts={"MGP19": 10, "PN26": 20, "ZZ99": 1})
    with pytest.raises(InvalidInput, match="négatif"):
        desk.closing.close_day(agent, counts={"MGP19": -1, "PN26": 20})
    with pytest.raises(InvalidInput):
        desk.closing.close_day(agent)  # neither scans nor counts


def test_scanned_codes_are_compared_serial_by_serial(
    desk: Services, agent: Actor, raw: RawDb
) -> None:
    scanned = [c for c in all_in_stock() if c not in (booklet(5), booklet(7, "PN26"))]
    scanned += [
        booklet(1),  # handed out: should not be in the safe
        booklet(12),  # voided
        codes.voucher_code("MGP19", 35),  # a voucher of booklet 4: counts as booklet 4 again
        booklet(3, "LYON26"),  # a valid code this desk never received
        booklet(2).lower().replace("-", ""),  # booklet 2 scanned twice, typed differently
    ]
    with pytest.raises(InvalidInput):
        desk.closing.close_day(agent, scanned=scanned)
    record = desk.closing.close_day(agent, scanned=scanned, explanation="Inventaire contrôlé.")

    assert record.scanned
    assert record.missing == (booklet(5), booklet(7, "PN26"))
    assert [(b.code, b.status) for b in record.not_in_stock] == [
        (booklet(1), "remis"),
        (booklet(12), "invalidé"),
    ]
    assert record.unknown == (booklet(3, "LYON26"),)
    # Counted: the distinct booklets of each programme found in the safe, whatever their status.
    assert [(c.programme_code, c.expected, c.counted) for c in record.counts] == [
        ("MGP19", 10, 11),
        ("PN26", 20, 19),
    ]
    details = json.loads(last_event(raw)[2])
    assert details["missing"] == [booklet(5), booklet(7, "PN26")]
    assert details["not_in_stock"] == [[booklet(1), "handed_out"], [booklet(12), "voided"]]
    assert details["unknown"] == [booklet(3, "LYON26")]


def test_a_scanned_typo_is_refused_by_the_check_digits_and_nothing_is_written(
    desk: Services, agent: Actor, raw: RawDb
) -> None:
    code = booklet(6)
    head_, number, check = code.split("-")
    typo = f"{head_}-{number[:-1]}{(int(number[-1]) + 1) % 10}-{check}"
    before = raw.dump()
    with pytest.raises(InvalidCode):
        desk.closing.identify(typo)
    with pytest.raises(InvalidCode):
        desk.closing.close_day(agent, scanned=[*all_in_stock(), typo], explanation="x")
    assert raw.dump() == before


def test_a_second_closing_of_the_day_is_a_correction_of_the_first(
    desk: Services, agent: Actor, supervisor: Actor, raw: RawDb, clock: MovableClock
) -> None:
    first = desk.closing.close_day(agent, counts={"MGP19": 10, "PN26": 20})
    clock.advance(timedelta(minutes=20))
    with pytest.raises(InvalidInput) as caught:
        desk.closing.close_day(supervisor, counts={"MGP19": 10, "PN26": 20})
    assert caught.value.field == "explanation"

    second = desk.closing.close_day(
        supervisor, scanned=all_in_stock(), explanation="Recompté carnet par carnet."
    )
    assert second.corrects == first.closing_id
    assert second.corrects_at == first.closed_at
    assert json.loads(last_event(raw)[2])["corrects"] == first.event_id
    assert second.head_hash == head(raw) != first.head_hash
    # The first closing is left exactly as it was recorded.
    assert desk.closing.sheet(first.closing_id) == first
    # A later day starts afresh.
    clock.advance(timedelta(days=1))
    third = desk.closing.close_day(agent, counts={"MGP19": 10, "PN26": 20})
    assert third.corrects is None and third.day == second.day + timedelta(days=1)
    assert desk.ledger.verify().ok


def test_the_closing_asks_the_roles_table(
    desk: Services, agent: Actor, raw: RawDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    from passdesk import roles
    from passdesk.roles import Action, Role

    assert roles.MINIMUM_ROLE[Action.CLOSE_DAY] is Role.AGENT  # every agent counts the safe
    monkeypatch.setitem(roles.MINIMUM_ROLE, Action.CLOSE_DAY, Role.SUPERVISOR)
    before = raw.dump()
    with pytest.raises(Forbidden):
        desk.closing.close_day(agent, counts={"MGP19": 10, "PN26": 20})
    assert raw.dump() == before


def test_the_sheet_prints_the_head_hash_and_every_difference(
    desk: Services, agent: Actor, raw: RawDb, tmp_path: Path
) -> None:
    scanned = [c for c in all_in_stock() if c != booklet(5)] + [booklet(1)]
    record = desk.closing.close_day(agent, scanned=scanned, explanation="Carnet 5 au guichet.")
    path = desk.closing.write_sheet(record.closing_id, tmp_path / "cloture.pdf")

    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    flat = " ".join(text.split())
    assert hash_groups(head(raw)) in flat  # whole, never cut to fit
    assert f"--anchor {head(raw)}" in flat
    assert booklet(5) in flat and booklet(1) in flat
    assert "Carnet 5 au guichet." in flat
    assert "page 1 / 1" in flat


def _serial(number: int) -> str:
    """A serial of the made-up operator format OP1: OPX, 8 digits, Luhn."""
    from stdnum import luhn

    return "OPX" + f"{number:08d}" + luhn.calc_check_digit(f"{number:08d}")


def test_operator_serials_are_scanned_as_any_code(
    desk: Services, admin: Actor, agent: Actor, raw: RawDb, tmp_path: Path
) -> None:
    from passdesk.cli.regie import read_scanned
    from passdesk.services.lots import LotSerials

    desk.serial_formats.add(admin, name="op1", prefix="opx", digits=8, check="luhn")
    desk.stock.receive(
        admin,
        programme_code="MGP19",
        first_booklet=20,
        count=2,
        serials=LotSerials("OP1", _serial(5000)),
    )
    # Booklet 20 holds serials 5000-5009, booklet 21 5010-5019.
    found = desk.closing.identify(_serial(5003))
    assert (found.code, found.programme_code, found.status) == (booklet(20), "MGP19", "in_stock")
    with pytest.raises(InvalidCode):
        desk.closing.identify(_serial(5003)[:-1] + str((int(_serial(5003)[-1]) + 1) % 10))
    unknown = desk.closing.identify(_serial(9000))  # a valid serial of no lot here
    assert (unknown.code, unknown.status) == (_serial(9000), None)
    scans = tmp_path / "safe.txt"
    scans.write_text("\n".join([*all_in_stock(), _serial(5000), _serial(5019)]) + "\n")
    scanned = read_scanned(scans, desk.closing.read_code)  # the console's reading of the file
    record = desk.closing.close_day(agent, scanned=scanned)
    assert not record.has_differences
    assert [(c.programme_code, c.expected, c.counted) for c in record.counts] == [
        ("MGP19", 12, 12),
        ("PN26", 20, 20),
    ]


def test_the_safe_holds_the_print_on_site_booklets_printed_only(
    desk: Services, admin: Actor, supervisor: Actor, agent: Actor, tmp_path: Path
) -> None:
    desk.stock.receive(
        admin, programme_code="MGP19", first_booklet=30, count=3, kind="print_on_site"
    )
    desk.booklet_printing.print_booklets(supervisor, codes=[booklet(31)], path=tmp_path / "b.pdf")
    # 30 and 32 are numbers of the allocation, not printed: not looked for in the safe.
    assert desk.closing.expected().count("MGP19") == 11
    record = desk.closing.close_day(agent, scanned=[*all_in_stock(), booklet(31)])
    assert not record.has_differences and record.missing == ()
    # The register still holds all three in stock: the régie answers for the allocation.
    assert desk.stock.count_booklets("MGP19", "in_stock") == 13
