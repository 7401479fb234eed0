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
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from sqlalchemy import URL, make_url

from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _
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
    if parsed.password:
        environment["PGPASSWORD"] = str(parsed.password)
    plain = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
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
                tool=Path(arguments[0]).name, url=display_url(url), error=last
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


def restore(url: str, archive: Path) -> None:
    """Replace the database's tables with the archive's, in one transaction."""
    address, environment = _connection(url)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            address,
            str(archive),
        ],
        environment,
        url,
        stdout=subprocess.DEVNULL,
    )


def check_archive(archive: Path) -> list[str]:
    """What is wrong with an archive (empty: pg_restore reads its table of contents)."""
    try:
        listing = _run(
            [_tool("pg_restore"), "--list", str(archive)],
            dict(os.environ),
            "",
            stdout=subprocess.PIPE,
        )
    except EnvironmentProblem as problem:
        return [problem.message]
    return [] if "TABLE DATA" in listing else [_("The archive holds no table data.")]


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
