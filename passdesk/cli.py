"""passdesk-admin: the console tool, the same services as the window, for the desk's IT contact.

Exit status: 0 done, 1 refused by a rule, 2 bad input, 3 environment (database unreachable,
corrupt, newer than this version), 4 internal error (a bug: see the log file).
Messages for people go to stderr in French; --json puts a machine-readable result on stdout.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any, NoReturn

from passdesk import __version__, i18n
from passdesk.errors import InvalidInput, PassDeskError
from passdesk.i18n import _, ngettext

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT, EXIT_ENVIRONMENT, EXIT_BUG = 0, 1, 2, 3, 4

# argparse's own messages go through our catalogue so they read in French too.
argparse._ = i18n.gettext  # type: ignore[attr-defined]
argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


class UsageError(InvalidInput):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(
            _("{message}. See: {prog} --help").format(message=message.rstrip("."), prog=self.prog)
        )


MAX_WHOLE_NUMBER = 2**31 - 1  # ids, counts and limits all fit a 32-bit integer column


def whole_number(text: str) -> int:
    """An argparse type: a whole number from 1 up, small enough for any database column."""
    try:
        value = int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{value} is not a whole number.").format(value=text)
        ) from None
    if not 1 <= value <= MAX_WHOLE_NUMBER:
        raise argparse.ArgumentTypeError(
            _("{value} must be between 1 and {max}.").format(value=text, max=MAX_WHOLE_NUMBER)
        )
    return value


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _jsonable(getattr(value, f.name)) for f in fields(value)}
        for name, attr in vars(type(value)).items():  # derived figures: ok, total_value...
            if isinstance(attr, property) and not name.startswith("_"):
                data[name] = _jsonable(getattr(value, name))
        return data
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "value") and isinstance(value.value, str):
        return value.value
    return value


def money(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",") + " €"


class Output:
    """Where results go: human lines on stdout, or one JSON document with --json."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def result(self, data: Any, human: Callable[[], Sequence[str]] | None = None) -> None:
        if self.as_json:
            print(json.dumps(_jsonable(data), ensure_ascii=False, indent=2))
        elif human is not None:
            for line in human():
                print(line)

    @staticmethod
    def say(message: str) -> None:
        print(message, file=sys.stderr)


# --- commands -------------------------------------------------------------------------------


def _services(args: argparse.Namespace) -> Any:
    from passdesk.services import open_services

    return open_services(args.database)


def _actor(services: Any, args: argparse.Namespace) -> Any:
    return services.accounts.actor(args.agent)


def _read_password(args: argparse.Namespace) -> str | None:
    if not getattr(args, "password_stdin", False):
        return None
    return sys.stdin.readline().rstrip("\r\n")


def cmd_init(args: argparse.Namespace, out: Output) -> int:
    services = _services(args)
    actor = services.accounts.init_desk(
        name=args.desk,
        admin_login=args.admin,
        admin_name=args.admin_name,
        admin_password=_read_password(args),
        siret=args.siret,
    )
    desk = services.accounts.desk()
    out.say(
        _('Desk "{name}" created; administrator: {login}.').format(
            name=desk.name, login=actor.login
        )
    )
    out.result(
        {"desk": desk, "admin": actor.login},
        lambda: [_("Database: {url}").format(url=services.db.url)],
    )
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services import demo

    services = _services(args)

    def progress(step: str, done: int, total: int) -> None:
        if not out.as_json and sys.stderr.isatty():
            print(f"\r{step} {done}/{total}", end="", file=sys.stderr)

    summary = demo.build(services, seed=args.seed, scale=args.scale, progress=progress)
    if not out.as_json and sys.stderr.isatty():
        print(file=sys.stderr)
    out.say(_("Demonstration desk ready."))
    out.result(summary, lambda: [f"{k}: {v}" for k, v in asdict(summary).items()])
    return EXIT_OK


