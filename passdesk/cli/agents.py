"""`passdesk-admin agent add|list|password|role|disable|enable|unlock|history`: the agents'
accounts, as the window's Agents page manages them."""

from __future__ import annotations

import argparse
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    Output,
    UsageError,
    acting_agent,
    open_services,
    read_password,
    subcommands,
)
from passdesk.formatting import format_timestamp
from passdesk.i18n import _
from passdesk.roles import ROLE_LABELS, Role
from passdesk.services.accounts import EVENT_LABELS
from passdesk.services.rows import AgentRow


def agent_line(row: AgentRow) -> str:
    state = [_("active") if row.active else _("disabled")]
    if row.locked:
        state.append(_("locked"))
    if not row.has_password:
        state.append(_("no password"))
    return (
        f"{row.login:<20} {row.display_name:<30} {_(ROLE_LABELS[row.role]):<15} {', '.join(state)}"
    )


def cmd_agent_add(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)  # before the new password: its line comes first
    row = services.accounts.add_agent(
        actor,
        login=args.login,
        display_name=args.name,
        role=Role(args.role),
        password=read_password(args),
    )
    out.say(_("Agent {login} created.").format(login=row.login))
    out.result(row, None)
    return EXIT_OK


def cmd_agent_list(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    acting_agent(services, args)  # names of the desk's staff
    rows = services.accounts.agents()
    out.result(rows, lambda: [agent_line(r) for r in rows])
    return EXIT_OK


def cmd_agent_password(args: argparse.Namespace, out: Output) -> int:
    if not args.password_stdin:
        raise UsageError(_("Give the new password on standard input with --password-stdin."))
    services = open_services(args)
    actor = acting_agent(services, args)
    password = read_password(args)
    assert password is not None
    services.accounts.set_password(actor, args.login, password)
    out.say(_("Password of {login} changed.").format(login=args.login))
    return EXIT_OK


def cmd_agent_role(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    row = services.accounts.set_role(acting_agent(services, args), args.login, Role(args.role))
    out.say(_("{login} is now {role}.").format(login=row.login, role=_(ROLE_LABELS[row.role])))
    out.result(row, None)
    return EXIT_OK


def _set_active(args: argparse.Namespace, out: Output, active: bool) -> int:
    services = open_services(args)
    row = services.accounts.set_active(acting_agent(services, args), args.login, active)
    message = _("Agent {login} enabled.") if active else _("Agent {login} disabled.")
    out.say(message.format(login=row.login))
    out.result(row, None)
    return EXIT_OK


def cmd_agent_disable(args: argparse.Namespace, out: Output) -> int:
    return _set_active(args, out, False)


def cmd_agent_enable(args: argparse.Namespace, out: Output) -> int:
    return _set_active(args, out, True)


def cmd_agent_unlock(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    row = services.accounts.unlock(acting_agent(services, args), args.login)
    out.say(_("Agent {login} unlocked.").format(login=row.login))
    out.result(row, None)
    return EXIT_OK


def cmd_agent_history(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    rows = services.accounts.events(acting_agent(services, args), args.login)

    def human() -> list[str]:
        return [
            f"{format_timestamp(e.at)}  {_(EVENT_LABELS[e.kind])}"
            + (f" ({e.detail})" if e.detail else "")
            + (f"  {_('by')} {e.by_login}" if e.by_login else "")
            for e in rows
        ]

    out.result(rows, human)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    roles = [r.value for r in Role]
    agent = commands.add_parser("agent", help=_("agents' accounts"))
    sub = subcommands(agent)
    p = sub.add_parser("add", help=_("create an agent"))
    p.add_argument("--login", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--role", choices=roles, default=Role.AGENT.value)
    p.set_defaults(func=cmd_agent_add)
    p = sub.add_parser("list", help=_("list the agents, their role and state"))
    p.set_defaults(func=cmd_agent_list)
    p = sub.add_parser("password", help=_("set an agent's password (read from standard input)"))
    p.add_argument("login")
    p.set_defaults(func=cmd_agent_password)
    p = sub.add_parser("role", help=_("give an agent another role"))
    p.add_argument("login")
    p.add_argument("--role", choices=roles, required=True)
    p.set_defaults(func=cmd_agent_role)
    p = sub.add_parser("disable", help=_("disable an account (it is never deleted)"))
    p.add_argument("login")
    p.set_defaults(func=cmd_agent_disable)
    p = sub.add_parser("enable", help=_("enable a disabled account again"))
    p.add_argument("login")
    p.set_defaults(func=cmd_agent_enable)
    p = sub.add_parser("unlock", help=_("unlock an account locked by wrong passwords"))
    p.add_argument("login")
    p.set_defaults(func=cmd_agent_unlock)
    p = sub.add_parser("history", help=_("what happened to an account, and by whom"))
    p.add_argument("login")
    p.set_defaults(func=cmd_agent_history)
