"""Writing a PDF all or nothing: a half-written file must never be mistaken for a printout.

The PDF goes to a hidden temporary file beside the target and is renamed over it only once
complete, so an error, a cancel or a crash leaves the target as it was (absent or the old file).
The temporary file is a `passdesk.staged` part: held while it is written, so that the parts a
killed print left in the folder are swept before a new PDF is written there.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from passdesk import staged
from passdesk.errors import EnvironmentProblem, InvalidInput, PassDeskError, Refused, os_reason
from passdesk.i18n import _

# A write refused for these reasons is the computer's trouble, not a wrong file name.
DISK_TROUBLE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


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


class StagedOutput:
    """A file written beside its target under a hidden name, then published (renamed over the
    target) or discarded. `publish` may wait for something else to succeed first: a print is
    published only once its record has committed."""

    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = Path(target).absolute()
        _check_target(self.target)
        staged.sweep(self.target.parent)
        self.temporary = staged.part_path(self.target)
        try:
            self.stream: BinaryIO = open(self.temporary, "xb")  # noqa: SIM115 - see close()
            staged.hold(self.stream)
        except OSError as error:
            self.discard()
            if error.errno in DISK_TROUBLE:
                raise self.write_error(error) from error
            raise InvalidInput(
                _(
                    "Cannot write in the folder {folder}: choose another place to save the PDF."
                ).format(folder=self.target.parent),
                field="path",
            ) from error
        staged.remember(self.target.parent)

    def close(self) -> None:
        """Finish writing: everything is on the disk, under the temporary name."""
        try:
            if not self.stream.closed:
                self.stream.flush()
                os.fsync(self.stream.fileno())
                self.stream.close()
        except OSError as error:
            self.discard()
            raise self.write_error(error) from error

    def publish(self) -> None:
        """Rename the finished file over the target (once; the temporary name is gone after)."""
        self.close()
        try:
            os.replace(self.temporary, self.target)
        except PermissionError as error:
            self.discard()
            raise InvalidInput(
                _(
                    "Cannot replace {path}: close it if it is open in another program, then "
                    "print again."
                ).format(path=self.target),
                field="path",
            ) from error
        except OSError as error:
            self.discard()
            raise self.write_error(error) from error

    def publish_recorded(self) -> None:
        """Publish a file whose print is already recorded: if the target cannot be replaced,
        the file is kept beside it under a visible name, never thrown away (throwing it away
        would leave a recorded print with no paper, and printing it again is a reprint)."""
        self.close()
        try:
            os.replace(self.temporary, self.target)
            return
        except OSError as error:
            fallback = self._free_name()
            try:
                os.replace(self.temporary, fallback)
            except OSError:
                fallback = self.temporary
            raise Refused(
                _(
                    "The print is recorded, but {path} could not be replaced (is it open in "
                    "another program?). The PDF is in {fallback}: print that file."
                ).format(path=self.target, fallback=fallback),
                field="path",
            ) from error

    def _free_name(self) -> Path:
        """`carnets (2).pdf`, `carnets (3).pdf`...: the first name not taken in the folder."""
        for number in range(2, 1000):
            candidate = self.target.with_name(f"{self.target.stem} ({number}){self.target.suffix}")
            if not candidate.exists():
                return candidate
        return self.temporary

    def discard(self) -> None:
        """Forget the file: nothing is left at the temporary name, the target is untouched."""
        with contextlib.suppress(OSError, AttributeError):
            self.stream.close()
        with contextlib.suppress(OSError):
            self.temporary.unlink()

    def write_error(self, error: OSError | None = None) -> PassDeskError:
        """What to tell the reader when writing the file failed with `error`."""
        if error is not None and error.errno in DISK_TROUBLE:
            return EnvironmentProblem(
                _(
                    "Could not write the PDF file {path}: {reason}. Nothing was recorded; free "
                    "some space or choose another place, then print again."
                ).format(path=self.target, reason=os_reason(error)),
                field="path",
            )
        return InvalidInput(
            _("Could not write the PDF file {path} (disk full or removed?).").format(
                path=self.target
            ),
            field="path",
        )


@contextlib.contextmanager
def atomic_output(target: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Yield a binary file to write; on success it replaces `target`, otherwise it vanishes."""
    staged_output = StagedOutput(target)
    try:
        yield staged_output.stream
    except BaseException as error:
        staged_output.discard()
        if isinstance(error, OSError):
            raise staged_output.write_error(error) from error
        raise
    staged_output.publish()
