"""`passdesk-admin places import FILE [--dry-run]`: the national places directory, from the console.

The same preview and all-or-nothing import as the Places page; --dry-run shows what would
change and writes nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from passdesk.cli.common import EXIT_OK, Output, acting_agent, open_services, subcommands
from passdesk.i18n import _
from passdesk.services.place_import import PlaceImportPlan


def plan_lines(plan: PlaceImportPlan) -> list[str]:
    return plan.lines()


def _data(plan: PlaceImportPlan, applied: bool) -> dict[str, Any]:
    return {
        "applied": applied,
        "rows": plan.rows,
        "new": list(plan.new),
        "changed": list(plan.changed),
        "unchanged": plan.unchanged,
        "gone": list(plan.gone),
        "outside": plan.outside,
        "radius_km": plan.radius_km,
        "rejected": [{"line": r.line, "reason": r.reason} for r in plan.rejected],
        "warnings": list(plan.warnings),
    }


def cmd_places_import(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    actor = acting_agent(services, args)
    path = Path(args.file)
    if args.dry_run:
        plan = services.place_import.plan_import(path)
        for line in plan_lines(plan):
            out.say(line)
        out.say(_("Nothing was written (--dry-run)."))
        out.result(_data(plan, False))
        return EXIT_OK
    plan = services.place_import.import_places(actor, path)
    for line in plan_lines(plan):
        out.say(line)
    out.say(_("The places directory is updated."))
    out.result(_data(plan, True))
    return EXIT_OK


def add_commands(commands: Any) -> None:
    places = commands.add_parser("places", help=_("the directory of qualified places"))
    sub = subcommands(places)
    p = sub.add_parser(
        "import",
        help=_("import the national open data of digital-inclusion places (CSV)"),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument(
        "--dry-run", action="store_true", help=_("show what would change, write nothing")
    )
    p.set_defaults(func=cmd_places_import)
