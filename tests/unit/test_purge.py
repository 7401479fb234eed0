"""The retention purge: who is erased (no handout, use of a voucher or contact for the retention
period) and who is kept, by each kind of recent activity; the dry run changes nothing; the
funders' figures and `check` hold; the daily run also empties the access log's old entries."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from passdesk.errors import Forbidden
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor
from tests.desks import PROGRAMME_CODE, MovableClock
from tests.unit.conftest import RawDb
from tests.unit.privacy_helpers import aggregates, assert_check_passes, use_vouchers


@pytest.fixture
def desk(
    services: Services,
    admin: Actor,
    agent: Actor,
    supervisor: Actor,
    lot: object,
    other_programme: object,
    clock: MovableClock,
    tmp_path: Path,
) -> dict[str, int]:
    """People registered on 10/03/2026, each with one kind of activity on 10/11/2026 (or none);
    the retention period is 12 months."""
    services.settings.set(admin, "retention_months", 12)
    people = {}
    for n, name in enumerate(("idle", "served_long_ago", "handout", "usage", "call", "updated")):
        people[name] = services.beneficiaries.register(
            agent, BeneficiaryInput(f"Nom{chr(65 + n)}", name.replace("_", "-"), "1970-01-01")
        ).id
    clock.advance(timedelta(hours=1))  # handed out after they registered
    long_ago = services.handouts.hand_out(agent, people["served_long_ago"], next_programme="PN26")
    used = services.handouts.hand_out(agent, people["usage"], next_programme=PROGRAMME_CODE)
    services.handouts.hand_out(agent, people["call"], next_programme=PROGRAMME_CODE)
    clock.set_date(date(2026, 11, 10))
    services.handouts.hand_out(agent, people["handout"], next_programme=PROGRAMME_CODE)
    code = used.booklets[0].first_voucher_code
    use_vouchers(services, supervisor, tmp_path, [(code, date(2026, 11, 10))])
    services.followup.record_call(agent, people["call"], "no_answer")
    services.beneficiaries.update_profile(
        agent, people["updated"], target_group="senior", diagnostic=[], consent=False
    )
    people["newcomer"] = services.beneficiaries.register(
        agent, BeneficiaryInput("Nouvelle", "Venue", "1999-09-09")
    ).id
    assert long_ago.booklets
    clock.set_date(date(2027, 6, 1))  # the first ones are over 12 months old now
    return people


def test_the_preview_and_the_dry_run_change_nothing(
    services: Services, admin: Actor, desk: dict[str, int], raw: RawDb
) -> None:
    before = raw.dump()
    preview = services.erasure.preview(admin)
    assert preview.months == 12
    assert preview.cutoff.date() == date(2026, 6, 1)
    assert [(c.beneficiary_id, c.kind) for c in preview.candidates] == [
        (desk["idle"], "registered"),
        (desk["served_long_ago"], "handout"),
    ]
    assert preview.kept == 5 and preview.already_erased == 0
    result = services.erasure.purge(admin, dry_run=True)
    assert result.dry_run and result.erased == 0 and result.preview == preview
    assert raw.dump() == before


def test_the_purge_erases_the_idle_and_keeps_each_kind_of_recent_activity(
    services: Services, admin: Actor, desk: dict[str, int], raw: RawDb
) -> None:
    figures = aggregates(services, admin)
    result = services.erasure.purge(admin)
    assert result.erased == 2
    erased = {pid for (pid,) in raw.query("SELECT id FROM beneficiary WHERE erased_at IS NOT NULL")}
    assert erased == {desk["idle"], desk["served_long_ago"]}
    kept = raw.query("SELECT first_name FROM beneficiary WHERE erased_at IS NULL ORDER BY id")
    assert [k for (k,) in kept] == ["handout", "usage", "call", "updated", "Venue"]
    assert raw.query("SELECT agent_id, reason FROM erased_person ORDER BY beneficiary_id") == [
        (admin.id, "retention"),
        (admin.id, "retention"),
    ]
    logged = raw.query("SELECT beneficiary_id, agent_id, action FROM access_log WHERE action = ?",
                       ("purged",))  # fmt: skip
    assert sorted(logged) == sorted((p, admin.id, "purged") for p in erased)
    assert aggregates(services, admin) == figures
    assert_check_passes(services)
    assert services.erasure.purge(admin).erased == 0  # nothing left to do


def test_the_daily_run_is_passdesks_own_and_expires_the_access_log(
    services: Services, admin: Actor, agent: Actor, desk: dict[str, int], raw: RawDb,
    clock: MovableClock,
) -> None:  # fmt: skip
    opened_on = clock.now
    services.beneficiaries.open(agent, desk["handout"])
    clock.set_date(date(2027, 11, 30))  # the opening is just under 6 months old
    services.erasure.daily()
    assert raw.scalar("SELECT count(*) FROM access_log WHERE action = 'opened'") == 1
    assert raw.query("SELECT DISTINCT agent_id FROM access_log WHERE action = 'purged'") == [
        (None,)
    ]
    clock.set_date(date(2027, 12, 2))
    services.erasure.daily()
    assert raw.scalar("SELECT count(*) FROM access_log WHERE at <= ?",
                      (opened_on.replace(tzinfo=None).isoformat(" "),)) == 0  # fmt: skip
    entries = services.access_log.entries(admin, beneficiary_id=desk["handout"])
    assert [e.action for e in entries] == ["purged"]  # over 12 months idle by now


def test_only_an_administrator_purges(services: Services, supervisor: Actor, desk: object) -> None:
    with pytest.raises(Forbidden):
        services.erasure.purge(supervisor, dry_run=True)
    with pytest.raises(Forbidden):
        services.erasure.preview(supervisor)
