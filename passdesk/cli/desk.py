"""`passdesk-admin init`, `demo` and `check`: the desk itself, its demonstration data, its
integrity."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import asdict
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    PASSWORD_VARIABLE,
    Output,
    open_services,
    read_password,
)
from passdesk.errors import InvalidInput, Refused
from passdesk.i18n import _

SCALE_CHOICES = ("small", "national")


def new_admin_password(args: argparse.Namespace) -> str:
    """init's password for the administrator: --password-stdin, else PASSDESK_PASSWORD (a
    script then acts with the same variable), else asked twice at a terminal. An administrator
    without a password could never act, since the console asks it."""
    password = read_password(args)
    if password is None:
        password = os.environ.get(PASSWORD_VARIABLE)
    if password is None and sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(
            _("Password of the administrator {login}: ").format(login=args.admin)
        )
        if getpass.getpass(_("The same password again: ")) != password:
            raise InvalidInput(_("The two passwords differ."), field="password")
    if password is None:
        raise Refused(
            _(
                "init needs the administrator's password: give it on standard input with "
                "--password-stdin, or in the PASSDESK_PASSWORD variable."
            )
        )
    return password


def cmd_init(args: argparse.Namespace, out: Output) -> int:
    from passdesk.store import display_url

    password = new_admin_password(args)
    services = open_services(args, founding=True)
    actor = services.accounts.init_desk(
        name=args.desk,
        admin_login=args.admin,
        admin_name=args.admin_name,
        admin_password=password,
        siret=args.siret,
        address=args.address or "",
        postcode=args.postcode or "",
        commune=args.commune or "",
    )
    desk = services.accounts.desk()
    out.say(
        _('Desk "{name}" created; administrator: {login}.').format(
            name=desk.name, login=actor.login
        )
    )
    out.result(
        {"desk": desk, "admin": actor.login},
        lambda: [_("Database: {url}").format(url=display_url(services.db.url))],
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, out: Output) -> int:
    from passdesk.demo.in_place import build_all_or_nothing

    services = open_services(args, founding=True)

    def progress(step: str, done: int, total: int) -> None:
        if not out.as_json and sys.stderr.isatty():
            print(f"\r{step} {done}/{total}", end="", file=sys.stderr)

    summary = build_all_or_nothing(services, seed=args.seed, scale=args.scale, progress=progress)
    if not out.as_json and sys.stderr.isatty():
        print(file=sys.stderr)
    out.say(_("Demonstration desk ready."))
    out.result(summary, lambda: [f"{k}: {v}" for k, v in asdict(summary).items()])
    return EXIT_OK


def cmd_check(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.integrity import check_database

    report = check_database(open_services(args), anchor=args.anchor)
    for line in report.lines:
        out.say(line)
    out.result(report, None)
    return EXIT_OK if report.ok else EXIT_REFUSED


def add_commands(commands: Any) -> None:
    p = commands.add_parser("init", help=_("create the desk and its administrator"))
    p.add_argument("--desk", required=True, metavar="NAME")
    p.add_argument("--admin", default="admin", metavar="LOGIN")
    p.add_argument("--admin-name", metavar="NAME")
    p.add_argument("--siret")
    # Where the desk is: printed on receipts; the places directory keeps the places near it.
    p.add_argument("--address", metavar="TEXT")
    p.add_argument("--postcode")
    p.add_argument("--commune")
    p.set_defaults(func=cmd_init)

    p = commands.add_parser("demo", help=_("fill an empty database with demonstration data"))
    p.add_argument("--seed", type=int, default=2019)
    # The names of passdesk.demo.SCALES, written here so that the console does not import the
    # demonstration (half a second) to parse its arguments; a test keeps them equal.
    p.add_argument("--scale", choices=SCALE_CHOICES, default="small")
    p.set_defaults(func=cmd_demo)

    p = commands.add_parser("check", help=_("check the database and the journal's chain"))
    p.add_argument(
        "--anchor",
        metavar="HASH",
        help=_("a journal hash printed on paper (the closing sheet): the chain must reach it"),
    )
    p.set_defaults(func=cmd_check)
