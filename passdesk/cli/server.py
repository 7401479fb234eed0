"""`passdesk-admin migrate-to URL`: the desk's SQLite file moved into a PostgreSQL database."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from passdesk.cli.common import EXIT_OK, Output, acting_agent, open_services
from passdesk.i18n import _, ngettext


def cmd_migrate_to(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.server_move import move_to_server
    from passdesk.store import resolve_url, server_copy

    target = server_copy.server_url(args.url)
    # Before any connection: opening another application's file would change it.
    source = server_copy.source_file(resolve_url(args.database))
    services = open_services(args)
    actor = acting_agent(services, args)

    def progress(table: str, rows: int) -> None:
        if not out.as_json and sys.stderr.isatty():
            print(f"\r{table} {rows}" + " " * 20, end="", file=sys.stderr)

    report = move_to_server(services, actor, target, progress=progress)
    if not out.as_json and sys.stderr.isatty():
        print(file=sys.stderr)
    figures = report.census
    out.say(
        _('Desk "{desk}" copied to {url}; the check gives the same figures on both sides.').format(
            desk=figures.desk, url=report.target
        )
    )
    out.say(
        _(
            "From now on, open it with --database or PASSDESK_DATABASE set to that address; keep "
            "the file {path} as a backup, and do not use it to serve any more."
        ).format(path=source)
    )
    out.result(report, lambda: _lines(report))
    return EXIT_OK


def _lines(report: Any) -> list[str]:
    from passdesk.services.stock import status_label

    figures = report.census
    booklets = sum(figures.booklets.values())
    return [
        ngettext("{n} person", "{n} people", figures.people).format(n=figures.people),
        ngettext("{n} booklet", "{n} booklets", booklets).format(n=booklets)
        + " ("
        + ", ".join(
            _("{status}: {n}").format(status=status_label(status), n=n)
            for status, n in figures.booklets.items()
        )
        + ")",
        ngettext("{n} handout", "{n} handouts", figures.handouts).format(n=figures.handouts),
        ngettext("{n} receipt", "{n} receipts", figures.receipts).format(n=figures.receipts),
        ngettext("{n} journal event", "{n} journal events", figures.journal_events).format(
            n=figures.journal_events
        ),
        _("Journal head: {hash}").format(hash=figures.chain_head),
    ]


def add_commands(commands: Any) -> None:
    p = commands.add_parser(
        "migrate-to",
        help=_(
            "move the desk's database file into an empty PostgreSQL database (all or nothing, "
            "checked on both sides)"
        ),
    )
    p.add_argument(
        "url",
        metavar="URL",
        help=_("the server database, e.g. postgresql+psycopg://user:password@server/passdesk"),
    )
    p.set_defaults(func=cmd_migrate_to)
