"""The roles table, the one home of who may do what: each action's minimum role, `may` for what
the window and the console offer, `require` for what the services refuse, in French."""

from __future__ import annotations

import pytest

from passdesk.errors import Forbidden, Refused
from passdesk.roles import ACTION_LABELS, MINIMUM_ROLE, ROLE_LABELS, Action, Role, may, require

EXPECTED_MINIMUM = {
    Action.SERVE: Role.AGENT,
    Action.SEE_RECIPIENT: Role.AGENT,
    Action.OVERRIDE_LIMIT: Role.SUPERVISOR,
    Action.CANCEL_HANDOUT: Role.SUPERVISOR,
    Action.RECEIVE_STOCK: Role.SUPERVISOR,
    Action.VOID: Role.SUPERVISOR,
    Action.PRINT_BOOKLETS: Role.SUPERVISOR,
    Action.EDIT_PLACES: Role.SUPERVISOR,
    Action.MANAGE_PROGRAMMES: Role.ADMIN,
    Action.MANAGE_AGENTS: Role.ADMIN,
    Action.EDIT_DESK: Role.ADMIN,
    Action.EDIT_SETTINGS: Role.ADMIN,
    Action.IMPORT_USAGE: Role.SUPERVISOR,
    Action.FOLLOW_UP: Role.AGENT,
    Action.CLOSE_DAY: Role.AGENT,
    Action.VIEW_REPORTS: Role.AGENT,
    Action.EXPORT_REPORTS: Role.SUPERVISOR,
    Action.EXPORT_PSEUDONYMISED: Role.ADMIN,
    Action.RESTORE_BACKUP: Role.ADMIN,
    Action.EXPORT_PERSON: Role.SUPERVISOR,
    Action.ERASE_PERSON: Role.SUPERVISOR,
    Action.VIEW_ACCESS_LOG: Role.ADMIN,
    Action.PURGE: Role.ADMIN,
    Action.MANAGE_DESKS: Role.ADMIN,
    Action.TRANSFER_STOCK: Role.SUPERVISOR,
}
ORDER = [Role.AGENT, Role.SUPERVISOR, Role.ADMIN]


def test_every_action_has_its_minimum_role_and_a_label() -> None:
    assert MINIMUM_ROLE == EXPECTED_MINIMUM  # a new action must be placed here on purpose
    assert set(ACTION_LABELS) == set(Action)
    assert set(ROLE_LABELS) == set(Role)


def test_roles_are_ranked_agent_supervisor_admin() -> None:
    assert [role.rank for role in ORDER] == sorted({role.rank for role in Role})


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_may_allows_the_minimum_role_and_every_role_above_it(action: Action) -> None:
    minimum = ORDER.index(EXPECTED_MINIMUM[action])
    assert [may(role, action) for role in ORDER] == [i >= minimum for i in range(len(ORDER))]


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_require_refuses_below_the_minimum_in_french(action: Action) -> None:
    minimum = ORDER.index(EXPECTED_MINIMUM[action])
    for role in ORDER[minimum:]:
        require(role, action)  # allowed: nothing raised
    for role in ORDER[:minimum]:
        with pytest.raises(Forbidden) as caught:
            require(role, action)
        assert isinstance(caught.value, Refused) and caught.value.exit_status == 1
        assert caught.value.message.startswith("Votre rôle ne permet pas cette action : ")


def test_the_refusal_names_the_action() -> None:
    with pytest.raises(Forbidden) as caught:
        require(Role.AGENT, Action.VOID)
    assert "invalider un carnet ou un chèque" in caught.value.message
    assert "référent" in caught.value.message  # says whom to ask
