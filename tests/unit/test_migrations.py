"""Schema migrations: the migrated schema is the models' schema, a newer database is refused
untouched, and a failed upgrade puts the backup back."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from passdesk import paths
from passdesk.errors import EnvironmentProblem
from passdesk.models import Base
from passdesk.services import Services
from passdesk.services.base import Clock
from passdesk.store import Database, open_database
from passdesk.store import schema as migrations
from passdesk.store.database import create_passdesk_engine

if TYPE_CHECKING:
    from conftest import RawDb


# ---------------------------------------------------------------------------------------------
# Migrations and models build the same schema


def _schema(path: Path) -> dict[str, Any]:
    """Tables with their columns, indexes and foreign keys, as SQLite itself describes them."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name"
            )
        ]
        schema: dict[str, Any] = {}
        for table in tables:
            columns = sorted(
                (name, kind.upper(), notnull, default, pk)
                for _cid, name, kind, notnull, default, pk in connection.execute(
                    f"PRAGMA table_info('{table}')"
                )
            )
            # SQLite numbers the indexes behind UNIQUE constraints in declaration order; only
            # what they cover matters.
            indexes = sorted(
                (
                    "(unique constraint)" if name.startswith("sqlite_autoindex_") else name,
                    unique,
                    origin,
                    partial,
                    tuple(
                        col
                        for _seq, _cid, col in connection.execute(f"PRAGMA index_info('{name}')")
                    ),
                )
                for _seq, name, unique, origin, partial in connection.execute(
                    f"PRAGMA index_list('{table}')"
                )
            )
            foreign_keys = sorted(
                (other, source, target, on_update, on_delete)
                for _id, _seq, other, source, target, on_update, on_delete, _match in (
                    connection.execute(f"PRAGMA foreign_key_list('{table}')")
                )
            )
            schema[table] = {"columns": columns, "indexes": indexes, "foreign_keys": foreign_keys}
        return schema
    finally:
        connection.close()


def test_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    migrated_path = tmp_path / "migrated.sqlite3"
    migrated = open_database(migrated_path)
    try:
        assert migrations.current_revision(migrated) == migrations.head_revision()
        with migrated.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "target_metadata": Base.metadata}
            )
            differences = compare_metadata(context, Base.metadata)
            connection.rollback()
        assert differences == []
    finally:
        migrated.close()

    created_path = tmp_path / "created.sqlite3"
    engine = create_passdesk_engine(f"sqlite:///{created_path}")
    Base.metadata.create_all(engine)
    engine.dispose()

    migrated_schema, created_schema = _schema(migrated_path), _schema(created_path)
    assert set(migrated_schema) == set(Base.metadata.tables)
    assert migrated_schema == created_schema


def test_the_declared_head_is_the_newest_script() -> None:
    # Start-up trusts HEAD to skip Alembic; a new revision must move it.
    assert migrations.head_revision() == migrations.HEAD


def test_opening_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "current.sqlite3"
    open_database(path).close()
    script = (
        "import sys; from passdesk.store import open_database; "
        f"open_database({str(path)!r}).close(); "
        "print('alembic' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_a_new_database_is_at_head_without_any_backup(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.sqlite3")
    try:
        assert migrations.current_revision(db) == migrations.head_revision()
        migrations.ensure_current(db)  # does not raise
    finally:
        db.close()
    assert list(paths.backup_dir().iterdir()) == []


# ---------------------------------------------------------------------------------------------
# A database written by a newer PassDesk


