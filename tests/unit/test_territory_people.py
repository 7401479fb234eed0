"""People per desk in a territory's database (issue 13): a desk sees the people it registered
unless the territory setting `people_shared` is on; then every desk finds everyone and the
limit per person counts every desk's handouts, while erasing or exporting a person's data stays
with the desk that registered them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from passdesk import codes
from passdesk.errors import Forbidden, NotFound, Refused
from passdesk.services import Services
from passdesk.services.beneficiaries import Duplicates
from passdesk.services.report_figures import ReportQuery
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from passdesk.services.settings import TERRITORY_PARAMETERS
from tests.desks import START, person_input
from tests.territory import SECOND_NAME, hand_over, second_desk

if TYPE_CHECKING:
    from conftest import MovableClock

# The fixtures' lot is booklets 1..12; VAULX holds 7..12.
VAULX_FIRST = 7


@pytest.fixture
def vaulx(
    services: Services, admin: Actor, lot: LotRow, person: BeneficiaryRow, programme: ProgrammeRow
) -> tuple[Actor, Actor]:
    """Desk VAULX beside the fixtures' desk (which registered `person`), holding 7..12."""
    vadmin, vagent = second_desk(services, START)
    hand_over(services, programme.code, VAULX_FIRST, 6, vagent)
    return vadmin, vagent


def _booklet(programme: ProgrammeRow, number: int) -> str:
    return codes.booklet_code(programme.code, number)


def _no_such_person(number: int) -> str:
    return f"Aucun bénéficiaire ne porte le numéro {number}."


def _share(services: Services, admin: Actor, shared: bool) -> None:
    services.settings.set(admin, "people_shared", shared)


def test_not_shared_another_desk_finds_nobody_and_gets_not_found(
    services: Services, agent: Actor, person: BeneficiaryRow, vaulx: tuple[Actor, Actor]
) -> None:
    _vadmin, vagent = vaulx
    services.act_as(agent)
    assert [p.id for p in services.beneficiaries.search("ndiaye")] == [person.id]
    services.act_as(vagent)
    assert services.beneficiaries.search("ndiaye") == []
    assert services.beneficiaries.search("12/04/1985") == []
    assert services.beneficiaries.search("helene ndi 1985") == []
    assert services.beneficiaries.list() == [] and services.beneficiaries.count() == 0
    assert services.handouts.for_beneficiary(person.id) == []
    for attempt in (
        lambda: services.beneficiaries.get(person.id),
        lambda: services.beneficiaries.open(vagent, person.id),
        lambda: services.handouts.check(person.id, _booklet_code(services, VAULX_FIRST)),
    ):
        with pytest.raises(NotFound) as hidden:
            attempt()
        assert hidden.value.message == _no_such_person(person.id)  # no hint that they exist
    # Not a duplicate at VAULX: registered there too, and VAULX finds only its own.
    twin = services.beneficiaries.register(
        vagent, person_input(postcode="69120", commune="Vaulx-en-Velin")
    )
    assert twin.id != person.id
    assert [p.id for p in services.beneficiaries.search("ndiaye")] == [twin.id]
    services.act_as(agent)
    assert [p.id for p in services.beneficiaries.search("ndiaye")] == [person.id]


def _booklet_code(services: Services, number: int) -> str:
    programme = services.programmes.list()[0]
    return _booklet(programme, number)


def test_shared_every_desk_finds_the_person_and_the_limit_counts_both_desks(
    services: Services,
    admin: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
) -> None:
    _vadmin, vagent = vaulx
    assert programme.limit_per_person == 2
    services.act_as(agent)
    services.handouts.hand_out(agent, person.id, codes_=[_booklet(programme, 1)])
    _share(services, admin, True)
    services.act_as(vagent)
    assert [p.id for p in services.beneficiaries.search("ndiaye")] == [person.id]
    assert [p.id for p in services.beneficiaries.search("12/04/1985")] == [person.id]
    assert services.beneficiaries.get(person.id).id == person.id
    with pytest.raises(Duplicates) as twice:  # found, not registered twice
        services.beneficiaries.register(vagent, person_input())
    assert [c.id for c in twice.value.candidates] == [person.id]
    services.handouts.hand_out(vagent, person.id, codes_=[_booklet(programme, VAULX_FIRST)])
    assert len(services.handouts.for_beneficiary(person.id)) == 2
    third = services.handouts.check(person.id, _booklet(programme, VAULX_FIRST + 1))
    assert third.received == 2 and third.needs_override
    services.act_as(agent)
    assert services.handouts.check(person.id, _booklet(programme, 2)).received == 2
    # Shared no longer: each desk's limit counts its own handouts again.
    _share(services, admin, False)
    check = services.handouts.check(person.id, _booklet(programme, 2))
    assert check.received == 1 and not check.needs_override
    assert [e.received for e in services.handouts.entitlements(person.id)] == [1]


def test_only_an_administrator_of_the_territory_desk_changes_it(
    services: Services, admin: Actor, agent: Actor, vaulx: tuple[Actor, Actor], raw: object
) -> None:
    vadmin, vagent = vaulx
    services.act_as(vadmin)
    with pytest.raises(Refused) as refused:
        _share(services, vadmin, True)
    assert refused.value.message == (
        "« Personnes partagées entre les guichets » vaut pour tous les guichets du territoire : "
        "seul un administrateur de Mairie de Villeurbanne peut le modifier."
    )
    with pytest.raises(Forbidden):
        _share(services, vagent, True)
    assert services.settings.get("people_shared") is False
    assert services.settings.territory_parameters(vadmin) == ()
    assert services.settings.territory_parameters(admin) == TERRITORY_PARAMETERS
    assert services.settings.territory_parameters(agent) == ()
    _share(services, admin, True)
    assert services.settings.get("people_shared") is True  # read by VAULX too

    # With a coordination desk, its administrators decide: VAULX becomes the coordination,
    # and the value stays (always stored on the first desk's row).
    raw.execute("UPDATE desk SET kind = 'coordination' WHERE code = 'VAULX'")  # type: ignore[attr-defined]
    assert services.settings.get("people_shared") is True
    _share(services, vadmin, False)
    assert services.settings.get("people_shared") is False
    with pytest.raises(Refused, match=SECOND_NAME):
        _share(services, admin, True)
    assert services.settings.territory_parameters(vadmin) == TERRITORY_PARAMETERS
    assert services.settings.territory_parameters(admin) == ()