def cmd_programme_add(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.programmes import parse_share

    funders = [parse_share(f) for f in args.funder or []]
    services = _services(args)
    row = services.programmes.add(
        _actor(services, args),
        code=args.code,
        name=args.name,
        face_value=args.face_value,
        vouchers_per_booklet=args.vouchers_per_booklet,
        valid_from=args.valid_from,
        valid_until=args.valid_until,
        funders=funders,
        limit_per_person=args.limit_per_person,
        target_groups=args.target_group or (),
    )
    out.say(_("Programme {code} created.").format(code=row.code))
    out.result(row, lambda: _programme_lines(row))
    return EXIT_OK


def _programme_lines(p: Any) -> list[str]:
    shares = ", ".join(f"{s.funder} {s.percent.normalize():f} %" for s in p.shares)
    limit = p.limit_per_person if p.limit_per_person is not None else _("none")
    return [
        _(
            "{code}  {name}: {vouchers} x {value}, valid {start} to {end}, limit per person "
            "{limit}; funders: {shares}"
        ).format(
            code=p.code,
            name=p.name,
            vouchers=p.vouchers_per_booklet,
            value=money(p.face_value),
            start=p.valid_from.strftime("%d/%m/%Y"),
            end=p.valid_until.strftime("%d/%m/%Y"),
            limit=limit,
            shares=shares,
        )
    ]


def cmd_programme_list(args: argparse.Namespace, out: Output) -> int:
    rows = _services(args).programmes.list()
    out.result(
        rows,
        lambda: [line for p in rows for line in _programme_lines(p)] or [_("No programme yet.")],
    )
    return EXIT_OK


def cmd_stock_receive(args: argparse.Namespace, out: Output) -> int:
    services = _services(args)
    lot = services.stock.receive(
        _actor(services, args),
        programme_code=args.programme,
        first_booklet=args.first_booklet,
        count=args.count,
        source=args.source or "",
    )
    out.say(
        ngettext(
            "{n} booklet received: {first} to {last}.",
            "{n} booklets received: {first} to {last}.",
            lot.count,
        ).format(n=lot.count, first=lot.first_code, last=lot.last_code)
    )
    out.result(lot, lambda: [_("Lot {id}").format(id=lot.id)])
    return EXIT_OK


def cmd_booklet_list(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.stock import status_label

    services = _services(args)
    rows = services.stock.booklets(args.programme, args.status, limit=args.limit)
    out.result(
        rows,
        lambda: (
            [
                f"{b.code}  {status_label(b.status):<10}  {b.first_voucher_code} .. {b.last_voucher_code}"
                for b in rows
            ]
            or [_("No booklet.")]
        ),
    )
    return EXIT_OK


def cmd_beneficiary_add(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.beneficiaries import BeneficiaryInput, Duplicates

    services = _services(args)
    data = BeneficiaryInput(
        last_name=args.last_name,
        first_name=args.first_name,
        birth_date=args.birth_date,
        postcode=args.postcode or "",
        commune=args.commune or "",
        phone=args.phone or "",
        email=args.email or "",
        target_group=args.target_group or "",
        consent=args.consent,
    )
    try:
        row = services.beneficiaries.register(
            _actor(services, args), data, allow_duplicate=args.allow_duplicate
        )
    except Duplicates as dup:
        out.say(dup.message)
        for c in dup.candidates:
            out.say(
                f"  #{c.id}  {c.last_name.upper()} {c.first_name}  "
                f"{c.birth_date:%d/%m/%Y}  {c.commune}"
            )
        out.say(_("To register anyway: add --allow-duplicate."))
        out.result({"error": dup.message, "exit": EXIT_REFUSED, "duplicates": dup.candidates})
        return EXIT_REFUSED
    out.say(_("Beneficiary {id} registered.").format(id=row.id))
    out.result(row, lambda: [str(row.id)])
    return EXIT_OK


def _person_line(b: Any) -> str:
    born = b.birth_date.strftime("%d/%m/%Y") if b.birth_date else "?"
    return f"#{b.id}  {b.last_name.upper()} {b.first_name}  {born}  {b.postcode} {b.commune}"


def cmd_beneficiary_find(args: argparse.Namespace, out: Output) -> int:
    rows = _services(args).beneficiaries.search(args.text, limit=args.limit)
    out.result(rows, lambda: [_person_line(b) for b in rows] or [_("Nobody found.")])
    return EXIT_OK


def _handout_lines(h: Any) -> list[str]:
    lines = [
        _("Receipt {receipt}, {date}, total {total}").format(
            receipt=h.receipt_number,
            date=h.created_at.astimezone().strftime("%d/%m/%Y %H:%M"),
            total=money(h.total_value),
        )
    ]
    lines += [
        f"  {b.booklet_code}  {b.first_voucher_code} .. {b.last_voucher_code}  {money(b.value)}"
        for b in h.booklets
    ]
    if h.cancelled:
        lines.append(_("  CANCELLED: {reason}").format(reason=h.cancel_reason))
    return lines


def cmd_handout(args: argparse.Namespace, out: Output) -> int:
    if args.beneficiary is None:
        raise UsageError(_("--beneficiary is required. See: passdesk-admin handout --help"))
    if bool(args.booklet) == bool(args.next):
        raise UsageError(_("Give either --booklet CODE or --next --programme CODE."))
    if args.next and not args.programme:
        raise UsageError(_("--next needs --programme CODE."))
    services = _services(args)
    row = services.handouts.hand_out(
        _actor(services, args),
        args.beneficiary,
        codes_=[args.booklet] if args.booklet else [],
        next_programme=args.programme if args.next else None,
        override_reason=args.override_reason,
        expected_programme=args.programme if args.booklet else None,
    )
    out.say(
        _("Handed out: receipt {receipt} (handout {id}).").format(
            receipt=row.receipt_number, id=row.id
        )
    )
    out.result(row, lambda: _handout_lines(row))
    return EXIT_OK


def cmd_handout_cancel(args: argparse.Namespace, out: Output) -> int:
    services = _services(args)
    row = services.handouts.cancel(_actor(services, args), args.handout_id, args.reason)
    out.say(_("Handout {receipt} cancelled.").format(receipt=row.receipt_number))
    out.result(row, lambda: _handout_lines(row))
    return EXIT_OK


def cmd_void(args: argparse.Namespace, out: Output) -> int:
    services = _services(args)
    code = services.stock.void(_actor(services, args), args.code, args.reason)
    out.say(_("{code} voided.").format(code=code))
    out.result({"voided": code})
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.stock import status_label

    services = _services(args)
    r = services.lookup.lookup(_actor(services, args), args.code)

    def human() -> list[str]:
        lines = [
            f"{r.code}: {status_label(r.status)}",
            _("Programme: {code} ({name}), {value} per voucher, valid until {date}").format(
                code=r.programme_code,
                name=r.programme_name,
                value=money(r.face_value),
                date=r.valid_until.strftime("%d/%m/%Y"),
            ),
            _("Booklet: {code} ({status}), vouchers {first} .. {last}").format(
                code=r.booklet_code,
                status=status_label(r.booklet_status),
                first=r.first_voucher_code,
                last=r.last_voucher_code,
            ),
        ]
        if r.receipt_number:
            lines.append(
                _("Handout: receipt {receipt} on {date}").format(
                    receipt=r.receipt_number,
                    date=r.handed_out_at.astimezone().strftime("%d/%m/%Y %H:%M"),
                )
            )
        if r.beneficiary_name:
            lines.append(
                _("Beneficiary: #{id} {name}").format(id=r.beneficiary_id, name=r.beneficiary_name)
            )
        return lines

    out.result(r, human)
    return EXIT_OK


def cmd_check(args: argparse.Namespace, out: Output) -> int:
    from passdesk.services.integrity import check_database

    report = check_database(_services(args))
    for line in report.lines:
        out.say(line)
    out.result(report, None)
    return EXIT_OK if report.ok else EXIT_REFUSED


def cmd_agent_add(args: argparse.Namespace, out: Output) -> int:
    from passdesk.models import Role

    services = _services(args)
    row = services.accounts.add_agent(
        _actor(services, args),
        login=args.login,
        display_name=args.name,
        role=Role(args.role),
        password=_read_password(args),
    )
    out.say(_("Agent {login} created.").format(login=row.login))
    out.result(row, None)
    return EXIT_OK


def cmd_agent_password(args: argparse.Namespace, out: Output) -> int:
    services = _services(args)
    password = _read_password(args)
    if password is None:
        raise UsageError(_("Give the new password on standard input with --password-stdin."))
    services.accounts.set_password(_actor(services, args), args.login, password)
    out.say(_("Password of {login} changed.").format(login=args.login))
    return EXIT_OK


# --- parser -------------------------------------------------------------------------------


def build_parser() -> Parser:
    parser = Parser(
        prog="passdesk-admin",
        description=_("PassDesk console: the desk's register without the window."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"PassDesk {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        "--database",
        metavar="PATH_OR_URL",
        help=_(
            "database file or SQLAlchemy URL (default: PASSDESK_DATABASE, else the user data "
            "folder)"
        ),
    )
    parser.add_argument("--json", action="store_true", help=_("machine-readable result on stdout"))
    parser.add_argument(
        "--agent",
        metavar="LOGIN",
        help=_("act as this agent (default: the administrator created by init)"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    p = commands.add_parser("init", help=_("create the desk and its administrator"))
    p.add_argument("--desk", required=True, metavar="NAME")
    p.add_argument("--admin", default="admin", metavar="LOGIN")
    p.add_argument("--admin-name", metavar="NAME")
    p.add_argument("--siret")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help=_("read the administrator's password from standard input"),
    )
    p.set_defaults(func=cmd_init)

    p = commands.add_parser("demo", help=_("fill an empty database with demonstration data"))
    p.add_argument("--seed", type=int, default=2019)
    p.add_argument("--scale", choices=["small", "national"], default="small")
    p.set_defaults(func=cmd_demo)

    programme = commands.add_parser("programme", help=_("programmes and their funders"))
    sub = programme.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    sub.required = True
    p = sub.add_parser("add", help=_("create a programme"))
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--face-value", required=True, metavar="EUROS")
    p.add_argument("--vouchers-per-booklet", required=True, type=whole_number, metavar="N")
    p.add_argument("--valid-from", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--valid-until", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--funder", action="append", required=True, metavar="NAME=PERCENT")
    p.add_argument("--limit-per-person", type=whole_number, metavar="N")
    p.add_argument("--target-group", action="append", metavar="GROUP")
    p.set_defaults(func=cmd_programme_add)
    p = sub.add_parser("list", help=_("list the programmes"))
    p.set_defaults(func=cmd_programme_list)

    stock = commands.add_parser("stock", help=_("stock lots"))
    sub = stock.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    sub.required = True
    p = sub.add_parser("receive", help=_("record a lot of booklets as received"))
    p.add_argument("--programme", required=True, metavar="CODE")
    p.add_argument("--first-booklet", required=True, type=whole_number, metavar="N")
    p.add_argument("--count", required=True, type=whole_number, metavar="N")
    p.add_argument("--source", metavar="TEXT")
    p.set_defaults(func=cmd_stock_receive)

    booklet = commands.add_parser("booklet", help=_("booklets"))
    sub = booklet.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    sub.required = True
    p = sub.add_parser("list", help=_("list booklets"))
    p.add_argument("--programme", metavar="CODE")
    p.add_argument("--status", choices=["in_stock", "handed_out", "voided", "expired"])
    p.add_argument("--limit", type=whole_number, default=None, metavar="N")
    p.set_defaults(func=cmd_booklet_list)

    beneficiary = commands.add_parser("beneficiary", help=_("beneficiaries"))
    sub = beneficiary.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    sub.required = True
    p = sub.add_parser("add", help=_("register a beneficiary"))
    p.add_argument("--last-name", required=True)
    p.add_argument("--first-name", required=True)
    p.add_argument("--birth-date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--postcode", default="")
    p.add_argument("--commune", default="")
    p.add_argument("--phone", default="")
    p.add_argument("--email", default="")
    p.add_argument("--target-group", default="")
    p.add_argument(
        "--consent",
        action="store_true",
        help=_("the person agreed to the processing of their data"),
    )
    p.add_argument(
        "--allow-duplicate",
        action="store_true",
        help=_("register even if a probable duplicate exists"),
    )
    p.set_defaults(func=cmd_beneficiary_add)
    p = sub.add_parser("find", help=_("search by name"))
    p.add_argument("text")
    p.add_argument("--limit", type=whole_number, default=20, metavar="N")
    p.set_defaults(func=cmd_beneficiary_find)

    handout = commands.add_parser("handout", help=_("hand out a booklet, or cancel a handout"))
    handout.add_argument("--beneficiary", type=whole_number, metavar="ID")
    handout.add_argument("--booklet", metavar="CODE", help=_("booklet or voucher code"))
    handout.add_argument("--next", action="store_true", help=_("the next booklet in stock"))
    handout.add_argument("--programme", metavar="CODE")
    handout.add_argument("--override-reason", metavar="TEXT")
    handout.set_defaults(func=cmd_handout)
    sub = handout.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    p = sub.add_parser("cancel", help=_("cancel a handout"))
    p.add_argument("handout_id", type=whole_number, metavar="HANDOUT_ID")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_handout_cancel)

    p = commands.add_parser("void", help=_("void a booklet or a voucher"))
    p.add_argument("code")
    p.add_argument("--reason", required=True, choices=["lost", "stolen", "damaged", "misprint"])
    p.set_defaults(func=cmd_void)

    p = commands.add_parser("lookup", help=_("what a code is and where it went"))
    p.add_argument("code")
    p.set_defaults(func=cmd_lookup)

    p = commands.add_parser("check", help=_("check the database and the journal's chain"))
    p.set_defaults(func=cmd_check)

    agent = commands.add_parser("agent", help=_("agents' accounts"))
    sub = agent.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    sub.required = True
    p = sub.add_parser("add", help=_("create an agent"))
    p.add_argument("--login", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--role", choices=["agent", "supervisor", "admin"], default="agent")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_agent_add)
    p = sub.add_parser("password", help=_("set an agent's password (read from standard input)"))
    p.add_argument("login")
    p.add_argument("--password-stdin", action="store_true")
    p.set_defaults(func=cmd_agent_password)

    _add_print_commands(commands)
    return parser


def _add_print_commands(commands: Any) -> None:
    try:
        from passdesk.printing import cli as print_cli
    except ImportError:  # printing not installed in this build
        return
    print_cli.add_commands(commands, Parser)


def main(argv: Sequence[str] | None = None) -> int:
    from passdesk.logsetup import configure_logging

    as_json = "--json" in (argv if argv is not None else sys.argv[1:])
    out = Output(as_json)
    try:
        configure_logging()
        args = build_parser().parse_args(argv)
        out = Output(args.json)
        log.info(
            "console command %s %s by %s",
            args.command,
            getattr(args, "action", "") or "",
            "agent " + args.agent if args.agent else "default admin",
        )
        return int(args.func(args, out))
    except PassDeskError as error:
        out.say(error.message)
        if out.as_json:
            print(
                json.dumps({"error": error.message, "exit": error.exit_status}, ensure_ascii=False)
            )
        return error.exit_status
    except KeyboardInterrupt:
        out.say(_("Interrupted; nothing more was done."))
        return EXIT_REFUSED
    except Exception:  # a bug: never a traceback on the console, always one in the log
        log.exception("unexpected error in the console tool")
        out.say(
            _(
                "Unexpected error; nothing was saved by the failed step. Details are in the "
                "log file: {path}"
            ).format(path=_log_path())
        )
        return EXIT_BUG


def _log_path() -> str:
    from passdesk import paths

    return str(paths.log_dir() / "passdesk.log")


if __name__ == "__main__":
    raise SystemExit(main())
