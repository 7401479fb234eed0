"""Writing a PDF all or nothing: a half-written file must never be mistaken for a printout.

The PDF goes to a hidden temporary file beside the target and is renamed over it only once
complete, so an error, a cancel or a crash leaves the target as it was (absent or the old file).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from passdesk.errors import InvalidInput, Refused
from passdesk.i18n import _


class PrintCancelled(Refused):
    """The person stopped the print; nothing was written at the target path."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Printing was cancelled: no file was written."))


def _check_target(path: Path) -> None:
    folder = path.parent
    if path.is_dir():
        raise InvalidInput(
            _("{path} is a folder: choose a file name ending in .pdf.").format(path=path),
            field="path",
        )
    if not folder.is_dir():
        raise InvalidInput(
            _("The folder {folder} does not exist: choose another place to save the PDF.").format(
                folder=folder
            ),
            field="path",
        )


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Yield a binary file to write; on success it replaces `target`, otherwise it vanishes."""
    path = Path(target).absolute()
    _check_target(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        stream = open(temporary, "xb")  # noqa: SIM115 - closed below, before the rename
    except OSError as error:
        raise InvalidInput(
            _("Cannot write in the folder {folder}: choose another place to save the PDF.").format(
                folder=path.parent
            ),
            field="path",
        ) from error
    try:
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.replace(temporary, path)
        except PermissionError as error:
            raise InvalidInput(
                _(
                    "Cannot replace {path}: close it if it is open in another program, then "
                    "print again."
                ).format(path=path),
                field="path",
            ) from error
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(error, OSError):
            raise InvalidInput(
                _("Could not write the PDF file {path} (disk full or removed?).").format(path=path),
                field="path",
            ) from error
        raise
