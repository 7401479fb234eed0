"""The access log: each way of reaching a person's data leaves one entry of numbers only (no
name, no free text); the search-as-you-type does not; entries go after six months; only an
administrator reads it."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from passdesk.errors import Forbidden
from passdesk.services import Services
from passdesk.services.access_log import months_before
from passdesk.services.rows import Actor, BeneficiaryRow
from tests.desks import PROGRAMME_CODE, MovableClock
from tests.unit.conftest import RawDb


def entries(raw: RawDb) -> list[tuple[object, ...]]:
    return raw.query("SELECT agent_id, beneficiary_id, action, detail FROM access_log ORDER BY id")


def test_each_access_is_logged_with_numbers_only(
    services: Services,
    agent: Actor,
    supervisor: Actor,
    admin: Actor,
    person: BeneficiaryRow,
    lot: object,
    raw: RawDb,
    tmp_path: Path,
) -> None:
    handout = services.handouts.hand_out(agent, person.id, next_programme=PROGRAMME_CODE)
    assert entries(raw) == []  # registering and handing out are not accesses to the data
    services.beneficiaries.search("helene")  # the window's search as you type
    assert entries(raw) == []
    services.beneficiaries.open(agent, person.id)
    services.beneficiaries.search_listed(agent, "helene")
    services.lookup.lookup(agent, handout.booklets[0].booklet_code)  # the stock's own checks
    services.lookup.lookup_shown(agent, handout.booklets[0].booklet_code)
    services.receipts.write_receipt(handout.id, tmp_path / "r.pdf", actor=agent)
    services.orientation.write_slip(person.id, tmp_path / "o.pdf", actor=agent)
    notice = services.notice.write(agent, tmp_path / "n.pdf", beneficiary_id=person.id)
    services.person_export.export(supervisor, person.id, tmp_path / "d.json")
    services.erasure.erase(supervisor, person.id, "demande de Mme N'Diaye")
    assert entries(raw) == [
        (agent.id, person.id, "opened", ""),
        (agent.id, person.id, "listed", ""),
        (agent.id, person.id, "looked_up", handout.receipt_number),
        (agent.id, person.id, "printed", str(handout.id)),
        (agent.id, person.id, "slip", ""),
        (agent.id, person.id, "notice", str(notice.version)),
        (supervisor.id, person.id, "exported", "json"),
        (supervisor.id, person.id, "erased", ""),
    ]
    for *_ids, _action, detail in entries(raw):
        assert re.fullmatch(r"[0-9a-z-]*", str(detail)), detail  # never a name or a reason
    rows = services.access_log.entries(admin, beneficiary_id=person.id)
    assert [r.action for r in rows] == [
        "erased", "exported", "notice", "slip", "printed", "looked_up", "listed", "opened",
    ]  # fmt: skip
    assert {r.agent_login for r in rows} == {agent.login, supervisor.login}


def test_entries_are_kept_six_months(
    services: Services, agent: Actor, admin: Actor, person: BeneficiaryRow, raw: RawDb,
    clock: MovableClock,
) -> None:  # fmt: skip
    services.beneficiaries.open(agent, person.id)  # 10/03/2026
    clock.set_date(date(2026, 6, 1))
    services.beneficiaries.open(agent, person.id)
    clock.set_date(date(2026, 9, 9))  # the first is 6 months old tomorrow
    assert services.access_log.expire() == 0
    assert len(services.access_log.entries(admin)) == 2
    clock.set_date(date(2026, 9, 11))
    assert len(services.access_log.entries(admin)) == 1  # never shown past six months
    assert services.access_log.expire() == 1
    assert raw.scalar("SELECT count(*) FROM access_log") == 1
    assert len(services.access_log.entries(admin, since=date(2026, 6, 2))) == 0
    assert len(services.access_log.entries(admin, since=date(2026, 6, 1))) == 1


def test_only_an_administrator_reads_the_log(services: Services, supervisor: Actor) -> None:
    with pytest.raises(Forbidden):
        services.access_log.entries(supervisor)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 9, 10, 12), 6, datetime(2026, 3, 10, 12)),
        (datetime(2026, 8, 31, 8), 6, datetime(2026, 2, 28, 8)),  # no 31 February
        (datetime(2028, 8, 31), 6, datetime(2028, 2, 29)),
        (datetime(2026, 1, 15), 13, datetime(2024, 12, 15)),
        (datetime(2027, 3, 1), 120, datetime(2017, 3, 1)),
    ],
)
def test_months_before(moment: datetime, months: int, expected: datetime) -> None:
    assert months_before(moment, months) == expected
    assert months_before(moment, 0) == moment
    assert moment - months_before(moment, months) >= timedelta(days=28 * months)