def _settle(path: Path) -> None:
    """Fold the WAL into the main file, so that the file alone holds the whole database."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


@pytest.mark.parametrize("upgrade", [True, False])
def test_a_newer_database_is_refused_and_left_byte_for_byte(
    tmp_path: Path, upgrade: bool, clock: Clock, raw_db: type[RawDb]
) -> None:
    path = tmp_path / "newer.sqlite3"
    db = open_database(path)
    Services.build(db, clock).accounts.init_desk(name="Mairie")
    db.close()
    future = "f9e8d7c6b5a4"
    assert raw_db(path).execute("UPDATE alembic_version SET version_num = ?", (future,)) == 1
    _settle(path)
    before = path.read_bytes()

    with pytest.raises(EnvironmentProblem) as caught:
        open_database(path, upgrade=upgrade)

    assert caught.value.exit_status == 3
    assert future in caught.value.message
    assert path.read_bytes() == before
    assert list(paths.backup_dir().iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Upgrades from an older revision: backup first, restored on failure


def _scripts_with_extra_revision(tmp_path: Path, upgrade_body: str) -> Path:
    """A copy of PassDesk's migration scripts with one more revision after the current head."""
    scripts = tmp_path / "scripts"
    shutil.copytree(
        Path(migrations.__file__).parent / "migrations",
        scripts,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    head = migrations.head_revision()
    (scripts / "versions" / "9000_test_step.py").write_text(
        textwrap.dedent(
            f'''\
            """a step added by the test"""

            import sqlalchemy as sa
            from alembic import op

            revision = "9000"
            down_revision = {head!r}
            branch_labels = None
            depends_on = None


            def upgrade() -> None:
            '''
        )
        + textwrap.indent(textwrap.dedent(upgrade_body), "    ")
        + "\n\ndef downgrade() -> None:\n    pass\n",
        encoding="utf-8",
    )
    return scripts


def _use_scripts(monkeypatch: pytest.MonkeyPatch, scripts: Path) -> None:
    real = migrations.alembic_config

    def alembic_config(db: Database | None = None) -> Config:
        config = real(db)
        config.set_main_option("script_location", str(scripts))
        return config

    monkeypatch.setattr(migrations, "alembic_config", alembic_config)
    # The code's declared head moves with its scripts, as it would in a real release.
    monkeypatch.setattr(migrations, "HEAD", migrations.head_revision())


@pytest.fixture
def old_database(tmp_path: Path, clock: Clock) -> Path:
    """A database at this code's head, with a desk: 'old' once the test adds a revision."""
    path = tmp_path / "old.sqlite3"
    db = open_database(path)
    services = Services.build(db, clock)
    admin = services.accounts.init_desk(name="Mairie de Vaulx-en-Velin")
    services.programmes.add(
        admin,
        code="MGP19",
        name="Pass",
        face_value="10",
        vouchers_per_booklet=5,
        valid_from="2026-01-01",
        valid_until="2026-12-31",
        funders=[("État", 100)],
    )
    services.stock.receive(admin, programme_code="MGP19", first_booklet=1, count=3)
    db.close()
    _settle(path)
    return path


def _backups() -> list[Path]:
    return sorted(paths.backup_dir().glob("*.sqlite3"))


def test_an_upgrade_backs_up_first_and_reaches_the_new_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_database: Path, raw_db: type[RawDb]
) -> None:
    before = raw_db(old_database).dump()
    _use_scripts(
        monkeypatch,
        _scripts_with_extra_revision(
            tmp_path, 'op.add_column("place", sa.Column("note", sa.Text(), nullable=True))\n'
        ),
    )
    assert migrations.head_revision() == "9000"

    db = open_database(old_database)
    try:
        assert migrations.current_revision(db) == "9000"
    finally:
        db.close()

    backups = _backups()
    assert len(backups) == 1
    assert "9000" in backups[0].name
    assert raw_db(backups[0]).dump() == before
    columns = [row[1] for row in raw_db(old_database).query("PRAGMA table_info('place')")]
    assert "note" in columns
    assert raw_db(old_database).scalar("SELECT count(*) FROM booklet") == 3


