"""`passdesk-admin init`, `demo` and `check`: the desk itself, its demonstration data, its
integrity."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    Output,
    open_services,
    read_password,
)
from passdesk.i18n import _

SCALE_CHOICES = ("small", "national")


def cmd_init(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = services.accounts.init_desk(
        name=args.desk,
        admin_login=args.admin,
        admin_name=args.admin_name,
        admin_password=read_password(args),
        siret=args.siret,
    )
    desk = services.accounts.desk()
    out.say(
        _('Desk "{name}" created; administrator: {login}.').format(
            name=desk.name, login=actor.login
        )
    )
    out.result(
        {"desk": desk, "admin": actor.login},
        lambda: [_("Database: {url}").format(url=services.db.url)],
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, out: Output) -> int:
    from passdesk.demo.in_place import build_all_or_nothing

    services = open_services(args)

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

    report = check_database(open_services(args))
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
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help=_("read the administrator's password from standard input"),
    )
    p.set_defaults(func=cmd_init)

    p = commands.add_parser("demo", help=_("fill an empty database with demonstration data"))
    p.add_argument("--seed", type=int, default=2019)
    # The names of passdesk.demo.SCALES, written here so that the console does not import the
    # demonstration (half a second) to parse its arguments; a test keeps them equal.
    p.add_argument("--scale", choices=SCALE_CHOICES, default="small")
    p.set_defaults(func=cmd_demo)

    p = commands.add_parser("check", help=_("check the database and the journal's chain"))
    p.set_defaults(func=cmd_check)
