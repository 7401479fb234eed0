"""Every file location PassDesk uses, in one place (platformdirs); tests redirect it. Also who
may read them: the database, its backups, the log and receipts hold or point at people's
data, so on POSIX they are the owner's alone (folders 0700, files 0600).

On Windows nothing is done beyond what the profile gives: the per-user folders
(%LOCALAPPDATA%\\PassDesk, the temporary folder) inherit the profile's ACL, which grants the
user, SYSTEM and Administrators only; chmod there only sets the read-only flag.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import platformdirs

# Shipped files are found through `paths` too (icons, fonts): re-exported.
from passdesk.resources import resource, resource_dir  # noqa: F401

APP_NAME = "PassDesk"
APP_AUTHOR = "PassDesk"

_override: Path | None = None

PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600
OWNER_ONLY_UMASK = 0o077
RECEIPT_PREVIEW_PREFIX = "passdesk-receipt-"
_STARTED = time.time()


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
        path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
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


def private_folder(path: Path) -> Path:
    """`path`, created if needed (see `usable_folder`), the owner's alone (a folder an older
    PassDesk made 0755 is tightened too)."""
    usable_folder(path)
    if os.name == "posix":
        with contextlib.suppress(OSError):  # not ours (a shared --database folder): leave it
            _tighten(path)
    return path


def _tighten(path: Path) -> None:
    """Take the group's and others' rights away, never giving the owner one it lacked: a
    folder or file the desk made read-only stays read-only."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & OWNER_ONLY_UMASK:
        path.chmod(mode & ~OWNER_ONLY_UMASK)


def private_files(paths: Iterable[Path]) -> None:
    """Make the files of `paths` that exist the owner's alone (POSIX), read-only ones staying
    read-only."""
    if os.name != "posix":
        return
    for path in paths:
        with contextlib.suppress(OSError):  # gone, not ours, or a read-only disk: leave it
            _tighten(path)


def owner_only_new_files() -> None:
    """From now on, every file and folder this process creates (SQLite's database, -wal and
    -shm, logs, backups, PDFs) is the owner's alone: called first by both entry points."""
    if os.name == "posix":
        os.umask(OWNER_ONLY_UMASK)


def _home_folder(base: Path, name: str) -> Path:
    private_folder(base)
    return private_folder(base / name)


def data_dir() -> Path:
    base = _base_from_env()
    if base:
        return _home_folder(base, "data")
    return private_folder(Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)))


def log_dir() -> Path:
    base = _base_from_env()
    if base:
        return _home_folder(base, "logs")
    return private_folder(Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)))


def backup_dir() -> Path:
    return private_folder(data_dir() / "backups")


def config_dir() -> Path:
    base = _base_from_env()
    if base:
        return _home_folder(base, "config")
    return private_folder(Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)))


# --- receipt previews in the system's temporary folder -----------------------------------


def receipt_preview_folder() -> Path:
    """A new private folder (0700) for one receipt's preview PDF. Its name carries this
    process's id, so that a later start can tell a preview left by a killed PassDesk."""
    return Path(tempfile.mkdtemp(prefix=f"{RECEIPT_PREVIEW_PREFIX}{os.getpid()}-"))


def sweep_receipt_previews(folder: Path | None = None) -> int:
    """Remove preview folders left by PassDesk processes that ended without cleaning up (a
    crash, a kill): those of a process that no longer runs, or, where that cannot be asked
    (Windows, an older name without the id), those older than this process. Returns how many."""
    removed = 0
    for path in (folder or Path(tempfile.gettempdir())).glob(RECEIPT_PREVIEW_PREFIX + "*"):
        if path.is_dir() and _left_behind(path):
            shutil.rmtree(path, ignore_errors=True)
            removed += not path.exists()
    return removed


def _left_behind(path: Path) -> bool:
    pid_text = path.name[len(RECEIPT_PREVIEW_PREFIX) :].split("-", 1)[0]
    pid = int(pid_text) if pid_text.isdigit() else None
    if pid == os.getpid():
        return False
    if pid is not None and os.name == "posix":
        return not _running(pid)
    try:
        return path.stat().st_mtime < _STARTED
    except OSError:
        return False


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # POSIX only: signal 0 asks without sending anything
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def default_database_path() -> Path:
    return data_dir() / "passdesk.sqlite3"
