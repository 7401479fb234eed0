"""`passdesk-admin blocked-list`: the voided, stolen and expired serials of a programme, as CSV."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from passdesk.cli.common import EXIT_OK, Output, acting_agent, open_services
from passdesk.i18n import _, ngettext


def cmd_blocked_list(args: argparse.Namespace, out: Output) -> int:
    # Serials and reasons only, no personal data; but a list that leaves the desk (for the
    # operator and the places) is an agent's act, like every paper the desk hands over.
    services = open_services(args)
    acting_agent(services, args)
    count = services.blocked_list.write(args.programme, Path(args.output))
    out.say(
        ngettext(
            "{n} blocked serial written to {path}.", "{n} blocked serials written to {path}.", count
        ).format(n=count, path=args.output)
    )
    out.result({"programme": args.programme, "serials": count, "path": args.output})
    return EXIT_OK


def add_commands(commands: Any) -> None:
    p = commands.add_parser(
        "blocked-list", help=_("the serials to refuse (voided, stolen, expired) as CSV")
    )
    p.add_argument("--programme", required=True, metavar="CODE")
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    p.set_defaults(func=cmd_blocked_list)
