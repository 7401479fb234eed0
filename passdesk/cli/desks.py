"""`passdesk-admin desk add|list|coordination`: the desks of a territory that share one
database (issue 13), each with its code, its kind and its first administrator."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    Output,
    acting_agent,
    open_services,
    read_password,
    subcommands,
)
from passdesk.errors import InvalidInput, Refused
from passdesk.i18n import N_, _
from passdesk.services.rows import DeskRow

KIND_LABELS = {"desk": N_("desk"), "coordination": N_("coordination")}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS.get(kind, kind))


def desk_line(row: DeskRow) -> str:
    return f"{row.code:<12} {kind_label(row.kind):<14} {row.name}"


def new_desk_admin_password(args: argparse.Namespace) -> str:
    """The new desk's administrator's password, read as `init` reads it: the next line of
    standard input with --password-stdin (after the acting agent's own, unless
    PASSDESK_PASSWORD gives that), else asked twice at a terminal. Not PASSDESK_PASSWORD:
    that is the acting agent's, and two desks' administrators do not share a password."""
    password = read_password(args)
    if password is None and sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(
            _("Password of the administrator {login}: ").format(login=args.admin)
        )
        if getpass.getpass(_("The same password again: ")) != password:
            raise InvalidInput(_("The two passwords differ."), field="password")
    if password is None:
        raise Refused(
            _(
                "desk add needs the password of the new desk's administrator: give it on "
                "standard input with --password-stdin, on the line after yours."
            )
        )
    return password


def cmd_desk_add(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)  # before the new password: its line comes first
    password = new_desk_admin_password(args)
    row = services.desks.add_desk(
        actor,
        code=args.code,
        name=args.name,
        kind="coordination" if args.coordination else "desk",
        admin_login=args.admin,
        admin_name=args.admin_name or "",
        admin_password=password,
        address=args.address or "",
        postcode=args.postcode or "",
        commune=args.commune or "",
    )
    out.say(
        _('Desk {code} "{name}" created; administrator: {login}.').format(
            code=row.code, name=row.name, login=args.admin
        )
    )
    out.result({"desk": row, "admin": args.admin}, lambda: [desk_line(row)])
    return EXIT_OK


def cmd_desk_list(args: argparse.Namespace, out: Output) -> int:
    rows = open_services(args).desks.desks()
    out.result(
        [{"code": r.code, "name": r.name, "kind": r.kind} for r in rows],
        lambda: [desk_line(r) for r in rows],
    )
    return EXIT_OK


def cmd_desk_coordination(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)
    row = services.desks.set_kind(actor, args.code, "coordination")
    out.say(
        _("Desk {code} is now the coordination: it receives the lots and transfers them.").format(
            code=row.code
        )
    )
    out.result({"code": row.code, "name": row.name, "kind": row.kind}, None)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    desk = commands.add_parser("desk", help=_("the desks sharing this database"))
    sub = subcommands(desk)
    p = sub.add_parser("add", help=_("create a desk and its first administrator"))
    p.add_argument("--code", required=True, help=_("short name, such as VAULX"))
    p.add_argument("--name", required=True)
    p.add_argument(
        "--coordination",
        action="store_true",
        help=_("the coordination: receives the lots and transfers them to the desks"),
    )
    p.add_argument("--admin", required=True, metavar="LOGIN")
    p.add_argument("--admin-name", metavar="NAME")
    p.add_argument("--address", metavar="TEXT")
    p.add_argument("--postcode")
    p.add_argument("--commune")
    p.set_defaults(func=cmd_desk_add)
    p = sub.add_parser("list", help=_("list the desks: code, kind, name"))
    p.set_defaults(func=cmd_desk_list)
    p = sub.add_parser(
        "coordination", help=_("make a desk the coordination (it receives the lots)")
    )
    p.add_argument("code", metavar="CODE")
    p.set_defaults(func=cmd_desk_coordination)
