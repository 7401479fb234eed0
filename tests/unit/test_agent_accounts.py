"""The agents' accounts in the services: the password rule (length and zxcvbn, said in French),
the lockout's waits and lock, and what an administrator may not do to the last administrator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from passdesk.errors import Forbidden, InvalidInput, Refused
from passdesk.models import Role
from passdesk.services import Services, lockout
from passdesk.services.accounts import check_password
from passdesk.services.rows import Actor
from tests.desks import MovableClock

GOOD = "citron girafe tambour"


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("court", "au moins 10 caractères"),
        ("azertyuiop", "les plus courants"),
        ("motdepasse123", "trop facile"),
        ("aaaaaaaaaaaa", "répétitions"),
        ("yanis.benali2", "votre identifiant"),
    ],
)
def test_a_weak_password_is_refused_with_why_and_how_to_choose(password: str, why: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_password(password, user_inputs=("yanis.benali", "Yanis Benali"))
    assert why in refused.value.message
    assert "mots sans rapport" in refused.value.message
    assert refused.value.field == "password"


def test_unrelated_words_pass() -> None:
    check_password(GOOD, user_inputs=("yanis.benali", "Yanis Benali"))
    check_password("citron girafe tambour " * 5)  # longer than zxcvbn reads: 72 are enough


def test_the_waits_grow_and_the_sixth_locks() -> None:
    waits = [lockout.wait_after(n).total_seconds() for n in range(1, 6)]
    assert waits == [0, 0, 2, 4, 8]
    assert lockout.LOCK_AT == 6


def test_the_lockout_counts_only_checked_tries_and_a_success_resets_it(
    services: Services, admin: Actor, agent: Actor, clock: MovableClock
) -> None:
    accounts = services.accounts
    accounts.set_password(admin, agent.login, GOOD)
    for _ in range(3):
        with pytest.raises(Refused, match="incorrect"):
            accounts.authenticate(agent.login, "faux")
    with pytest.raises(Refused, match="2 secondes"):  # too early: not even checked
        accounts.authenticate(agent.login, GOOD)
    clock.advance(timedelta(seconds=2))
    assert accounts.authenticate(agent.login, GOOD) == agent
    for _ in range(2):  # the count started again: two free typos
        with pytest.raises(Refused, match="incorrect"):
            accounts.authenticate(agent.login, "faux")
    assert accounts.authenticate(agent.login, GOOD) == agent


def test_six_wrong_passwords_lock_until_an_admin_resets_or_unlocks(
    services: Services, admin: Actor, agent: Actor, clock: MovableClock
) -> None:
    accounts = services.accounts
    accounts.set_password(admin, agent.login, GOOD)
    for _ in range(5):
        with pytest.raises(Refused, match="incorrect"):
            accounts.authenticate(agent.login, "faux")
        clock.advance(timedelta(minutes=1))
    with pytest.raises(Refused, match="verrouillé"):
        accounts.authenticate(agent.login, "faux")
    with pytest.raises(Refused, match="verrouillé"):
        accounts.authenticate(agent.login, GOOD)
    assert {a.login: a.locked for a in accounts.agents()}[agent.login]
    with pytest.raises(Forbidden):
        accounts.unlock(agent, agent.login)
    accounts.set_password(admin, agent.login, "tambour nuage citron")  # a reset lifts it too
    assert accounts.authenticate(agent.login, "tambour nuage citron") == agent
    kinds = [e.kind for e in accounts.events(admin, agent.login)]
    assert kinds[:3] == ["unlocked", "password_reset", "locked"]


def test_the_last_administrator_stays(services: Services, admin: Actor, agent: Actor) -> None:
    accounts = services.accounts
    with pytest.raises(Refused, match="propre compte"):
        accounts.set_active(admin, admin.login, False)
    with pytest.raises(Refused, match="seul administrateur"):
        accounts.set_role(admin, admin.login, Role.SUPERVISOR)
    accounts.set_role(admin, agent.login, Role.ADMIN)
    accounts.set_role(admin, admin.login, Role.SUPERVISOR)  # another admin exists now
    demoted = accounts.actor(admin.login)
    with pytest.raises(Forbidden):
        accounts.set_active(demoted, agent.login, False)  # no longer an administrator


def test_an_agent_sets_only_their_own_password(
    services: Services, agent: Actor, supervisor: Actor
) -> None:
    with pytest.raises(Forbidden):
        services.accounts.set_password(agent, supervisor.login, GOOD)
    services.accounts.set_password(agent, agent.login, GOOD)
    assert [e.kind for e in services.accounts.events(
        services.accounts.actor(), agent.login)][0] == "password_changed"  # fmt: skip
