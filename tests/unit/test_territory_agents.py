"""Agents per desk in a territory's database (issue 13: "each desk has its own agents"): a
desk's administrator lists and manages its own agents only; another desk's login is not found,
as a login nobody has, and nothing changes; each desk keeps its own last administrator."""

from __future__ import annotations

import pytest

from passdesk.errors import NotFound, Refused
from passdesk.models import Role
from passdesk.services import Services
from passdesk.services.rows import Actor
from tests.desks import AGENT_LOGIN, START
from tests.territory import SECOND_ADMIN, SECOND_AGENT, second_desk


@pytest.fixture
def vaulx(services: Services, admin: Actor, agent: Actor) -> tuple[Actor, Actor]:
    return second_desk(services, START)


def _accounts(raw) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return (
        raw.query("SELECT login, role, active, password_hash, locked_at FROM agent ORDER BY id")
        + raw.query("SELECT count(*) FROM agent_event")
        + raw.query("SELECT count(*) FROM ledger_event")
    )


def test_each_desk_lists_its_own_agents(
    services: Services, admin: Actor, agent: Actor, vaulx: tuple[Actor, Actor]
) -> None:
    vadmin, _vagent = vaulx
    services.act_as(vadmin)
    assert {a.login for a in services.accounts.agents()} == {SECOND_ADMIN, SECOND_AGENT}
    services.act_as(admin)
    listed = {a.login for a in services.accounts.agents()}
    assert AGENT_LOGIN in listed and not listed & {SECOND_ADMIN, SECOND_AGENT}


def test_another_desks_agent_is_not_found_and_nothing_changes(
    services: Services, admin: Actor, agent: Actor, vaulx: tuple[Actor, Actor], raw
) -> None:  # type: ignore[no-untyped-def]
    vadmin, _vagent = vaulx
    before = _accounts(raw)
    attempts = [
        lambda: services.accounts.set_active(vadmin, AGENT_LOGIN, False),
        lambda: services.accounts.set_role(vadmin, AGENT_LOGIN, Role.ADMIN),
        lambda: services.accounts.set_password(
            vadmin, AGENT_LOGIN, "un mot de passe très long 2026"
        ),
        lambda: services.accounts.unlock(vadmin, AGENT_LOGIN),
        lambda: services.accounts.events(vadmin, AGENT_LOGIN),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound) as refused:
            attempt()
        assert AGENT_LOGIN in refused.value.message  # the same words as for a login nobody has
    assert _accounts(raw) == before
    # its own agent, it manages
    assert services.accounts.set_role(vadmin, SECOND_AGENT, Role.SUPERVISOR).role == "supervisor"


def test_each_desk_keeps_its_own_last_administrator(
    services: Services, admin: Actor, vaulx: tuple[Actor, Actor], raw
) -> None:  # type: ignore[no-untyped-def]
    vadmin, vagent = vaulx
    services.accounts.set_role(vadmin, SECOND_AGENT, Role.ADMIN)
    services.accounts.set_active(vadmin, SECOND_AGENT, False)  # VAULX still has vadmin
    before = _accounts(raw)
    with pytest.raises(Refused, match="seul administrateur actif"):
        services.accounts.set_role(vadmin, SECOND_ADMIN, Role.AGENT)  # the first desk's admins
    assert _accounts(raw) == before  # do not count for VAULX
