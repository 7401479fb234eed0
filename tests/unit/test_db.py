"""The database layer: SQLite settings on every connection, write locks, where the file is,
network shares and damaged files refused with an EnvironmentProblem."""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from passdesk import paths
from passdesk.errors import EnvironmentProblem
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor
from passdesk.store import Database, location, open_database, resolve_url, sqlite_path
from passdesk.store import database as db_module
from passdesk.store.database import BUSY_TIMEOUT_MS
from passdesk.store.location import is_network_path

pytestmark = pytest.mark.sqlite_only  # pragmas, locks and files of SQLite itself

# ---------------------------------------------------------------------------------------------
# Pragmas and transactions


def _pragmas(raw: sqlite3.Connection) -> tuple[str, int, int, int]:
    values = [
        raw.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    ]
    return str(values[0]).lower(), int(values[1]), int(values[2]), int(values[3])


def test_pragmas_hold_on_every_pooled_connection(db: Database) -> None:
    with ExitStack() as stack:
        connections = [stack.enter_context(db.engine.connect()) for _ in range(4)]
        raws = [c.connection.driver_connection for c in connections]
        assert len({id(r) for r in raws}) == len(raws), "the pool handed out distinct connections"
        for raw in raws:
            assert raw is not None
            journal, synchronous, foreign_keys, busy = _pragmas(raw)
            assert journal == "wal"
            assert synchronous == 2  # FULL
            assert foreign_keys == 1
            assert busy >= 5000
            assert raw.isolation_level is None  # the driver's own BEGIN handling is off
        for connection in connections:
            connection.rollback()
    found = db.pragmas()
    assert (found.journal_mode, found.synchronous, found.foreign_keys) == ("wal", 2, 1)
    assert found.busy_timeout == BUSY_TIMEOUT_MS >= 5000
    db.check_settings()


def test_foreign_keys_are_enforced(db: Database) -> None:
    ghost = text(
        "INSERT INTO agent (desk_id, login, display_name, role, active, created_at) "
        "VALUES (999, 'ghost', 'Ghost', 'agent', 1, '2026-01-01 00:00:00')"
    )
    with pytest.raises(Exception, match="FOREIGN KEY"):
        db.transaction(lambda session: session.execute(ghost))


def _try_write_lock(path: Path) -> str | None:
    """Try to take the write lock from another connection without waiting; the error or None."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return None
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()


def test_write_session_holds_the_write_lock_from_its_first_statement(
    db: Database, db_path: Path
) -> None:
    assert _try_write_lock(db_path) is None
    seen = []

    def work(session: Session) -> None:
        # Only a read so far: a plain BEGIN would not lock out other writers in WAL mode.
        session.execute(text("SELECT count(*) FROM desk")).scalar_one()
        seen.append(_try_write_lock(db_path))

    db.transaction(work)
    assert seen == ["database is locked"]
    assert _try_write_lock(db_path) is None


def test_read_session_does_not_block_writers(db: Database, db_path: Path) -> None:
    with db.read() as session:
        session.execute(text("SELECT count(*) FROM desk")).scalar_one()
        assert session.in_transaction()
        assert _try_write_lock(db_path) is None


def test_write_session_commits_everything_or_nothing(db: Database, db_path: Path) -> None:
    def desks() -> int:
        connection = sqlite3.connect(db_path)
        try:
            return connection.execute("SELECT count(*) FROM desk").fetchone()[0]
        finally:
            connection.close()

    insert = text(
        "INSERT INTO desk (code, name, address, postcode, commune, created_at) "
        "VALUES ('MAIRIE', 'Mairie', '', '', '', '2026-01-01 00:00:00')"
    )

    def failing(session: Session) -> None:
        session.execute(insert)
        raise RuntimeError("failure halfway")

    with pytest.raises(RuntimeError):
        db.transaction(failing)
    assert desks() == 0
    db.transaction(lambda session: session.execute(insert))
    assert desks() == 1


def test_a_write_that_waits_too_long_is_an_environment_problem(
    services: Services, agent: Actor, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another desk holding the write lock
    try:
        # New connections take the busy timeout from the module: 1 ms instead of 10 s here.
        monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 1)
        services.db.engine.dispose()
        with pytest.raises(EnvironmentProblem, match="occupée"):
            services.beneficiaries.register(
                agent, BeneficiaryInput("Durand", "Zoé", "1990-01-01"), allow_duplicate=True
            )
    finally:
        blocker.rollback()
        blocker.close()
    assert services.beneficiaries.count() == 0


def test_database_errors_are_logged_without_the_values(
    services: Services, agent: Actor, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    raw = sqlite3.connect(db_path)
    raw.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON beneficiary "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    )
    raw.commit()
    raw.close()
    with caplog.at_level(logging.DEBUG), pytest.raises(Exception) as caught:
        services.beneficiaries.register(
            agent, BeneficiaryInput("Secretnom", "Zoé", "1990-01-01"), allow_duplicate=True
        )
    logging.getLogger("passdesk").exception("as the console logs it", exc_info=caught.value)
    assert "Secretnom" not in caplog.text and "Secretnom" not in str(caught.value)


# ---------------------------------------------------------------------------------------------
# Where the database is


def test_resolve_url_default_is_the_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PASSDESK_DATABASE", raising=False)
    url = resolve_url()
    assert url == f"sqlite:///{paths.default_database_path()}"
    assert sqlite_path(url) == paths.default_database_path()
    assert paths.data_dir() in sqlite_path(url).parents  # type: ignore[union-attr]


def test_resolve_url_from_environment_and_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_env = tmp_path / "env" / "desk.sqlite3"
    monkeypatch.setenv("PASSDESK_DATABASE", str(from_env))
    assert resolve_url() == f"sqlite:///{from_env}"
    assert sqlite_path(resolve_url()) == from_env

    option = tmp_path / "option.sqlite3"
    assert resolve_url(str(option)) == f"sqlite:///{option}"  # --database wins over the variable
    assert resolve_url(option) == f"sqlite:///{option}"  # a Path works as well

    pg = "postgresql+psycopg://desk:secret@server/passdesk"
    assert resolve_url(pg) == pg
    assert sqlite_path(pg) is None
    monkeypatch.setenv("PASSDESK_DATABASE", pg)
    assert resolve_url() == pg
    assert sqlite_path("sqlite://") is None
    assert sqlite_path("sqlite:///:memory:") is None


def test_resolve_url_makes_relative_and_home_paths_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert sqlite_path(resolve_url("sub/desk.sqlite3")) == tmp_path / "sub" / "desk.sqlite3"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert sqlite_path(resolve_url("~/desk.sqlite3")) == tmp_path / "home" / "desk.sqlite3"


# ---------------------------------------------------------------------------------------------
# Network shares

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
nas:/export/desk /mnt/nas nfs4 rw,relatime,vers=4.2 0 0
/dev/sdb1 /mnt/nas/local ext4 rw,relatime 0 0
//fileserver/mairie /mnt/mairie cifs rw,relatime,vers=3.0 0 0
agent@host:/srv /home/agent/remote fuse.sshfs rw,nosuid,nodev 0 0
//fileserver/with\\040space /mnt/with\\040space smb3 rw 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev 0 0
"""


