"""PassDesk's files are the owner's alone: after a console session every folder under
PASSDESK_HOME is 0700 and every file 0600 (database, WAL, log, backup, receipt), even with
the usual umask 022 and folders an older PassDesk made 0755; receipt previews left in the
temporary folder by a killed PassDesk are swept at the next start."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from passdesk import paths
from passdesk.store import Database
from passdesk.store import schema as migrations

pytestmark = pytest.mark.skipif(os.name != "posix", reason="modes are POSIX permission bits")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def console(home: Path, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    """The installed passdesk-admin, started with the common umask 022."""
    environment = {k: v for k, v in os.environ.items() if k != "PASSDESK_DATABASE"}
    environment.update(PASSDESK_HOME=str(home), PASSDESK_PASSWORD=password)
    return subprocess.run(
        [str(Path(sys.executable).with_name("passdesk-admin")), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        umask=0o022,
        timeout=120,
        check=False,
    )


def an_older_install(home: Path) -> Path:
    """A home as an older PassDesk left it: folders 0755, a database at the first schema (so
    this session upgrades it and backs it up first) and a log, both 0644."""
    data = home / "data"
    data.mkdir(parents=True)
    (home / "logs").mkdir()
    database = data / "passdesk.sqlite3"
    db = Database(f"sqlite:///{database}")
    try:
        from alembic import command

        config = migrations.alembic_config(db)
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0001")
    finally:
        db.close()
    (home / "logs" / "passdesk.log").write_text("an older log\n", encoding="utf-8")
    for folder in (home, data, home / "logs"):
        folder.chmod(0o755)
    for file in (database, home / "logs" / "passdesk.log"):
        file.chmod(0o644)
    return database


def test_every_file_under_the_home_is_the_owners_alone(tmp_path: Path, kit: Any) -> None:
    home = tmp_path / "home"
    database = an_older_install(home)
    password = kit.ADMIN_PASSWORD
    steps = [
        ("init", "--desk", "Mairie de Vénissieux"),
        ("programme", "add", "--code", kit.PROGRAMME, "--name", "Pass", *kit.PROGRAMME_ARGS,
         "--funder", "État=100"),
        ("stock", "receive", "--programme", kit.PROGRAMME, "--first-booklet", "1", "--count", "3"),
        ("beneficiary", "add", "--last-name", "N'Diaye", "--first-name", "Hélène",
         "--birth-date", "1980-05-04"),
        ("handout", "--beneficiary", "1", "--booklet", kit.booklet(1)),
    ]  # fmt: skip
    for step in steps:
        done = console(home, *step, password=password)
        assert done.returncode == 0, (step, done.stderr)
    # a reader keeps the database open, so that the WAL and its index outlive the last write
    reader = sqlite3.connect(database)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM handout").fetchone()
        receipt = home / "data" / "recepisse.pdf"
        done = console(home, "print", "receipt", "1", "-o", str(receipt), password=password)
        assert done.returncode == 0, done.stderr

        found = {p.relative_to(home).as_posix(): p for p in home.rglob("*")}
        files = {name for name, p in found.items() if p.is_file()}
        assert {
            "data/passdesk.sqlite3",
            "data/passdesk.sqlite3-wal",
            "data/passdesk.sqlite3-shm",
            "data/recepisse.pdf",
            "logs/passdesk.log",
        } <= files, files
        assert any(name.startswith("data/backups/") for name in files), files
        loose = {
            name: oct(mode(p))
            for name, p in [("(home)", home), *found.items()]
            if mode(p) != (paths.PRIVATE_FOLDER if p.is_dir() else paths.PRIVATE_FILE)
        }
        assert not loose, loose
    finally:
        reader.rollback()
        reader.close()


def test_a_receipt_preview_gets_a_private_folder_named_after_this_process() -> None:
    folder = paths.receipt_preview_folder()
    try:
        assert mode(folder) == paths.PRIVATE_FOLDER
        assert folder.name.startswith(f"{paths.RECEIPT_PREVIEW_PREFIX}{os.getpid()}-")
        assert paths.sweep_receipt_previews(folder.parent) >= 0
        assert folder.exists()  # this process's own preview is never swept
    finally:
        folder.rmdir()


def test_previews_left_by_a_killed_passdesk_are_swept_at_start(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    prefix = paths.RECEIPT_PREVIEW_PREFIX
    left = tmp_path / f"{prefix}{gone.pid}-k1ll3d"
    mine = tmp_path / f"{prefix}{os.getpid()}-open"
    running = tmp_path / f"{prefix}1-other"  # pid 1 always runs
    older_name = tmp_path / f"{prefix}abc123"  # before the pid was in the name
    other = tmp_path / "not-a-preview"
    for folder in (left, mine, running, older_name, other):
        folder.mkdir()
        (folder / "recepisse-2026-000001.pdf").write_bytes(b"%PDF-")
    os.utime(older_name, (0, 0))

    assert paths.sweep_receipt_previews(tmp_path) == 2
    assert not left.exists() and not older_name.exists()
    assert mine.exists() and running.exists() and other.exists()
