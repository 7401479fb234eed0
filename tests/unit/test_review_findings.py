"""Defects a review found after the first round (all but one case failed before the fixes)."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from passdesk import codes
from passdesk.cli import main as console
from passdesk.errors import EnvironmentProblem
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from passdesk.store import database as db_module


def _voucher(programme: ProgrammeRow, booklet: int, index: int) -> str:
    numbers = codes.voucher_numbers_in_booklet(booklet, programme.vouchers_per_booklet)
    return codes.voucher_code(programme.code, numbers[index])


def test_next_booklet_skips_one_that_holds_a_voided_voucher(
    services: Services, supervisor: Actor, programme: ProgrammeRow, lot: LotRow
) -> None:
    first = services.handouts.next_booklet(programme.code)
    assert first is not None and first.number == lot.first_booklet
    services.stock.void(supervisor, _voucher(programme, lot.first_booklet, 3), "damaged")
    proposed = services.handouts.next_booklet(programme.code)
    # The window proposes what the handout would take: never a booklet it would refuse.
    assert proposed is not None and proposed.number == lot.first_booklet + 1


def test_a_write_that_waits_too_long_is_an_environment_problem(
    services: Services, agent: Actor, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another desk holding the write lock
    try:
        # New connections take the busy timeout from the module: 1 ms instead of 10 s here.
        monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 1)
        services.db.engine.dispose()
        with pytest.raises(EnvironmentProblem, match="occupée"):
            services.beneficiaries.register(
                agent, BeneficiaryInput("Durand", "Zoé", "1990-01-01"), allow_duplicate=True
            )
    finally:
        blocker.rollback()
        blocker.close()
    assert services.beneficiaries.count() == 0


def test_database_errors_are_logged_without_the_values(
    services: Services, agent: Actor, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    raw = sqlite3.connect(db_path)
    raw.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON beneficiary "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    raw.commit()
    raw.close()
    with caplog.at_level(logging.DEBUG), pytest.raises(Exception) as caught:
        services.beneficiaries.register(
            agent, BeneficiaryInput("Secretnom", "Zoé", "1990-01-01"), allow_duplicate=True
        )
    logging.getLogger("passdesk").exception("as the console logs it", exc_info=caught.value)
    assert "Secretnom" not in caplog.text and "Secretnom" not in str(caught.value)


@pytest.mark.parametrize(
    "argv",
    [
        ["handout", "--beneficiary", "99999999999999999999", "--next", "--programme", "{P}"],
        ["handout", "cancel", "99999999999999999999", "--reason", "x"],
        ["beneficiary", "find", "x", "--limit", "0"],
        ["stock", "receive", "--programme", "{P}", "--first-booklet", "1", "--count", "1e9"],
    ],
)
def test_out_of_range_numbers_are_bad_input_not_a_crash(
    argv: list[str], lot: LotRow, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{P}", lot.programme_code) for a in argv]
    status = console(["--database", str(db_path), *argv])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err and "inattendue" not in err


def test_shares_print_as_plain_numbers(
    services: Services, admin: Actor, capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    services.programmes.add(
        admin, code="PN26", name="Pass", face_value="10", vouchers_per_booklet=10,
        valid_from="2026-01-01", valid_until="2027-12-31", funders=[("État", 100)],
    )  # fmt: skip
    assert console(["--database", str(db_path), "programme", "list"]) == 0
    out = capsys.readouterr().out
    assert "État 100\u00a0%" in out and "E+" not in out


def test_the_profile_save_leaves_the_identity_alone(
    services: Services, agent: Actor, supervisor: Actor
) -> None:
    person = services.beneficiaries.register(
        agent, BeneficiaryInput("Durand", "Zoé", "1990-01-01"), allow_duplicate=True
    )
    # Another agent corrects the name while the serve panel still shows the old one.
    services.beneficiaries.update(
        supervisor, person.id, BeneficiaryInput("Durand-Lefèvre", "Zoé", "1990-01-01")
    )
    saved = services.beneficiaries.update_profile(
        agent, person.id, target_group="senior", diagnostic=["security"], consent=True
    )
    assert saved.last_name == "Durand-Lefèvre"
    assert (saved.target_group, saved.diagnostic, saved.consent) == ("senior", ("security",), True)


def test_a_receipt_with_no_places_says_where_to_ask(
    services: Services,
    agent: Actor,
    programme: ProgrammeRow,
    lot: LotRow,
    person: BeneficiaryRow,
    tmp_path: Path,
) -> None:
    from pypdf import PdfReader

    assert services.places.list() == []
    handout = services.handouts.hand_out(
        agent, person.id, codes_=[codes.booklet_code(programme.code, lot.first_booklet)]
    )
    path = services.receipts.write_receipt(handout.id, tmp_path / "r.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(str(path)).pages)
    assert "Demandez à l'accueil la liste des lieux qualifiés" in text
