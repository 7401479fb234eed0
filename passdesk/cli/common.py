"""What every console command shares: the parser that speaks French, exit statuses, output
(human lines or --json), whole-number arguments, opening the services, and the one place
where the console checks who acts (`acting_agent`: the agent's password, with the lockout)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, NoReturn

from passdesk import i18n
from passdesk.errors import InvalidInput, Refused
from passdesk.i18n import _
from passdesk.text import printable

if TYPE_CHECKING:
    from passdesk.services import Services
    from passdesk.services.rows import Actor

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


class Output:
    """Where results go: human lines on stdout, or one JSON document with --json. Whatever the
    register holds, no control or invisible character reaches the terminal: each is written
    as its escape (`passdesk.text.printable`; in JSON, a valid \\u escape)."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def result(self, data: Any, human: Callable[[], Sequence[str]] | None = None) -> None:
        if self.as_json:
            print(
                printable(json.dumps(_jsonable(data), ensure_ascii=False, indent=2), multiline=True)
            )
        elif human is not None:
            for line in human():
                print(printable(line))

    @staticmethod
    def say(message: str) -> None:
        print(printable(message, multiline=True), file=sys.stderr)


# The services the running command opened, closed when it ends (`close_services`): a
# PostgreSQL server sees its connections closed rather than dropped.
_opened: list[Services] = []


def _chosen_desk(args: argparse.Namespace) -> tuple[str, str] | None:
    """The desk code the command was given and where it came from (--desk-code, else the
    PASSDESK_DESK variable), or None."""
    if code := getattr(args, "desk_code", None):
        return code, "--desk-code"
    if code := os.environ.get(DESK_VARIABLE):
        return code, DESK_VARIABLE
    return None


def open_services(args: argparse.Namespace, *, founding: bool = False) -> Services:
    """The services of the command's database, working for the desk --desk-code (or
    PASSDESK_DESK) names. A `founding` command (init, demo) makes the first desk: there is
    no desk to look the code up in yet, and a PASSDESK_DESK left in the environment for the
    other commands must not stop it."""
    from passdesk.services import open_services as open_

    services = open_(args.database)
    _opened.append(services)
    chosen = None if founding else _chosen_desk(args)
    if chosen is not None:
        services.db.desk_id = services.desks.by_code(chosen[0]).id
    return services


def close_services() -> None:
    while _opened:
        _opened.pop().close()


PASSWORD_VARIABLE = "PASSDESK_PASSWORD"
DESK_VARIABLE = "PASSDESK_DESK"


def _offers_credentials(args: argparse.Namespace) -> bool:
    return (
        args.agent is not None
        or bool(getattr(args, "password_stdin", False))
        or PASSWORD_VARIABLE in os.environ
    )


def _acting_password(args: argparse.Namespace, login: str) -> str:
    """The acting agent's password: PASSDESK_PASSWORD, else the first line of standard input
    with --password-stdin, else a prompt when a person is at the terminal."""
    if PASSWORD_VARIABLE in os.environ:
        return os.environ[PASSWORD_VARIABLE]
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline() if sys.stdin is not None else ""
        if line:
            return line.rstrip("\r\n")
    elif sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(_("Password of {login}: ").format(login=login))
    raise Refused(
        _(
            "The console acts as {login} and needs that agent's password: give it on standard "
            "input with --password-stdin, or in the PASSDESK_PASSWORD variable for scripts."
        ).format(login=login)
    )


def acting_agent(services: Services, args: argparse.Namespace) -> Actor:
    """The agent a command acts as (--agent LOGIN, by default the first administrator), once
    their password is checked, with the window's lockout. Every command that changes data or
    shows personal data gets its agent here; tests/acceptance/test_console_auth.py walks the
    parser to prove it."""
    login = args.agent or services.accounts.actor(None).login
    actor = services.accounts.authenticate(login, _acting_password(args, login))
    if services.db.desk_id not in (None, actor.desk_id):
        chosen = _chosen_desk(args)
        raise Refused(
            _(
                "{login} works for the desk {code}, not for the desk {chosen} that {source} names."
            ).format(
                login=actor.login,
                code=services.desks.get(actor.desk_id).code,
                chosen=services.desks.get(services.db.desk_id).code,
                source=chosen[1] if chosen is not None else "--desk-code",
            )
        )
    return services.act_as(actor)


def acting_agent_if_offered(services: Services, args: argparse.Namespace) -> Actor | None:
    """The acting agent when credentials are offered, else None (what may be shown without)."""
    return acting_agent(services, args) if _offers_credentials(args) else None


def _stdin_line() -> str:
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise InvalidInput(_("--password-stdin: standard input holds no more password."))
    return line.rstrip("\r\n")


def read_password(args: argparse.Namespace) -> str | None:
    """A new password given with --password-stdin: the next line of standard input (after
    the acting agent's, when that one came from standard input too)."""
    if not getattr(args, "password_stdin", False):
        return None
    return _stdin_line()


def subcommands(parser: argparse.ArgumentParser, *, required: bool = True) -> Any:
    """The ACTION sub-commands of a noun (`programme add`, `programme list`...)."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    sub.required = required
    return sub
