"""Every file location PassDesk uses, in one place (platformdirs); tests redirect it."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "PassDesk"
APP_AUTHOR = "PassDesk"

_override: Path | None = None


def set_base_dir(path: Path | None) -> None:
    """Put every data, log, backup and config file under `path` (tests, portable installs)."""
    global _override
    _override = Path(path) if path is not None else None


def _base_from_env() -> Path | None:
    if _override is not None:
        return _override
    value = os.environ.get("PASSDESK_HOME")
    return Path(value) if value else None


def data_dir() -> Path:
    base = _base_from_env()
    path = base / "data" if base else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    base = _base_from_env()
    path = base / "logs" if base else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    base = _base_from_env()
    path = base / "config" if base else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return data_dir() / "passdesk.sqlite3"


def resource_dir() -> Path:
    """`resources/` of the source tree, or its copy inside an installed wheel."""
    packaged = Path(str(resources.files("passdesk"))) / "_resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
