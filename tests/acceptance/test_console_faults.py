"""The errors a desk meets on one PC: each a French message and exit 3, never a traceback, an
exit 4 or Python's "--- Logging error ---", and the register as it was.

A full disk is a real one: a small tmpfs mounted under the test's folder (the tests run as
root on CI; elsewhere they say so and skip), holding the database and PassDesk's home (its
log), filled to a few sizes of free space down to 0 bytes.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from passdesk import paths
from passdesk.services import receipt_marks
from passdesk.staged import part_path

if TYPE_CHECKING:
    from conftest import Console, Kit, Register

ENVIRONMENT = 3
# Free space left on the disk for each round: from nothing to enough for some writes to pass.
FREE_BYTES = (0, 16 * 1024, 40 * 1024, 96 * 1024)


def assert_calm(result: object, status: int = ENVIRONMENT) -> None:
    out = result.out + result.err  # type: ignore[attr-defined]
    assert result.status == status, result  # type: ignore[attr-defined]
    assert "Traceback" not in out and "Logging error" not in out, out


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB disk of its own, mounted under tmp_path, unmounted afterwards."""
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk is made with a tmpfs mount, which needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"tmpfs cannot be mounted here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk until `leave` bytes are free; the filler file, to remove afterwards."""
    filler = disk / "filler"
    stats = os.statvfs(disk)
    size = max(0, stats.f_bavail * stats.f_frsize - leave)
    with open(filler, "wb") as stream, contextlib.suppress(OSError):
        stream.write(b"\0" * size)
    return filler


@pytest.fixture
def on_small_disk(
    register: tuple[Console, Register], small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Console, Register, Path]:
    """The register and PassDesk's home (its log) on the small disk."""
    console, made = register
    database = small_disk / "registre.sqlite3"
    shutil.copyfile(console.database, database)
    home = small_disk / "home"
    paths.set_base_dir(home)
    monkeypatch.setenv("PASSDESK_HOME", str(home))
    console.database = database
    console.ok("check")  # the log file exists before the disk fills
    return console, made, small_disk


def _commands(made: Register, kit: Kit, disk: Path) -> dict[str, list[str]]:
    return {
        "handout": ["handout", "--beneficiary", str(made.people["Łucja"]), "--next",
                    "--programme", "LYON26"],
        "register a person": ["beneficiary", "add", "--last-name", "Durand", "--first-name",
                              "Luc", "--birth-date", "1980-01-01"],
        "cancel": ["handout", "cancel", str(made.handouts["first"]), "--reason", "erreur"],
        "receive": ["stock", "receive", "--programme", "LYON26", "--first-booklet", "11",
                    "--count", "40"],
        "receipt PDF": ["print", "receipt", str(made.handouts["first"]), "-o",
                        str(disk / "recu.pdf")],
        "backup": ["backup", "create"],
        "check": ["check"],
    }  # fmt: skip


@pytest.mark.slow
def test_a_full_disk_is_said_in_french_and_loses_nothing(
    on_small_disk: tuple[Console, Register, Path], kit: Kit
) -> None:
    console, made, disk = on_small_disk
    pristine = disk / "pristine.sqlite3"
    shutil.copyfile(console.database, pristine)
    before = kit.dump(pristine)
    refusals = 0
    for free in FREE_BYTES:
        for name, args in _commands(made, kit, disk).items():
            # The in-process console leaves its engines to the garbage collector: closed now,
            # so that no connection of an earlier round lends this one SQLite's files.
            gc.collect()
            for leftover in disk.glob("registre.sqlite3*"):
                leftover.unlink()
            shutil.copyfile(pristine, console.database)
            # (the receipt marks of an earlier round would rightly raise the copy's counters)
            receipt_marks.flush()
            (paths.data_dir() / "receipt-marks.json").unlink(missing_ok=True)
            filler = fill(disk, free)
            try:
                result = console.run(*args)
                gc.collect()
            finally:
                filler.unlink()
            assert result.status in (0, ENVIRONMENT), (free, name, result)
            assert_calm(result, result.status)
            if result.status == ENVIRONMENT:
                refusals += 1
                assert "plein" in result.err, (free, name, result.err)
                assert "restaurez" not in result.err, (free, name, result.err)
                # Nothing was lost, nothing half-written: once space is back, all is as it was.
                assert kit.dump(console.database) == before, (free, name)
                assert not list(disk.glob(".*.part")), (free, name)
            if free == 0 and name != "check":
                assert result.status == ENVIRONMENT, (name, result)
            assert console.run("check").status == 0, (free, name)
    assert refusals >= len(_commands(made, kit, disk))