def test_erasure_and_export_stay_with_the_registering_desk(
    services: Services,
    admin: Actor,
    person: BeneficiaryRow,
    vaulx: tuple[Actor, Actor],
    tmp_path: Path,
) -> None:
    vadmin, _vagent = vaulx
    services.act_as(vadmin)
    target = tmp_path / "export.json"
    for attempt in (
        lambda: services.erasure.erase(vadmin, person.id, "à sa demande"),
        lambda: services.person_export.export(vadmin, person.id, target),
    ):
        with pytest.raises(NotFound) as hidden:
            attempt()
        assert hidden.value.message == _no_such_person(person.id)
    _share(services, admin, True)
    for attempt in (
        lambda: services.erasure.erase(vadmin, person.id, "à sa demande"),
        lambda: services.person_export.export(vadmin, person.id, target),
    ):
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.message == (
            "Cette personne a été inscrite au guichet Mairie de Villeurbanne "
            f"({services.desks.get(admin.desk_id).code}) : ses données sont sous sa "
            "responsabilité, adressez-vous à lui."
        )
    assert not target.exists()
    assert services.beneficiaries.get(person.id).last_name == "N'Diaye"  # nothing erased
    services.act_as(admin)
    services.person_export.export(admin, person.id, target)
    services.erasure.erase(admin, person.id, "à sa demande")
    assert services.beneficiaries.get(person.id).last_name == ""


def test_one_desk_sees_everyone_and_shows_no_territory_setting(
    services: Services, admin: Actor, agent: Actor, person: BeneficiaryRow, clock: MovableClock
) -> None:
    assert services.settings.territory_parameters(admin) == ()
    assert [p.id for p in services.beneficiaries.search("ndiaye")] == [person.id]
    assert services.beneficiaries.get(person.id).id == person.id
    with pytest.raises(Duplicates):
        services.beneficiaries.register(agent, person_input())


def test_not_shared_the_desks_privacy_pages_are_their_own(
    services: Services,
    admin: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    clock: MovableClock,
) -> None:
    """Follow-up, orientation slip, access log and purge: another desk's person is out of
    sight; the purge of VAULX keeps the first desk's idle people."""
    vadmin, vagent = vaulx
    services.act_as(agent)
    services.handouts.hand_out(agent, person.id, codes_=[_booklet(programme, 1)])
    services.beneficiaries.open(agent, person.id)
    services.followup.record_call(agent, person.id, "no_answer")
    clock.advance(timedelta(weeks=10))
    assert [r.beneficiary_id for r in services.followup.to_call(admin)] == [person.id]
    services.act_as(vadmin)
    assert services.followup.to_call(vadmin) == []
    assert services.followup.calls(person.id) == []
    with pytest.raises(NotFound):
        services.followup.record_call(vagent, person.id, "no_answer")
    with pytest.raises(NotFound):
        services.orientation.build_slip(person.id)
    assert services.access_log.entries(vadmin) == []
    assert {e.beneficiary_id for e in services.access_log.entries(admin)} == {person.id}
    clock.advance(timedelta(days=4 * 366))  # past any retention period
    assert services.erasure.preview(vadmin).candidates == ()
    assert services.erasure.purge(vadmin).erased == 0
    services.act_as(admin)
    assert services.beneficiaries.get(person.id).last_name == "N'Diaye"
    assert [c.beneficiary_id for c in services.erasure.preview(admin).candidates] == [person.id]


def test_a_funders_pseudonymised_export_holds_the_desks_own_handouts(
    services: Services,
    admin: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    tmp_path: Path,
) -> None:
    vadmin, vagent = vaulx
    services.act_as(agent)
    services.handouts.hand_out(agent, person.id, codes_=[_booklet(programme, 1)])
    _share(services, admin, True)
    services.act_as(vagent)
    services.handouts.hand_out(vagent, person.id, codes_=[_booklet(programme, VAULX_FIRST)])
    query = ReportQuery(START.date(), START.date(), funder="État")
    for actor, desk_name in ((admin, "Mairie de Villeurbanne"), (vadmin, SECOND_NAME)):
        path = tmp_path / f"{actor.login}.csv"
        assert services.pseudonymised.write(actor, query, path) == 1  # of two handouts
        assert desk_name in path.read_text(encoding="utf-8-sig").splitlines()[0]


def test_a_handout_asks_whose_people_a_desk_sees_once(
    services: Services,
    admin: Actor,
    agent: Actor,
    person: BeneficiaryRow,
    programme: ProgrammeRow,
    vaulx: tuple[Actor, Actor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The handout asks for the person, then for the limit per person: the territory setting
    behind both answers is read once (each read was two statements more, in the queue of
    eight desks)."""
    from passdesk.services import people_scope

    reads: list[str] = []
    read = people_scope.territory_value

    def counted(session, key):  # type: ignore[no-untyped-def]
        reads.append(key)
        return read(session, key)

    monkeypatch.setattr(people_scope, "territory_value", counted)
    services.act_as(agent)
    services.handouts.hand_out(agent, person.id, codes_=[_booklet(programme, 1)])
    assert reads == ["people_shared"]
