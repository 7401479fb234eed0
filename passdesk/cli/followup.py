"""`passdesk-admin followup ...`: who to call about unused vouchers, and the calls made.

passdesk-admin followup list [--weeks N] [--json] [-o FILE.csv|FILE.xlsx]
passdesk-admin followup call BENEFICIARY_ID --outcome OUTCOME [--note TEXT]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    Output,
    acting_agent,
    open_services,
    subcommands,
    whole_number,
)
from passdesk.formatting import format_date
from passdesk.i18n import _, ngettext
from passdesk.services.followup import OUTCOMES


def cmd_followup_list(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)  # the list shows names and phones
    rows = services.followup.to_call(actor, args.weeks)
    if args.output:
        services.followup.export_calling_list(actor, Path(args.output), args.weeks)
        out.say(_("Calling list written to {path}.").format(path=args.output))

    def human() -> list[str]:
        lines = [
            f"{r.beneficiary_id:>7}  {r.name}  {format_date(r.handed_out_on)}  "
            f"{r.phone or _('(no consent to be called)')}"
            for r in rows
        ]
        lines.append(
            ngettext(
                "{n} person has used no voucher since their handout.",
                "{n} people have used no voucher since their handout.",
                len(rows),
            ).format(n=len(rows))
        )
        return lines

    out.result(rows, human)
    return EXIT_OK


def cmd_followup_call(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)
    services.followup.record_call(actor, args.beneficiary_id, args.outcome, args.note or "")
    out.say(_("Call recorded."))
    out.result({"beneficiary": args.beneficiary_id, "outcome": args.outcome})
    return EXIT_OK


def add_commands(commands: Any) -> None:
    followup = commands.add_parser(
        "followup", help=_("people who have not used their vouchers, and the calls to them")
    )
    sub = subcommands(followup)
    p = sub.add_parser("list", help=_("who has used no voucher N weeks after their handout"))
    p.add_argument(  # 0 lists everyone who has used nothing yet; the service checks the range
        "--weeks", type=int, metavar="N", help=_("default: the follow-up setting")
    )
    p.add_argument("-o", "--output", metavar="FILE", help=_("also write the list (.csv, .xlsx)"))
    p.set_defaults(func=cmd_followup_list)

    p = sub.add_parser("call", help=_("record a follow-up call"))
    p.add_argument("beneficiary_id", type=whole_number, metavar="BENEFICIARY_ID")
    p.add_argument("--outcome", required=True, choices=tuple(OUTCOMES))
    p.add_argument("--note", metavar="TEXT")
    p.set_defaults(func=cmd_followup_call)
