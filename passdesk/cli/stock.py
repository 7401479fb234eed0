"""`passdesk-admin stock receive`, `stock lots`, `booklet list`, `void` and `lookup`: the stock."""

from __future__ import annotations

import argparse
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    Output,
    UsageError,
    acting_agent,
    acting_agent_if_offered,
    open_services,
    subcommands,
    whole_number,
)
from passdesk.formatting import format_date, format_money, format_timestamp
from passdesk.i18n import _, ngettext
from passdesk.models import BookletStatus
from passdesk.services.lots import LotSerials
from passdesk.services.rows import LotRow
from passdesk.services.stock import AGENT_VOID_REASONS, status_label

LOT_KINDS = ("delivered", "print-on-site")


def lot_line(lot: LotRow) -> str:
    kind = _("printed on site") if lot.kind == "print_on_site" else _("delivered")
    line = _("Lot {id}: {programme} {first} .. {last} ({count} booklets), {kind}").format(
        id=lot.id,
        programme=lot.programme_code,
        first=lot.first_code,
        last=lot.last_code,
        count=lot.count,
        kind=kind,
    )
    if lot.serial_format:
        line += ", " + _("operator serials {first} .. {last} ({format})").format(
            first=lot.first_serial, last=lot.last_serial, format=lot.serial_format
        )
    return line


def cmd_stock_receive(args: argparse.Namespace, out: Output) -> int:
    serials = None
    if args.serial_format:
        if not args.first_serial:
            raise UsageError(
                _("--serial-format needs --first-serial: the serial of the lot's first voucher.")
            )
        serials = LotSerials(args.serial_format, args.first_serial, args.vouchers_per_booklet)
    elif args.first_serial or args.vouchers_per_booklet:
        raise UsageError(_("--first-serial and --vouchers-per-booklet go with --serial-format."))
    services = open_services(args)
    first_booklet = args.first_booklet
    if first_booklet is None:
        if serials is None:
            raise UsageError(
                _("--first-booklet is required (it may be left out only with --serial-format).")
            )
        first_booklet = services.stock.next_free_booklet(args.programme)
    lot = services.stock.receive(
        acting_agent(services, args),
        programme_code=args.programme,
        first_booklet=first_booklet,
        count=args.count,
        source=args.source or "",
        kind=args.kind,
        serials=serials,
    )
    out.say(
        ngettext(
            "{n} booklet received: {first} to {last}.",
            "{n} booklets received: {first} to {last}.",
            lot.count,
        ).format(n=lot.count, first=lot.first_code, last=lot.last_code)
    )
    if serials is not None:
        fmt = services.serial_formats.get(serials.format_name).format
        if not fmt.catches_typos:
            out.say(
                _(
                    "Serials of format {name} have no check character: a mistyped serial "
                    "cannot be caught, compare it with the paper."
                ).format(name=fmt.name)
            )
    out.result(lot, lambda: [lot_line(lot)])
    return EXIT_OK


def cmd_stock_lots(args: argparse.Namespace, out: Output) -> int:
    lots = open_services(args).stock.lots(args.programme)
    out.result(lots, lambda: [lot_line(lot) for lot in lots] or [_("No lot.")])
    return EXIT_OK


def cmd_booklet_list(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    rows = services.stock.booklets(args.programme, args.status, limit=args.limit)
    out.result(
        rows,
        lambda: (
            [
                f"{b.code}  {status_label(b.status):<10}  {b.first_voucher_code} .. "
                f"{b.last_voucher_code}"
                for b in rows
            ]
            or [_("No booklet.")]
        ),
    )
    return EXIT_OK


def cmd_void(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    code = services.stock.void(acting_agent(services, args), args.code, args.reason)
    out.say(_("{code} voided.").format(code=code))
    out.result({"voided": code})
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    # Anyone may ask what a code is; who received it only an agent who gave a password.
    actor = acting_agent_if_offered(services, args)
    lookup = services.lookup
    r = lookup.lookup(None, args.code) if actor is None else lookup.lookup_shown(actor, args.code)

    def human() -> list[str]:
        lines = [
            f"{r.code}: {status_label(r.status)}",
            _("Programme: {code} ({name}), {value} per voucher, valid until {date}").format(
                code=r.programme_code,
                name=r.programme_name,
                value=format_money(r.face_value),
                date=format_date(r.valid_until),
            ),
            _("Booklet: {code} ({status}), vouchers {first} .. {last}").format(
                code=r.booklet_code,
                status=status_label(r.booklet_status),
                first=r.first_voucher_code,
                last=r.last_voucher_code,
            ),
        ]
        if r.receipt_number and r.handed_out_at is not None:
            lines.append(
                _("Handout: receipt {receipt} on {date}").format(
                    receipt=r.receipt_number, date=format_timestamp(r.handed_out_at)
                )
            )
        if r.holder_desk is not None:
            lines.append(_("Held by another desk: {desk}").format(desk=r.holder_desk))
        if r.beneficiary_name:
            lines.append(
                _("Beneficiary: #{id} {name}").format(id=r.beneficiary_id, name=r.beneficiary_name)
            )
        return lines

    out.result(r, human)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    stock = commands.add_parser("stock", help=_("stock lots"))
    sub = subcommands(stock)
    p = sub.add_parser("receive", help=_("record a lot of booklets as received"))
    p.add_argument("--programme", required=True, metavar="CODE")
    p.add_argument("--first-booklet", type=whole_number, metavar="N")
    p.add_argument("--count", required=True, type=whole_number, metavar="N")
    p.add_argument(
        "--kind",
        choices=LOT_KINDS,
        default="delivered",
        help=_(
            "delivered (the default, as before lots had kinds): came printed; print-on-site: "
            "a range this desk prints itself"
        ),
    )
    p.add_argument("--source", metavar="TEXT")
    p.add_argument(
        "--serial-format", metavar="NAME", help=_("the operator serial format printed on the lot")
    )
    p.add_argument(
        "--first-serial", metavar="SERIAL", help=_("the operator serial of the lot's first voucher")
    )
    p.add_argument(
        "--vouchers-per-booklet",
        type=whole_number,
        metavar="N",
        help=_("as the delivery note says (checked against the programme)"),
    )
    p.set_defaults(func=cmd_stock_receive)
    p = sub.add_parser("lots", help=_("list the lots received"))
    p.add_argument("--programme", metavar="CODE")
    p.set_defaults(func=cmd_stock_lots)

    booklet = commands.add_parser("booklet", help=_("booklets"))
    sub = subcommands(booklet)
    p = sub.add_parser("list", help=_("list booklets"))
    p.add_argument("--programme", metavar="CODE")
    p.add_argument("--status", choices=[s.value for s in BookletStatus])
    p.add_argument("--limit", type=whole_number, default=None, metavar="N")
    p.set_defaults(func=cmd_booklet_list)

    p = commands.add_parser("void", help=_("void a booklet or a voucher"))
    p.add_argument("code")
    p.add_argument("--reason", required=True, choices=[r.value for r in AGENT_VOID_REASONS])
    p.set_defaults(func=cmd_void)

    p = commands.add_parser("lookup", help=_("what a code is and where it went"))
    p.add_argument("code")
    p.set_defaults(func=cmd_lookup)
