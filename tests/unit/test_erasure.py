"""Erasure on request: the identity is gone everywhere (row, search words, receipts, lookups,
follow-up notes), the register and the journal stay whole and `check` passes, the funders'
figures do not move; and what may not be done to an erased person."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest

from passdesk.errors import Forbidden, InvalidInput, NotFound, Refused
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow, HandoutRow
from tests.desks import PROGRAMME_CODE, MovableClock
from tests.unit.conftest import RawDb
from tests.unit.privacy_helpers import aggregates, assert_check_passes, stored_texts, use_vouchers

IDENTITY = ("Diaye", "Hélène", "helene", "1985-04-12", "0612345678", "Villeurbanne")


@pytest.fixture
def served(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    person: BeneficiaryRow,
    lot: object,
    tmp_path: Path,
    clock: MovableClock,
) -> HandoutRow:
    """Hélène with a profile, two handouts (one cancelled), a used voucher, a noted call."""
    services.beneficiaries.update_profile(
        agent,
        person.id,
        target_group="jobseeker_no_diploma",
        diagnostic=["admin_procedures", "job_search"],
        consent=True,
        contact_consent=True,
    )
    handout = services.handouts.hand_out(agent, person.id, next_programme=PROGRAMME_CODE)
    cancelled = services.handouts.hand_out(
        supervisor,
        person.id,
        next_programme=PROGRAMME_CODE,
        override_reason="Mme N'Diaye, long parcours",
    )
    services.handouts.cancel(supervisor, cancelled.id, "erreur de saisie pour Mme N'Diaye")
    clock.advance(timedelta(days=3))
    first = handout.booklets[0].first_voucher_code
    use_vouchers(services, supervisor, tmp_path, [(first, clock.now.date())])
    services.followup.record_call(agent, person.id, "reached", "Mme N'Diaye rappelle lundi")
    return handout


@pytest.mark.sqlite_only  # reads stored text and JSON as SQLite keeps them
def test_erasure_removes_the_identity_everywhere(
    services: Services,
    supervisor: Actor,
    admin: Actor,
    person: BeneficiaryRow,
    served: HandoutRow,
    raw: RawDb,
    tmp_path: Path,
) -> None:
    before = aggregates(services, admin)
    texts = stored_texts(raw)
    assert all(word in texts for word in IDENTITY)  # the test looks where it should
    services.erasure.erase(supervisor, person.id, "demande écrite du 3 mars")
    texts = stored_texts(raw)
    for word in IDENTITY[:5]:
        assert word not in texts, word
    assert "rappelle lundi" not in texts  # the call's note
    assert "long parcours" not in texts and "erreur de saisie" not in texts  # reasons typed
    # ...the handouts keep that they were overridden and cancelled, not what was written.
    reasons = raw.query(
        "SELECT override_reason, cancel_reason FROM handout WHERE beneficiary_id = ? "
        "AND override_reason IS NOT NULL",
        (person.id,),
    )
    assert reasons == [("motif effacé avec la personne", "motif effacé avec la personne")]
    row = raw.query(
        "SELECT last_name, first_name, birth_date, search_name, name_key, postcode, commune, "
        "phone, email, target_group, diagnostic, consent_at, contact_consent, erased_at "
        "FROM beneficiary WHERE id = ?",
        (person.id,),
    )[0]
    assert row[:13] == ("", "", None, "", "", "", "", "", "", "", "[]", None, 0)
    assert row[13] is not None
    assert raw.scalar("SELECT count(*) FROM name_token WHERE beneficiary_id = ?", (person.id,)) == 0
    assert services.beneficiaries.search("helene") == []
    assert services.beneficiaries.search("ndiaye") == []
    assert services.beneficiaries.count() == 0 and services.beneficiaries.list() == []
    # The register stays whole, the journal's chain holds, the figures do not move.
    assert raw.scalar("SELECT count(*) FROM handout WHERE beneficiary_id = ?", (person.id,)) == 2
    assert raw.scalar("SELECT count(*) FROM follow_up_call") == 1
    assert_check_passes(services)
    assert aggregates(services, admin) == before
    # Papers and lookups name nobody.
    receipt = services.receipts.build_receipt(served.id)
    assert receipt.receipt_number == served.receipt_number
    assert receipt.beneficiary_name == "personne effacée"
    assert receipt.beneficiary_birth_date is None and receipt.beneficiary_address == ()
    path = services.receipts.write_receipt(served.id, tmp_path / "r.pdf", actor=supervisor)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert "personne effacée" in text and "Hélène" not in text
    found = services.lookup.lookup(supervisor, served.booklets[0].booklet_code)
    assert found.beneficiary_id == person.id and found.beneficiary_name == "personne effacée"


def test_an_erased_person_is_erased_for_good(
    services: Services, agent: Actor, supervisor: Actor, person: BeneficiaryRow, lot: object
) -> None:
    services.erasure.erase(supervisor, person.id, "demande orale")
    with pytest.raises(Refused, match="déjà été effacées"):
        services.erasure.erase(supervisor, person.id, "encore")
    with pytest.raises(Refused, match="effacées"):
        services.beneficiaries.open(agent, person.id)
    with pytest.raises(Refused, match="inscrivez-la de nouveau"):
        services.handouts.hand_out(agent, person.id, next_programme=PROGRAMME_CODE)
    with pytest.raises(Refused, match="effacées"):
        services.beneficiaries.update_profile(
            agent, person.id, target_group="", diagnostic=[], consent=True
        )
    with pytest.raises(Refused, match="effacées"):
        services.beneficiaries.update(agent, person.id, BeneficiaryInput("A", "B", "1990-01-01"))
    with pytest.raises(Refused, match="effacées"):
        services.followup.record_call(agent, person.id, "no_answer")
    with pytest.raises(Refused, match="effacées"):
        services.orientation.build_slip(person.id)
    assert services.followup.to_call(agent, 0) == []


def test_what_an_erasure_needs(
    services: Services, agent: Actor, supervisor: Actor, person: BeneficiaryRow, raw: RawDb
) -> None:
    before = raw.dump()
    with pytest.raises(Forbidden):
        services.erasure.erase(agent, person.id, "demande")
    with pytest.raises(Refused, match="motif"):
        services.erasure.erase(supervisor, person.id, "   ")
    with pytest.raises(InvalidInput, match="caractère invisible"):
        services.erasure.erase(supervisor, person.id, "demande\x1b[2J")
    with pytest.raises(InvalidInput, match="200 caractères au plus"):
        services.erasure.erase(supervisor, person.id, "x" * 201)
    with pytest.raises(NotFound):
        services.erasure.erase(supervisor, 999, "demande")
    assert raw.dump() == before


@pytest.mark.sqlite_only  # reads stored text and JSON as SQLite keeps them
def test_what_is_kept_for_the_figures_names_nobody(
    services: Services,
    supervisor: Actor,
    person: BeneficiaryRow,
    served: HandoutRow,
    raw: RawDb,
) -> None:
    services.erasure.erase(supervisor, person.id, "demande écrite")
    kept = raw.query(
        "SELECT agent_id, reason, postcode, commune, target_group, needs, age_bands "
        "FROM erased_person WHERE beneficiary_id = ?",
        (person.id,),
    )
    assert kept == [
        (
            supervisor.id,
            "demande écrite",
            "69100",
            "Villeurbanne",
            "jobseeker_no_diploma",
            '["admin_procedures", "job_search"]',
            '[["2026-03-10", "26_44"]]',  # born in 1985: 40 on the day of both handouts
        )
    ]
    log = raw.query(
        "SELECT agent_id, action FROM access_log WHERE beneficiary_id = ?", (person.id,)
    )
    assert (supervisor.id, "erased") in log


@pytest.mark.sqlite_only  # reads stored text and JSON as SQLite keeps them
def test_the_age_band_kept_follows_each_handout_day(
    services: Services, agent: Actor, supervisor: Actor, admin: Actor, lot: object,
    clock: MovableClock, raw: RawDb,
) -> None:  # fmt: skip
    """Someone who turns 26 between two handouts is counted under 26 in a report of the first
    month and 26-44 in one of the second, before and after their erasure."""
    young = services.beneficiaries.register(
        agent, BeneficiaryInput("Martin", "Zoé", date(2000, 4, 1))
    )
    services.handouts.hand_out(agent, young.id, next_programme=PROGRAMME_CODE)  # 2026-03-10: 25
    clock.set_date(date(2026, 4, 20))
    services.handouts.hand_out(agent, young.id, next_programme=PROGRAMME_CODE)  # 26
    periods = [(date(2026, 3, 1), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 4, 30))]
    before = [aggregates(services, admin, *p) for p in periods]
    assert [f.breakdown("age_band").rows[0].people for f in before] == [1, 0]
    services.erasure.erase(supervisor, young.id, "demande")
    assert raw.scalar("SELECT age_bands FROM erased_person") == (
        '[["2026-03-10", "under_26"], ["2026-04-20", "26_44"]]'
    )
    assert [aggregates(services, admin, *p) for p in periods] == before