FAILING_STEPS = {
    # Foreign keys are off while the scripts run (SQLite's table rebuilds need it): a step that
    # leaves rows pointing nowhere is caught before the commit.
    "dangling": """\
        op.execute("DELETE FROM booklet WHERE number = 2")
        """,
    # The failure rolls the upgrade's transaction back; the backup is put back anyway.
    "in_transaction": """\
        op.execute("CREATE TABLE partial_upgrade (x INTEGER)")
        op.execute("UPDATE desk SET name = 'half upgraded'")
        raise RuntimeError("the step failed")
        """,
    # Damage already on disk when the step fails (as if a step committed on its own): only
    # the backup can undo it.
    "after_commit": """\
        op.execute("CREATE TABLE partial_upgrade (x INTEGER)")
        op.execute("INSERT INTO partial_upgrade VALUES (1)")
        op.execute("UPDATE desk SET name = 'half upgraded'")
        op.execute("DELETE FROM voucher WHERE booklet_id IN (SELECT id FROM booklet WHERE number = 2)")
        op.execute("DELETE FROM booklet WHERE number = 2")
        op.execute("COMMIT")
        raise RuntimeError("the step failed after its changes reached the disk")
        """,
}


@pytest.mark.parametrize("step", sorted(FAILING_STEPS))
def test_a_failed_upgrade_puts_the_backup_back(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    old_database: Path,
    step: str,
    raw_db: type[RawDb],
) -> None:
    raw = raw_db(old_database)
    before = raw.dump()
    old_head = migrations.head_revision()
    _use_scripts(monkeypatch, _scripts_with_extra_revision(tmp_path, FAILING_STEPS[step]))

    with pytest.raises(EnvironmentProblem) as caught:
        open_database(old_database)

    assert caught.value.exit_status == 3
    assert "RuntimeError" in caught.value.message
    backups = _backups()
    assert len(backups) == 1
    assert raw_db(backups[0]).dump() == before
    assert raw.dump() == before
    assert raw.scalar("SELECT version_num FROM alembic_version") == old_head
    assert raw.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'partial_upgrade'") == 0
    assert raw.scalar("PRAGMA integrity_check") == "ok"
    # The restored file opens with this code's scripts (the extra step gone).
    monkeypatch.undo()
    reopened = open_database(old_database)
    try:
        assert migrations.current_revision(reopened) == old_head
    finally:
        reopened.close()


def test_an_old_database_is_not_opened_without_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old_database: Path
) -> None:
    before = old_database.read_bytes()
    _use_scripts(
        monkeypatch,
        _scripts_with_extra_revision(tmp_path, 'op.execute("CREATE TABLE never (x INTEGER)")\n'),
    )
    with pytest.raises(EnvironmentProblem) as caught:
        open_database(old_database, upgrade=False)
    assert caught.value.exit_status == 3
    assert old_database.read_bytes() == before
    assert _backups() == []


# ---------------------------------------------------------------------------------------------
# A database of the first release, holding a desk's work, upgraded to this code's head

FIRST_RELEASE = "0001"


def _at_first_release(path: Path) -> None:
    """An empty database built by the first release's migration alone."""
    from alembic import command

    engine = create_passdesk_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            config = migrations.alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, FIRST_RELEASE)
    finally:
        engine.dispose()


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info('{table}')")]


def _copy_into_older(source: Path, target: Path) -> dict[str, tuple[str, list[Any]]]:
    """Every row of `source` written into `target`'s older tables, in the columns those have:
    the same desk as the first release would have stored it. Returns, by table, the columns
    copied (as a SELECT list) and the rows."""
    copied: dict[str, tuple[str, list[Any]]] = {}
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        tables = [
            name
            for (name,) in dst.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
            )
        ]
        for table in tables:
            columns = [c for c in _columns(dst, table) if c in _columns(src, table)]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = src.execute(f'SELECT {listed} FROM "{table}" ORDER BY rowid').fetchall()
            marks = ", ".join("?" * len(columns))
            dst.executemany(f'INSERT INTO "{table}" ({listed}) VALUES ({marks})', rows)
            copied[table] = (listed, rows)
    return copied


