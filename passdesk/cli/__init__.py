"""passdesk-admin: the console tool, the same services as the window, for the desk's IT contact.

One module per noun (`desk`, `desks`, `programmes`, `stock`, `transfers`, `beneficiaries`,
`handouts`, `agents`, `printing`, `regie`, `reports`, `places`, `usage`, `followup`,
`privacy`), each adding its commands to the one parser built here; `common` holds what they
share, including `acting_agent`, where the acting agent's password is checked. Exit status: 0
done, 1 refused by a rule, 2 bad input, 3 environment (database unreachable, corrupt, newer than
this version), 4 internal error (a bug: see the log file).
Messages for people go to stderr in French; --json puts a machine-readable result on stdout.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from passdesk import __version__
from passdesk.cli import (
    agents,
    backups,
    beneficiaries,
    blocked_list,
    desk,
    desks,
    expiry,
    followup,
    handouts,
    places,
    printing,
    privacy,
    programmes,
    regie,
    reports,
    serial_formats,
    server,
    stock,
    transfers,
    usage,
)
from passdesk.cli.common import (
    EXIT_BUG,
    EXIT_OK,
    EXIT_REFUSED,
    Output,
    Parser,
    close_services,
)
from passdesk.errors import PassDeskError
from passdesk.i18n import _

log = logging.getLogger(__name__)

# In the order `passdesk-admin --help` lists them.
NOUNS = (
    desk,
    desks,
    server,
    programmes,
    stock,
    transfers,
    beneficiaries,
    handouts,
    agents,
    printing,
    regie,
    reports,
    places,
    usage,
    followup,
    serial_formats,
    expiry,
    blocked_list,
    backups,
    privacy,
)


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
    add_global_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True
    for noun in NOUNS:
        noun.add_commands(commands)
    for sub in _sub_parsers(parser):
        # Scripts write `booklet list --status in_stock --json` as often as `--json booklet
        # list ...`: every command accepts the global options too. SUPPRESS keeps a value
        # given before the command from being reset by the sub-command's default.
        add_global_options(sub, default=argparse.SUPPRESS)
    return parser


def add_global_options(parser: argparse.ArgumentParser, default: Any = None) -> None:
    parser.add_argument(
        "--database",
        metavar="PATH_OR_URL",
        default=default,
        help=_(
            "database file or SQLAlchemy URL (default: PASSDESK_DATABASE, else the user data "
            "folder)"
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=False if default is None else default,
        help=_("machine-readable result on stdout"),
    )
    parser.add_argument(
        "--desk-code",
        metavar="CODE",
        default=default,
        help=_(
            "the desk to work for when the database holds several (default: PASSDESK_DESK, "
            "else the acting agent's desk)"
        ),
    )
    parser.add_argument(
        "--agent",
        metavar="LOGIN",
        default=default,
        help=_("act as this agent (default: the administrator created by init)"),
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        default=False if default is None else default,
        help=_(
            "read passwords from standard input, one a line: the acting agent's (unless "
            "PASSDESK_PASSWORD gives it), then the new one for init, agent add, agent "
            "password and desk add"
        ),
    )


def _sub_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every parser below `parser`, at any depth (`handout`, `handout cancel`...)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield sub
                yield from _sub_parsers(sub)


def main(argv: Sequence[str] | None = None) -> int:
    from passdesk import paths
    from passdesk.logsetup import configure_logging, unavailable

    paths.owner_only_new_files()
    as_json = "--json" in (argv if argv is not None else sys.argv[1:])
    out = Output(as_json)
    try:
        configure_logging()
        if unavailable() is not None:
            out.say(str(unavailable()))
        args = build_parser().parse_args(argv)
        out = Output(args.json)
        _sweep_abandoned_parts(args)
        log.info(
            "console command %s %s by %s",
            args.command,
            getattr(args, "action", "") or "",
            "agent " + args.agent if args.agent else "default admin",
        )
        status = int(args.func(args, out))
        sys.stdout.flush()  # a closed pipe shows here, where it is handled below
        return status
    except BrokenPipeError:
        # `passdesk-admin booklet list | head`: the reader has what it wanted; a normal end.
        _silence_stdout()
        return EXIT_OK
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
    finally:
        close_services()


def _silence_stdout() -> None:
    """Point stdout at nothing, so that Python's own flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # not a real file (tests capture stdout): nothing to do
        pass


def _log_path() -> str:
    from passdesk.logsetup import log_file_text

    return log_file_text()


def _sweep_abandoned_parts(args: argparse.Namespace) -> None:
    """Files a killed PassDesk left half-written (`passdesk.staged`), in the folders it knows
    and the database's own folder; cheap (a few folder listings)."""
    from sqlalchemy.exc import ArgumentError

    from passdesk import staged
    from passdesk.errors import PassDeskError
    from passdesk.store import resolve_url, sqlite_path

    try:
        path = sqlite_path(resolve_url(getattr(args, "database", None)))
    except (PassDeskError, ValueError, ArgumentError):  # said by the command itself
        path = None
    staged.sweep_known_folders([path.parent if path is not None else None])
