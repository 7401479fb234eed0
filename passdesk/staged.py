"""Files written under a hidden `.NAME.XXXXXXXX.part` name and renamed into place once whole,
and the sweep of the parts a killed process left behind.

A PDF being printed, a backup being copied and a demonstration being built are all written
this way, so that a half-written file is never taken for a finished one. A process killed
meanwhile leaves its part; nothing else would ever remove it.

While its writer lives, a part is held: an exclusive `flock` on POSIX (released by the kernel
when the process dies, however it dies), and on Windows the open file itself, which cannot be
deleted. The sweep removes only parts nobody holds, so it may run at any moment, even while
another PassDesk writes into the same folder. It runs at start-up on the folders PassDesk knows
(its data and backup folders, the database's folder, the folders it remembers having written
PDFs into) and on a PDF's target folder just before a new PDF is written there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from passdesk import paths
from passdesk.errors import PassDeskError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: an open file cannot be deleted there
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

PART_SUFFIX = ".part"
# What SQLite keeps beside a database being built under a part name.
SQLITE_KEEPS = ("-wal", "-shm", "-journal")
REMEMBERED_FILE = "part-folders.txt"
REMEMBERED_MAX = 20


def part_path(target: Path, tag: str = "") -> Path:
    """The hidden name `target` is written under until it is whole."""
    token = secrets.token_hex(4)
    return target.with_name(f".{target.name}.{tag}{token}{PART_SUFFIX}")


def is_part(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(PART_SUFFIX)


def hold(stream: IO[Any]) -> None:
    """Mark the part open in `stream` as being written by this process (see the module doc)."""
    if fcntl is not None:
        # A file system without locks (some network shares): the part goes unheld, and the
        # sweep, which cannot lock it either, leaves it alone.
        with contextlib.suppress(OSError):
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


@contextlib.contextmanager
def held(path: Path) -> Iterator[None]:
    """Hold a part that something else writes (SQLite building a database under that name)."""
    with open(path, "ab") as stream:
        hold(stream)
        yield


def _take_if_abandoned(path: Path) -> bool:
    """Remove `path` if no live process holds it; True when it is gone."""
    if fcntl is None:  # pragma: no cover - Windows
        try:
            path.unlink()
        except FileNotFoundError:
            return True
        except OSError:
            return False  # open in another process: being written
        return True
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, after the unlink
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # its writer lives
        path.unlink()
        return True
    except OSError:
        return False
    finally:
        stream.close()


def sweep(folder: Path) -> int:
    """Remove the abandoned parts of `folder` (and SQLite's files beside them); how many."""
    try:
        entries = [p for p in folder.iterdir() if p.name.startswith(".")]
    except OSError:
        return 0
    removed = 0
    for path in entries:
        if is_part(path) and path.is_file() and _take_if_abandoned(path):
            removed += 1
            log.info("abandoned part file removed from %s", folder)
    for path in entries:
        # SQLite's companions of a part that is gone (removed above, or long ago).
        for keep in SQLITE_KEEPS:
            if path.name.endswith(PART_SUFFIX + keep):
                owner = path.with_name(path.name[: -len(keep)])
                if not owner.exists():
                    with contextlib.suppress(OSError):
                        path.unlink()
    return removed


# --- the folders PassDesk remembers writing into ------------------------------------------


def _remembered_file() -> Path | None:
    try:
        return paths.data_dir() / REMEMBERED_FILE
    except PassDeskError:
        return None


def remembered() -> list[Path]:
    """The folders noted by `remember`, the most recent REMEMBERED_MAX."""
    file = _remembered_file()
    if file is None:
        return []
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    unique = dict.fromkeys(line.strip() for line in lines if line.strip())
    return [Path(line) for line in list(unique)[-REMEMBERED_MAX:]]


def remember(folder: Path) -> None:
    """Note a folder PassDesk writes parts into, so that a later start sweeps it too (a line
    appended, once per folder; nothing is renamed while a PDF is being printed)."""
    file = _remembered_file()
    if file is None:
        return
    folder = folder.absolute()
    if folder in remembered():
        return
    try:
        with open(file, "a", encoding="utf-8") as stream:
            stream.write(f"{folder}\n")
    except OSError:
        log.warning("the list of folders to sweep could not be written")


def write_small_file(target: Path, text: str, *, durable: bool = True) -> None:
    """Replace `target` with `text` whole (written beside it, then renamed over it). Not
    `durable`: the rename is atomic but the disk is not waited for (the system writes it within
    seconds), for a file written after every handout."""
    temporary = part_path(target)
    try:
        with open(temporary, "x", encoding="utf-8") as stream:
            hold(stream)
            stream.write(text)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def sweep_known_folders(extra: Iterable[Path | None] = ()) -> int:
    """The start-up sweep: the data and backup folders, `extra` (the database's folder, the
    second backup folder) and the remembered PDF folders; how many parts were removed."""
    known = remembered()
    file = _remembered_file()
    try:
        if file is not None and len(file.read_text(encoding="utf-8").splitlines()) > len(known):
            write_small_file(file, "".join(f"{p}\n" for p in known))  # appended to at each print
    except OSError:
        pass
    folders = [_data_folder(), _backup_folder(), *extra, *known]
    return sum(sweep(f) for f in dict.fromkeys(f for f in folders if f is not None))


def _data_folder() -> Path | None:
    try:
        return paths.data_dir()
    except PassDeskError:
        return None


def _backup_folder() -> Path | None:
    try:
        return paths.backup_dir()
    except PassDeskError:
        return None


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """One process at a time in the block, across processes (a read-change-write of a small
    file that several PassDesk processes keep)."""
    with open(lock_path, "a+b") as stream:
        if fcntl is not None:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        else:  # pragma: no cover - Windows
            import msvcrt

            stream.seek(0)
            msvcrt.locking(stream.fileno(), msvcrt.LK_LOCK, 1)
        yield