def test_a_first_release_database_with_a_desks_work_upgrades_with_its_data_and_defaults(
    tmp_path: Path, clock: Clock, raw_db: type[RawDb]
) -> None:
    from passdesk.services.beneficiaries import BeneficiaryInput
    from passdesk.services.places import PlaceInput

    # The desk's work, made by this code's services...
    work = tmp_path / "work.sqlite3"
    db = open_database(work)
    services = Services.build(db, clock)
    admin = services.accounts.init_desk(
        name="Mairie de Villeurbanne", postcode="69100", commune="Villeurbanne"
    )
    services.programmes.add(
        admin, code="MGP19", name="Pass", face_value="10", vouchers_per_booklet=5,
        valid_from="2026-01-01", valid_until="2027-12-31", funders=[("État", 100)],
    )  # fmt: skip
    services.stock.receive(admin, programme_code="MGP19", first_booklet=1, count=2)
    services.places.add(admin, PlaceInput("Médiathèque", postcode="69100", commune="Villeurbanne"))
    person = services.beneficiaries.register(
        admin,
        BeneficiaryInput(
            last_name="N'Diaye", first_name="Hélène", birth_date="1985-04-12",
            postcode="69100", commune="Villeurbanne", phone="06 12 34 56 78", consent=True,
        ),
    )  # fmt: skip
    handout = services.handouts.hand_out(admin, person.id, next_programme="MGP19")
    db.close()
    # ...as the first release stored it.
    old = tmp_path / "first-release.sqlite3"
    _at_first_release(old)
    copied = _copy_into_older(work, old)
    assert {len(copied[t][1]) for t in ("desk", "beneficiary", "handout", "place")} == {1}
    assert len(copied["voucher"][1]) == 10 and copied["ledger_event"][1]
    raw = raw_db(old)
    assert raw.scalar("SELECT version_num FROM alembic_version") == FIRST_RELEASE
    assert "contact_consent" not in [r[1] for r in raw.query("PRAGMA table_info('beneficiary')")]

    upgraded = open_database(old)  # backs up, then upgrades to head
    try:
        assert migrations.current_revision(upgraded) == migrations.HEAD
        # The data survived, row for row, in the columns it had.
        for table, (listed, rows) in copied.items():
            assert raw.query(f'SELECT {listed} FROM "{table}" ORDER BY rowid') == rows, table
        services = Services.build(upgraded, clock)
        assert services.ledger.verify().ok
        found = services.beneficiaries.get(person.id)
        assert (found.last_name, found.phone) == ("N'Diaye", person.phone) and person.phone
        receipts = [h.receipt_number for h in services.handouts.for_beneficiary(person.id)]
        assert receipts == [handout.receipt_number]
        # The new columns hold their stated defaults.
        assert found.contact_consent is False
        (place,) = services.places.list()
        assert (place.siret, place.access, place.booking_url) == ("", (), "")
        assert raw.query("SELECT gone_at FROM place") == [(None,)]
        agents = raw.query("SELECT failed_logins, retry_after, locked_at FROM agent")
        assert agents == [(0, None, None)]
        # The new tables work: the person is due a call; a call is kept.
        assert [r.beneficiary_id for r in services.followup.to_call(admin, weeks=0)] == [person.id]
        services.followup.record_call(admin, person.id, "reached")
        assert services.followup.to_call(admin, weeks=0)[0].last_outcome == "reached"
        # Issue 12: registered before notices were versioned, not erased; erasure works.
        assert raw.query(
            "SELECT notice_version_id, notice_shown_at, consent_notice_version_id, erased_at "
            "FROM beneficiary"
        ) == [(None, None, None, None)]
        services.erasure.erase(admin, person.id, "demande écrite")
        assert services.beneficiaries.search("helene") == []
        assert raw.scalar("SELECT count(*) FROM erased_person") == 1
    finally:
        upgraded.close()
    assert len(_backups()) == 1  # the first-release file, kept before the upgrade
