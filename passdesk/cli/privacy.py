"""`passdesk-admin person|purge|access-log|notice`: the person's data from consent to erasure.

passdesk-admin person export ID -o FILE.json|FILE.pdf
passdesk-admin person erase ID --reason TEXT
passdesk-admin purge [--dry-run]
passdesk-admin access-log [--person ID] [--since YYYY-MM-DD]
passdesk-admin notice [-o FILE.pdf] [--person ID]
"""

from __future__ import annotations

import argparse
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
from passdesk.formatting import format_date, format_datetime
from passdesk.i18n import _, ngettext
from passdesk.services.access_log import ACTIONS
from passdesk.services.erasure import ACTIVITY


def cmd_person_export(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)
    path = services.person_export.export(actor, args.beneficiary_id, Path(args.output))
    out.say(
        _("The data of beneficiary {id} are written to {path}.").format(
            id=args.beneficiary_id, path=path
        )
    )
    out.result({"beneficiary": args.beneficiary_id, "path": str(path)}, lambda: [str(path)])
    return EXIT_OK


def cmd_person_erase(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)
    erased_at = services.erasure.erase(actor, args.beneficiary_id, args.reason)
    out.say(
        _(
            "The identity of beneficiary {id} is erased; their handouts stay in the register."
        ).format(id=args.beneficiary_id)
    )
    out.result({"beneficiary": args.beneficiary_id, "erased_at": erased_at})
    return EXIT_OK


def cmd_purge(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)
    result = services.erasure.purge(actor, dry_run=args.dry_run)
    preview = result.preview
    count = len(preview.candidates)
    if args.dry_run:
        out.say(
            ngettext(
                "{n} person would be erased: no handout, use or contact since {date} "
                "({months} months). Nothing was changed.",
                "{n} people would be erased: no handout, use or contact since {date} "
                "({months} months). Nothing was changed.",
                count,
            ).format(n=count, date=format_date(preview.cutoff.date()), months=preview.months)
        )
    else:
        out.say(
            ngettext(
                "{n} person erased: no handout, use or contact since {date} ({months} months).",
                "{n} people erased: no handout, use or contact since {date} ({months} months).",
                result.erased,
            ).format(
                n=result.erased, date=format_date(preview.cutoff.date()), months=preview.months
            )
        )

    def human() -> list[str]:
        return [
            f"#{c.beneficiary_id}  {format_date(c.last_activity.astimezone().date())}  "
            + _(ACTIVITY[c.kind])
            for c in preview.candidates
        ]

    out.result(result, human)
    return EXIT_OK


def cmd_access_log(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.programmes import parse_date

    since = parse_date(args.since, "since") if args.since else None
    services = open_services(args)
    actor = acting_agent(services, args)
    rows = services.access_log.entries(actor, beneficiary_id=args.person, since=since)

    def human() -> list[str]:
        return [
            f"{format_datetime(r.at)}  {r.agent_login or 'PassDesk'}  #{r.beneficiary_id}  "
            + _(ACTIONS[r.action])
            + (f"  {r.detail}" if r.detail else "")
            for r in rows
        ] or [_("No entry.")]

    out.result(rows, human)
    return EXIT_OK


def cmd_notice(args: argparse.Namespace, out: Output) -> int:
    if args.person is not None and not args.output:
        raise UsageError(_("--person records the notice given on paper: add -o FILE.pdf."))
    services = open_services(args)
    actor = acting_agent(services, args)
    if args.output:
        notice = services.notice.write(actor, Path(args.output), beneficiary_id=args.person)
        out.say(
            _("Information notice, version {version}, written to {path}.").format(
                version=notice.version, path=args.output
            )
        )
    else:
        notice = services.notice.current()
    out.result(
        {"version": notice.version, "since": notice.since, "text": notice.text},
        lambda: [*notice.text.splitlines(), _("(version {version})").format(
            version=notice.version or _("not stored yet"))],
    )  # fmt: skip
    return EXIT_OK


def add_commands(commands: Any) -> None:
    person = commands.add_parser("person", help=_("a person's data: export, erase"))
    sub = subcommands(person)
    p = sub.add_parser("export", help=_("everything held about a person, as JSON or PDF"))
    p.add_argument("beneficiary_id", type=whole_number, metavar="ID")
    p.add_argument("-o", "--output", required=True, metavar="FILE.json|FILE.pdf")
    p.set_defaults(func=cmd_person_export)
    p = sub.add_parser("erase", help=_("erase a person's identity on their request"))
    p.add_argument("beneficiary_id", type=whole_number, metavar="ID")
    p.add_argument("--reason", required=True, help=_("why (the person's request, its date)"))
    p.set_defaults(func=cmd_person_erase)

    p = commands.add_parser(
        "purge", help=_("erase the people whose retention period is over (Settings)")
    )
    p.add_argument(
        "--dry-run", action="store_true", help=_("only list who would be erased, change nothing")
    )
    p.set_defaults(func=cmd_purge)

    p = commands.add_parser(
        "access-log", help=_("who opened, printed, exported or erased people's data")
    )
    p.add_argument("--person", type=whole_number, metavar="ID", help=_("one person's entries"))
    p.add_argument("--since", metavar="YYYY-MM-DD", help=_("entries from this day on"))
    p.set_defaults(func=cmd_access_log)

    p = commands.add_parser("notice", help=_("the information notice (its text, or a PDF)"))
    p.add_argument("-o", "--output", metavar="FILE.pdf", help=_("write it as a PDF page"))
    p.add_argument(
        "--person",
        type=whole_number,
        metavar="ID",
        help=_("printed for this person: the version is recorded on them"),
    )
    p.set_defaults(func=cmd_notice)
