"""`passdesk-admin usage ...`: the operator's usage file, its column mappings, usage rates.

passdesk-admin usage import FILE [--mapping NAME] [--dry-run] [--anomalies FILE.csv]
passdesk-admin usage mapping NAME --code COLUMN --date COLUMN --place COLUMN --amount COLUMN
passdesk-admin usage rates [--by programme|desk|agent|place]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from passdesk.cli.common import EXIT_OK, Output, acting_agent, open_services, subcommands
from passdesk.formatting import format_number, format_percent
from passdesk.i18n import _
from passdesk.services.followup import DIMENSIONS
from passdesk.services.usage_import import UsageImportResult


def result_lines(result: UsageImportResult) -> list[str]:
    return result.lines()


def cmd_usage_import(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)
    shown = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if out.as_json or not sys.stderr.isatty() or now - shown[0] < 0.2:
            return
        shown[0] = now
        print(f"\r{_('Reading')} {100 * done // max(total, 1)} %", end="", file=sys.stderr)

    path = Path(args.file)
    try:
        if args.dry_run:
            result = services.usage.preview(path, mapping=args.mapping, progress=progress)
        else:
            result = services.usage.import_file(
                actor, path, mapping=args.mapping, progress=progress
            )
    finally:
        if shown[0]:
            print(file=sys.stderr)
    for line in result_lines(result):
        out.say(line)
    if args.dry_run:
        out.say(_("Nothing was written (--dry-run)."))
    if args.anomalies:
        written = result.write_anomalies(Path(args.anomalies))
        out.say(_("Anomalies written to {path}.").format(path=written))
    out.result(
        {
            "file": result.file_name,
            "dry_run": result.dry_run,
            "already_imported_on": result.already_imported_on,
            "rows": result.rows,
            "applied": result.applied,
            "anomalies": result.counts,
            "import_id": result.import_id,
        }
    )
    return EXIT_OK


def cmd_usage_mapping(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)
    columns = {"code": args.code, "date": args.date, "place": args.place, "amount": args.amount}
    services.usage.save_mapping(actor, args.name, columns)
    out.say(_("Column mapping {name} saved.").format(name=args.name))
    out.result({"name": args.name, "columns": columns})
    return EXIT_OK


def cmd_usage_rates(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    acting_agent(services, args)
    rates = services.followup.usage_rates(args.by)

    def human() -> list[str]:
        return [
            f"{r.label}: {format_number(r.used)} / {format_number(r.handed_out)} "
            f"({format_percent(round(100 * r.rate, 1))})"
            for r in rates
        ]

    out.result([{**r.__dict__, "rate": r.rate} for r in rates], human)
    return EXIT_OK


def add_commands(commands: Any) -> None:
    usage = commands.add_parser("usage", help=_("the operator's usage file and usage rates"))
    sub = subcommands(usage)
    p = sub.add_parser("import", help=_("import a usage file (CSV or XLSX)"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--mapping", metavar="NAME", help=_("the column mapping saved under NAME"))
    p.add_argument(
        "--dry-run", action="store_true", help=_("show what would change, write nothing")
    )
    p.add_argument(
        "--anomalies", metavar="FILE.csv", help=_("write every anomaly to this CSV file")
    )
    p.set_defaults(func=cmd_usage_import)

    p = sub.add_parser("mapping", help=_("save which column of a usage file holds what"))
    p.add_argument("name", metavar="NAME")
    for field_name in ("code", "date", "place", "amount"):
        p.add_argument(f"--{field_name}", required=True, metavar="COLUMN")
    p.set_defaults(func=cmd_usage_mapping)

    p = sub.add_parser("rates", help=_("usage rates by programme, desk, agent or place"))
    p.add_argument("--by", choices=DIMENSIONS, default="programme")
    p.set_defaults(func=cmd_usage_rates)
