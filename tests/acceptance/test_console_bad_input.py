"""Bad input changes nothing: every refused command exits 1 (a rule) or 2 (bad input) with a
message in French, and the register is row-for-row what it was. Environment problems exit 3
and leave the file alone. `check` finds a journal row changed behind PassDesk's back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Console, Kit, Register

REFUSED, BAD_INPUT, ENVIRONMENT = 1, 2, 3

B = "MGP26"  # the register's main programme (limit 2 per person, booklets 1..100)
RECEIVE = ("stock", "receive", "--kind", "delivered")


@dataclass(frozen=True)
class Case:
    """A refused command: its arguments (built from the register), exit status, and a piece of
    its French message."""

    args: Callable[[Kit, Register], list[str]]
    status: int
    french: str | None = None


def _programme(code: str = "NEW26", **over: str) -> list[str]:
    options = {
        "--code": code,
        "--name": "Pass Numérique Rhône",
        "--face-value": "10",
        "--vouchers-per-booklet": "10",
        "--valid-from": "2024-01-01",
        "--valid-until": "2099-12-31",
        **over,
    }
    args = ["programme", "add"]
    for key, value in options.items():
        args += [key, value]
    return args


def _funders(*shares: str) -> list[str]:
    return [arg for share in shares for arg in ("--funder", share)]


def _person(last: str, first: str, born: str, *more: str) -> list[str]:
    return [
        "beneficiary", "add", "--last-name", last, "--first-name", first, "--birth-date", born,
        *more,
    ]  # fmt: skip


def _give(person: str, code: str, *more: str) -> Callable[[Kit, Register], list[str]]:
    def args(kit: Kit, made: Register) -> list[str]:
        return ["handout", "--beneficiary", str(made.people[person]), "--booklet", code, *more]

    return args


def _fixed(*args: str) -> Callable[[Kit, Register], list[str]]:
    return lambda kit, made: list(args)


CASES: dict[str, Case] = {
    # --- usage: the parser refuses before anything is opened -------------------------------
    "unknown option": Case(
        _fixed("handout", "--beneficiary", "1", "--booklet", "MGP26-C000004-04", "--colour=x"),
        BAD_INPUT,
        "non reconnu",
    ),
    "unknown global option": Case(_fixed("--colour", "check"), BAD_INPUT, "non reconnu"),
    "unknown command": Case(_fixed("frobnicate"), BAD_INPUT, "choix non valide"),
    "missing required option": Case(
        _fixed(*RECEIVE, "--programme", B, "--count", "5"),
        BAD_INPUT,
        "obligatoire",
    ),
    "beneficiary id not a number": Case(
        _fixed("handout", "--beneficiary", "un", "--next", "--programme", B), BAD_INPUT
    ),
    "handout without beneficiary": Case(_fixed("handout", "--next", "--programme", B), BAD_INPUT),
    "handout with neither code nor next": Case(_fixed("handout", "--beneficiary", "3"), BAD_INPUT),
    "handout with both code and next": Case(
        lambda kit, made: [
            "handout",
            "--beneficiary",
            "3",
            "--booklet",
            kit.booklet(4),
            "--next",
            "--programme",
            B,
        ],  # fmt: skip
        BAD_INPUT,
    ),
    "next without programme": Case(_fixed("handout", "--beneficiary", "3", "--next"), BAD_INPUT),
    "void with bad reason": Case(
        lambda kit, made: ["void", kit.booklet(5), "--reason", "perdu"], BAD_INPUT
    ),
    "void without reason": Case(lambda kit, made: ["void", kit.booklet(5)], BAD_INPUT),
    "cancel without reason": Case(
        lambda kit, made: ["handout", "cancel", str(made.handouts["first"])], BAD_INPUT
    ),
    "booklet list unknown status": Case(_fixed("booklet", "list", "--status", "perdu"), BAD_INPUT),
    "negative count": Case(
        _fixed(*RECEIVE, "--programme", B, "--first-booklet", "101", "--count", "-5"),
        BAD_INPUT,
    ),
    "zero count": Case(
        _fixed(*RECEIVE, "--programme", B, "--first-booklet", "101", "--count", "0"),
        BAD_INPUT,
    ),
    "booklet number zero": Case(
        _fixed(*RECEIVE, "--programme", B, "--first-booklet", "0", "--count", "5"),
        BAD_INPUT,
    ),
    # --- numbers beyond what the database holds: bad input, not an unexpected error ----------
    "beneficiary id out of range": Case(
        _fixed("handout", "--beneficiary", "99999999999999999999", "--next", "--programme", B),
        BAD_INPUT,
    ),
    "handout id out of range": Case(
        _fixed("handout", "cancel", "99999999999999999999", "--reason", "x"), BAD_INPUT
    ),
    "search limit zero": Case(_fixed("beneficiary", "find", "x", "--limit", "0"), BAD_INPUT),
    "count in exponent notation": Case(
        _fixed(*RECEIVE, "--programme", B, "--first-booklet", "1", "--count", "1e9"),
        BAD_INPUT,
    ),
    # --- dates -------------------------------------------------------------------------------
    "malformed birth date": Case(
        _fixed(*_person("Martin", "Paul", "1990-02-30")), BAD_INPUT, "date"
    ),
    "birth date in words": Case(_fixed(*_person("Martin", "Paul", "hier")), BAD_INPUT, "date"),
    "birth date in the future": Case(
        _fixed(*_person("Martin", "Paul", "2999-01-01")), BAD_INPUT, "date"
    ),
    "malformed programme date": Case(
        _fixed(*_programme(**{"--valid-from": "2026-13-01"}), *_funders("État=100")),
        BAD_INPUT,
        "n'existe pas",
    ),
    "validity ending before it starts": Case(
        _fixed(
            *_programme(**{"--valid-from": "2026-06-01", "--valid-until": "2026-01-01"}),
            *_funders("État=100"),
        ),
        BAD_INPUT,
    ),
    # --- codes -------------------------------------------------------------------------------
    "mistyped booklet code": Case(
        lambda kit, made: _give("Łucja", kit.mistype(kit.booklet(4)))(kit, made),
        BAD_INPUT,
        "clé de contrôle",
    ),
    "mistyped voucher code": Case(
        lambda kit, made: _give("Łucja", kit.mistype(kit.voucher(45)))(kit, made),
        BAD_INPUT,
        "clé de contrôle",
    ),
    "not a code": Case(_give("Łucja", "BONJOUR"), BAD_INPUT),
    "void a mistyped code": Case(
        lambda kit, made: ["void", kit.mistype(kit.booklet(5)), "--reason", "lost"],
        BAD_INPUT,
        "clé de contrôle",
    ),
    "valid code not in stock": Case(
        lambda kit, made: _give("Łucja", kit.booklet(500))(kit, made), BAD_INPUT
    ),
    # --- unknown things ------------------------------------------------------------------------
    "unknown programme for next": Case(
        _fixed("handout", "--beneficiary", "3", "--next", "--programme", "NOPE26"), BAD_INPUT
    ),
    "unknown programme for stock": Case(
        _fixed(*RECEIVE, "--programme", "NOPE26", "--first-booklet", "1", "--count", "5"),
        BAD_INPUT,
    ),
    "unknown beneficiary": Case(
        lambda kit, made: ["handout", "--beneficiary", "999", "--booklet", kit.booklet(4)],
        BAD_INPUT,
    ),
    "cancel unknown handout": Case(
        _fixed("handout", "cancel", "999", "--reason", "erreur"), BAD_INPUT
    ),
    "cancel with a blank reason": Case(
        lambda kit, made: ["handout", "cancel", str(made.handouts["first"]), "--reason", "   "],
        BAD_INPUT,
    ),
    # An unknown login is refused as a wrong password is: no hint of which logins exist.
    "unknown agent": Case(
        lambda kit, made: ["--agent", "nobody", "void", kit.booklet(5), "--reason", "lost"],
        REFUSED,
        "Identifiant ou mot de passe incorrect",
    ),
    # --- rules of the register ----------------------------------------------------------------
    "second handout by cover": Case(
        lambda kit, made: _give("Łucja", kit.booklet(1))(kit, made), REFUSED, "déjà"
    ),
    "second handout by voucher": Case(
        lambda kit, made: _give("Jean-Pierre", kit.voucher(5))(kit, made), REFUSED, "déjà"
    ),
    "limit per person reached": Case(
        lambda kit, made: _give("Hélène", kit.booklet(4))(kit, made), REFUSED, "limite"
    ),
    "limit reached, next": Case(
        lambda kit, made: [
            "handout",
            "--beneficiary",
            str(made.people["Hélène"]),
            "--next",
            "--programme",
            B,
        ],  # fmt: skip
        REFUSED,
        "limite",
    ),
    "hand out a lost booklet": Case(
        lambda kit, made: _give("Łucja", kit.booklet(100))(kit, made), REFUSED
    ),
    "booklet of another programme": Case(
        lambda kit, made: _give("Łucja", kit.booklet(1, "LYON26"), "--programme", B)(kit, made),
        REFUSED,
    ),
    "overlapping stock receive": Case(
        _fixed(*RECEIVE, "--programme", B, "--first-booklet", "95", "--count", "10"),
        REFUSED,
    ),
    "stock received twice": Case(
        _fixed(*RECEIVE, "--programme", B, "--first-booklet", "1", "--count", "100"),
        REFUSED,
    ),
    "void a voided booklet": Case(
        lambda kit, made: ["void", kit.booklet(100), "--reason", "stolen"], REFUSED
    ),
    "cancel a cancelled handout": Case(
        lambda kit, made: ["handout", "cancel", str(made.handouts["cancelled"]), "--reason", "x"],
        REFUSED,
    ),
    "init twice": Case(_fixed("init", "--desk", "Autre guichet"), REFUSED),
    # --- programmes and funders ----------------------------------------------------------------
    "funders not summing to 100": Case(
        _fixed(*_programme(), *_funders("État=45", "Métropole de Lyon=50")), BAD_INPUT, "100"
    ),
    "funder without percent": Case(_fixed(*_programme(), *_funders("État")), BAD_INPUT),
    "funder listed twice": Case(_fixed(*_programme(), *_funders("État=50", "état=50")), BAD_INPUT),
    "programme code taken": Case(_fixed(*_programme(B), *_funders("État=100")), REFUSED),
    "programme code not a code": Case(
        _fixed(*_programme("12-AB"), *_funders("État=100")), BAD_INPUT
    ),
    "negative face value": Case(
        _fixed(*_programme(**{"--face-value": "-10"}), *_funders("État=100")), BAD_INPUT
    ),
    "face value not a number": Case(
        _fixed(*_programme(**{"--face-value": "dix"}), *_funders("État=100")), BAD_INPUT
    ),
    "empty booklets": Case(
        _fixed(*_programme(**{"--vouchers-per-booklet": "0"}), *_funders("État=100")), BAD_INPUT
    ),
    # --- beneficiaries -------------------------------------------------------------------------
    "duplicate beneficiary": Case(
        _fixed(*_person("N'Diaye", "Hélène", "1980-05-04")), REFUSED, "--allow-duplicate"
    ),
    "duplicate beneficiary, other spelling and swapped date": Case(
        _fixed(*_person("N'DIAYE", "Helene", "1980-04-05")), REFUSED, "--allow-duplicate"
    ),
    "name with digits": Case(_fixed(*_person("R2D2", "Paul", "1990-01-01")), BAD_INPUT),
    "bad postcode": Case(
        _fixed(*_person("Martin", "Paul", "1990-01-01"), "--postcode", "6900"), BAD_INPUT
    ),
    "bad e-mail": Case(
        _fixed(*_person("Martin", "Paul", "1990-01-01"), "--email", "paul@"), BAD_INPUT
    ),
    # --- roles ---------------------------------------------------------------------------------
    "agent may not receive stock": Case(
        _fixed(
            "--agent",
            "marie",
            *RECEIVE,
            "--programme",
            B,
            "--first-booklet",
            "101",
            "--count",
            "5",
        ),  # fmt: skip
        REFUSED,
    ),
    "agent may not void": Case(
        lambda kit, made: ["--agent", "marie", "void", kit.booklet(5), "--reason", "lost"], REFUSED
    ),
    "agent may not cancel": Case(
        lambda kit, made: [
            "--agent",
            "marie",
            "handout",
            "cancel",
            str(made.handouts["first"]),
            "--reason",
            "erreur",
        ],  # fmt: skip
        REFUSED,
    ),
    "agent may not override the limit": Case(
        lambda kit, made: [
            "--agent",
            "marie",
            *_give("Hélène", kit.booklet(4), "--override-reason", "urgence sociale")(kit, made),
        ],  # fmt: skip
        REFUSED,
    ),
    "agent may not create a programme": Case(
        _fixed("--agent", "marie", *_programme(), *_funders("État=100")), REFUSED
    ),
    "agent may not create accounts": Case(
        _fixed("--agent", "marie", "agent", "add", "--login", "paul", "--name", "Paul"), REFUSED
    ),
    "login taken": Case(_fixed("agent", "add", "--login", "marie", "--name", "Marie"), REFUSED),
    "login with spaces": Case(
        _fixed("agent", "add", "--login", "Marie Dubois", "--name", "Marie"), BAD_INPUT
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_refused_command_changes_nothing(
    case: Case, register: tuple[Console, Register], kit: Kit
) -> None:
    console, made = register
    args = case.args(kit, made)
    before = kit.dump(console.database)

    result = console.run(*args)
    assert result.status == case.status, result
    assert result.err.strip(), "a refusal must say why"
    assert "Traceback" not in result.err + result.out
    if case.french:
        assert case.french in result.err, result.err
    assert kit.dump(console.database) == before

    # the same with --json: one document on stdout saying why, still nothing written
    result = console.run(*args, as_json=True)
    assert result.status == case.status, result
    document = result.json()
    assert document["exit"] == case.status
    assert document["error"].strip()
    assert kit.dump(console.database) == before


def test_the_refusals_are_really_refusals(register: tuple[Console, Register], kit: Kit) -> None:
    """The same commands, made right, do change the register: the dumps above could differ."""
    console, made = register
    before = kit.dump(console.database)
    console.ok(*_give("Łucja", kit.booklet(4))(kit, made))
    after = kit.dump(console.database)
    assert after != before
    assert len(after["handout"]) == len(before["handout"]) + 1
    console.ok(*_person("N'Diaye", "Hélène", "1980-05-04"), "--allow-duplicate")
    assert len(kit.dump(console.database)["beneficiary"]) == len(before["beneficiary"]) + 1


# --- environment: exit 3, and the file is left alone ----------------------------------------


def test_garbage_file_is_refused_untouched(console: Console, database: Path) -> None:
    garbage = bytes(range(256)) * 64
    database.write_bytes(garbage)
    for args in (["check"], ["programme", "list"], ["handout", "--beneficiary", "1", "--next",
                                                   "--programme", B]):  # fmt: skip
        result = console.run(*args)
        assert result.status == ENVIRONMENT, result
        assert result.err.strip() and "Traceback" not in result.err
    assert database.read_bytes() == garbage


def _stamp(path: Path, revision: str) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        connection.commit()
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def test_database_from_a_newer_passdesk_is_refused_untouched(
    register: tuple[Console, Register], kit: Kit
) -> None:
    console, _made = register
    _stamp(console.database, "9f3e_written_by_passdesk_9")
    before = console.database.read_bytes()
    backups = kit.home / "data" / "backups"
    backups_before = sorted(backups.glob("*")) if backups.exists() else []
    for args in (["check"], ["programme", "list"], ["lookup", kit.booklet(1)]):
        result = console.run(*args)
        assert result.status == ENVIRONMENT, result
        assert "9f3e_written_by_passdesk_9" in result.err
        assert "plus récente" in result.err, result.err
        assert "Traceback" not in result.err
    result = console.run("check", as_json=True)
    assert result.json()["exit"] == ENVIRONMENT
    assert console.database.read_bytes() == before
    assert (sorted(backups.glob("*")) if backups.exists() else []) == backups_before


def _unc(path: Path) -> str:
    """`//host/share/...` spelling of a folder (pointing inside tmp_path if it were collapsed)."""
    return "/" + path.as_posix()


def test_network_share_unc_path_is_refused(console: Console, tmp_path: Path, kit: Kit) -> None:
    target = tmp_path / "share" / "passdesk.sqlite3"
    unc = _unc(target)
    assert unc.startswith("//")
    result = console.run("--database", unc, "init", "--desk", "Guichet partagé")
    assert result.status == ENVIRONMENT, result
    assert "réseau" in result.err, result.err
    assert "Traceback" not in result.err
    done = kit.run_installed("--database", unc, "check")
    assert done.status == ENVIRONMENT, done
    assert "réseau" in done.err
    assert not target.exists()
    assert not target.parent.exists()


def test_network_mount_is_refused(
    console: Console, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder on an NFS mount (simulated: /proc/mounts says so) is refused before SQLite
    creates anything there."""
    mount = tmp_path / "nfs"
    mount.mkdir()
    real_read_text = Path.read_text

    def read_text(self: Path, *args: object, **kwargs: object) -> str:
        text = real_read_text(self, *args, **kwargs)  # type: ignore[arg-type]
        if self == Path("/proc/mounts"):
            text += f"fileserver:/export/desks {mount} nfs4 rw,relatime 0 0\n"
        return text

    monkeypatch.setattr(Path, "read_text", read_text)
    result = console.run("--database", str(mount / "passdesk.sqlite3"), "init", "--desk", "X")
    assert result.status == ENVIRONMENT, result
    assert "réseau" in result.err
    assert list(mount.iterdir()) == []


