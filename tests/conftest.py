"""Test set-up shared by every test: Qt offscreen, files under tmp_path, French messages."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("PASSDESK_DATABASE", None)
os.environ.pop("PASSDESK_HOME", None)

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from passdesk import i18n, paths  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Data, logs and backups of each test live in its own folder; language is French."""
    home = tmp_path / "passdesk-home"
    paths.set_base_dir(home)
    monkeypatch.setenv("PASSDESK_HOME", str(home))
    i18n.set_language("fr")
    yield home
    paths.set_base_dir(None)
