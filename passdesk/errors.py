"""The errors PassDesk shows to people: each carries a French message and an exit status.

Services raise these; the window shows `message` next to the field, the console prints it on
stderr and exits with `exit_status`. Anything else escaping is a bug.
"""

from __future__ import annotations

from typing import Any


class PassDeskError(Exception):
    """Base of every error meant for a person; `message` is already translated."""

    exit_status = 1

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field at fault, so the window can show it there

    def __reduce__(self) -> tuple[Any, ...]:
        # Crosses process boundaries (passdesk.jobs) with its message, field and extras.
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls: type[PassDeskError], message: str, state: dict[str, Any]) -> PassDeskError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class Refused(PassDeskError):
    """A rule of the register refused the operation (already handed out, limit reached...)."""

    exit_status = 1


class Forbidden(Refused):
    """The agent's role does not allow the operation."""


class InvalidInput(PassDeskError):
    """What was typed or scanned is malformed (bad code, bad date, missing field...)."""

    exit_status = 2


class InvalidCode(InvalidInput):
    """A voucher or booklet code that cannot be read or whose check digits are wrong."""


class NotFound(InvalidInput):
    """A well-formed reference to something that does not exist."""


class EnvironmentProblem(PassDeskError):
    """The database is unreachable, corrupt, on a network share or newer than this version."""

    exit_status = 3


def os_reason(error: OSError) -> str:
    """Why the operating system refused, in the reader's language: a full disk, a missing or
    read-only folder... (the system's own text, often English, for anything rarer)."""
    import errno

    from passdesk.i18n import _

    reasons = {
        errno.ENOSPC: _("the disk is full"),
        errno.EDQUOT: _("the disk quota is used up"),
        errno.EROFS: _("the disk is read-only"),
        errno.EACCES: _("permission denied"),
        errno.EPERM: _("permission denied"),
        errno.ENOTDIR: _("a file is in the way where a folder is expected"),
        errno.EEXIST: _("a file is in the way where a folder is expected"),
        errno.ENOENT: _("it does not exist"),
        errno.EISDIR: _("it is a folder"),
    }
    return reasons.get(error.errno or 0) or error.strerror or type(error).__name__
