"""`passdesk-admin backup create|list|verify|restore`: the desk's backups from the console.

These commands must work when the database itself is in trouble: `list`, `verify` and
`restore` open a database that is missing or damaged without creating or upgrading it, so that
the last backup can still be found, checked and put back. A restore says first what it will lose
and asks to be confirmed (`--yes` for scripts); when the database can be read, it is an
administrator's act (`acting_agent`).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from passdesk.cli.common import EXIT_OK, EXIT_REFUSED, Output, acting_agent, subcommands
from passdesk.errors import EnvironmentProblem, Refused
from passdesk.formatting import format_file_size, format_timestamp
from passdesk.i18n import _
from passdesk.services.backups import VerifyReport, kind_label

if TYPE_CHECKING:
    from passdesk.services import Services


@contextlib.contextmanager
def _opened(
    args: argparse.Namespace, *, reading: bool = False
) -> Iterator[tuple[Services, str | None]]:
    """`_services`, closed when the command is done (a server connection left to the garbage
    collector is a ResourceWarning, and a connection slot held meanwhile)."""
    services, problem = _services(args, reading=reading)
    try:
        yield services, problem
    finally:
        services.close()


def _services(args: argparse.Namespace, *, reading: bool = False) -> tuple[Services, str | None]:
    """The services on the database, and why it could not be opened normally (None: it
    could). A missing file is not created; a damaged one is left as it is, for a restore; for
    `list` and `verify` (`reading`), any database that cannot be opened will do."""
    from dataclasses import replace

    from passdesk.services import Services, open_services
    from passdesk.services.backup_restore import RestoreService
    from passdesk.services.backups import DetachedBackupService
    from passdesk.store import Database, resolve_url, sqlite_path
    from passdesk.store.faults import DamagedDatabase, check_url

    url = resolve_url(args.database)
    check_url(url)
    path = sqlite_path(url)
    problem: str | None = None
    if path is not None and not path.exists():
        problem = _("there is no database at {path}").format(path=path)
    else:
        try:
            return open_services(args.database), None
        except DamagedDatabase as error:
            problem = error.message
        except EnvironmentProblem as error:
            if not reading:
                raise
            problem = error.message
    db = Database(url)
    detached = DetachedBackupService(db)
    services = replace(
        Services.build(db), backups=detached, restore=RestoreService(db, backups_=detached)
    )
    return services, problem


def _row_lines(services: Services) -> list[str]:
    rows = services.backups.list()
    if not rows:
        return [_("No backup yet.")]
    lines = []
    for row in rows:
        where = [_("data folder")] if row.in_data_folder else []
        where += [_("second folder")] if row.in_second_folder else []
        lines.append(
            f"{row.index:>3}  {format_timestamp(row.taken_at)}  {kind_label(row.kind):<22} "
            f"{format_file_size(row.size):>9}  {', '.join(where)}  {row.path.name}"
        )
    return lines


def cmd_create(args: argparse.Namespace, out: Output) -> int:
    with _opened(args) as (services, problem):
        if problem is not None:
            raise EnvironmentProblem(_("Nothing to back up: {problem}.").format(problem=problem))
        result = services.backups.create("manual")
        if result.events is not None:
            out.say(
                _("Backup written and verified ({events} journal events): {path}").format(
                    events=result.events, path=result.path
                )
            )
        else:
            out.say(_("Backup written and verified: {path}").format(path=result.path))
        if result.second_copy is not None:
            out.say(_("Copied to the second folder: {path}").format(path=result.second_copy))
        if result.second_problem is not None:
            out.say(result.second_problem)
        out.result(result, None)
        return EXIT_OK


def cmd_list(args: argparse.Namespace, out: Output) -> int:
    with _opened(args, reading=True) as (services, problem):
        if problem is not None:
            out.say(
                _("The database cannot be opened ({problem}); its backups:").format(problem=problem)
            )
        out.result(services.backups.list(), lambda: _row_lines(services))
        return EXIT_OK


def _chosen(services: Services, reference: str | None) -> Path:
    if reference is None:
        rows = services.backups.list()
        if not rows:
            raise Refused(_("There is no backup yet: make one with passdesk-admin backup create."))
        return rows[0].path
    found = services.backups.find(reference)
    return found if isinstance(found, Path) else found.path


def cmd_verify(args: argparse.Namespace, out: Output) -> int:
    with _opened(args, reading=True) as (services, _problem):
        path = _chosen(services, args.backup)
        report: VerifyReport = services.backups.verify(path)
        out.say(_("Backup {path}:").format(path=path))
        for line in report.lines:
            out.say("  " + line)
        out.result(report, None)
        return EXIT_OK if report.ok else EXIT_REFUSED


def _confirmed(out: Output) -> bool:
    if sys.stdin is None or not sys.stdin.isatty():
        raise Refused(
            _(
                "A restore must be confirmed: run it at a terminal, or add --yes (scripts). "
                "Nothing was changed."
            )
        )
    print(_("Restore this backup? Type yes to confirm: "), end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    return answer in (_("yes"), "yes", "y", _("y"))


def cmd_restore(args: argparse.Namespace, out: Output) -> int:
    with _opened(args) as (services, problem):
        path = _chosen(services, args.backup)
        actor = acting_agent(services, args) if problem is None else None
        plan = services.restore.plan(path)
        out.say(_("Restoring {path} in place of the database.").format(path=path))
        for line in plan.lines():
            out.say(line)
        if not args.yes and not _confirmed(out):
            out.say(_("Nothing was changed."))
            return EXIT_REFUSED
        result = services.restore.restore(path, actor)
        if result.safety_copy is not None:
            out.say(_("The database as it was is kept in {path}.").format(path=result.safety_copy))
        out.say(_("Backup restored."))
        out.result(result, None)
        return EXIT_OK


def add_commands(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help=_("make, list, verify or restore the database's backups")
    )
    sub = subcommands(backup)
    p = sub.add_parser("create", help=_("back up the database now (verified)"))
    p.set_defaults(func=cmd_create)
    p = sub.add_parser("list", help=_("the backups, newest first, with their numbers"))
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("verify", help=_("check a backup (the newest by default)"))
    p.add_argument("backup", nargs="?", metavar="NUMBER_OR_FILE")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser(
        "restore", help=_("put a backup back in place of the database (says what is lost)")
    )
    p.add_argument("backup", metavar="NUMBER_OR_FILE")
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    p.set_defaults(func=cmd_restore)
