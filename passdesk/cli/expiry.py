"""`passdesk-admin expire` and `alerts`: the end of a programme's validity."""

from __future__ import annotations

import argparse
from typing import Any

from passdesk.cli.common import EXIT_OK, Output, acting_agent, open_services
from passdesk.formatting import format_date, format_money, format_number
from passdesk.i18n import _, ngettext
from passdesk.services.expiry import ExpiryResult, alert_text


def expiry_lines(result: ExpiryResult) -> list[str]:
    if not result.programmes:
        return [_("Nothing to expire as of {date}.").format(date=format_date(result.as_of))]
    return [
        ngettext(
            "{code} (valid until {date}): {booklets} booklet expired, {vouchers} vouchers, {value}.",
            "{code} (valid until {date}): {booklets} booklets expired, {vouchers} vouchers, "
            "{value}.",
            p.booklets,
        ).format(
            code=p.code,
            date=format_date(p.valid_until),
            booklets=format_number(p.booklets),
            vouchers=format_number(p.vouchers),
            value=format_money(p.value),
        )
        for p in result.programmes
    ]


def cmd_expire(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    result = services.expiry.expire(acting_agent(services, args), args.as_of)
    out.say(
        ngettext("{n} booklet expired.", "{n} booklets expired.", result.booklets).format(
            n=format_number(result.booklets)
        )
    )
    out.result(result, lambda: expiry_lines(result))
    return EXIT_OK


def cmd_alerts(args: argparse.Namespace, out: Output) -> int:
    alerts = open_services(args).expiry.alerts(args.as_of)
    out.result(
        alerts, lambda: [alert_text(a) for a in alerts] or [_("No programme ends within 30 days.")]
    )
    return EXIT_OK


def add_commands(commands: Any) -> None:
    p = commands.add_parser(
        "expire", help=_("expire the booklets still in stock after their programme's end")
    )
    p.add_argument("--as-of", metavar="DATE", help=_("YYYY-MM-DD, today or before (default today)"))
    p.set_defaults(func=cmd_expire)
    p = commands.add_parser("alerts", help=_("programmes ending within 30 days, stock left"))
    p.add_argument("--as-of", metavar="DATE", help=_("YYYY-MM-DD (default today)"))
    p.set_defaults(func=cmd_alerts)
