"""Two desks in one database, the review's stock findings (issue 13): each desk's régie register
follows the booklets it held when (transfers are its exits and entries), the printing jobs work
for the acting agent's desk, and a void or a print checks the holder in the guarded update
itself.

The fixtures' desk holds booklets 1-6 of the lot, desk VAULX (tests/territory.py) 7-12.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import pypdf
import pytest

from passdesk import codes
from passdesk.documents.regie_records import ENTRY, EXIT
from passdesk.errors import NotFound, PassDeskError, Refused
from passdesk.services import Services
from passdesk.services import stock as stock_module
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.booklet_printing import print_booklets_job
from passdesk.services.integrity import check_database
from passdesk.services.report_figures import ReportQuery
from passdesk.services.reports import report_job
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from passdesk.services.transfers import TransferService
from passdesk.services.usage_import import import_usage_job
from passdesk.store import Database
from tests.desks import START
from tests.territory import SECOND_CODE, SECOND_NAME, hand_over, second_desk

if TYPE_CHECKING:
    from conftest import RawDb

VAULX_FIRST, VAULX_COUNT = 7, 6


def _vaulx(services: Services, programme: ProgrammeRow) -> tuple[Actor, Actor]:
    vadmin, vagent = second_desk(services, START)
    hand_over(services, programme.code, VAULX_FIRST, VAULX_COUNT, vadmin)
    return vadmin, vagent


@pytest.fixture
def vaulx(services: Services, programme: ProgrammeRow, lot: LotRow) -> tuple[Actor, Actor]:
    """Desk VAULX's administrator and agent; VAULX holds booklets 7-12 of the lot."""
    return _vaulx(services, programme)


@pytest.fixture
def vaulx_prints(
    services: Services, programme: ProgrammeRow, site_lot: LotRow
) -> tuple[Actor, Actor]:
    """The same, the lot being a range the desks print themselves."""
    return _vaulx(services, programme)


@pytest.fixture
def vaulx_person(services: Services, vaulx: tuple[Actor, Actor]) -> BeneficiaryRow:
    return services.beneficiaries.register(
        vaulx[1], BeneficiaryInput("Diallo", "Awa", "1979-05-03")
    )


def _code(programme: ProgrammeRow, number: int) -> str:
    return codes.booklet_code(programme.code, number)


# --- 1. each desk's régie register ------------------------------------------------------------


