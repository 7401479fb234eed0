"""The rotating log file: what was done and by which agent id, never a person's name; the
owner's alone (0600 on POSIX), as each rotated file is.

A log that cannot be written (a full disk, a read-only or missing folder) must never stop the
desk nor spill Python's "--- Logging error ---" dump on the console: the handler swallows its
own write errors, and when the log folder cannot be used at all PassDesk runs without a log
and says so once (`unavailable()`).
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from passdesk import paths
from passdesk.errors import PassDeskError, os_reason
from passdesk.i18n import _

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_unavailable: str | None = None


class QuietRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose write errors are dropped: a log line lost on a full disk is
    better than a traceback on the agent's console (the operation itself reports the disk)."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass


class PrivateRotatingFileHandler(QuietRotatingFileHandler):
    """Opens each log file (the first and every one after a rotation) owner-only, whatever
    the process's umask; its write errors are dropped too."""

    def _open(self):  # type: ignore[no-untyped-def]  # noqa: ANN202 - the base's signature
        stream = super()._open()
        paths.private_files([Path(self.baseFilename)])
        return stream


def configure_logging(level: int = logging.INFO) -> logging.Handler:
    """Send PassDesk's records to passdesk.log (1 MB x 5 files) in the platform log folder, or
    nowhere when that folder cannot be written (see `unavailable`)."""
    global _unavailable
    root = logging.getLogger("passdesk")
    for handler in list(root.handlers):
        if getattr(handler, "_passdesk", False):
            root.removeHandler(handler)
            handler.close()
    _unavailable = None
    handler: logging.Handler
    try:
        folder = paths.log_dir()
        path = folder / "passdesk.log"
        paths.private_files(folder.glob("passdesk.log*"))  # written by an older PassDesk: 0644
        handler = PrivateRotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except PassDeskError as problem:
        _unavailable = _("{problem} PassDesk works without a log this time.").format(
            problem=problem.message
        )
        handler = logging.NullHandler()
    except OSError as error:
        _unavailable = _(
            "The log cannot be written in {path}: {reason}. PassDesk works without a log this time."
        ).format(path=path, reason=os_reason(error))
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._passdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def unavailable() -> str | None:
    """Why the last `configure_logging` could not open the log file, in French, or None."""
    return _unavailable


def log_file_text() -> str:
    """Where the log is, for a message that sends the reader there (never raises)."""
    try:
        return str(paths.log_dir() / "passdesk.log")
    except PassDeskError:
        return _("(no log: its folder cannot be written)")
