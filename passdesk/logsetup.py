"""The rotating log file: what was done and by which agent id, never a person's name."""

from __future__ import annotations

import logging
import logging.handlers

from passdesk import paths

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> logging.Handler:
    """Send PassDesk's records to passdesk.log (1 MB x 5 files) in the platform log folder."""
    root = logging.getLogger("passdesk")
    for handler in list(root.handlers):
        if getattr(handler, "_passdesk", False):
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        paths.log_dir() / "passdesk.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler._passdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler
