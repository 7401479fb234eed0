"""Where the database is: URLs from --database or the environment, files, network shares.

A SQLite file on a network share is refused: several desks share a PostgreSQL server, never a
file. Nothing here opens a connection.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path, PurePath

from sqlalchemy import make_url

from passdesk import paths
from passdesk.errors import EnvironmentProblem
from passdesk.i18n import _

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "afs",
        "ncpfs",
        "davfs",
        "fuse.davfs2",
        "9p",
        "fuse.rclone",
        "glusterfs",
        "ceph",
    }
)


def resolve_url(database: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from --database, else PASSDESK_DATABASE, else the default file."""
    value = os.fspath(database) if database is not None else os.environ.get("PASSDESK_DATABASE")
    if not value:
        return f"sqlite:///{paths.default_database_path()}"
    if "://" in value:
        return with_driver(value)
    if value.startswith(("\\\\", "//")):  # UNC: kept as typed so it is refused, not resolved
        return f"sqlite:///{value}"
    return f"sqlite:///{Path(value).expanduser().resolve()}"


# PostgreSQL addresses as an IT contact writes them, and the driver PassDesk ships (psycopg 3;
# SQLAlchemy would look for psycopg2, which is not installed, and no longer reads postgres://).
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def with_driver(url: str) -> str:
    """`url`, a PostgreSQL address given without a driver made to use psycopg."""
    for scheme in _POSTGRES_SCHEMES:
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if (
        parsed.get_backend_name() != "sqlite"
        or not parsed.database
        or parsed.database == ":memory:"
    ):
        return None
    return Path(parsed.database)


_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&]*", re.IGNORECASE)


def masked_query(url: str) -> str:
    """The URL without a password given in its query (`?password=`, which libpq reads too)."""
    return _QUERY_PASSWORD.sub(r"\1***", url)


def display_url(url: str) -> str:
    """The URL as it may be shown or logged: never with its password (after the user name,
    or in the query)."""
    return masked_query(make_url(url).render_as_string(hide_password=True))


def _mount_type(path: Path, mounts_text: str) -> str | None:
    """The filesystem type of the mount holding `path`, from a /proc/mounts text."""
    best, best_type = "", None
    target = str(path)
    for line in mounts_text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def is_network_path(path: Path, mounts_text: str | None = None) -> bool:
    """True for UNC paths, mapped network drives and NFS/SMB/SSHFS mounts."""
    raw = str(path)
    if raw.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on the Windows build
        import ctypes

        drive = PurePath(raw).drive
        if drive:
            return ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4  # DRIVE_REMOTE
        return False
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    kind = _mount_type(
        path.resolve() if path.exists() else path.parent.resolve() / path.name, mounts_text
    )
    return kind is not None and kind.lower() in NETWORK_FILESYSTEMS


def refuse_network_share(path: Path) -> None:
    if is_network_path(path):
        raise EnvironmentProblem(
            _(
                "The database {path} is on a network share. Several desks must share a "
                "PostgreSQL server, not a file: copy the file to this computer or ask your IT "
                "contact to set up a server."
            ).format(path=path)
        )
