"""Test set-up shared by every test: Qt offscreen, files under tmp_path, French messages,
cheap password hashes and the desk templates (tests/desks.py)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("PASSDESK_DATABASE", None)
os.environ.pop("PASSDESK_HOME", None)

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from argon2 import PasswordHasher, profiles  # noqa: E402

from passdesk import i18n, paths  # noqa: E402
from passdesk.services import accounts  # noqa: E402
from tests.desks import Templates  # noqa: E402


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
