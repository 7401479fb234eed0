"""Backups of a PostgreSQL database with the server's own tools, `pg_dump` and `pg_restore`.

A server database is copied in PostgreSQL's custom archive format (`pg_dump --format=custom`),
which `pg_restore` reads back whole in one transaction. The tools come with the PostgreSQL
client (Debian's `postgresql-client`, the Windows installer of PostgreSQL); when they are not
on this PC, each command says so in French and how to do it otherwise. The password never
appears on a command line: it goes to the tools through PGPASSWORD.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from sqlalchemy import URL, make_url

from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _
from passdesk.store.backups import RegisterState
from passdesk.store.location import display_url

TIMEOUT_SECONDS = 3600


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise EnvironmentProblem(
            _(
                "Backing up or restoring a PostgreSQL database needs the PostgreSQL client "
                "tools ({tool} is not installed on this computer). Install them (Debian, Ubuntu: "
                'the postgresql-client package; Windows: the PostgreSQL installer, "Command Line '
                'Tools"), or ask your IT contact to back up the server with pg_dump --format='
                "custom and to restore with pg_restore --clean --single-transaction."
            ).format(tool=name)
        )
    return found


def _connection(url: str) -> tuple[str, dict[str, str]]:
    """The libpq address of a SQLAlchemy URL (without its password) and the environment that
    carries the password."""
    parsed = make_url(url)
    environment = dict(os.environ)
    query = {k: v for k, v in parsed.query.items() if k.lower() != "password"}
    given = [v for k, v in parsed.query.items() if k.lower() == "password"]
    if parsed.password or given:  # (a password in the query would be on the command line)
        environment["PGPASSWORD"] = str(parsed.password or given[0])
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=query,
    )
    return plain.render_as_string(hide_password=False), environment


def _run(arguments: Sequence[str], environment: dict[str, str], url: str, **options: object) -> str:
    try:
        done = subprocess.run(
            list(arguments),
            env=environment,
            stderr=subprocess.PIPE,
            timeout=TIMEOUT_SECONDS,
            check=False,
            **options,  # type: ignore[call-overload]
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise EnvironmentProblem(
            _("{tool} could not be run: {error}").format(tool=Path(arguments[0]).name, error=error)
        ) from error
    errors = done.stderr.decode("utf-8", "replace") if isinstance(done.stderr, bytes) else ""
    if done.returncode != 0:
        last = (errors.strip().splitlines() or ["?"])[-1]
        raise EnvironmentProblem(
            _("{tool} failed on {url}: {error}").format(
                tool=Path(arguments[0]).name,
                url=display_url(url) if url else arguments[-1],  # (an archive read alone)
                error=last,
            )
        )
    output = getattr(done, "stdout", None)
    return output.decode("utf-8", "replace") if isinstance(output, bytes) else ""


def dump(url: str, stream: IO[bytes]) -> None:
    """The whole database, in PostgreSQL's custom archive format, written to `stream`."""
    address, environment = _connection(url)
    _run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--dbname", address],
        environment,
        url,
        stdout=stream,
    )


# Raised by the check that opens a restore's transaction; told apart from other failures.
REGISTER_CHANGED = "passdesk-register-changed"


class RegisterChanged(EnvironmentProblem):
    """The register moved since the restore's plan: nothing was changed."""


def _guard_sql(expected: RegisterState | None) -> str:
    """Keep every other desk's writes out until the restore commits, and refuse if the
    register is no longer what the plan listed."""
    if expected is None:  # nothing readable to protect: the tables may not even be there
        return "SELECT 1"
    counters = ",".join(f"{desk}:{year}:{number}" for desk, year, number in expected.counters)
    return (
        "LOCK TABLE public.ledger_head, public.receipt_counter, public.ledger_event, "
        "public.beneficiary IN EXCLUSIVE MODE;\n"
        "DO $$ BEGIN IF (SELECT coalesce(max(last_id), 0) FROM public.ledger_head) "
        f"<> {int(expected.last_event)} "
        f"OR (SELECT coalesce(max(id), 0) FROM public.beneficiary) <> {int(expected.people)} "
        "OR coalesce((SELECT string_agg(desk_id || ':' || year || ':' || last_number, ',' "
        "ORDER BY desk_id, year) FROM public.receipt_counter), '') "
        f"<> '{counters}' THEN RAISE EXCEPTION '{REGISTER_CHANGED}'; END IF; END $$;"
    )


def _floor_sql(floors: Mapping[int, Mapping[int, int]]) -> str:
    """Each desk's counter of each year raised to at least `floors[desk id][year]`, in the
    restore's transaction (a desk the restored tables do not hold is left out)."""
    values = ", ".join(
        f"({int(desk)}, {int(year)}, {int(number)})"
        for desk, floor in sorted(floors.items())
        for year, number in sorted(floor.items())
    )
    if not values:
        return "SELECT 1"
    return (
        "INSERT INTO public.receipt_counter (desk_id, year, last_number) "
        f"SELECT f.desk, f.year, f.n FROM (VALUES {values}) AS f(desk, year, n) "
        "JOIN public.desk AS d ON d.id = f.desk "
        "ON CONFLICT (desk_id, year) DO UPDATE SET last_number = "
        "greatest(public.receipt_counter.last_number, excluded.last_number)"
    )


