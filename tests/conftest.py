"""Test set-up shared by every test: Qt offscreen, files under tmp_path, French messages,
cheap password hashes, the desk templates (tests/desks.py) and a read-only folder."""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("PASSDESK_DATABASE", None)
os.environ.pop("PASSDESK_HOME", None)

from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import AbstractContextManager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from argon2 import PasswordHasher, profiles  # noqa: E402

from passdesk import i18n, paths  # noqa: E402
from passdesk.services import accounts  # noqa: E402
from tests.desks import PgTemplates, Templates  # noqa: E402
from tests.pg_server import POSTGRES_FLAVOURS, PostgresServer, stop_orphans  # noqa: E402

# A test server loses nothing the tests need when it skips fsync; deadlocks are found after
# 0.1 s instead of 1 s, so that the races the tests provoke end sooner.
TEST_SERVER_SETTINGS = {
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "deadlock_timeout": "100ms",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres-suite",
        choices=("some", "all"),
        default="some",
        help="run the services' tests on PostgreSQL for a representative few modules (make "
        "test) or for all of them (make test-postgres)",
    )


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes() -> Iterator[None]:
    """argon2's cheapest parameters in this process: a strong hash costs 0.1-0.2 s and the
    suite makes hundreds. Processes the tests start hash as production does
    (tests/unit/test_accounts.py proves it)."""
    accounts.use_password_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    yield
    accounts.use_password_hasher(None)


@pytest.fixture(autouse=True)
def _isolated_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Data, logs and backups of each test live in its own folder; language is French."""
    home = tmp_path / "passdesk-home"
    paths.set_base_dir(home)
    monkeypatch.setenv("PASSDESK_HOME", str(home))
    i18n.set_language("fr")
    yield home
    paths.set_base_dir(None)


@pytest.fixture(scope="session")
def desk_templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """Every desk plan this session (this xdist worker) needs, each built once."""
    return Templates(tmp_path_factory.mktemp("desk-templates"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this session (this xdist worker), stopped at its end."""
    stop_orphans()
    server = PostgresServer(settings=dict(TEST_SERVER_SETTINGS)).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pg_templates(postgres_server: PostgresServer) -> dict[str, PgTemplates]:
    """The desk templates on the server, one set per flavour of POSTGRES_FLAVOURS."""
    return {
        flavour: PgTemplates(postgres_server, flavour.replace("-", "_"), icu_locale=locale)
        for flavour, locale in POSTGRES_FLAVOURS.items()
    }


@dataclass(frozen=True)
class ReadOnlyFolder:
    """A folder, and the context in which this process may not write into it."""

    path: Path
    in_effect: Callable[[], AbstractContextManager[None]]


class _CapabilityHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapabilitySet(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


_CAPABILITY_VERSION_3 = 0x20080522
_CAP_DAC_OVERRIDE = 1  # what lets root write where the permission bits say no


@contextlib.contextmanager
def _without_dac_override() -> Iterator[None]:
    """This thread obeys permission bits like any user until the block ends (Linux: root's
    capabilities are per thread, and one dropped from the effective set can be raised again)."""
    libc = ctypes.CDLL(None, use_errno=True)
    header = _CapabilityHeader(_CAPABILITY_VERSION_3, 0)
    sets = (_CapabilitySet * 2)()
    if libc.capget(ctypes.byref(header), sets) != 0:
        raise OSError(ctypes.get_errno(), "capget")
    saved = sets[0].effective
    sets[0].effective &= ~(1 << _CAP_DAC_OVERRIDE)
    if libc.capset(ctypes.byref(header), sets) != 0:
        raise OSError(ctypes.get_errno(), "capset")
    try:
        yield
    finally:
        sets[0].effective = saved
        if libc.capset(ctypes.byref(header), sets) != 0:
            raise OSError(ctypes.get_errno(), "capset: root's capability was not given back")


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[ReadOnlyFolder]:
    """A folder the code under test cannot write into, as a desk PC's user would meet one.

    Root writes through permission bits, and CI runs the tests as root: there, while
    `in_effect`, this thread gives up the capability that allows it, so that the refusal still
    comes from the operating system.
    """
    if os.name != "posix":
        pytest.skip("read-only folders are made with POSIX permissions")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    as_root = os.geteuid() == 0 and sys.platform == "linux"
    yield ReadOnlyFolder(folder, _without_dac_override if as_root else contextlib.nullcontext)
    folder.chmod(0o755)