def test_unreachable_database_folder(console: Console, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = console.run("--database", str(blocker / "passdesk.sqlite3"), "check")
    assert result.status == ENVIRONMENT, result
    assert result.err.strip() and "Traceback" not in result.err
    result = console.run("--database", str(tmp_path), "check")  # a folder, not a file
    assert result.status == ENVIRONMENT, result


def test_unreachable_server_is_an_environment_problem(console: Console) -> None:
    """A server URL that cannot be reached (or whose driver is missing) is exit 3, not a bug."""
    result = console.run("--database", "postgresql+psycopg://desk:secret@127.0.0.1:1/x", "check")
    assert result.status == ENVIRONMENT, result
    assert "secret" not in result.err


# --- tampering ------------------------------------------------------------------------------


def test_check_names_the_first_tampered_event(register: tuple[Console, Register]) -> None:
    console, _made = register
    assert console.run("check").status == 0
    with closing(sqlite3.connect(console.database)) as connection:
        events = connection.execute(
            "SELECT id, details FROM ledger_event WHERE kind = 'handed_out' ORDER BY id"
        ).fetchall()
        assert len(events) >= 2
        target_id, details = events[1]
        assert "receipt" in details
        tampered = details.replace('"receipt":"', '"receipt":"0')
        assert tampered != details
        connection.execute(
            "UPDATE ledger_event SET details = ? WHERE id = ?", (tampered, target_id)
        )
        connection.commit()

    result = console.run("check")
    assert result.status != 0
    assert f"ROMPUE à l'événement {target_id} " in result.err, result.err
    assert f"L'événement {target_id} a été modifié" in result.err
    report = console.run("check", as_json=True)
    assert report.status != 0
    assert report.json()["ledger"]["first_bad_event"] == target_id


def test_check_reports_a_deleted_last_event(register: tuple[Console, Register]) -> None:
    console, _made = register
    with closing(sqlite3.connect(console.database)) as connection:
        (last,) = connection.execute("SELECT max(id) FROM ledger_event").fetchone()
        connection.execute("DELETE FROM ledger_event WHERE id = ?", (last,))
        connection.commit()
    report = console.run("check", as_json=True)
    assert report.status != 0
    assert report.json()["ledger"]["first_bad_event"] == last


def test_check_reports_a_changed_booklet_status(register: tuple[Console, Register]) -> None:
    """Someone marks a booklet handed out by hand: no handout backs it, check says so."""
    console, _made = register
    with closing(sqlite3.connect(console.database)) as connection:
        connection.execute("UPDATE booklet SET status = 'handed_out' WHERE number = 50")
        connection.commit()
    report = console.run("check", as_json=True)
    assert report.status != 0
    assert report.json()["orphan_handed_out"] == 1
