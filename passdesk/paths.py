"""Every file location PassDesk uses, in one place (platformdirs); tests redirect it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

# Shipped files are found through `paths` too (icons, fonts): re-exported.
from passdesk.resources import resource, resource_dir  # noqa: F401

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


def usable_folder(path: Path) -> Path:
    """`path`, created if needed; a folder that cannot be (PASSDESK_HOME naming a file, a
    read-only disk) is an EnvironmentProblem in French, never a traceback."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        from passdesk.errors import EnvironmentProblem, os_reason
        from passdesk.i18n import _

        raise EnvironmentProblem(
            _(
                "PassDesk cannot use the folder {folder}: {reason}. Check PASSDESK_HOME or the "
                "folder's permissions."
            ).format(folder=path, reason=os_reason(error))
        ) from error
    return path


def data_dir() -> Path:
    base = _base_from_env()
    path = base / "data" if base else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    return usable_folder(path)


def log_dir() -> Path:
    base = _base_from_env()
    path = base / "logs" if base else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    return usable_folder(path)


def backup_dir() -> Path:
    return usable_folder(data_dir() / "backups")


def config_dir() -> Path:
    base = _base_from_env()
    path = base / "config" if base else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    return usable_folder(path)


def default_database_path() -> Path:
    return data_dir() / "passdesk.sqlite3"
