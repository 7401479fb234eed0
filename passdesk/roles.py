"""Who may do what: the agents' roles and the one table of what each action requires.

Services refuse an action with `require`; the window and the console ask `may` to decide
what they offer. Neither restates a threshold: a change of rule is a change of this table.
"""

from __future__ import annotations

import enum

from passdesk.errors import Forbidden
from passdesk.i18n import N_, _


class Role(enum.StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Role.AGENT: 0, Role.SUPERVISOR: 1, Role.ADMIN: 2}

ROLE_LABELS = {
    Role.AGENT: N_("agent"),
    Role.SUPERVISOR: N_("supervisor"),
    Role.ADMIN: N_("administrator"),
}


class Action(enum.StrEnum):
    """Everything a role decides; each member's label completes "Your role does not allow
    this: ..."."""

    SERVE = "serve"  # search, register people, hand out, print a receipt
    SEE_RECIPIENT = "see_recipient"  # who received a looked-up booklet
    OVERRIDE_LIMIT = "override_limit"
    CANCEL_HANDOUT = "cancel_handout"
    RECEIVE_STOCK = "receive_stock"
    VOID = "void"
    PRINT_BOOKLETS = "print_booklets"
    EDIT_PLACES = "edit_places"
    MANAGE_PROGRAMMES = "manage_programmes"
    MANAGE_AGENTS = "manage_agents"
    EDIT_DESK = "edit_desk"
    EDIT_SETTINGS = "edit_settings"
    IMPORT_USAGE = "import_usage"  # the operator's usage file
    FOLLOW_UP = "follow_up"  # see who has not used their vouchers, record a call
    CLOSE_DAY = "close_day"  # count the safe and record the daily closing
    VIEW_REPORTS = "view_reports"  # the dashboard and the reports page: aggregate figures
    EXPORT_REPORTS = "export_reports"  # PDF, XLSX, CSV for the funders (small cells hidden)
    EXPORT_PSEUDONYMISED = "export_pseudonymised"  # one row per person, for a funder who asks
    RESTORE_BACKUP = "restore_backup"
    EXPORT_PERSON = "export_person"  # everything held about one person, for them (access right)
    ERASE_PERSON = "erase_person"  # anonymise one person on request
    VIEW_ACCESS_LOG = "view_access_log"  # who opened, printed, exported or erased whom
    PURGE = "purge"  # anonymise the people whose retention period is over, now
    # A territory's desks in one database (issue 13). Which desk may is checked by the services
    # (passdesk.services.desks, passdesk.services.transfers): the role is only the minimum.
    MANAGE_DESKS = "manage_desks"  # add a desk, make a desk the coordination
    TRANSFER_STOCK = "transfer_stock"  # give a range of booklets to another desk


MINIMUM_ROLE: dict[Action, Role] = {
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
    # Every agent sees how the desk is doing (stock, pace, quota): no person in it.
    Action.VIEW_REPORTS: Role.AGENT,
    # What leaves the desk is signed off by a supervisor...
    Action.EXPORT_REPORTS: Role.SUPERVISOR,
    # ...and data about each person, even pseudonymised, by an administrator.
    Action.EXPORT_PSEUDONYMISED: Role.ADMIN,
    Action.RESTORE_BACKUP: Role.ADMIN,
    # A person's rights: answered by a supervisor (the request is checked, the act is final)...
    Action.EXPORT_PERSON: Role.SUPERVISOR,
    Action.ERASE_PERSON: Role.SUPERVISOR,
    # ...and the register of accesses, and the purge of everyone at once, by an administrator.
    Action.VIEW_ACCESS_LOG: Role.ADMIN,
    Action.PURGE: Role.ADMIN,
    # The territory: an administrator of the coordination (or of the first desk, before there
    # is one) creates the desks; a supervisor of the desk holding booklets moves them.
    Action.MANAGE_DESKS: Role.ADMIN,
    Action.TRANSFER_STOCK: Role.SUPERVISOR,
}

ACTION_LABELS: dict[Action, str] = {
    Action.SERVE: N_("serve beneficiaries"),
    Action.SEE_RECIPIENT: N_("see who received a booklet"),
    Action.OVERRIDE_LIMIT: N_("override the limit per person"),
    Action.CANCEL_HANDOUT: N_("cancel a handout"),
    Action.RECEIVE_STOCK: N_("receive stock"),
    Action.VOID: N_("void a booklet or a voucher"),
    Action.PRINT_BOOKLETS: N_("print booklets"),
    Action.EDIT_PLACES: N_("edit the places directory"),
    Action.MANAGE_PROGRAMMES: N_("create or change a programme"),
    Action.MANAGE_AGENTS: N_("manage the agents' accounts"),
    Action.EDIT_DESK: N_("change the desk's details"),
    Action.EDIT_SETTINGS: N_("change the settings"),
    Action.IMPORT_USAGE: N_("import the operator's usage file"),
    Action.FOLLOW_UP: N_("follow up the people who have not used their vouchers"),
    Action.CLOSE_DAY: N_("record the daily closing of the stock"),
    Action.VIEW_REPORTS: N_("see the activity figures"),
    Action.EXPORT_REPORTS: N_("export reports for the funders"),
    Action.EXPORT_PSEUDONYMISED: N_("export pseudonymised data about each person for a funder"),
    Action.RESTORE_BACKUP: N_("restore a backup"),
    Action.EXPORT_PERSON: N_("export everything held about a person"),
    Action.ERASE_PERSON: N_("erase a person's data"),
    Action.VIEW_ACCESS_LOG: N_("see who accessed people's data"),
    Action.PURGE: N_("erase the people whose retention period is over"),
    Action.MANAGE_DESKS: N_("manage the territory's desks"),
    Action.TRANSFER_STOCK: N_("transfer booklets to another desk"),
}


def may(role: Role, action: Action) -> bool:
    """Whether an agent of `role` may do `action`."""
    return role.rank >= MINIMUM_ROLE[action].rank


def require(role: Role, action: Action) -> None:
    """Refuse `action` for `role` with the French message the agent reads."""
    if not may(role, action):
        raise Forbidden(
            _(
                "Your role does not allow this: {action}. Ask a supervisor or an administrator."
            ).format(action=_(ACTION_LABELS[action]))
        )