def test_the_real_script_at_zero_bytes_free_prints_no_logging_error(
    on_small_disk: tuple[Console, Register, Path], kit: Kit
) -> None:
    console, made, disk = on_small_disk
    before = kit.dump(console.database)
    filler = fill(disk, 0)
    try:
        for args in (
            [
                "handout",
                "--beneficiary",
                str(made.people["Łucja"]),
                "--next",
                "--programme",
                "LYON26",
            ],
            ["check"],
            ["backup", "create"],
        ):
            done = kit.run_installed("--database", str(console.database), *args,
                                     env={"PASSDESK_HOME": str(disk / "home")})  # fmt: skip
            if args == ["check"] and done.status == 0:
                continue  # reading needs no space once SQLite's index of the WAL is there
            assert_calm(done)
            assert "plein" in done.err and "restaurez" not in done.err, done.err
    finally:
        filler.unlink()
    assert kit.dump(console.database) == before


# --- read-only files and folders ------------------------------------------------------------


def test_a_read_only_database_file_is_refused_calmly(
    register: tuple[Console, Register], kit: Kit, read_only_folder: object
) -> None:
    console, made = register
    before = kit.dump(console.database)
    console.database.chmod(0o444)
    try:
        with read_only_folder.in_effect():  # type: ignore[attr-defined]
            result = console.run(
                "handout", "--beneficiary", str(made.people["Łucja"]), "--next",
                "--programme", "LYON26",
            )  # fmt: skip
            assert_calm(result)
            assert "lecture seule" in result.err and "rien n'a été modifié" in result.err
    finally:
        console.database.chmod(0o644)
    assert kit.dump(console.database) == before


def test_a_database_in_a_read_only_folder_is_refused_calmly(
    register: tuple[Console, Register], kit: Kit, read_only_folder: object
) -> None:
    console, _made = register
    folder: Path = read_only_folder.path  # type: ignore[attr-defined]
    folder.chmod(0o755)
    target = folder / "registre.sqlite3"
    shutil.copyfile(console.database, target)  # closed cleanly: no -wal, no -shm beside it
    before = kit.dump(console.database)
    folder.chmod(0o555)
    with read_only_folder.in_effect():  # type: ignore[attr-defined]
        for args in (["check"], ["programme", "list"], ["backup", "list"]):
            result = console.run("--database", str(target), *args)
            if args == ["backup", "list"]:
                assert_calm(result, 0)  # the backups can still be listed
                continue
            assert_calm(result)
            assert "lecture seule" in result.err, result.err
    assert sorted(p.name for p in folder.iterdir()) == ["registre.sqlite3"]
    assert kit.dump(target) == before


# --- addresses and files that are not PassDesk's --------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://:::",
        "postgresql://desk:secret@:::/x",
        "postgresql://desk:se/cret@:::/x",
        "postgresql://desk:s@e:cret@:::/x",
        "postgresql://desk@:::/x?sslmode=require&password=secret",
        "://nothing",
    ],
)
def test_a_malformed_database_address_is_refused(
    console: Console, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = console.run("--database", url, "check")
    assert_calm(result)
    assert "n'est pas valide" in result.err, result.err
    assert "cret" not in result.err
    assert list(tmp_path.iterdir()) == [tmp_path / "passdesk-home"]


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_applications_sqlite_file_is_refused_and_left_untouched(
    console: Console, tmp_path: Path, journal: str
) -> None:
    foreign = tmp_path / "comptabilite.sqlite3"
    with closing(sqlite3.connect(foreign)) as connection:
        connection.execute(f"PRAGMA journal_mode={journal}")
        connection.execute("CREATE TABLE facture (id INTEGER PRIMARY KEY, montant REAL)")
        connection.execute("INSERT INTO facture (montant) VALUES (12.5)")
        connection.commit()
    original = foreign.read_bytes()
    for args in (["check"], ["init", "--desk", "Mairie"], ["demo"], ["backup", "create"]):
        result = console.run("--database", str(foreign), *args)
        assert_calm(result)
        assert "ne ressemble pas à une base PassDesk" in result.err, result.err
        assert "facture" in result.err
    assert foreign.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("compta")) == [
        "comptabilite.sqlite3"
    ]  # no -wal, no -shm made beside it


# --- PassDesk's own folders ----------------------------------------------------------------


