"""What every console command shares: the parser that speaks French, exit statuses, output
(human lines or --json), whole-number arguments, and opening the services as an agent."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, NoReturn

from passdesk import i18n
from passdesk.errors import InvalidInput
from passdesk.i18n import _

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


def open_services(args: argparse.Namespace) -> Services:
    from passdesk.services import open_services as open_

    return open_(args.database)


def acting_agent(services: Services, args: argparse.Namespace) -> Actor:
    return services.accounts.actor(args.agent)


def read_password(args: argparse.Namespace) -> str | None:
    if not getattr(args, "password_stdin", False):
        return None
    return sys.stdin.readline().rstrip("\r\n")


def subcommands(parser: argparse.ArgumentParser, *, required: bool = True) -> Any:
    """The ACTION sub-commands of a noun (`programme add`, `programme list`...)."""
    sub = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    sub.required = required
    return sub
