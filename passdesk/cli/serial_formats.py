"""`passdesk-admin serial-format add` and `list`: the operator serials a delivered lot may carry."""

from __future__ import annotations

import argparse
from typing import Any

from passdesk.cli.common import EXIT_OK, Output, acting_agent, open_services, subcommands
from passdesk.i18n import _
from passdesk.serials import CheckScheme
from passdesk.services.serial_formats import SerialFormatRow


def format_lines(row: SerialFormatRow) -> list[str]:
    return [
        _("{name}: prefix {prefix}, {digits} digits, e.g. {example}").format(
            name=row.name, prefix=row.prefix, digits=row.digits, example=row.example
        ),
        "  " + _("Check characters: {what}").format(what=row.checks),
    ]


def cmd_add(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    row = services.serial_formats.add(
        acting_agent(services, args),
        name=args.name,
        prefix=args.prefix,
        digits=args.digits,
        check=args.check,
    )
    out.say(_("Serial format {name} declared.").format(name=row.name))
    if not row.catches_typos:
        out.say(
            _(
                "Warning: without check characters, a mistyped serial reads as another one "
                "and nothing can catch it."
            )
        )
    out.result(row, lambda: format_lines(row))
    return EXIT_OK


def cmd_list(args: argparse.Namespace, out: Output) -> int:
    rows = open_services(args).serial_formats.list()
    out.result(
        rows,
        lambda: [line for row in rows for line in format_lines(row)] or [_("No serial format.")],
    )
    return EXIT_OK


def add_commands(commands: Any) -> None:
    noun = commands.add_parser("serial-format", help=_("operator serial formats of delivered lots"))
    sub = subcommands(noun)
    p = sub.add_parser("add", help=_("declare an operator's serial format"))
    p.add_argument("--name", required=True, help=_("how lots will name it, e.g. OP1"))
    p.add_argument("--prefix", required=True, help=_("the letters every serial starts with"))
    p.add_argument("--digits", required=True, type=int, help=_("digits of the running number"))
    p.add_argument("--check", required=True, choices=[s.value for s in CheckScheme])
    p.set_defaults(func=cmd_add)
    p = sub.add_parser("list", help=_("list the declared serial formats"))
    p.set_defaults(func=cmd_list)
