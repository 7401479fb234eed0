"""`passdesk-admin print ...`: booklets and receipts as PDF files, from the console.

    passdesk-admin print booklets (--programme CODE [--from-booklet N --count N] | CODE...)
                                  -o FILE.pdf [--reprint-reason TEXT]
    passdesk-admin print receipt HANDOUT_ID -o FILE.pdf
    passdesk-admin print orientation BENEFICIARY_ID -o FILE.pdf
    passdesk-admin print history CODE

The same print services as the window; exit statuses and messages as in passdesk.cli.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict
from pathlib import Path
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
from passdesk.formatting import format_timestamp
from passdesk.i18n import _, ngettext


def cmd_print_booklets(args: argparse.Namespace, out: Output) -> int:
    if bool(args.codes) == bool(args.programme):
        raise UsageError(
            _("Give either --programme CODE or booklet codes. See: passdesk-admin print --help")
        )
    if args.codes and (args.from_booklet is not None or args.count is not None):
        raise UsageError(_("--from-booklet and --count go with --programme, not with codes."))
    if args.from_booklet is not None and args.count is None:
        raise UsageError(_("--from-booklet needs --count N."))
    services = open_services(args)
    actor = acting_agent(services, args)
    shown = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if out.as_json or not sys.stderr.isatty() or (now - shown[0] < 0.2 and done != total):
            return
        shown[0] = now
        print(f"\r{_('Printing')} {done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        result = services.booklet_printing.print_booklets(
            actor,
            programme_code=args.programme,
            from_booklet=args.from_booklet,
            count=args.count,
            codes=args.codes or (),
            path=Path(args.output),
            reprint_reason=args.reprint_reason,
            progress=progress,
        )
    finally:
        if shown[0]:
            print(file=sys.stderr)
    out.say(
        ngettext(
            "{count} booklet printed ({vouchers} vouchers, {pages} pages) into {path}.",
            "{count} booklets printed ({vouchers} vouchers, {pages} pages) into {path}.",
            result.booklets,
        ).format(
            count=result.booklets, vouchers=result.vouchers, pages=result.pages, path=result.path
        )
    )
    if result.reprint:
        out.say(_("Reprinted booklets are marked DUPLICATA; the reprint is in the register."))
    out.result({**asdict(result), "path": str(result.path)}, lambda: [str(result.path)])
    return EXIT_OK


def cmd_print_receipt(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)  # any agent may print a receipt: the journal names them
    path = services.receipts.write_receipt(args.handout_id, Path(args.output), actor=actor)
    out.say(_("Receipt of handout {id} written to {path}.").format(id=args.handout_id, path=path))
    out.result({"handout": args.handout_id, "path": str(path)}, lambda: [str(path)])
    return EXIT_OK


def cmd_print_orientation(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)
    path = services.orientation.write_slip(args.beneficiary_id, Path(args.output), actor=actor)
    out.say(_("Orientation slip written to {path}.").format(path=path))
    out.result({"beneficiary": args.beneficiary_id, "path": str(path)}, lambda: [str(path)])
    return EXIT_OK


def cmd_print_history(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    acting_agent(services, args)  # names the agents who printed
    rows = services.booklet_printing.print_history(args.code)

    def human() -> list[str]:
        if not rows:
            return [_("This booklet was never printed by this desk.")]
        lines = []
        for row in rows:
            when = format_timestamp(row.printed_at)
            if row.reprint:
                lines.append(
                    _("{date}  reprint by {agent}: {reason}").format(
                        date=when, agent=row.agent_name, reason=row.reason
                    )
                )
            else:
                lines.append(
                    _("{date}  printed by {agent}").format(date=when, agent=row.agent_name)
                )
        return lines

    out.result(rows, human)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    printing = commands.add_parser("print", help=_("print booklets or a handout receipt (PDF)"))
    sub = subcommands(printing)

    p = sub.add_parser(
        "booklets",
        help=_("print booklets of a programme, or given by their codes, into one PDF"),
    )
    p.add_argument(
        "codes", nargs="*", metavar="CODE", help=_("booklet codes (or a voucher code of each)")
    )
    p.add_argument("--programme", metavar="CODE", help=_("print booklets of this programme"))
    p.add_argument(
        "--from-booklet",
        type=whole_number,
        metavar="N",
        help=_("first booklet number (with --count); default: the next ones never printed"),
    )
    p.add_argument("--count", type=whole_number, metavar="N", help=_("how many booklets"))
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.add_argument(
        "--reprint-reason",
        metavar="TEXT",
        help=_("why booklets already printed are printed again (marked DUPLICATA)"),
    )
    p.set_defaults(func=cmd_print_booklets)

    p = sub.add_parser("receipt", help=_("print the receipt of a handout (two copies)"))
    p.add_argument("handout_id", type=whole_number, metavar="HANDOUT_ID")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.set_defaults(func=cmd_print_receipt)

    p = sub.add_parser(
        "orientation", help=_("print a person's orientation slip: where to use the vouchers")
    )
    p.add_argument("beneficiary_id", type=whole_number, metavar="BENEFICIARY_ID")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    p.set_defaults(func=cmd_print_orientation)

    p = sub.add_parser("history", help=_("when a booklet was printed, by whom, and why"))
    p.add_argument("code", metavar="CODE")
    p.set_defaults(func=cmd_print_history)
