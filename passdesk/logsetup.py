"""The rotating log file: what was done and by which agent id, never a person's name; the
owner's alone (0600 on POSIX), as each rotated file is."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from passdesk import paths

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Opens each log file (the first and every one after a rotation) owner-only, whatever
    the process's umask."""

    def _open(self):  # type: ignore[no-untyped-def]  # noqa: ANN202 - the base's signature
        stream = super()._open()
        paths.private_files([Path(self.baseFilename)])
        return stream


def configure_logging(level: int = logging.INFO) -> logging.Handler:
    """Send PassDesk's records to passdesk.log (1 MB x 5 files) in the platform log folder."""
    root = logging.getLogger("passdesk")
    for handler in list(root.handlers):
        if getattr(handler, "_passdesk", False):
            root.removeHandler(handler)
            handler.close()
    folder = paths.log_dir()
    paths.private_files(folder.glob("passdesk.log*"))  # written by an older PassDesk: 0644
    handler = PrivateRotatingFileHandler(
        folder / "passdesk.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._passdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler
