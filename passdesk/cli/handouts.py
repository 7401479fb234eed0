"""`passdesk-admin handout` and `handout cancel`: booklets given to a person, and taken back."""

from __future__ import annotations

import argparse
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    Output,
    UsageError,
    acting_agent,
    open_services,
    subcommands,
    whole_number,
)
from passdesk.errors import InvalidInput
from passdesk.formatting import format_money, format_timestamp
from passdesk.i18n import _
from passdesk.services.rows import HandoutRow


def handout_lines(h: HandoutRow) -> list[str]:
    lines = [
        _("Receipt {receipt}, {date}, total {total}").format(
            receipt=h.receipt_number,
            date=format_timestamp(h.created_at),
            total=format_money(h.total_value),
        )
    ]
    lines += [
        f"  {b.booklet_code}  {b.first_voucher_code} .. {b.last_voucher_code}  "
        f"{format_money(b.value)}"
        for b in h.booklets
    ]
    if h.cancelled:
        lines.append(_("  CANCELLED: {reason}").format(reason=h.cancel_reason))
    return lines


def cmd_handout(args: argparse.Namespace, out: Output) -> int:
    if args.beneficiary is None:
        raise UsageError(_("--beneficiary is required. See: passdesk-admin handout --help"))
    if bool(args.booklet) == bool(args.next):
        raise UsageError(_("Give either --booklet CODE or --next --programme CODE."))
    if args.next and not args.programme:
        raise UsageError(_("--next needs --programme CODE."))
    services = open_services(args)
    row = services.handouts.hand_out(
        acting_agent(services, args),
        args.beneficiary,
        codes_=[args.booklet] if args.booklet else [],
        next_programme=args.programme if args.next else None,
        override_reason=args.override_reason,
        expected_programme=args.programme if args.booklet else None,
    )
    out.say(
        _("Handed out: receipt {receipt} (handout {id}).").format(
            receipt=row.receipt_number, id=row.id
        )
    )
    out.result(row, lambda: handout_lines(row))
    return EXIT_OK


def cmd_handout_cancel(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    try:
        row = services.handouts.cancel(
            acting_agent(services, args), args.handout_id, args.reason, returned=args.returned
        )
    except InvalidInput as error:
        if error.field != "returned":
            raise
        raise UsageError(error.message + " " + _("Give --returned or --not-returned.")) from None
    out.say(_("Handout {receipt} cancelled.").format(receipt=row.receipt_number))
    out.result(row, lambda: handout_lines(row))
    return EXIT_OK


def add_commands(commands: Any) -> None:
    handout = commands.add_parser("handout", help=_("hand out a booklet, or cancel a handout"))
    handout.add_argument("--beneficiary", type=whole_number, metavar="ID")
    handout.add_argument("--booklet", metavar="CODE", help=_("booklet or voucher code"))
    handout.add_argument("--next", action="store_true", help=_("the next booklet in stock"))
    handout.add_argument("--programme", metavar="CODE")
    handout.add_argument("--override-reason", metavar="TEXT")
    handout.set_defaults(func=cmd_handout)
    sub = subcommands(handout, required=False)
    p = sub.add_parser("cancel", help=_("cancel a handout"))
    p.add_argument("handout_id", type=whole_number, metavar="HANDOUT_ID")
    p.add_argument("--reason", required=True)
    came_back = p.add_mutually_exclusive_group()
    came_back.add_argument(
        "--returned",
        dest="returned",
        action="store_true",
        default=None,
        help=_("the booklets came back intact: they go back to stock"),
    )
    came_back.add_argument(
        "--not-returned",
        dest="returned",
        action="store_false",
        help=_("the booklets did not come back: they are voided"),
    )
    p.set_defaults(func=cmd_handout_cancel)
