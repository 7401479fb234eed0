"""The console asks who acts: every command that changes data or shows personal data is refused
without the acting agent's password (exit 1, in French, nothing changed) and accepted with it;
the sixth wrong password locks the agent.

The commands are read from the parser itself (passdesk.cli.build_parser), so a command added
later is in these tests without anyone adding it: it either runs without a password and is
listed in OPEN (and README's console section), or is refused without one.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from passdesk.cli import build_parser
from tests.desks import MovableClock

Args = Callable[[Any, Any, Path], list[str]]

# What runs without a password: it shows no personal data and changes nothing.
OPEN = {
    ("check",),
    ("lookup",),
    ("booklet", "list"),
    ("programme", "list"),
    ("stock", "lots"),
    ("alerts",),
    ("serial-format", "list"),
    ("desk", "list"),  # codes and names of the territory's desks, for --desk-code
    # A scheduled backup runs with no password kept in a file: it copies the register into the
    # owner-only backup folder, shows nothing and changes nothing (restore asks for one).
    ("backup", "create"),
    ("backup", "list"),
    ("backup", "verify"),
}
# What creates the desk: nobody to authenticate yet (init sets the administrator's password).
CREATES_THE_DESK = {("init",), ("demo",)}

NEEDS_PASSWORD = "PASSDESK_PASSWORD"  # the refusal names the way a script gives it


def commands() -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command of passdesk-admin, by its words (`agent add`, `handout`, `handout
    cancel`...): each parser that runs something."""
    found: dict[tuple[str, ...], argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> None:
        if words and parser.get_default("func") is not None:
            found[words] = parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*words, name))

    walk(build_parser(), ())
    return found


COMMANDS = commands()
GUARDED = sorted(set(COMMANDS) - OPEN - CREATES_THE_DESK)


PLACES_FILE = Path(__file__).parents[1] / "data" / "lieux-mediation-numerique.csv"


def _usage_file(kit: Any, tmp: Path) -> Path:
    """A usage file of one row: Hélène's first voucher, used today (at a place unknown here,
    an anomaly: the command still succeeds)."""
    path = tmp / "usage.csv"
    today = datetime.now().strftime("%d/%m/%Y")  # noqa: DTZ005 - the desk's local day
    path.write_text(f"code;date;lieu;montant\n{kit.voucher(1)};{today};1;10\n", "utf-8")
    return path


