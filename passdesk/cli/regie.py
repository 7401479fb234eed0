"""`passdesk-admin register`, `unused` and `closing`: the public accountant's side of the desk.

    passdesk-admin register --programme CODE --from DATE --to DATE -o FILE.pdf|.xlsx
    passdesk-admin unused --programme CODE -o FILE.pdf|.xlsx
    passdesk-admin closing (--count PROGRAMME=N ... | --scanned FILE) [--explanation TEXT]
                           [-o FILE.pdf]

The register and the statement only read stock figures; the closing writes, as the agent given
by --agent. A file of scanned codes holds one code per line, each read by the one code parser:
a line with a typo stops the closing before anything is recorded.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from passdesk.cli.common import EXIT_OK, Output, UsageError, acting_agent, open_services
from passdesk.documents.regie_records import ClosingRecord
from passdesk.errors import InvalidCode, InvalidInput
from passdesk.formatting import format_date, format_money, format_number
from passdesk.i18n import _


def cmd_register(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    acting_agent(services, args)  # the accountant's paper is signed by an agent
    record = services.regie.write_register(args.programme, args.start, args.end, Path(args.output))
    closing = record.closing_stock
    out.say(
        _("Register of {code} from {start} to {end} written to {path}.").format(
            code=record.programme.code,
            start=format_date(record.period_from),
            end=format_date(record.period_to),
            path=args.output,
        )
    )
    summary = {
        "path": str(args.output),
        "programme": record.programme.code,
        "from": record.period_from,
        "to": record.period_to,
        "lines": len(record.lines),
        "opening_stock": record.opening_stock,
        "closing_stock": closing,
    }
    out.result(
        summary,
        lambda: [
            _(
                "{n} movement lines; in the safe at the end: {booklets} booklets, {vouchers} "
                "vouchers, {amount}."
            ).format(
                n=len(record.lines),
                booklets=format_number(closing.booklets),
                vouchers=format_number(closing.vouchers),
                amount=format_money(closing.amount),
            )
        ],
    )
    return EXIT_OK


def cmd_unused(args: argparse.Namespace, out: Output) -> int:
    services = open_services(args)
    acting_agent(services, args)
    record = services.regie.write_unused(args.programme, Path(args.output))
    out.say(
        _("Statement of unused value of {code} written to {path}.").format(
            code=record.programme.code, path=args.output
        )
    )
    out.result(
        {
            "path": str(args.output),
            "programme": record.programme.code,
            "total": record.total,
            "credits": record.credits,
        },
        lambda: (
            [_("Unused value: {amount}.").format(amount=format_money(record.total.amount))]
            + [f"{c.funder}: {format_money(c.amount)}" for c in record.credits]
        ),
    )
    return EXIT_OK


def programme_count(text: str) -> tuple[str, int]:
    """An argparse type: PROGRAMME=N, the booklets of a programme counted in the safe."""
    code, sep, number = text.rpartition("=")
    try:
        count = int(number.strip())
    except ValueError:
        count = -1
    if not sep or not code.strip() or count < 0:
        raise argparse.ArgumentTypeError(
            _("{value} is not a count: write PROGRAMME=N, e.g. MGP19=120.").format(value=text)
        )
    return code.strip().upper(), count


def read_scanned(path: Path, read_code: Callable[[str], str]) -> list[str]:
    """The codes of a file, one a line (blank lines skipped), each checked by `read_code` (the
    closing's: PassDesk's codes and the operator serials the desk declared)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            _("Cannot read the file of scanned codes {path}.").format(path=path), field="scanned"
        ) from error
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            found.append(read_code(line))
        except InvalidCode as error:
            raise InvalidCode(
                _("Line {line} of {path}: {message} Nothing was recorded.").format(
                    line=number, path=path.name, message=error.message
                ),
                field="scanned",
            ) from error
    return found


def cmd_closing(args: argparse.Namespace, out: Output) -> int:
    if bool(args.count) == bool(args.scanned):
        raise UsageError(
            _("Give either --count PROGRAMME=N (one per programme) or --scanned FILE.")
        )
    counts: dict[str, int] | None = None
    if args.count:
        counts = {}
        for code, n in args.count:
            if code in counts:
                raise UsageError(_("The programme {code} is counted twice.").format(code=code))
            counts[code] = n
    services = open_services(args)
    scanned = read_scanned(Path(args.scanned), services.closing.read_code) if args.scanned else None
    record = services.closing.close_day(
        acting_agent(services, args),
        scanned=scanned,
        counts=counts,
        explanation=args.explanation or "",
        sheet=Path(args.output) if args.output else None,
    )
    out.say(
        _("Closing no. {id} of {date} recorded.").format(
            id=record.closing_id, date=format_date(record.day)
        )
    )
    if args.output:
        out.say(_("Closing sheet written to {path}.").format(path=args.output))
    out.result(record, lambda: closing_lines(record))
    return EXIT_OK


def closing_lines(record: ClosingRecord) -> list[str]:
    lines = [
        _(
            "{code}: {expected} in stock in the register, {counted} counted, difference "
            "{difference:+d}"
        ).format(
            code=c.programme_code,
            expected=c.expected,
            counted=c.counted,
            difference=c.difference,
        )
        for c in record.counts
    ]
    for title, items in (
        (_("Missing from the safe"), list(record.missing)),
        (_("In the safe, not in stock"), [f"{b.code} ({b.status})" for b in record.not_in_stock]),
        (_("Unknown to this desk"), list(record.unknown)),
    ):
        if items:
            lines.append(_("{title} ({n}):").format(title=title, n=len(items)))
            lines.extend(f"  {item}" for item in items)
    if record.corrects is not None:
        lines.append(_("Corrects closing no. {id}.").format(id=record.corrects))
    lines.append(_("Journal head after the closing: {hash}").format(hash=record.head_hash))
    return lines


def add_commands(commands: Any) -> None:
    p = commands.add_parser(
        "register", help=_("the régie stock register of a programme over a period (PDF or XLSX)")
    )
    p.add_argument("--programme", required=True, metavar="CODE")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.xlsx")
    p.set_defaults(func=cmd_register)

    p = commands.add_parser(
        "unused", help=_("the statement of unused value and what each funder gets back")
    )
    p.add_argument("--programme", required=True, metavar="CODE")
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.xlsx")
    p.set_defaults(func=cmd_unused)

    p = commands.add_parser(
        "closing", help=_("record the daily closing: the safe counted against the register")
    )
    p.add_argument(
        "--count",
        action="append",
        type=programme_count,
        metavar="PROGRAMME=N",
        help=_("booklets of a programme counted in the safe (repeat for each programme)"),
    )
    p.add_argument(
        "--scanned", metavar="FILE", help=_("file of the codes scanned in the safe, one a line")
    )
    p.add_argument("--explanation", metavar="TEXT", help=_("why the safe and the register differ"))
    p.add_argument("-o", "--output", metavar="FILE.pdf", help=_("write the closing sheet"))
    p.set_defaults(func=cmd_closing)
