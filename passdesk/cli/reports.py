"""`passdesk-admin report`: a period's figures for the funders, as a document or on stdout.

With `--format` the report is written to `-o PATH`: a PDF, an XLSX workbook, or a .zip of CSV
files (one per table; `;`, decimal comma, UTF-8 with BOM or `--encoding cp1252`), with small
cells hidden, as they leave the desk. `--format pseudonymised` writes the one-row-per-handout
CSV a funder may ask for (`--funder` required). Without `--format` the figures go to stdout:
`--json` gives them raw, nothing hidden, for the desk's IT contact (it stays inside the desk).
"""

from __future__ import annotations

import argparse
from typing import Any

from passdesk.cli.common import EXIT_OK, Output, acting_agent, open_services
from passdesk.errors import InvalidInput
from passdesk.formatting import format_date, format_money, format_number, format_percent
from passdesk.i18n import _, ngettext
from passdesk.services.report_scope import CSV_ENCODINGS

KINDS = ("pdf", "xlsx", "csv", "pseudonymised")


def _query(args: argparse.Namespace) -> Any:
    from passdesk.services.programmes import parse_date
    from passdesk.services.report_figures import TERRITORY, ReportQuery

    desk = (args.scope_desk or "").strip() or None  # "" as if not given: the agent's desk
    return ReportQuery(
        parse_date(args.start, "from"),
        parse_date(args.end, "to"),
        programme=args.programme,
        funder=args.funder,
        desk=TERRITORY if desk is not None and desk.strip().lower() == "all" else desk,
    )


def cmd_report(args: argparse.Namespace, out: Output) -> int:
    query = _query(args)
    if args.format and not args.output:
        raise InvalidInput(_("Say where to write the report: -o PATH."), field="output")
    if args.output and not args.format:
        raise InvalidInput(
            _("Say which document to write: --format {choices}.").format(choices="|".join(KINDS)),
            field="format",
        )
    services = open_services(args)
    actor = acting_agent(services, args)
    if args.format == "pseudonymised":
        rows = services.pseudonymised.write(actor, query, args.output, encoding=args.encoding)
        out.say(
            ngettext("{n} row written to {path}.", "{n} rows written to {path}.", rows).format(
                n=rows, path=args.output
            )
        )
        out.result({"written": args.output, "rows": rows})
        return EXIT_OK
    if args.format:
        path = services.reports.write(
            actor, query, args.format, args.output, encoding=args.encoding
        )
        out.say(_("Report written to {path}.").format(path=path))
        out.result({"written": str(path), "format": args.format})
        return EXIT_OK
    figures = services.reports.compute(actor, query)

    def human() -> list[str]:
        handed = figures.total("handed_out")
        used = figures.total("started")
        stock = figures.total("in_stock")
        return [
            _("From {start} to {end}").format(
                start=format_date(query.start), end=format_date(query.end)
            ),
            _("Booklets handed out: {n} ({value})").format(
                n=format_number(handed.booklets), value=format_money(handed.value)
            ),
            _("People served: {n}, of whom new: {new}").format(
                n=format_number(figures.people_served), new=format_number(figures.new_people)
            ),
            _("Vouchers used: {n} ({value})").format(
                n=format_number(used.vouchers), value=format_money(used.value)
            ),
            _("Booklets in stock today: {n}").format(n=format_number(stock.booklets)),
            *(
                _("{code}: priority share {share}, quota {quota}: {verdict}").format(
                    code=q.programme,
                    share="—" if q.share is None else format_percent(q.share),
                    quota="—" if q.quota is None else format_percent(q.quota),
                    verdict={True: _("met"), False: _("not met"), None: "—"}[q.met],
                )
                for q in figures.quotas
                if q.priority_groups
            ),
        ]

    out.result(figures, human)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    p = commands.add_parser(
        "report",
        help=_("the funders' report of a period"),
        description=_(
            "A period's figures for the funders. With --format, a document written to -o PATH "
            "with small cells hidden, as it leaves the desk: pdf, xlsx, csv (a .zip holding one "
            "CSV file per table) or pseudonymised (one row per handout, for the funder given "
            "with --funder). Without --format the figures go to stdout; --json gives them raw, "
            "nothing hidden: for the desk's own use, not for the funders."
        ),
    )
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--programme", metavar="CODE", help=_("one programme (default: all)"))
    p.add_argument("--funder", metavar="NAME", help=_("one funder: its programmes and its shares"))
    p.add_argument(
        "--scope-desk",
        metavar="CODE|all",
        help=_(
            "the desk reported on (default: the acting agent's), or all for the whole "
            "territory: for the coordination's administrators"
        ),
    )
    p.add_argument("--format", choices=KINDS, help=_("the document to write"))
    p.add_argument("-o", "--output", metavar="PATH", help=_("where to write it"))
    p.add_argument(
        "--encoding",
        choices=list(CSV_ENCODINGS),
        default="utf-8",
        help=_("CSV files: utf-8 (with a BOM, the default) or cp1252 (older Windows software)"),
    )
    p.set_defaults(func=cmd_report)