def _backup_file(tmp: Path) -> Path:
    """A consistent copy of the `register` desk's database (tmp_path/registre.sqlite3), made
    with SQLite's backup API as PassDesk's own backups are."""
    target = tmp / "sauvegarde.sqlite3"
    with (
        closing(sqlite3.connect(tmp / "registre.sqlite3")) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
    return target


def _person(name: str) -> Args:
    return lambda kit, made, tmp: [str(made.people[name])]


# Arguments that make each guarded command succeed on the `register` desk. A command added
# later without an entry here is still tested, with arguments made from its parser.
SAMPLES: dict[tuple[str, ...], Args] = {
    ("backup", "restore"): lambda kit, made, tmp: [str(_backup_file(tmp)), "--yes"],
    ("programme", "add"): lambda kit, made, tmp: [
        "--code",
        "NEW26",
        "--name",
        "Nouveau",
        *kit.PROGRAMME_ARGS,
        "--funder",
        "État=100",
    ],  # fmt: skip
    ("stock", "receive"): lambda kit, made, tmp: [
        "--programme",
        kit.PROGRAMME,
        "--first-booklet",
        "101",
        "--count",
        "5",
        "--kind",
        "delivered",
    ],  # fmt: skip
    ("beneficiary", "add"): lambda kit, made, tmp: [
        "--last-name",
        "Martin",
        "--first-name",
        "Zoé",
        "--birth-date",
        "1990-01-02",
    ],  # fmt: skip
    ("beneficiary", "find"): lambda kit, made, tmp: ["helene"],
    ("handout",): lambda kit, made, tmp: [
        "--beneficiary",
        str(made.people["Łucja"]),
        "--booklet",
        kit.booklet(4),
    ],  # fmt: skip
    ("handout", "cancel"): lambda kit, made, tmp: [str(made.handouts["first"]), "--reason", "x"],
    ("void",): lambda kit, made, tmp: [kit.booklet(5), "--reason", "lost"],
    ("agent", "add"): lambda kit, made, tmp: ["--login", "paul", "--name", "Paul Martin"],
    ("agent", "list"): lambda kit, made, tmp: [],
    ("agent", "password"): lambda kit, made, tmp: ["marie", "--password-stdin"],
    ("agent", "role"): lambda kit, made, tmp: ["marie", "--role", "supervisor"],
    ("agent", "disable"): lambda kit, made, tmp: ["marie"],
    ("agent", "enable"): lambda kit, made, tmp: ["marie"],
    ("agent", "unlock"): lambda kit, made, tmp: ["marie"],
    ("agent", "history"): lambda kit, made, tmp: ["marie"],
    ("print", "booklets"): lambda kit, made, tmp: [
        kit.booklet(4),
        "-o",
        str(tmp / "b.pdf"),
        "--reprint-reason",
        "abîmé",
    ],  # fmt: skip
    ("print", "receipt"): lambda kit, made, tmp: [
        str(made.handouts["first"]),
        "-o",
        str(tmp / "r.pdf"),
    ],  # fmt: skip
    ("print", "history"): lambda kit, made, tmp: [kit.booklet(1)],
    ("register",): lambda kit, made, tmp: [
        "--programme",
        kit.PROGRAMME,
        "--from",
        "2024-01-01",
        "--to",
        "2099-12-31",
        "-o",
        str(tmp / "registre.pdf"),
    ],  # fmt: skip
    ("unused",): lambda kit, made, tmp: [
        "--programme",
        kit.PROGRAMME,
        "-o",
        str(tmp / "inutilise.xlsx"),
    ],  # fmt: skip
    ("closing",): lambda kit, made, tmp: [
        "--count",
        f"{kit.PROGRAMME}=97",
        "--count",
        f"{kit.OTHER_PROGRAMME}=10",
    ],  # fmt: skip
    ("print", "orientation"): lambda kit, made, tmp: [
        str(made.people["Hélène"]),
        "-o",
        str(tmp / "o.pdf"),
    ],  # fmt: skip
    ("places", "import"): lambda kit, made, tmp: [str(PLACES_FILE)],
    ("usage", "import"): lambda kit, made, tmp: [str(_usage_file(kit, tmp))],
    ("usage", "mapping"): lambda kit, made, tmp: [
        "Aptic",
        "--code",
        "a",
        "--date",
        "b",
        "--place",
        "c",
        "--amount",
        "d",
    ],  # fmt: skip
    ("usage", "rates"): lambda kit, made, tmp: [],
    ("followup", "list"): lambda kit, made, tmp: ["--weeks", "0"],
    ("followup", "call"): lambda kit, made, tmp: [
        str(made.people["Hélène"]),
        "--outcome",
        "no_answer",
    ],  # fmt: skip
    ("person", "export"): lambda kit, made, tmp: [
        str(made.people["Hélène"]),
        "-o",
        str(tmp / "donnees.json"),
    ],  # fmt: skip
    ("person", "erase"): lambda kit, made, tmp: [
        str(made.people["Łucja"]),
        "--reason",
        "demande écrite",
    ],  # fmt: skip
    ("purge",): lambda kit, made, tmp: ["--dry-run"],
    ("access-log",): lambda kit, made, tmp: [],
    ("notice",): lambda kit, made, tmp: [],
    ("migrate-to",): lambda kit, made, tmp: [SERVER_SAMPLE],
    ("desk", "add"): lambda kit, made, tmp: [
        "--code",
        "BRON",
        "--name",
        "Mairie de Bron",
        "--admin",
        "bron",
        "--password-stdin",
    ],  # fmt: skip
    ("desk", "coordination"): lambda kit, made, tmp: [REGISTER_CODE],
    ("transfers",): lambda kit, made, tmp: [],
}
REGISTER_CODE = "FRANCE-SERVI"  # the code the register's desk, "France Services Lyon 8e", has
# Commands whose sample names a PostgreSQL database: the accepted test makes it on the session's
# server in place of SERVER_SAMPLE (the refused test is refused before any connection).
ON_A_SERVER = {("migrate-to",)}
SERVER_SAMPLE = "postgresql+psycopg://passdesk@127.0.0.1:9/passdesk_auth_sample"
# What those commands read on standard input when given the password (a new password).
STDIN = {
    ("agent", "password"): "une-autre-phrase-de-passe\n",
    ("desk", "add"): "bron-nuage-tambour-citron\n",
}


def made_up_arguments(parser: argparse.ArgumentParser, tmp: Path) -> list[str]:
    """Arguments a command's parser accepts, for a command without a sample: a number, a
    date, a file, the first choice or a word."""

    def value(action: argparse.Action) -> str:
        if action.choices:
            return str(next(iter(action.choices)))
        hint = f"{action.metavar or ''} {action.dest}".lower()
        if "file" in hint or "output" in hint:
            return str(tmp / "out.pdf")
        if "date" in hint or "yyyy" in hint:
            return "2026-01-02"
        if action.type is not None and getattr(action.type, "__name__", "") != "str":
            return "1"
        return "x"

    words: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        if not action.option_strings:
            words.append(value(action))
        elif action.required:
            words += [action.option_strings[0], value(action)]
    return words


def arguments(words: tuple[str, ...], kit: Any, made: Any, tmp: Path) -> list[str]:
    sample = SAMPLES.get(words)
    rest = sample(kit, made, tmp) if sample else made_up_arguments(COMMANDS[words], tmp)
    return [*words, *rest]


def test_the_parser_walk_finds_every_command() -> None:
    assert {("init",), ("handout",), ("handout", "cancel"), ("agent", "add")} <= set(COMMANDS)
    assert set(SAMPLES) <= set(COMMANDS), "a sample for a command that no longer exists"
    assert set(COMMANDS) >= OPEN


@pytest.mark.parametrize("words", GUARDED, ids=[" ".join(w) for w in GUARDED])
def test_refused_without_the_password_and_nothing_changes(
    words: tuple[str, ...], register: Any, kit: Any, tmp_path: Path
) -> None:
    console, made = register
    args = arguments(words, kit, made, tmp_path)
    before = kit.dump(console.database)
    refused = console.run(*args, credentials=False)
    assert refused.status == 1, refused
    assert "mot de passe" in refused.err and NEEDS_PASSWORD in refused.err, refused.err
    assert kit.dump(console.database) == before
    assert not list(tmp_path.glob("*.pdf"))


@pytest.mark.parametrize(
    "words",
    [
        pytest.param(w, id=" ".join(w), marks=[pytest.mark.postgres] if w in ON_A_SERVER else [])
        for w in GUARDED
    ],
)
def test_accepted_with_the_password(
    words: tuple[str, ...], register: Any, kit: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    console, made = register
    args = arguments(words, kit, made, tmp_path)
    if words in ON_A_SERVER:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database("auth_sample")
        request.addfinalizer(lambda: server.drop_database("auth_sample"))
        args = [url if arg == SERVER_SAMPLE else arg for arg in args]
    result = console.run(*args, stdin=STDIN.get(words))
    assert NEEDS_PASSWORD not in result.err and "incorrect" not in result.err, result
    if words in SAMPLES:
        assert result.status == 0, result


@pytest.mark.parametrize("words", sorted(OPEN), ids=[" ".join(w) for w in sorted(OPEN)])
def test_open_commands_run_without_a_password(
    words: tuple[str, ...], register: Any, kit: Any, tmp_path: Path
) -> None:
    console, made = register
    rest = [kit.booklet(1)] if words == ("lookup",) else []
    if words == ("backup", "verify"):
        console.ok("backup", "create", credentials=False)
    result = console.run(*words, *rest, credentials=False)
    assert result.status == 0, result
    for first, last, _born in kit.PEOPLE:
        assert first not in result.out + result.err and last not in result.out + result.err


def test_lookup_names_the_person_only_for_an_agent_who_gave_a_password(
    register: Any, kit: Any
) -> None:
    console, _made = register
    anonymous = console.run("lookup", kit.booklet(1), as_json=True, credentials=False)
    assert anonymous.status == 0, anonymous
    assert anonymous.json()["beneficiary_name"] is None
    assert anonymous.json()["receipt_number"]  # what the code is, not who has it
    assert "Hélène" not in console.run("lookup", kit.booklet(1), credentials=False).out
    shown = console.data("--agent", "marie", "lookup", kit.booklet(1))
    assert shown["beneficiary_name"] == "Hélène N'Diaye"
    wrong = console.run("--agent", "marie", "lookup", kit.booklet(1), credentials=False)
    assert wrong.status == 1 and NEEDS_PASSWORD in wrong.err  # --agent asks for the password


def test_the_password_on_standard_input_and_a_wrong_one(register: Any, kit: Any) -> None:
    console, _made = register
    by_stdin = console.run(
        "--password-stdin", "beneficiary", "find", "helene",
        credentials=False, stdin=kit.ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert by_stdin.status == 0, by_stdin
    assert "N'DIAYE Hélène" in by_stdin.out
    wrong = console.run(
        "--agent", "marie", "--password-stdin", "beneficiary", "find", "helene",
        credentials=False, stdin="pas-le-sien\n",
    )  # fmt: skip
    assert wrong.status == 1
    assert "Identifiant ou mot de passe incorrect" in wrong.err
    assert "Hélène" not in wrong.out


def test_a_new_agent_acts_with_the_password_given_at_creation(register: Any, kit: Any) -> None:
    console, _made = register
    console.ok(
        "agent", "add", "--login", "paul", "--name", "Paul Martin", "--role", "supervisor",
        "--password-stdin", stdin="paul-phrase-tres-longue\n",
    )  # fmt: skip
    weak = console.run(
        "agent",
        "add",
        "--login",
        "lea",
        "--name",
        "Léa",
        "--password-stdin",
        stdin="azertyuiop123\n",
    )
    assert weak.status == 2
    assert "trop facile à deviner" in weak.err and "mots" in weak.err, weak.err
    env = {kit.PASSWORD_VARIABLE: "paul-phrase-tres-longue"}
    done = kit.run_installed("--database", str(console.database), "--agent", "paul",
                             "void", kit.booklet(6), "--reason", "damaged", env=env)  # fmt: skip
    assert done.status == 0, done


def test_init_sets_the_administrators_password_and_refuses_without_one(
    console: Any, kit: Any
) -> None:
    refused = console.run("init", "--desk", "Mairie de Lyon 3e", credentials=False)
    assert refused.status == 1
    assert "mot de passe" in refused.err and NEEDS_PASSWORD in refused.err
    assert not console.database.exists() or not kit.dump(console.database).get("desk")
    weak = console.run("init", "--desk", "Mairie de Lyon 3e", "--password-stdin",
                       credentials=False, stdin="mairielyon\n")  # fmt: skip
    assert weak.status == 2 and "trop facile" in weak.err
    console.ok("init", "--desk", "Mairie de Lyon 3e", "--password-stdin",
               credentials=False, stdin="trois-mots-sans-rapport\n")  # fmt: skip
    listed = console.run("--password-stdin", "agent", "list", credentials=False,
                         stdin="trois-mots-sans-rapport\n")  # fmt: skip
    assert listed.status == 0 and "admin" in listed.out


@pytest.fixture
def movable_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MovableClock]:
    """The console's services on a clock the test moves: the waits between wrong passwords
    pass without sleeping."""
    import passdesk.services as services_module

    clock = MovableClock(datetime.now(UTC))  # after the register's own events
    real = services_module.open_services

    def open_on_clock(database: Any = None, **_kw: Any) -> Any:
        return real(database, clock=clock)

    monkeypatch.setattr(services_module, "open_services", open_on_clock)
    yield clock


def test_the_sixth_wrong_password_locks_the_agent(
    register: Any, kit: Any, movable_clock: MovableClock
) -> None:
    console, _made = register

    def as_marie(password: str) -> Any:
        return console.run(
            "--agent", "marie", "--password-stdin", "beneficiary", "find", "helene",
            credentials=False, stdin=password + "\n",
        )  # fmt: skip

    for attempt in range(1, 6):
        wrong = as_marie("pas-le-bon")
        assert wrong.status == 1 and "incorrect" in wrong.err, (attempt, wrong)
        if attempt >= 3:  # the next try must wait: refused unchecked, not counted
            early = as_marie(kit.agent_password("marie"))
            assert early.status == 1 and "réessayez dans" in early.err, early
        movable_clock.advance(timedelta(minutes=1))
    sixth = as_marie("pas-le-bon")
    assert sixth.status == 1 and "verrouillé" in sixth.err, sixth
    # locked: the right password no longer opens it, even a day later
    movable_clock.advance(timedelta(days=1))
    locked = as_marie(kit.agent_password("marie"))
    assert locked.status == 1 and "verrouillé" in locked.err and "Hélène" not in locked.out
    history = console.data("agent", "history", "marie")
    assert history[0]["kind"] == "locked" and history[0]["by_login"] is None
    # an administrator lifts the lock; it is recorded
    console.ok("agent", "unlock", "marie")
    assert as_marie(kit.agent_password("marie")).status == 0
    kinds = [e["kind"] for e in console.data("agent", "history", "marie")]
    assert kinds[:2] == ["unlocked", "locked"]
    listing = json.loads(console.ok("agent", "list", as_json=True).out)
    assert {a["login"]: a["locked"] for a in listing}["marie"] is False
