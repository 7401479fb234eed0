"""`passdesk-admin programme add|edit|list`: the funded programmes, their funders' shares and
whom they are for (target groups, priority groups, priority quota)."""

from __future__ import annotations

import argparse
from typing import Any

from passdesk.cli.common import (
    EXIT_OK,
    Output,
    acting_agent,
    open_services,
    subcommands,
    whole_number,
)
from passdesk.formatting import format_date, format_money, format_percent
from passdesk.i18n import _
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.rows import ProgrammeRow


def cmd_programme_add(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.programmes import parse_share

    funders = [parse_share(f) for f in args.funder or []]
    services = open_services(args)
    row = services.programmes.add(
        acting_agent(services, args),
        code=args.code,
        name=args.name,
        face_value=args.face_value,
        vouchers_per_booklet=args.vouchers_per_booklet,
        valid_from=args.valid_from,
        valid_until=args.valid_until,
        funders=funders,
        limit_per_person=args.limit_per_person,
        target_groups=args.target_group or (),
        priority_groups=args.priority_group or (),
        priority_quota=args.priority_quota,
    )
    out.say(_("Programme {code} created.").format(code=row.code))
    out.result(row, lambda: programme_lines(row))
    return EXIT_OK


def cmd_programme_edit(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    row = services.programmes.edit(
        acting_agent(services, args),
        args.code,
        target_groups=args.target_group,
        priority_groups=[] if args.no_priority_groups else args.priority_group,
        priority_quota=args.priority_quota,
        clear_quota=args.no_priority_quota or args.no_priority_groups,
    )
    out.say(_("Programme {code} changed.").format(code=row.code))
    out.result(row, lambda: programme_lines(row))
    return EXIT_OK


def targeting_line(p: ProgrammeRow) -> str:
    """Whom the programme is for, in one line (keys as the console takes them)."""
    groups = ", ".join(p.target_groups) or _("every group")
    priority = ", ".join(p.priority_groups) or _("none")
    quota = format_percent(p.priority_quota) if p.priority_quota is not None else _("none")
    return _("    target groups: {groups}; priority: {priority}; priority quota: {quota}").format(
        groups=groups, priority=priority, quota=quota
    )


def programme_lines(p: ProgrammeRow) -> list[str]:
    shares = ", ".join(f"{s.funder} {format_percent(s.percent)}" for s in p.shares)
    limit = p.limit_per_person if p.limit_per_person is not None else _("none")
    return [
        _(
            "{code}  {name}: {vouchers} x {value}, valid {start} to {end}, limit per person "
            "{limit}; funders: {shares}"
        ).format(
            code=p.code,
            name=p.name,
            vouchers=p.vouchers_per_booklet,
            value=format_money(p.face_value),
            start=format_date(p.valid_from),
            end=format_date(p.valid_until),
            limit=limit,
            shares=shares,
        ),
        targeting_line(p),
    ]


def cmd_programme_list(args: argparse.Namespace, out: Output) -> int:
    rows = open_services(args).programmes.list()
    out.result(
        rows,
        lambda: [line for p in rows for line in programme_lines(p)] or [_("No programme yet.")],
    )
    return EXIT_OK


def _targeting_options(p: argparse.ArgumentParser) -> None:
    groups = ", ".join(TARGET_GROUPS)
    p.add_argument(
        "--target-group",
        action="append",
        metavar="GROUP",
        help=_("a group the programme is for (repeat it; none: every group): {groups}").format(
            groups=groups
        ),
    )
    p.add_argument(
        "--priority-group",
        action="append",
        metavar="GROUP",
        help=_("a priority group, one of the target groups (repeat it)"),
    )
    p.add_argument(
        "--priority-quota",
        metavar="PERCENT",
        help=_("the share of vouchers the priority groups must receive, e.g. 50"),
    )


def add_commands(commands: Any) -> None:
    programme = commands.add_parser("programme", help=_("programmes and their funders"))
    sub = subcommands(programme)
    p = sub.add_parser("add", help=_("create a programme"))
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--face-value", required=True, metavar="EUROS")
    p.add_argument("--vouchers-per-booklet", required=True, type=whole_number, metavar="N")
    p.add_argument("--valid-from", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--valid-until", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--funder", action="append", required=True, metavar="NAME=PERCENT")
    p.add_argument("--limit-per-person", type=whole_number, metavar="N")
    _targeting_options(p)
    p.set_defaults(func=cmd_programme_add)
    p = sub.add_parser("edit", help=_("change whom a programme is for"))
    p.add_argument("code", metavar="CODE")
    _targeting_options(p)
    p.add_argument(
        "--no-priority-groups",
        action="store_true",
        help=_("no priority group any more (and no quota)"),
    )
    p.add_argument("--no-priority-quota", action="store_true", help=_("no priority quota any more"))
    p.set_defaults(func=cmd_programme_edit)
    p = sub.add_parser("list", help=_("list the programmes"))
    p.set_defaults(func=cmd_programme_list)
