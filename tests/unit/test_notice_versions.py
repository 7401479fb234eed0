"""The information notice: generated from the settings (the retention period, the
data-protection contact, the desk), a new version only when its words change, the version
recorded on the person when registered, when consenting and when it is printed for them, and
printed on the receipt."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pypdf
import pytest

from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow
from tests.desks import PROGRAMME_CODE, MovableClock
from tests.unit.conftest import RawDb


def person_versions(raw: RawDb, person: int) -> tuple[object, ...]:
    return raw.query(
        "SELECT notice_version_id, consent_notice_version_id FROM beneficiary WHERE id = ?",
        (person,),
    )[0]


def test_the_notice_follows_the_settings_and_is_versioned(
    services: Services, admin: Actor, agent: Actor, raw: RawDb, clock: MovableClock
) -> None:
    assert services.notice.current().version is None  # nothing printed or shown yet
    first = services.beneficiaries.register(agent, BeneficiaryInput("Martin", "Zoé", "1990-01-01"))
    notice = services.notice.current()
    assert notice.version == 1 and "36 mois" in notice.text
    assert "l'accueil de la structure" in notice.text
    assert person_versions(raw, first.id) == (1, None)  # shown, no consent given
    services.settings.set(admin, "retention_months", 24)
    services.settings.set(admin, "dpo_contact", "dpo@villeurbanne.fr")
    changed = services.notice.current()
    assert changed.version is None and "24 mois" in changed.text
    assert "Contact pour vos données : dpo@villeurbanne.fr." in changed.text
    clock.advance(timedelta(days=1))
    second = services.beneficiaries.register(
        agent, BeneficiaryInput("Durand", "Léo", "1991-02-02", consent=True)
    )
    assert person_versions(raw, second.id) == (2, 2)
    services.settings.set(admin, "retention_months", 36)
    services.settings.set(admin, "dpo_contact", "")
    assert services.notice.current().version == 1  # the same words: the same version
    assert [v.version for v in services.notice.versions()] == [2, 1]
    assert raw.scalar("SELECT count(*) FROM notice_version") == 2


def test_a_desks_own_notice_fills_its_placeholders(
    services: Services, admin: Actor, agent: Actor
) -> None:
    services.settings.set(
        admin,
        "notice_text",
        "Responsable : {desk}.\nConservation : {months} mois.\n\nContact : {contact}.",
    )
    notice = services.notice.current()
    assert notice.text == (
        "Responsable : Mairie de Villeurbanne.\nConservation : 36 mois.\n"
        "Contact : l'accueil de la structure."
    )


def test_consent_is_recorded_with_the_version_it_was_given_under(
    services: Services, admin: Actor, agent: Actor, person: BeneficiaryRow, raw: RawDb
) -> None:
    assert person_versions(raw, person.id) == (1, 1)  # registered with consent
    services.beneficiaries.update_profile(
        agent, person.id, target_group="", diagnostic=[], consent=False
    )
    assert person_versions(raw, person.id) == (1, None)
    services.settings.set(admin, "dpo_contact", "dpo@villeurbanne.fr")
    services.beneficiaries.update_profile(
        agent, person.id, target_group="", diagnostic=[], consent=True
    )
    assert person_versions(raw, person.id) == (1, 2)  # consented under the new words


def test_the_receipt_prints_and_records_the_version_shown(
    services: Services,
    admin: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    lot: object,
    raw: RawDb,
    tmp_path: Path,
) -> None:
    handout = services.handouts.hand_out(agent, person.id, next_programme=PROGRAMME_CODE)
    services.settings.set(admin, "retention_months", 18)
    assert services.receipts.build_receipt(handout.id).notice_version is None  # not stored yet
    path = services.receipts.write_receipt(handout.id, tmp_path / "r.pdf", actor=agent)
    assert person_versions(raw, person.id) == (2, 1)
    record = services.receipts.build_receipt(handout.id)
    assert record.notice_version == 2 and "18 mois" in record.notice_text
    assert "3 ans" not in record.notice_text
    text = pypdf.PdfReader(path).pages[0].extract_text()
    assert "notice d'information, version 2" in text


def test_the_notice_page_is_readable(
    services: Services, admin: Actor, agent: Actor, person: BeneficiaryRow, tmp_path: Path,
    raw: RawDb,
) -> None:  # fmt: skip
    services.settings.set(admin, "dpo_contact", "Délégué à la protection des données, dpo@v.fr")
    notice = services.notice.write(agent, tmp_path / "notice.pdf", beneficiary_id=person.id)
    assert notice.version == 2 and person_versions(raw, person.id) == (2, 1)
    reader = pypdf.PdfReader(tmp_path / "notice.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "Information sur vos données personnelles",
        "Responsable du traitement",
        "Finalité",
        "Base légale",
        "Destinataires",
        "Durée de conservation",
        "36 mois",
        "dpo@v.fr",
        "CNIL",
        "Notice version 2 du",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("key", ["notice_text", "dpo_contact", "receipt_footer"])
def test_settings_text_refuses_hidden_characters(
    services: Services, admin: Actor, raw: RawDb, key: str
) -> None:
    from passdesk.errors import InvalidInput

    before = raw.dump()
    with pytest.raises(InvalidInput, match="caractère invisible ou de contrôle"):
        services.settings.set(admin, key, "Contact\u202e : dpo@v.fr")
    assert raw.dump() == before
