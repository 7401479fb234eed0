"""A throw-away PostgreSQL server for the tests and the benchmarks: the machine's own binaries.

`PostgresServer.start()` makes a cluster in a new temporary folder (`initdb`), starts it on a
free port of 127.0.0.1 and in a socket folder of its own, and `stop()` stops it and removes the
folder. PostgreSQL refuses to run as root, and CI runs the tests as root: there the cluster
belongs to the `postgres` user and `initdb`, `pg_ctl` run as that user (`runuser`). Every
connection of the tests goes over TCP as the cluster's superuser, trusted on the loopback;
the role `passdesk_pw` logs in with a password only, for the tests of a wrong password.

`make test` installs Debian's `postgresql` package when the binaries are missing (root, as on
CI); elsewhere `find_bindir` says what to install.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SUPERUSER = "postgres"
PASSWORD_ROLE = "passdesk_pw"
PASSWORD = "un-mot-de-passe-de-test"
# The cluster's default collation: the C.UTF-8 of glibc, which every Linux has; databases with
# a French ICU collation are created from template0 (`create_database(..., icu_locale=...)`).
CLUSTER_LOCALE = "C.UTF-8"
# The PostgreSQL databases the services' tests run on, besides SQLite: the cluster's own
# collation and a French ICU one, as a French server's `initdb` would give.
POSTGRES_FLAVOURS = {"postgres": None, "postgres-fr": "fr-FR"}


def find_bindir() -> Path:
    """The folder of `initdb`, `pg_ctl` and `postgres`: PG_BINDIR, else pg_config's, else the
    newest Debian cluster version, else PATH's."""
    candidates: list[str] = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(os.environ["PG_BINDIR"])
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        candidates.append(
            subprocess.run(
                ["pg_config", "--bindir"], capture_output=True, text=True, check=True
            ).stdout.strip()
        )
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )[::-1]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for candidate in candidates:
        folder = Path(candidate)
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise RuntimeError(
        "PostgreSQL's server programs (initdb, pg_ctl, postgres) are not installed: "
        "`apt-get install postgresql` (make test does it as root) or set PG_BINDIR"
    )


def stop_orphans() -> None:
    """Stop the servers of test sessions that were killed before they could stop them."""
    for owner in glob.glob(os.path.join(tempfile.gettempdir(), "passdesk-pg-*", "owner.pid")):
        folder = Path(owner).parent
        try:
            pid = int(Path(owner).read_text(encoding="utf-8"))
            os.kill(pid, 0)
            continue  # its session is still running
        except (OSError, ValueError):
            pass
        server = PostgresServer(folder=folder)
        server._owner = SUPERUSER if os.geteuid() == 0 else None
        with contextlib.suppress(RuntimeError):
            server.bindir = find_bindir()
            server.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """One cluster in its own folder; `settings` are extra `postgres -c` options."""

    settings: dict[str, str] = field(default_factory=dict)
    folder: Path | None = None
    port: int = 0
    bindir: Path | None = None
    _owner: str | None = None  # the user the server runs as, when we are root

    @property
    def data(self) -> Path:
        assert self.folder is not None
        return self.folder / "data"

    def _run(self, *command: str | Path) -> subprocess.CompletedProcess[str]:
        argv = [str(c) for c in command]
        if self._owner is not None:
            argv = ["runuser", "-u", self._owner, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=False)

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.folder / "server.log" if self.folder else None
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} failed:\n{result.stdout}\n{result.stderr}\n{tail}")

    def start(self) -> PostgresServer:
        self.bindir = self.bindir or find_bindir()
        self._owner = SUPERUSER if os.geteuid() == 0 else None
        # Not under pytest's folders: those are the current user's alone (0700), and the
        # server's user must reach its data and socket folders.
        self.folder = Path(tempfile.mkdtemp(prefix="passdesk-pg-"))
        self.folder.chmod(0o755)
        (self.folder / "owner.pid").write_text(str(os.getpid()), encoding="utf-8")
        if self._owner is not None:
            shutil.chown(self.folder, self._owner)
        self._check(
            self._run(
                self.bindir / "initdb",
                "-D",
                self.data,
                "-U",
                SUPERUSER,
                "--auth-local=trust",
                "--auth-host=trust",
                "-E",
                "UTF8",
                f"--locale={CLUSTER_LOCALE}",
                "--no-sync",
                "--no-instructions",
            ),  # fmt: skip
            "initdb",
        )
        hba = self.data / "pg_hba.conf"
        # The password role logs in with its password only, the superuser without one.
        rules = (
            f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            f"host all {SUPERUSER} 127.0.0.1/32 trust\n"
            f"local all all trust\n"
        )
        hba.write_text(rules, encoding="utf-8")  # root writes it; it stays the server's
        options = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.folder),
            "max_connections": "200",
            "shared_buffers": "64MB",
            **self.settings,
        }
        for attempt in range(5):
            self.port = free_port()
            flags = " ".join(f"-c {k}={v}" for k, v in {**options, "port": self.port}.items())
            result = self._run(
                self.bindir / "pg_ctl",
                "-D", self.data,
                "-l", self.folder / "server.log",
                "-w", "-t", "60",
                "-o", flags,
                "start",
            )  # fmt: skip
            if result.returncode == 0:
                break
            if attempt == 4:  # another process took the port each time
                self._check(result, "pg_ctl start")
        with self.superuser() as connection:
            connection.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'")
        return self

    def stop(self) -> None:
        if self.folder is None:
            return
        if (self.data / "postmaster.pid").exists():
            assert self.bindir is not None
            self._run(self.bindir / "pg_ctl", "-D", self.data, "-w", "-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def url(self, database: str, *, user: str = SUPERUSER, password: str | None = None) -> str:
        """The SQLAlchemy URL PassDesk opens `database` with."""
        secret = f":{password}" if password is not None else ""
        return f"postgresql+psycopg://{user}{secret}@127.0.0.1:{self.port}/{database}"

    @contextlib.contextmanager
    def superuser(self, database: str = "postgres"):  # type: ignore[no-untyped-def]
        """A plain psycopg connection in autocommit (CREATE DATABASE runs outside a
        transaction)."""
        import psycopg

        connection = psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database, autocommit=True
        )
        try:
            yield connection
        finally:
            connection.close()

    def create_database(
        self,
        name: str,
        *,
        template: str | None = None,
        icu_locale: str | None = None,
        owner: str = SUPERUSER,
    ) -> str:
        """A new database (a copy of `template`, or empty, with an ICU collation if given)
        belonging to `owner`; returns its URL."""
        if template is not None:
            sql = f'CREATE DATABASE "{name}" OWNER {owner} TEMPLATE "{template}"'
        elif icu_locale is not None:
            sql = (
                f'CREATE DATABASE "{name}" OWNER {owner} LOCALE_PROVIDER icu '
                f"ICU_LOCALE '{icu_locale}' LOCALE '{CLUSTER_LOCALE}' TEMPLATE template0"
            )
        else:
            sql = f'CREATE DATABASE "{name}" OWNER {owner} TEMPLATE template0'
        with self.superuser() as connection:
            connection.execute(sql)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.superuser() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