# The last statement fed to psql, only once pg_restore wrote the whole script: the raise
# that follows reads it, so an archive read halfway rolls everything back.
_COMPLETE = "CREATE TEMPORARY TABLE pg_temp.passdesk_script_complete ();\n"


def restore(
    url: str,
    archive: Path,
    *,
    expected: RegisterState | None,
    floors: Mapping[int, Mapping[int, int]],
) -> None:
    """Replace the database's tables with the archive's and raise every desk's receipt counters
    to `floors` (desk id -> year -> number), all in one transaction that began by locking the
    journal, the counters and the people (other desks wait, then see the restored register) and
    by checking that nothing was recorded since the plan (`expected`): no handout can slip in
    between the restore and the counters' raise and take a number already printed.

    pg_restore writes the archive as SQL, which psql runs between the check and the raise
    (`--single-transaction` wraps the three; any error rolls everything back)."""
    address, environment = _connection(url)
    reader = [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges"]
    writer = [
        _tool("psql"),
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        "--single-transaction",
        "--dbname",
        address,
        "--command",
        _guard_sql(expected),
        "--file=-",
        "--command",
        "SELECT FROM pg_temp.passdesk_script_complete; " + _floor_sql(floors),
    ]
    with tempfile.TemporaryFile() as reader_errors, tempfile.TemporaryFile() as writer_errors:
        try:
            with (
                subprocess.Popen(
                    [*reader, "--file=-", str(archive)],
                    env=environment,
                    stdout=subprocess.PIPE,
                    stderr=reader_errors,
                ) as script,
                subprocess.Popen(
                    writer,
                    env=environment,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=writer_errors,
                ) as psql,
            ):
                assert script.stdout is not None and psql.stdin is not None
                try:
                    while chunk := script.stdout.read(1024 * 1024):
                        psql.stdin.write(chunk)
                    if script.wait(TIMEOUT_SECONDS) == 0:
                        psql.stdin.write(_COMPLETE.encode())
                    psql.stdin.close()
                except BrokenPipeError:  # psql stopped at an error: said below
                    script.kill()
                psql.wait(TIMEOUT_SECONDS)
                script.wait(TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise EnvironmentProblem(
                _("{tool} could not be run: {error}").format(tool="pg_restore", error=error)
            ) from error
        said = {}
        for tool, errors in (("pg_restore", reader_errors), ("psql", writer_errors)):
            errors.seek(0)
            said[tool] = errors.read().decode("utf-8", "replace")
    if psql.returncode != 0 and REGISTER_CHANGED in said["psql"]:
        raise RegisterChanged(REGISTER_CHANGED)
    for done, tool in ((script, "pg_restore"), (psql, "psql")):
        if done.returncode != 0:
            last = (said[tool].strip().splitlines() or ["?"])[-1]
            raise EnvironmentProblem(
                _("{tool} failed on {url}: {error}").format(
                    tool=tool, url=display_url(url), error=last
                )
            )


def check_archive(archive: Path) -> list[str]:
    """What is wrong with an archive (empty: pg_restore reads its table of contents, then
    every table's data, decompressed and written nowhere: a damaged block is found now)."""
    try:
        listing = _run(
            [_tool("pg_restore"), "--list", str(archive)],
            dict(os.environ),
            "",
            stdout=subprocess.PIPE,
        )
        if "TABLE DATA" not in listing:
            return [_("The archive holds no table data.")]
        _run(
            [_tool("pg_restore"), f"--file={os.devnull}", str(archive)],
            dict(os.environ),
            "",
            stdout=subprocess.DEVNULL,
        )
    except EnvironmentProblem as problem:
        return [problem.message]
    return []


def table_rows(archive: Path, table: str) -> list[dict[str, str | None]]:
    """The rows of one table of an archive (COPY text read back), without a server."""
    text = _run(
        [_tool("pg_restore"), "--data-only", f"--table={table}", "--file=-", str(archive)],
        dict(os.environ),
        "",
        stdout=subprocess.PIPE,
    )
    rows: list[dict[str, str | None]] = []
    columns: list[str] | None = None
    for line in text.splitlines():
        if columns is None:
            if line.startswith("COPY ") and " FROM stdin;" in line:
                inside = line[line.index("(") + 1 : line.rindex(")")]
                columns = [c.strip().strip('"') for c in inside.split(",")]
            continue
        if line == "\\.":
            break
        values = line.split("\t")
        rows.append(
            {
                c: (None if v == "\\N" else _unescape(v))
                for c, v in zip(columns, values, strict=False)
            }
        )
    return rows


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}


def _unescape(value: str) -> str:
    """COPY's text escapes (a backslash before t, n, r... or itself) back to characters."""
    if "\\" not in value:
        return value
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), value)
