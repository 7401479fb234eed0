"""`passdesk-admin agent add|password`: the agents' accounts."""

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
from passdesk.i18n import _
from passdesk.roles import Role


def cmd_agent_add(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    row = services.accounts.add_agent(
        acting_agent(services, args),
        login=args.login,
        display_name=args.name,
        role=Role(args.role),
        password=read_password(args),
    )
    out.say(_("Agent {login} created.").format(login=row.login))
    out.result(row, None)
    return EXIT_OK


def cmd_agent_password(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    password = read_password(args)
    if password is None:
        raise UsageError(_("Give the new password on standard input with --password-stdin."))
    services.accounts.set_password(acting_agent(services, args), args.login, password)
    out.say(_("Password of {login} changed.").format(login=args.login))
    return EXIT_OK


def add_commands(commands: Any) -> None:
    agent = commands.add_parser("agent", help=_("agents' accounts"))
    sub = subcommands(agent)
    p = sub.add_parser("add", help=_("create an agent"))
    p.add_argument("--login", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.AGENT.value)
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_agent_add)
    p = sub.add_parser("password", help=_("set an agent's password (read from standard input)"))
    p.add_argument("login")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_agent_password)
