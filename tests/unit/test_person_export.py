"""A person's export: the JSON holds everything (identity, profile, consent with its notice
version and words, handouts with receipts and booklets, calls, uses, the access log including
this export), the PDF reads the same; a bad request writes nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pypdf
import pytest

from passdesk.documents.output import StagedOutput
from passdesk.errors import EnvironmentProblem, Forbidden, InvalidInput, NotFound
from passdesk.services import Services
from passdesk.services.rows import Actor, BeneficiaryRow
from tests.desks import PROGRAMME_CODE, MovableClock
from tests.unit.conftest import RawDb
from tests.unit.privacy_helpers import use_vouchers


@pytest.fixture
def followed(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    person: BeneficiaryRow,
    lot: object,
    clock: MovableClock,
    tmp_path: Path,
) -> dict[str, object]:
    """Hélène (consent given at registration) with a handout, a used voucher and a call."""
    services.beneficiaries.update_profile(
        agent, person.id, target_group="senior", diagnostic=["security"], consent=True,
        contact_consent=True,
    )  # fmt: skip
    handout = services.handouts.hand_out(agent, person.id, next_programme=PROGRAMME_CODE)
    clock.advance(timedelta(days=2))
    first = handout.booklets[0].first_voucher_code
    use_vouchers(services, supervisor, tmp_path, [(first, clock.now.date())])
    services.followup.record_call(agent, person.id, "reached", "ira à la médiathèque")
    services.beneficiaries.open(agent, person.id)
    return {"handout": handout, "voucher": first}


def test_the_json_export_holds_everything(
    services: Services,
    supervisor: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    followed: dict[str, object],
    tmp_path: Path,
) -> None:
    path = services.person_export.export(supervisor, person.id, tmp_path / "hélène.json")
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == "passdesk-person-export/1"
    assert data["desk"] == "Mairie de Villeurbanne"
    b = data["beneficiary"]
    assert (b["id"], b["last_name"], b["first_name"], b["birth_date"]) == (
        person.id, "N'Diaye", "Hélène", "1985-04-12",
    )  # fmt: skip
    assert (b["postcode"], b["commune"], b["phone"]) == ("69100", "Villeurbanne", "0612345678")
    assert b["registered_by"] == agent.login and b["erased_at"] is None
    assert data["profile"] == {
        "target_group": "senior", "needs": ["security"], "may_be_called": True,
    }  # fmt: skip
    consent = data["consent"]
    assert consent["given_at"].startswith("2026-03-10")
    assert consent["notice"]["version"] == 1
    assert "Responsable du traitement : Mairie de Villeurbanne" in consent["notice"]["text"]
    assert data["notice_shown"]["notice"]["version"] == 1
    handout = followed["handout"]
    (given,) = data["handouts"]
    assert given["receipt_number"] == handout.receipt_number  # type: ignore[attr-defined]
    assert given["agent"] == agent.login and given["cancelled_at"] is None
    assert [k["code"] for k in given["booklets"]] == [
        b.booklet_code
        for b in handout.booklets  # type: ignore[attr-defined]
    ]
    assert given["booklets"][0]["first_voucher"] == followed["voucher"]
    assert data["voucher_uses"] == [
        {
            "voucher": followed["voucher"],
            "used_at": data["voucher_uses"][0]["used_at"],
            "place": "Médiathèque",
            "amount": "10.00",
        }
    ]
    assert [(c["outcome"], c["note"]) for c in data["follow_up_calls"]] == [
        ("reached", "ira à la médiathèque")
    ]
    assert [(e["agent"], e["action"], e["detail"]) for e in data["access_log"]] == [
        (agent.login, "opened", ""),
        (supervisor.login, "exported", "json"),  # the export is in what it exports
    ]
    assert data["kept_for_statistics"] is None


def test_the_pdf_export_reads_like_the_json(
    services: Services,
    supervisor: Actor,
    person: BeneficiaryRow,
    followed: dict[str, object],
    tmp_path: Path,
) -> None:
    path = services.person_export.export(supervisor, person.id, tmp_path / "export.PDF")
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    handout = followed["handout"]
    for expected in (
        f"n° {person.id}",
        "N'Diaye",
        "Hélène",
        "12/04/1985",
        "Senior",
        "Sécurité",
        handout.receipt_number,  # type: ignore[attr-defined]
        handout.booklets[0].booklet_code,  # type: ignore[attr-defined]
        str(followed["voucher"]),
        "Médiathèque",
        "ira à la médiathèque",
        "données exportées",
        "Notice d'information, version 1",
        "Responsable du traitement",
    ):
        assert expected in text, expected


def test_an_erased_persons_export_shows_what_is_kept(
    services: Services,
    supervisor: Actor,
    person: BeneficiaryRow,
    followed: dict[str, object],
    tmp_path: Path,
) -> None:
    services.erasure.erase(supervisor, person.id, "demande écrite")
    data = json.loads(
        services.person_export.export(supervisor, person.id, tmp_path / "e.json").read_text()
    )
    assert data["beneficiary"]["last_name"] == "" and data["beneficiary"]["birth_date"] is None
    assert data["consent"] == {"given_at": None, "notice": None}
    kept = data["kept_for_statistics"]
    assert (kept["reason"], kept["commune"], kept["target_group"]) == (
        "demande écrite", "Villeurbanne", "senior",
    )  # fmt: skip
    assert kept["age_bands"] == [["2026-03-10", "26_44"]]
    assert data["follow_up_calls"][0]["note"] == ""
    path = services.person_export.export(supervisor, person.id, tmp_path / "e.pdf")
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert "Conservé après l'effacement" in text and "Hélène" not in text


def test_a_bad_export_request_writes_nothing(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    person: BeneficiaryRow,
    raw: RawDb,
    tmp_path: Path,
) -> None:
    before = raw.dump()
    with pytest.raises(Forbidden):
        services.person_export.export(agent, person.id, tmp_path / "x.json")
    with pytest.raises(InvalidInput, match=r"\.json ou \.pdf"):
        services.person_export.export(supervisor, person.id, tmp_path / "x.csv")
    with pytest.raises(InvalidInput, match="dossier"):
        services.person_export.export(supervisor, person.id, tmp_path / "none" / "x.json")
    with pytest.raises(NotFound):
        services.person_export.export(supervisor, 999, tmp_path / "x.json")
    assert raw.dump() == before
    assert not list(tmp_path.rglob("*x.*"))  # no file, no half-written part


class FullDisk(StagedOutput):
    """The export's file on a disk that fills up while it is written (/dev/full: every write
    that reaches it fails with ENOSPC, as a full disk or a USB key pulled out does)."""

    def __init__(self, target: str | Path) -> None:
        super().__init__(target)
        self.stream.close()
        self.stream = open("/dev/full", "wb")  # noqa: SIM115 - closed by discard()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("name", ["data.json", "data.pdf"])
def test_an_export_that_cannot_be_written_says_so_and_logs_nothing(
    services: Services,
    supervisor: Actor,
    person: BeneficiaryRow,
    raw: RawDb,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    monkeypatch.setattr("passdesk.services.person_export.StagedOutput", FullDisk)
    out = tmp_path / "out"
    out.mkdir()
    before = raw.dump()
    with pytest.raises(EnvironmentProblem) as full:
        services.person_export.export(supervisor, person.id, out / name)
    assert full.value.message == (
        f"Impossible d'écrire le fichier {out / name} : le disque est plein. Rien n'a été "
        "exporté : libérez de la place ou choisissez un autre emplacement, puis exportez de "
        "nouveau."
    )
    assert full.value.field == "path"
    assert raw.dump() == before  # the access log does not say "exported"
    assert list(out.iterdir()) == []  # no file, no half-written part