def test_passdesk_home_naming_a_file_is_said_in_french(kit: Kit, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    done = kit.run_installed("check", env={"PASSDESK_HOME": str(blocker)})
    assert_calm(done)
    assert "PASSDESK_HOME" in done.err and str(blocker) in done.err, done.err
    assert blocker.read_text() == "x"


def test_an_unwritable_log_folder_leaves_the_console_working(
    register: tuple[Console, Register], read_only_folder: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    console, _made = register
    home: Path = read_only_folder.path  # type: ignore[attr-defined]
    home.chmod(0o755)
    (home / "logs").mkdir()
    (home / "data").mkdir()
    (home / "logs").chmod(0o555)
    paths.set_base_dir(home)
    monkeypatch.setenv("PASSDESK_HOME", str(home))
    try:
        with read_only_folder.in_effect():  # type: ignore[attr-defined]
            result = console.run("programme", "list")
    finally:
        (home / "logs").chmod(0o755)
    assert_calm(result, 0)
    assert "LYON26" in result.out
    assert "Le fichier de log ne peut pas être écrit dans" in result.err
    assert str(home / "logs") in result.err and "sans fichier de log" in result.err


# --- half-written files of killed processes ----------------------------------------------


@pytest.mark.slow
def test_a_killed_demo_leaves_nothing_a_rerun_refuses(kit: Kit, tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    environment = {**os.environ, "PASSDESK_HOME": str(kit.home)}
    environment.pop("PASSDESK_DATABASE", None)
    script = str(Path(sys.executable).with_name("passdesk-admin"))
    running = subprocess.Popen(
        [script, "--database", str(database), "demo"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Killed once the demonstration is being written (its hidden part has agents in it);
        # the bound only stops a test whose child never gets there.
        for _ in range(2400):
            if running.poll() is not None or _part_has_agents(tmp_path):
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                running.wait(timeout=0.05)
    finally:
        running.send_signal(signal.SIGKILL)
        running.wait()
    assert running.returncode == -signal.SIGKILL, "the demo ended before it could be killed"
    assert list(tmp_path.glob(".demo.sqlite3.demo-*.part")), "no part left by the killed demo"

    again = kit.run_installed("--database", str(database), "demo")
    assert again.status == 0, again
    assert not list(tmp_path.glob(".*.part*"))  # swept at start
    assert kit.run_installed("--database", str(database), "check").status == 0


def _part_has_agents(folder: Path) -> bool:
    for part in folder.glob(".demo.sqlite3.demo-*.part"):
        try:
            uri = f"file:{part}?mode=ro"
            with closing(sqlite3.connect(uri, uri=True, timeout=0.1)) as connection:
                found = connection.execute("SELECT count(*) FROM agent").fetchone()[0]
        except sqlite3.Error:
            continue
        if found:
            return True
    return False


def test_abandoned_parts_are_swept_at_start_and_before_a_pdf_is_written(
    register: tuple[Console, Register], tmp_path: Path
) -> None:
    console, made = register
    data = paths.data_dir()
    prints = tmp_path / "impressions"
    prints.mkdir()
    abandoned = [part_path(data / "passdesk.sqlite3"), part_path(prints / "recu.pdf")]
    for part in abandoned:
        part.write_bytes(b"half a file")
    held = part_path(prints / "carnets.pdf")
    with open(held, "wb") as writing:  # another PassDesk is printing into it right now
        fcntl.flock(writing.fileno(), fcntl.LOCK_EX)
        console.ok("check")
        assert not abandoned[0].exists()  # the data folder, at start
        assert abandoned[1].exists()  # a folder PassDesk does not know yet
        console.ok("print", "receipt", str(made.handouts["first"]), "-o", str(prints / "r.pdf"))
        assert not abandoned[1].exists()  # swept before the PDF was written there
        assert held.exists()  # its writer lives: left alone
    (prints / ".later.pdf.0123abcd.part").write_bytes(b"killed later")
    console.ok("check")  # the folder is remembered now: swept at start
    assert not (prints / ".later.pdf.0123abcd.part").exists()
    assert not held.exists()  # its writer is gone now


def test_a_database_on_a_read_only_disk_is_still_read(
    register: tuple[Console, Register], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Making the files owner-only is a chmod, which a read-only disk refuses (EROFS, not a
    permission error): the desk still reads its register, as before it tightened modes."""
    console, _made = register
    console.database.chmod(0o644)

    def read_only_disk(self: Path, mode: int) -> None:
        raise OSError(30, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "chmod", read_only_disk)
    result = console.run("check", credentials=False)
    assert_calm(result, 0)


def test_an_address_is_shown_without_a_password_in_its_query() -> None:
    from passdesk.store import display_url

    shown = display_url("postgresql+psycopg://desk:s3cret@server/passdesk?PASSWORD=s3cret&x=1")
    assert "s3cret" not in shown
    assert shown.endswith("?PASSWORD=***&x=1") and "desk:***@server" in shown