def test_each_desks_register_closes_on_its_stock_after_transfers_handouts_and_a_return(
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
    services.act_as(vagent)
    services.handouts.hand_out(vagent, vaulx_person.id, codes_=[_code(programme, 7)])
    back = services.handouts.hand_out(vagent, vaulx_person.id, codes_=[_code(programme, 8)])
    services.handouts.cancel(vadmin, back.id, "Erreur de saisie", returned=True)
    # VAULX gives booklet 12 back; the first desk hands it out.
    hand_over(services, programme.code, 12, 1, admin)
    services.act_as(agent)
    services.handouts.hand_out(agent, person.id, codes_=[_code(programme, 12)])
    day = START.date()
    for actor, held, handed_out in ((admin, 5, 2), (vadmin, 4, 1)):
        services.act_as(actor)
        record = services.regie.register(programme.code, day, day)
        counts = services.stock.counts(programme.code)
        assert (counts.in_stock, counts.handed_out) == (held, handed_out)
        assert record.closing_stock.booklets == counts.in_stock
        assert record.closing_stock.vouchers == counts.vouchers.in_stock
        assert record.closing_stock.amount == counts.vouchers.value_in_stock
        assert record.lines[-1].stock_after == record.closing_stock
        closing = {s.status: s.closing.booklets for s in record.statuses}
        assert closing["handed_out"] == counts.handed_out
        assert closing["in_stock"] == counts.in_stock
    assert check_database(services).ok


def test_a_transfer_is_an_exit_of_the_giver_and_an_entry_of_the_receiver(
    services: Services,
    admin: Actor,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
) -> None:
    vadmin, _vagent = vaulx
    day = START.date()
    services.act_as(admin)
    given = [line for line in services.regie.register(programme.code, day, day).lines]
    services.act_as(vadmin)
    taken = [line for line in services.regie.register(programme.code, day, day).lines]
    out = [line for line in given if line.movement == "transferred_out"]
    into = [line for line in taken if line.movement == "transferred_in"]
    assert [(line.effect, line.quantity.booklets) for line in out] == [(EXIT, VAULX_COUNT)]
    assert [(line.effect, line.quantity.booklets) for line in into] == [(ENTRY, VAULX_COUNT)]
    assert SECOND_CODE in out[0].detail
    assert _code(programme, VAULX_FIRST) in out[0].detail
    assert _code(programme, VAULX_FIRST + VAULX_COUNT - 1) in into[0].detail
    # VAULX received no lot: its register has no reception, only the transfer.
    assert [line.movement for line in taken] == ["transferred_in"]


# --- 2. the window's jobs work for the actor's desk -------------------------------------------


def _text(path: Path) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_the_print_job_prints_the_actors_desk_letterhead_and_cover(
    services: Services,
    admin: Actor,
    programme: ProgrammeRow,
    vaulx_prints: tuple[Actor, Actor],
    db_url: str,
    tmp_path: Path,
) -> None:
    vadmin, _vagent = vaulx_prints
    services.act_as(vadmin)
    services.settings.set(vadmin, "cover_text", "Couverture propre à Vaulx")
    services.act_as(admin)  # the job reopens the database: it must not take the first desk
    out = tmp_path / "vaulx.pdf"
    options = {"programme_code": programme.code, "from_booklet": 8, "count": 1, "path": out}
    result = print_booklets_job(db_url, vadmin, options)
    text = _text(out)
    assert result.booklets == 1
    assert SECOND_NAME in text
    assert "Couverture propre à Vaulx" in text
    assert services.desks.get(admin.desk_id).name not in text


def test_the_print_job_does_not_personalise_for_another_desks_person(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    vaulx_prints: tuple[Actor, Actor],
    raw: RawDb,
    db_url: str,
    tmp_path: Path,
) -> None:
    vadmin, _vagent = vaulx_prints
    theirs = services.beneficiaries.register(
        agent, BeneficiaryInput("Secret", "Zoé", "1970-01-01", postcode="69100")
    )
    prints = raw.scalar("SELECT count(*) FROM print_record")

    def refusal(person_id: int) -> str:
        options = {
            "programme_code": programme.code,
            "from_booklet": 8,
            "count": 1,
            "path": tmp_path / f"{person_id}.pdf",
            "personalise_for": person_id,
        }
        with pytest.raises(NotFound) as refused:
            print_booklets_job(db_url, vadmin, options)
        assert not (tmp_path / f"{person_id}.pdf").exists()
        return refused.value.message.replace(str(person_id), "#")

    nobody = 1 + raw.scalar("SELECT max(id) FROM beneficiary")
    assert refusal(theirs.id) == refusal(nobody)
    assert raw.scalar("SELECT count(*) FROM print_record") == prints


def test_every_job_reopens_the_database_for_the_actors_desk(
    services: Services,
    admin: Actor,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _vadmin, vagent = vaulx
    seen: list[int | None] = []
    close = Database.close

    def closing(db: Database) -> None:
        seen.append(db.desk_id)
        close(db)

    monkeypatch.setattr(Database, "close", closing)
    day = START.date()
    report_job(db_url, vagent, ReportQuery(day, day), None, None)
    usage = tmp_path / "usage.csv"
    usage.write_text("code;date\n", encoding="utf-8")
    # What the file says does not matter here: which desk the job worked for does.
    with contextlib.suppress(PassDeskError):
        import_usage_job(db_url, vagent, usage, None, True, progress=_no_progress, cancel=_never)
    assert seen == [vagent.desk_id, vagent.desk_id]


def _no_progress(done: int, total: int) -> None:
    return None


def _never() -> bool:
    return False


# --- 3. a void checks the holder in its guarded update ----------------------------------------


def test_a_void_whose_booklet_moved_after_the_check_is_refused_with_the_holder(
    services: Services,
    admin: Actor,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    raw: RawDb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On PostgreSQL a transfer may commit between the void's check and its update: the check
    # is made to pass here, as it did before the transfer, so that the update alone decides.
    monkeypatch.setattr(stock_module, "check_held", lambda *args: None)
    before = (
        raw.query("SELECT id, status, desk_id FROM booklet ORDER BY id"),
        raw.query("SELECT id, status FROM voucher ORDER BY id"),
    )
    events = raw.scalar("SELECT count(*) FROM ledger_event")
    booklet = _code(programme, VAULX_FIRST)
    voucher = codes.voucher_code(
        programme.code, (VAULX_FIRST - 1) * programme.vouchers_per_booklet + 1
    )
    for code in (booklet, voucher):
        with pytest.raises(Refused) as refused:
            services.stock.void(admin, code, "lost")
        assert SECOND_CODE in refused.value.message
    after = (
        raw.query("SELECT id, status, desk_id FROM booklet ORDER BY id"),
        raw.query("SELECT id, status FROM voucher ORDER BY id"),
    )
    assert after == before
    assert raw.scalar("SELECT count(*) FROM ledger_event") == events


# --- 4. a print whose booklets moved while it rendered ----------------------------------------


def test_a_print_whose_booklets_were_transferred_while_rendering_records_nothing(
    services: Services,
    admin: Actor,
    programme: ProgrammeRow,
    vaulx_prints: tuple[Actor, Actor],
    raw: RawDb,
    tmp_path: Path,
) -> None:
    moved: list[int] = []

    def progress(done: int, total: int) -> None:
        if not moved:
            moved.append(done)
            services.transfers.transfer(
                admin, programme=programme.code, first_booklet=1, count=2, to_desk=SECOND_CODE
            )

    out = tmp_path / "moved.pdf"
    with pytest.raises(Refused):
        services.booklet_printing.print_booklets(
            admin,
            programme_code=programme.code,
            from_booklet=1,
            count=2,
            path=out,
            progress=progress,
        )
    assert moved
    assert not out.exists()
    assert raw.scalar("SELECT count(*) FROM print_record") == 0
    assert raw.query("SELECT print_count FROM booklet WHERE number <= 2 ORDER BY number") == [
        (0,),
        (0,),
    ]
    assert check_database(services).ok


# --- 5. a transfer whose update moves fewer booklets than it checked --------------------------


def test_a_transfer_that_moves_fewer_booklets_than_checked_is_refused_in_french(
    services: Services,
    admin: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    raw: RawDb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    services.handouts.hand_out(agent, person.id, codes_=[_code(programme, 2)])
    # Booklet 2 handed out after the check (as another connection would, between the check
    # and the update): the check is made to pass, the update moves 2 of 3.
    monkeypatch.setattr(TransferService, "_refuse_unless_held", staticmethod(lambda *a: None))
    before = raw.query("SELECT id, status, desk_id FROM booklet ORDER BY id")
    events = raw.scalar("SELECT count(*) FROM ledger_event")
    with pytest.raises(Refused) as refused:
        services.transfers.transfer(
            admin, programme=programme.code, first_booklet=1, count=3, to_desk=SECOND_CODE
        )
    assert "Rien n'a été transféré" in refused.value.message
    assert raw.query("SELECT id, status, desk_id FROM booklet ORDER BY id") == before
    assert raw.scalar("SELECT count(*) FROM ledger_event") == events
    assert raw.scalar("SELECT count(*) FROM transfer") == 1  # the fixture's 7-12 only