@pytest.mark.parametrize(
    ("path", "network"),
    [
        ("/mnt/nas/passdesk.sqlite3", True),
        ("/mnt/nas/deep/folder/passdesk.sqlite3", True),
        ("/mnt/nas", True),
        ("/mnt/mairie/passdesk.sqlite3", True),
        ("/home/agent/remote/passdesk.sqlite3", True),
        ("/mnt/with space/passdesk.sqlite3", True),
        ("/mnt/nas/local/passdesk.sqlite3", False),  # a local disk mounted inside the share
        ("/mnt/nasty/passdesk.sqlite3", False),  # a name that only starts like the share
        ("/home/agent/passdesk.sqlite3", False),
        ("/tmp/passdesk.sqlite3", False),
        ("/var/lib/passdesk.sqlite3", False),
    ],
)
def test_is_network_path_reads_the_mount_table(path: str, network: bool) -> None:
    assert is_network_path(Path(path), MOUNTS) is network


@pytest.mark.parametrize(
    "path",
    [r"\\fileserver\mairie\passdesk.sqlite3", "//fileserver/mairie/passdesk.sqlite3"],
)
def test_unc_paths_are_network_paths(path: str) -> None:
    assert is_network_path(Path(path), "/dev/sda1 / ext4 rw 0 0\n")
    assert is_network_path(Path(path))  # whatever the real mount table says


def test_local_disk_is_not_a_network_path(tmp_path: Path) -> None:
    assert not is_network_path(tmp_path / "desk.sqlite3", "/dev/sda1 / ext4 rw,relatime 0 0\n")
    assert not is_network_path(tmp_path / "desk.sqlite3", "")


def test_open_database_refuses_a_network_share_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    mounts = f"/dev/sda1 / ext4 rw 0 0\nnas:/export {share} nfs4 rw 0 0\n"
    real = location.is_network_path
    monkeypatch.setattr(
        location, "is_network_path", lambda path, mounts_text=None: real(path, mounts)
    )
    target = share / "sub" / "passdesk.sqlite3"
    with pytest.raises(EnvironmentProblem) as caught:
        open_database(target)
    assert caught.value.exit_status == 3
    assert str(target) in caught.value.message
    assert list(share.iterdir()) == []
    # The same folder off the share opens.
    local = tmp_path / "local" / "passdesk.sqlite3"
    open_database(local).close()
    assert local.exists()


def test_open_database_without_create_refuses_a_missing_file(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "passdesk.sqlite3"
    with pytest.raises(EnvironmentProblem) as caught:
        open_database(target, create=False)
    assert caught.value.exit_status == 3
    assert not target.parent.exists()


# ---------------------------------------------------------------------------------------------
# Damaged files


@pytest.mark.parametrize("size", [16, 4096, 65536])
def test_a_file_that_is_not_a_database_is_an_environment_problem(tmp_path: Path, size: int) -> None:
    target = tmp_path / "passdesk.sqlite3"
    garbage = (os.urandom(size // 2) + b"not a database " * size)[:size]
    target.write_bytes(garbage)
    with pytest.raises(EnvironmentProblem) as caught:
        open_database(target)
    assert caught.value.exit_status == 3
    assert isinstance(caught.value.__cause__, Exception)
    assert target.read_bytes() == garbage


def test_a_database_with_a_damaged_schema_is_an_environment_problem(tmp_path: Path) -> None:
    target = tmp_path / "passdesk.sqlite3"
    open_database(target).close()
    data = bytearray(target.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    # Overwrite page 1 after the 100-byte header: the schema table's b-tree is gone.
    data[100:page_size] = b"\xa5" * (page_size - 100)
    target.write_bytes(bytes(data))
    with pytest.raises(EnvironmentProblem) as caught:
        open_database(target)
    assert caught.value.exit_status == 3
