"""`passdesk-admin transfer` and `transfers`: a range of booklets moved from the acting agent's
desk to another desk of the territory, and the transfers made so far (issue 13).

`transfers` is a command of its own rather than `transfer list`: `transfer` takes its range as
options, and a sub-command beside them would make `transfer --to X` ambiguous to read."""

from __future__ import annotations

import argparse
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    Output,
    acting_agent,
    open_services,
    whole_number,
)
from passdesk.formatting import format_timestamp
from passdesk.i18n import _, ngettext
from passdesk.services.transfer_rows import TransferRow


def transfer_line(row: TransferRow) -> str:
    return _("{at}  {programme} {first} .. {last} ({count})  {source} -> {target}  {login}").format(
        at=format_timestamp(row.at),
        programme=row.programme_code,
        first=row.first_code,
        last=row.last_code,
        count=row.count,
        source=row.from_code,
        target=row.to_code,
        login=row.agent_login,
    )


def cmd_transfer(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    row = services.transfers.transfer(
        acting_agent(services, args),
        programme=args.programme,
        first_booklet=args.first_booklet,
        count=args.count,
        to_desk=args.to,
    )
    out.say(
        ngettext(
            "{n} booklet transferred from {source} to {target}: {first} to {last}.",
            "{n} booklets transferred from {source} to {target}: {first} to {last}.",
            row.count,
        ).format(
            n=row.count,
            source=row.from_code,
            target=row.to_code,
            first=row.first_code,
            last=row.last_code,
        )
    )
    out.result(row, lambda: [transfer_line(row)])
    return EXIT_OK


def cmd_transfers(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    acting_agent(services, args)  # who moved what: the agents' logins
    rows = services.transfers.transfers(limit=args.limit)
    out.result(rows, lambda: [transfer_line(r) for r in rows] or [_("No transfer.")])
    return EXIT_OK


def add_commands(commands: Any) -> None:
    p = commands.add_parser(
        "transfer", help=_("move a range of booklets in stock to another desk of the territory")
    )
    p.add_argument("--programme", required=True, metavar="CODE")
    p.add_argument("--first-booklet", required=True, type=whole_number, metavar="N")
    p.add_argument("--count", required=True, type=whole_number, metavar="N")
    p.add_argument("--to", required=True, metavar="CODE", help=_("the receiving desk's code"))
    p.set_defaults(func=cmd_transfer)
    p = commands.add_parser("transfers", help=_("the transfers of booklets, newest first"))
    p.add_argument("--limit", type=whole_number, default=200, metavar="N")
    p.set_defaults(func=cmd_transfers)
