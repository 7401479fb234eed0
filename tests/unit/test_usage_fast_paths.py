"""The usage import's fast paths say exactly what the slow, single-home ones say: a code read as
printed is what `codes.parse_code` reads, the register's arrays are the voucher table, and each
journal event written in bulk is the one `ledger.event_values` makes (the import stops, writing
nothing, if its form ever drifts)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passdesk import codes
from passdesk.errors import PassDeskError
from passdesk.models import EventKind
from passdesk.services import Services, ledger, usage_register, usage_writer
from passdesk.services.rows import Actor, BeneficiaryRow, HandoutRow
from passdesk.services.usage_register import MISSING, Register
from passdesk.store.database import Database
from tests.desks import PROGRAMME_CODE, MovableClock
from tests.unit.conftest import RawDb


@pytest.fixture
def handed(
    services: Services, agent: Actor, supervisor: Actor, person: BeneficiaryRow, lot: object
) -> HandoutRow:
    """Booklet 1 (vouchers 1-10) handed out; two places in the directory."""
    from passdesk.services.places import PlaceInput

    services.places.add(supervisor, PlaceInput("Médiathèque", postcode="69100"))
    services.places.add(supervisor, PlaceInput("Centre social", postcode="69100"))
    return services.handouts.hand_out(agent, person.id, next_programme=PROGRAMME_CODE)


FORMS = ("canonical", "compact", "one dash", "lower", "spaced", "check", "booklet", "foreign")


def _written(form: str, number: int) -> str:
    code = codes.voucher_code(PROGRAMME_CODE, number)
    if form == "compact":
        return code.replace("-", "")
    if form == "one dash":
        return code.replace("-", "", 1)
    if form == "lower":
        return code.lower()
    if form == "spaced":
        return f" {code} "
    if form == "check":
        return code[:-2] + f"{(int(code[-2:]) + 1) % 100:02d}"
    if form == "booklet":
        return codes.booklet_code(PROGRAMME_CODE, number)
    if form == "foreign":
        return codes.voucher_code("PN26", number)
    return code


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(form=st.sampled_from(FORMS), number=st.integers(min_value=1, max_value=200))
def test_a_code_read_as_printed_is_what_parse_code_reads(
    db: Database, handed: HandoutRow, form: str, number: int
) -> None:
    text = _written(form, number)
    with db.read() as session:
        register = Register(session)
    fast = register.printed_voucher(text)
    if fast is None:  # left to the slow path: only what the register does not hold as printed
        assert form not in ("canonical", "compact") or number > 120  # the lot: 1-120
        return
    programme, found_number, canonical = fast
    parsed = codes.parse_code(text)
    assert parsed.kind == codes.VOUCHER
    assert (programme.code, found_number, canonical) == (
        parsed.programme_code,
        parsed.number,
        parsed.code,
    )


def test_every_voucher_held_is_read_on_the_fast_path_and_nothing_else_is(
    db: Database, handed: HandoutRow
) -> None:
    with db.read() as session:
        register = Register(session)
    for number in range(1, 121):  # the lot: booklets 1-12 of 10 vouchers
        for form in ("canonical", "compact"):
            assert register.printed_voucher(_written(form, number)) is not None, (form, number)
        for form in ("one dash", "lower", "spaced", "check", "booklet", "foreign"):
            assert register.printed_voucher(_written(form, number)) is None, (form, number)
            refused = form in ("one dash", "check")
            with pytest.raises(PassDeskError) if refused else contextlib.nullcontext():
                codes.parse_code(_written(form, number))


def test_the_registers_arrays_are_the_voucher_table_even_with_gaps_in_the_numbers(
    services: Services, supervisor: Actor, handed: HandoutRow, db: Database, raw: RawDb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    services.stock.void(supervisor, codes.voucher_code(PROGRAMME_CODE, 3), "stolen")
    services.stock.void(supervisor, codes.voucher_code(PROGRAMME_CODE, 4), "lost")
    services.stock.receive(supervisor, programme_code=PROGRAMME_CODE, first_booklet=20, count=2)
    monkeypatch.setattr(usage_register, "_CHUNK", 7)  # a chunk spans the gap 120 -> 191
    with db.read() as session:
        programme = Register(session).programmes[PROGRAMME_CODE]
    rows = raw.query(
        "SELECT v.number, v.id, v.status, v.void_reason, v.booklet_id, v.code FROM voucher v "
        "JOIN programme p ON p.id = v.programme_id WHERE p.code = ?",
        (PROGRAMME_CODE,),
    )
    held = {number for number, *_rest in rows}
    assert held == set(range(1, 121)) | set(range(191, 211))
    names = {"in_stock": 0, "handed_out": 1, "used": 2, "voided": 3, "expired": 4}
    for number, vid, status, reason, booklet, code in rows:
        assert programme.ids[number] == vid and programme.booklet[number] == booklet
        assert programme.status[number] == (5 if reason == "stolen" else names[status])
        assert programme.check[number] == int(code[-2:])
    assert [n for n in range(len(programme.status)) if programme.status[n] != MISSING] == sorted(
        held
    )


def test_each_journal_event_written_in_bulk_is_the_one_ledger_makes(
    services: Services, supervisor: Actor, handed: HandoutRow, raw: RawDb, tmp_path: Path,
    clock: MovableClock,
) -> None:  # fmt: skip
    lines = [
        f"{codes.voucher_code(PROGRAMME_CODE, n)};{10 + n}/03/2026 {n:02d}:15;{1 + n % 2};10"
        for n in range(1, 9)
    ]
    path = tmp_path / "usage.csv"
    path.write_text("code;date;lieu;montant\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = services.usage.import_file(supervisor, path)
    assert result.applied == 8
    events = raw.query(
        "SELECT id, prev_hash, agent_id, programme_id, booklet_id, voucher_id, details, hash "
        "FROM ledger_event WHERE kind = 'used' ORDER BY id"
    )
    assert len(events) == 8
    at = clock()
    for event_id, prev, agent, programme, booklet, voucher, details, digest in events:
        expected = ledger.event_values(
            event_id, prev, at=at, agent_id=agent, kind=EventKind.USED, programme_id=programme,
            booklet_id=booklet, voucher_id=voucher, details=json.loads(details),
        )  # fmt: skip
        assert (expected["details"], expected["hash"]) == (details, digest)
    assert {json.loads(e[6])["place"] for e in events} == {1, 2}
    assert services.ledger.verify().ok


def test_an_event_form_that_drifts_from_the_ledgers_stops_the_import_and_writes_nothing(
    services: Services, supervisor: Actor, handed: HandoutRow, raw: RawDb, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    made = usage_writer.UsageWriter.__init__

    def drifted(self: Any, *args: Any) -> None:
        made(self, *args)
        self.details = self.details.replace('"place":', '"lieu":')

    monkeypatch.setattr(usage_writer.UsageWriter, "__init__", drifted)
    path = tmp_path / "usage.csv"
    path.write_text(
        f"code;date;lieu;montant\n{codes.voucher_code(PROGRAMME_CODE, 1)};15/03/2026;1;10\n",
        encoding="utf-8",
    )
    before = raw.dump()
    with pytest.raises(RuntimeError, match="ledger.event_values"):
        services.usage.import_file(supervisor, path)
    assert raw.dump() == before
