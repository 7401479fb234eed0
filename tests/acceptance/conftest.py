"""Helpers for driving `passdesk-admin` as a desk's IT contact would, and for proving that a
refused command changed nothing.

Two ways to run the console: in-process through `passdesk.cli.main(argv)` (fast, output taken
with capsys), and the installed `passdesk-admin` script in a subprocess (the real thing, for a
few end-to-end runs). Both point at a real SQLite file under the test's tmp_path.

Tests reach the helpers through fixtures (`kit`, `console`, `register`): the test folders are
not packages, so a test module cannot import this file reliably.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pytest

from passdesk import codes, paths
from passdesk.cli import main

PROGRAMME = "MGP26"
OTHER_PROGRAMME = "LYON26"
# Open from 2024 to 2099: handouts are never stopped by the D-15 rule while the suite lives.
PROGRAMME_ARGS = [
    "--face-value",
    "10",
    "--vouchers-per-booklet",
    "10",
    "--valid-from",
    "2024-01-01",
    "--valid-until",
    "2099-12-31",
]
PEOPLE = [
    ("N'Diaye", "Hélène", "1980-05-04"),
    ("Lefèvre-Dupont", "Jean-Pierre", "1956-11-30"),
    ("Nowak-Żelazna", "Łucja", "2001-02-17"),
]


def booklet(n: int, programme: str = PROGRAMME) -> str:
    return codes.booklet_code(programme, n)


def voucher(n: int, programme: str = PROGRAMME) -> str:
    return codes.voucher_code(programme, n)


def mistype(code: str) -> str:
    """The same code with one digit of its running number changed (a single-character typo)."""
    head, number, check = code.split("-")
    digit = number[-1]
    wrong = str((int(digit) + 1) % 10)
    return f"{head}-{number[:-1]}{wrong}-{check}"


# Every console run passes credentials as a desk's script would (issue 12): PASSDESK_PASSWORD
# holds the acting agent's password, the default administrator's unless --agent names
# another; an agent created without --password-stdin is given `agent_password(login)` on
# standard input. Tests written before the console asked for passwords run unchanged.
ADMIN_PASSWORD = "girafe-tambour-citron"
PASSWORD_VARIABLE = "PASSDESK_PASSWORD"


def agent_password(login: str) -> str:
    """The password the fixtures give the agent `login` (the init administrator's is
    ADMIN_PASSWORD)."""
    return ADMIN_PASSWORD if login == "admin" else f"{login}-nuage-tambour-citron"


@dataclass(frozen=True)
class Script:
    """How a script would run `args`: the arguments, PASSDESK_PASSWORD, standard input."""

    args: tuple[str, ...]
    password: str | None
    stdin: str | TextIO  # a text, or a stand-in for a terminal


def as_script(
    args: tuple[str, ...],
    *,
    credentials: bool,
    stdin: str | TextIO | None,
    admins: dict[str, str],
) -> Script:
    if not credentials:
        return Script(args, None, stdin or "")
    login = _option(args, "--agent")
    password = admins.get(login or "", agent_password(login)) if login else ADMIN_PASSWORD
    if "init" in args:
        admins[_option(args, "--admin") or "admin"] = ADMIN_PASSWORD
    if _is_agent_add(args) and "--password-stdin" not in args and stdin is None:
        new_login = _option(args, "--login") or ""
        return Script((*args, "--password-stdin"), password, agent_password(new_login) + "\n")
    return Script(args, password, stdin or "")


def _option(args: tuple[str, ...], name: str) -> str | None:
    for i, arg in enumerate(args[:-1]):
        if arg == name:
            return args[i + 1]
    return None


def _is_agent_add(args: tuple[str, ...]) -> bool:
    return any(args[i : i + 2] == ("agent", "add") for i in range(len(args) - 1))


@contextlib.contextmanager
def _script_environment(script: Script) -> Iterator[None]:
    saved_stdin, saved = sys.stdin, os.environ.get(PASSWORD_VARIABLE)
    sys.stdin = io.StringIO(script.stdin) if isinstance(script.stdin, str) else script.stdin
    if script.password is None:
        os.environ.pop(PASSWORD_VARIABLE, None)
    else:
        os.environ[PASSWORD_VARIABLE] = script.password
    try:
        yield
    finally:
        sys.stdin = saved_stdin
        if saved is None:
            os.environ.pop(PASSWORD_VARIABLE, None)
        else:
            os.environ[PASSWORD_VARIABLE] = saved


@dataclass
class Result:
    status: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Console:
    """`passdesk-admin --database FILE ...` run in this process."""

    database: Path
    capsys: pytest.CaptureFixture[str] | None = None
    history: list[tuple[tuple[str, ...], Result]] = field(default_factory=list)
    admins: dict[str, str] = field(default_factory=lambda: {"admin": ADMIN_PASSWORD})

    def run(
        self,
        *args: str,
        as_json: bool = False,
        credentials: bool = True,
        stdin: str | TextIO | None = None,
    ) -> Result:
        """`credentials=False` runs as a script that gives no password; `stdin` is what the
        command reads on standard input (passwords with --password-stdin)."""
        script = as_script(args, credentials=credentials, stdin=stdin, admins=self.admins)
        argv = ["--database", str(self.database), *(["--json"] if as_json else []), *script.args]
        with _script_environment(script):
            if self.capsys is not None:
                self.capsys.readouterr()
                status = main(argv)
                captured = self.capsys.readouterr()
                result = Result(status, captured.out, captured.err)
            else:
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    status = main(argv)
                result = Result(status, out.getvalue(), err.getvalue())
        self.history.append((tuple(args), result))
        return result

    def ok(self, *args: str, as_json: bool = False, **script: Any) -> Result:
        result = self.run(*args, as_json=as_json, **script)
        assert result.status == 0, (args, result)
        assert "Traceback" not in result.err
        return result

    def data(self, *args: str, **script: Any) -> Any:
        """Run with --json, expect success, return the parsed document."""
        return self.ok(*args, as_json=True, **script).json()


class Kit:
    """The helpers above, handed to tests by the `kit` fixture."""

    PROGRAMME = PROGRAMME
    OTHER_PROGRAMME = OTHER_PROGRAMME
    PROGRAMME_ARGS = PROGRAMME_ARGS
    PEOPLE = PEOPLE
    ADMIN_PASSWORD = ADMIN_PASSWORD
    PASSWORD_VARIABLE = PASSWORD_VARIABLE

    def __init__(self, home: Path) -> None:
        self.home = home

    booklet = staticmethod(booklet)
    agent_password = staticmethod(agent_password)
    voucher = staticmethod(voucher)
    mistype = staticmethod(mistype)

    def run_installed(
        self,
        *args: str,
        name: str = "passdesk-admin",
        env: dict[str, str] | None = None,
        credentials: bool = True,
        stdin: str | None = None,
    ) -> Result:
        return run_installed(
            *args, home=self.home, name=name, env=env, credentials=credentials, stdin=stdin
        )

    @staticmethod
    def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
        return dump_database(path)

    @staticmethod
    def copy(source: Path, target: Path) -> Path:
        return copy_database(source, target)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "registre.sqlite3"


@pytest.fixture
def console(database: Path, capsys: pytest.CaptureFixture[str]) -> Console:
    return Console(database, capsys)


# --- the installed script -------------------------------------------------------------------


def installed_script(name: str) -> Path:
    script = Path(sys.executable).with_name(name)
    assert script.exists(), f"{script} is missing: install the project (make test does)"
    return script


def run_installed(
    *args: str,
    home: Path,
    name: str = "passdesk-admin",
    env: dict[str, str] | None = None,
    credentials: bool = True,
    stdin: str | None = None,
) -> Result:
    """The real console in its own process; PASSDESK_HOME keeps its logs under tmp_path.
    Credentials as Console.run passes them (PASSDESK_PASSWORD; `env` may override)."""
    script = as_script(args, credentials=credentials, stdin=stdin, admins={})
    environment = {
        k: v for k, v in os.environ.items() if k not in ("PASSDESK_DATABASE", PASSWORD_VARIABLE)
    }
    environment["PASSDESK_HOME"] = str(home)
    if script.password is not None:
        environment[PASSWORD_VARIABLE] = script.password
    environment.update(env or {})
    done = subprocess.run(
        [str(installed_script(name)), *script.args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        input=script.stdin,
        timeout=60,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


# --- the database as rows -------------------------------------------------------------------


def dump_database(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the SQLite file, rows sorted, plus the schema: what 'unchanged' means."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        dump: dict[str, list[tuple[Any, ...]]] = {
            "(schema)": sorted(
                connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"),
                key=repr,
            )
        }
        for table in tables:
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
            dump[table] = sorted(rows, key=repr)
        return dump
    finally:
        connection.close()


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (the source is in WAL mode)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    return target


# --- a register in a known state ------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    """What `build_register` made, by name, for the tests to refer to."""

    people: dict[str, int]
    handouts: dict[str, int]
    receipts: dict[str, str]


def build_register(console: Console) -> Register:
    """A desk after a morning's work, built only through the console.

    MGP26 (limit 2 per person, 100 booklets) and LYON26 (10 booklets); Hélène has had two
    MGP26 booklets (1 by its cover, 2 by a voucher code) and is at her limit; Jean-Pierre's
    handout of booklet 3 was cancelled the same day (3 is back in stock); booklet 100 is lost.
    An agent-role account `marie` exists.
    """
    console.ok(
        "init", "--desk", "France Services Lyon 8e", "--admin-name", "Awa Traoré",
        "--postcode", "69008", "--commune", "Lyon",
    )  # fmt: skip
    console.ok("agent", "add", "--login", "marie", "--name", "Marie Dubois", "--role", "agent")
    console.ok(
        "programme", "add", "--code", PROGRAMME, "--name", "Pass Numérique Métropole",
        *PROGRAMME_ARGS, "--funder", "État=45", "--funder", "Métropole de Lyon=55",
        "--limit-per-person", "2",
    )  # fmt: skip
    console.ok(
        "programme", "add", "--code", OTHER_PROGRAMME, "--name", "Pass Ville de Lyon",
        *PROGRAMME_ARGS, "--funder", "Ville de Lyon=100",
    )  # fmt: skip
    console.ok(
        "stock", "receive", "--kind", "delivered", "--programme", PROGRAMME,
        "--first-booklet", "1", "--count", "100",
    )  # fmt: skip
    console.ok(
        "stock", "receive", "--kind", "delivered", "--programme", OTHER_PROGRAMME,
        "--first-booklet", "1", "--count", "10",
    )  # fmt: skip
    people = {}
    for last, first, born in PEOPLE:
        row = console.data(
            "beneficiary", "add", "--last-name", last, "--first-name", first, "--birth-date", born
        )
        people[first] = row["id"]
    handouts, receipts = {}, {}
    for name, person, code in (
        ("first", "Hélène", booklet(1)),
        ("second", "Hélène", voucher(15)),
        ("cancelled", "Jean-Pierre", booklet(3)),
    ):
        row = console.data("handout", "--beneficiary", str(people[person]), "--booklet", code)
        handouts[name], receipts[name] = row["id"], row["receipt_number"]
    console.ok("handout", "cancel", str(handouts["cancelled"]), "--reason", "erreur de saisie")
    console.ok("void", booklet(100), "--reason", "lost")
    return Register(people, handouts, receipts)


@pytest.fixture
def kit(_isolated_files: Path) -> Kit:
    return Kit(_isolated_files)


@pytest.fixture(scope="session")
def register_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Register]:
    """Built once per session; each test works on its own copy (see `register`)."""
    folder = tmp_path_factory.mktemp("register-template")
    paths.set_base_dir(folder / "home")
    try:
        made = build_register(Console(folder / "template.sqlite3"))
    finally:
        paths.set_base_dir(None)
    return folder / "template.sqlite3", made


@pytest.fixture
def register(
    register_template: tuple[Path, Register], console: Console
) -> Iterator[tuple[Console, Register]]:
    template, made = register_template
    copy_database(template, console.database)
    yield console, made
