"""The lockout rule: wrong passwords in a row make the next try wait longer, and the sixth
locks the account until an administrator lifts it.

The state lives on the agent's row, so that the window and the console, on one PC or on
several sharing a server, count the same failures. A try refused because it came too early is
not checked and not counted: only a password actually checked and wrong counts. The waits
are short on purpose (a colleague who mistyped twice is not punished); what stops guessing is
the lock, which an attacker at the counter cannot lift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from passdesk.errors import Refused
from passdesk.i18n import _, ngettext
from passdesk.models import Agent

LOCK_AT = 6  # the 6th wrong password in a row locks the account
FREE_FAILURES = 2  # two typos cost nothing; then 2, 4, 8 s before the next try


def wait_after(failures: int) -> timedelta:
    """How long the next try must wait after `failures` wrong passwords in a row."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return timedelta(seconds=2 ** (failures - FREE_FAILURES))


def locked_error(login: str) -> Refused:
    return Refused(
        _(
            "The account {login} is locked after {n} wrong passwords in a row. An administrator "
            "must unlock it (Agents page, or passdesk-admin agent unlock {login})."
        ).format(login=login, n=LOCK_AT),
        field="password",
    )


def too_early_error(seconds: int) -> Refused:
    return Refused(
        ngettext(
            "Too many wrong passwords: try again in {n} second.",
            "Too many wrong passwords: try again in {n} seconds.",
            seconds,
        ).format(n=seconds),
        field="password",
    )


def refuse_if_barred(agent: Agent, now: datetime) -> None:
    """Refuse a try on a locked account, or one made before the wait is over."""
    if agent.locked_at is not None:
        raise locked_error(agent.login)
    if agent.retry_after is not None and now < agent.retry_after:
        raise too_early_error(math.ceil((agent.retry_after - now).total_seconds()))


@dataclass(frozen=True)
class Outcome:
    """What one checked wrong password did to the account."""

    failures: int
    locked: bool


def record_failure(agent: Agent, now: datetime) -> Outcome:
    agent.failed_logins = (agent.failed_logins or 0) + 1
    if agent.failed_logins >= LOCK_AT:
        agent.locked_at = now
        agent.retry_after = None
        return Outcome(agent.failed_logins, locked=True)
    wait = wait_after(agent.failed_logins)
    agent.retry_after = now + wait if wait else None
    return Outcome(agent.failed_logins, locked=False)


def clear(agent: Agent) -> None:
    """A right password, or an administrator lifting the lock: the count starts again."""
    agent.failed_logins = 0
    agent.retry_after = None
    agent.locked_at = None
