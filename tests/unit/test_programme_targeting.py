"""Whom a programme is for: its target groups, the priority ones and their quota, checked when a
programme is made or changed; what the person form offers; and databases made before it."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from passdesk.errors import Forbidden, InvalidInput, NotFound
from passdesk.services import Services
from passdesk.services.programmes import TargetGroupChoice
from passdesk.services.rows import Actor, ProgrammeRow
from passdesk.store import open_database
from passdesk.store import schema as migrations
from tests.desks import FUNDERS

Y, J, S = "young_no_qualification", "jobseeker_no_diploma", "senior"


def add(services: Services, admin: Actor, code: str = "PN26", **targeting: object) -> ProgrammeRow:
    return services.programmes.add(
        admin,
        code=code,
        name="Pass",
        face_value="10",
        vouchers_per_booklet=5,
        valid_from="2026-01-01",
        valid_until="2027-06-30",
        funders=FUNDERS,
        **targeting,  # type: ignore[arg-type]
    )


def test_a_programme_declares_its_priority_groups_and_quota(
    services: Services, admin: Actor
) -> None:
    row = add(
        services,
        admin,
        target_groups=[Y, J, S, Y],
        priority_groups=[Y, J],
        priority_quota="50 %",
    )
    assert (row.target_groups, row.priority_groups, row.priority_quota) == (
        (Y, J, S),
        (Y, J),
        Decimal("50.00"),
    )
    assert services.programmes.get("PN26") == row


@pytest.mark.parametrize(
    ("targeting", "field"),
    [
        ({"target_groups": ["astronaut"]}, "target_groups"),
        ({"priority_groups": ["astronaut"]}, "priority_groups"),
        ({"target_groups": [S], "priority_groups": [Y]}, "priority_groups"),
        ({"priority_quota": "50"}, "priority_groups"),
        ({"priority_groups": [Y], "priority_quota": "0"}, "priority_quota"),
        ({"priority_groups": [Y], "priority_quota": "100,5"}, "priority_quota"),
        ({"priority_groups": [Y], "priority_quota": "la moitié"}, "priority_quota"),
        ({"priority_groups": [Y], "priority_quota": "33.333"}, "priority_quota"),
    ],
)
def test_targeting_that_does_not_hold_is_refused_in_french(
    services: Services, admin: Actor, targeting: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        add(services, admin, **targeting)
    assert caught.value.field == field
    message = caught.value.message.lower()
    assert "public" in message or "quota" in message  # said in French
    with pytest.raises(NotFound):
        services.programmes.get("PN26")


def test_edit_changes_only_what_is_given(
    services: Services, admin: Actor, programme: ProgrammeRow
) -> None:
    row = services.programmes.edit(
        admin, "mgp19", target_groups=[Y, J, S], priority_groups=[Y], priority_quota="40"
    )
    assert (row.target_groups, row.priority_groups, row.priority_quota) == ((Y, J, S), (Y,), 40)
    row = services.programmes.edit(admin, "MGP19", priority_groups=[Y, J])
    assert (row.priority_groups, row.priority_quota) == ((Y, J), Decimal("40.00"))
    with pytest.raises(InvalidInput):  # the young would no longer be a target group
        services.programmes.edit(admin, "MGP19", target_groups=[S])
    row = services.programmes.edit(admin, "MGP19", clear_quota=True)
    assert (row.priority_groups, row.priority_quota) == ((Y, J), None)
    assert services.programmes.get("MGP19") == row
    assert (row.face_value, row.shares) == (programme.face_value, programme.shares)


def test_only_an_administrator_changes_a_programme(
    services: Services, supervisor: Actor, programme: ProgrammeRow
) -> None:
    with pytest.raises(Forbidden):
        services.programmes.edit(supervisor, "MGP19", priority_groups=[Y])
    with pytest.raises(NotFound):
        services.programmes.edit(services.accounts.actor("admin"), "NOPE1", priority_groups=[Y])


def test_the_form_offers_the_groups_of_the_programmes_open_today(
    services: Services, admin: Actor, programme: ProgrammeRow
) -> None:
    # MGP19 names no group: every group is offered, none marked priority.
    offered = services.programmes.offered_target_groups()
    assert [c.key for c in offered][:3] == [Y, J, S] and len(offered) == 6
    assert not any(c.priority for c in offered)
    services.programmes.edit(admin, "MGP19", target_groups=[S, Y], priority_groups=[Y])
    assert services.programmes.offered_target_groups() == [
        TargetGroupChoice(Y, "Young person without qualification", True),
        TargetGroupChoice(S, "Senior", False),
    ]


def test_a_database_made_before_programmes_had_a_quota_upgrades(tmp_path: Path) -> None:
    """A 0001 database with a programme: the upgrade gives it no priority group and no quota."""
    from alembic import command

    path = tmp_path / "old.sqlite3"
    from passdesk.store.database import Database

    old = Database(f"sqlite:///{path}")
    config = migrations.alembic_config(old)
    with old.engine.execution_options(passdesk_write=True).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    old.close()
    raw = sqlite3.connect(path)
    raw.execute(
        "INSERT INTO programme (id, code, name, face_value, vouchers_per_booklet, valid_from, "
        "valid_until, limit_per_person, target_groups) VALUES (1, 'OLD19', 'Ancien', 10, 5, "
        "'2026-01-01', '2026-12-31', NULL, '[\"senior\"]')"
    )
    raw.execute("INSERT INTO funder (id, name) VALUES (1, 'État')")
    raw.commit()
    raw.close()

    upgraded = open_database(path)
    assert migrations.current_revision(upgraded) == migrations.HEAD
    upgraded.close()
    raw = sqlite3.connect(path)
    assert raw.execute(
        "SELECT target_groups, priority_groups, priority_quota FROM programme"
    ).fetchall() == [('["senior"]', "[]", None)]
    assert raw.execute("SELECT name, pseudonym_key FROM funder").fetchall() == [("État", None)]
    raw.close()
