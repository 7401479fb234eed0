"""The review's findings on the rules of several desks in one database (issue 13): the territory
settings stay on the first desk's row when a coordination comes later; a notice is not printed
for another desk's unshared person; a closing sheet is its own desk's; one rule says whether
desks share the database; the transfer form's destinations come from the service; desk codes
ALL and TERRITORY are the console's word for every desk."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from passdesk.errors import Forbidden, InvalidInput, NotFound, Refused
from passdesk.services import Services, holding
from passdesk.services.desks import code_from_name
from passdesk.services.rows import Actor, BeneficiaryRow, LotRow, ProgrammeRow
from passdesk.services.settings import TERRITORY_PARAMETERS
from tests.desks import START
from tests.territory import SECOND_NAME, hand_over, second_desk

if TYPE_CHECKING:
    from tests.desks import MovableClock


def _coordination_added_later(services: Services, admin: Actor) -> Actor:
    """A coordination desk added after the first one (not the desk `init` made), its admin."""
    services.desks.add_desk(
        admin, code="METRO", name="Métropole de Lyon", kind="coordination", admin_login="madmin"
    )
    return services.accounts.actor("madmin")


def test_people_shared_survives_a_coordination_added_later(
    services: Services, admin: Actor, person: BeneficiaryRow, raw: Any
) -> None:
    _vadmin, vagent = second_desk(services, START)
    services.settings.set(admin, "people_shared", True)
    services.act_as(vagent)
    assert [p.id for p in services.beneficiaries.search("ndiaye")] == [person.id]
    madmin = _coordination_added_later(services, admin)
    assert services.settings.get("people_shared") is True
    assert [p.id for p in services.beneficiaries.search("ndiaye")] == [person.id]
    # The coordination decides now, on the same row: the first desk's.
    assert services.settings.territory_parameters(madmin) == TERRITORY_PARAMETERS
    assert services.settings.territory_parameters(admin) == ()
    with pytest.raises(Refused, match="Métropole de Lyon"):
        services.settings.set(admin, "people_shared", False)
    services.settings.set(madmin, "people_shared", False)
    assert services.beneficiaries.search("ndiaye") == []
    assert raw.query("SELECT desk_id, value FROM setting WHERE key = 'people_shared'") == [
        (admin.desk_id, "False")
    ]


def test_notice_for_another_desks_person_is_not_found_and_leaves_no_trace(
    services: Services,
    admin: Actor,
    person: BeneficiaryRow,
    raw: Any,
    tmp_path: Path,
    clock: MovableClock,
) -> None:
    _vadmin, vagent = second_desk(services, START)
    services.act_as(vagent)
    clock.advance(timedelta(days=1))  # a notice given now would show in notice_shown_at
    before = raw.query("SELECT id, notice_shown_at FROM beneficiary")
    log = raw.query("SELECT COUNT(*) FROM access_log")
    with pytest.raises(NotFound) as nobody:
        services.notice.write(vagent, tmp_path / "a.pdf", beneficiary_id=person.id + 1000)
    with pytest.raises(NotFound) as theirs:
        services.notice.write(vagent, tmp_path / "b.pdf", beneficiary_id=person.id)
    assert theirs.value.message == nobody.value.message.replace(
        str(person.id + 1000), str(person.id)
    )
    assert raw.query("SELECT id, notice_shown_at FROM beneficiary") == before
    assert raw.query("SELECT COUNT(*) FROM access_log") == log
    services.settings.set(admin, "people_shared", True)  # shared: VAULX serves them too
    services.notice.write(vagent, tmp_path / "c.pdf", beneficiary_id=person.id)
    assert raw.query("SELECT COUNT(*) FROM access_log") != log
    assert raw.query("SELECT id, notice_shown_at FROM beneficiary") != before


def test_a_closing_sheet_is_its_desks_and_only_that_desks(
    services: Services, admin: Actor, lot: LotRow, programme: ProgrammeRow
) -> None:
    vadmin, _vagent = second_desk(services, START)
    hand_over(services, programme.code, 7, 6, vadmin)
    services.act_as(admin)  # the process works for the first desk; VAULX's admin closes
    record = services.closing.close_day(vadmin, counts={programme.code: 6})
    first_name = services.desks.get(admin.desk_id).name
    assert record.desk.name == SECOND_NAME != first_name
    with pytest.raises(NotFound) as other:
        services.closing.sheet(record.closing_id)
    with pytest.raises(NotFound) as nobody:
        services.closing.sheet(record.closing_id + 1000)
    assert other.value.message == nobody.value.message.replace(
        str(record.closing_id + 1000), str(record.closing_id)
    )
    services.act_as(vadmin)
    assert services.closing.sheet(record.closing_id).desk.name == SECOND_NAME


def test_one_rule_says_whether_desks_share_the_database(services: Services, admin: Actor) -> None:
    from passdesk.services.desks import several_desks

    with services.db.read() as session:
        assert several_desks(session) is False
    assert services.desks.several() is False
    second_desk(services, START)
    with services.db.read() as session:
        assert several_desks(session) is True
    assert services.desks.several() is True
    assert not hasattr(holding, "several_desks")  # one rule, in passdesk.services.desks


def test_the_forms_destinations_are_the_services(
    services: Services, admin: Actor, supervisor: Actor, agent: Actor
) -> None:
    vadmin, _vagent = second_desk(services, START)
    services.desks.add_desk(admin, code="BRON", name="CCAS de Bron", admin_login="badmin")
    assert [d.code for d in services.transfers.destinations(supervisor)] == ["VAULX", "BRON"]
    assert [d.code for d in services.transfers.destinations(vadmin)] == [
        services.desks.get(admin.desk_id).code,
        "BRON",
    ]
    madmin = _coordination_added_later(services, admin)
    assert [d.code for d in services.transfers.destinations(vadmin)] == ["METRO"]
    assert [d.code for d in services.transfers.destinations(supervisor)] == ["METRO"]
    assert [d.code for d in services.transfers.destinations(madmin)] == [
        services.desks.get(admin.desk_id).code,
        "VAULX",
        "BRON",
    ]
    with pytest.raises(Forbidden):
        services.transfers.destinations(agent)


def test_holdings_are_for_who_may_transfer(
    services: Services, supervisor: Actor, agent: Actor, lot: LotRow
) -> None:
    second_desk(services, START)
    assert services.transfers.holdings(supervisor)
    with pytest.raises(Forbidden):
        services.transfers.holdings(agent)


@pytest.mark.parametrize("code", ["all", "ALL", " territory "])
def test_all_and_territory_are_not_desk_codes(services: Services, admin: Actor, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.desks.add_desk(admin, code=code, name="Tous", admin_login="tous")
    assert "ne peut pas être le code d'un guichet" in refused.value.message
    assert [d.code for d in services.desks.desks()] == [services.desks.get(admin.desk_id).code]


def test_a_desk_named_all_gets_another_code() -> None:
    assert code_from_name("All", set()) == "ALL-2"
    assert code_from_name("Territory", set()) == "TERRITORY-2"
