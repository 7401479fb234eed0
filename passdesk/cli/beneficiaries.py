"""`passdesk-admin beneficiary add|find`: the people the desk serves."""

from __future__ import annotations

import argparse
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    Output,
    acting_agent,
    open_services,
    subcommands,
    whole_number,
)
from passdesk.formatting import format_date
from passdesk.i18n import _
from passdesk.services.rows import BeneficiaryRow


def cmd_beneficiary_add(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.beneficiaries import BeneficiaryInput, Duplicates

    services = open_services(args)
    data = BeneficiaryInput(
        last_name=args.last_name,
        first_name=args.first_name,
        birth_date=args.birth_date,
        postcode=args.postcode or "",
        commune=args.commune or "",
        phone=args.phone or "",
        email=args.email or "",
        target_group=args.target_group or "",
        consent=args.consent,
    )
    try:
        row = services.beneficiaries.register(
            acting_agent(services, args), data, allow_duplicate=args.allow_duplicate
        )
    except Duplicates as dup:
        out.say(dup.message)
        for candidate in dup.candidates:
            out.say("  " + person_line(candidate))
        out.say(_("To register anyway: add --allow-duplicate."))
        out.result({"error": dup.message, "exit": EXIT_REFUSED, "duplicates": dup.candidates})
        return EXIT_REFUSED
    out.say(_("Beneficiary {id} registered.").format(id=row.id))
    out.result(row, lambda: [str(row.id)])
    return EXIT_OK


def person_line(b: BeneficiaryRow) -> str:
    born = format_date(b.birth_date) if b.birth_date else "?"
    return f"#{b.id}  {b.last_name.upper()} {b.first_name}  {born}  {b.postcode} {b.commune}"


def cmd_beneficiary_find(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)  # names and birth dates: for an agent who logged in
    rows = services.beneficiaries.search_listed(actor, args.text, limit=args.limit)
    out.result(rows, lambda: [person_line(b) for b in rows] or [_("Nobody found.")])
    return EXIT_OK


def add_commands(commands: Any) -> None:
    beneficiary = commands.add_parser("beneficiary", help=_("beneficiaries"))
    sub = subcommands(beneficiary)
    p = sub.add_parser("add", help=_("register a beneficiary"))
    p.add_argument("--last-name", required=True)
    p.add_argument("--first-name", required=True)
    p.add_argument("--birth-date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--postcode", default="")
    p.add_argument("--commune", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--email", default="")
    p.add_argument("--target-group", default="")
    p.add_argument(
        "--consent",
        action="store_true",
        help=_("the person agreed to the processing of their data"),
    )
    p.add_argument(
        "--allow-duplicate",
        action="store_true",
        help=_("register even if a probable duplicate exists"),
    )
    p.set_defaults(func=cmd_beneficiary_add)
    p = sub.add_parser("find", help=_("search by name"))
    p.add_argument("text")
    p.add_argument("--limit", type=whole_number, default=20, metavar="N")
    p.set_defaults(func=cmd_beneficiary_find)
