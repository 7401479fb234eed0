"""The access log: who opened, printed, exported or erased a person's data, and when.

The CNIL recommends logging access to social data. What counts as an access (README, "The
person's data"): opening a person (the serve panel, the edit dialog), a lookup that names who
received a booklet, a console search's results (one entry per person listed), a receipt, an
orientation slip or the notice printed for them, an export of their data, their erasure. The
window's search-as-you-type list is not logged: each keystroke would log twenty people, and
opening one of them is. Entries hold numbers only (agent, person, a handout or a version) and
are deleted after six months, at start-up and each day.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.orm import Session

from passdesk.i18n import N_
from passdesk.models import AccessEntry, Agent, Beneficiary
from passdesk.roles import Action
from passdesk.services.base import Service, require
from passdesk.services.rows import Actor

log = logging.getLogger(__name__)

KEPT_MONTHS = 6
ACTIONS: dict[str, str] = {
    "opened": N_("opened"),
    "looked_up": N_("named by a code lookup"),
    "listed": N_("listed by a console search"),
    "printed": N_("receipt printed"),
    "slip": N_("orientation slip printed"),
    "notice": N_("information notice printed"),
    "exported": N_("data exported"),
    "erased": N_("erased on request"),
    "purged": N_("erased by the retention purge"),
}


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    agent_id: int | None
    agent_login: str | None  # None: PassDesk itself (the retention purge)
    beneficiary_id: int
    action: str
    detail: str


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when
    that day does not exist: 31 August minus 6 months is 28 or 29 February)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def record(
    session: Session,
    agent_id: int | None,
    beneficiary_ids: Iterable[int],
    action: str,
    at: datetime,
    *,
    detail: str = "",
) -> None:
    """Log `action` on each person, inside the caller's unit of work (one INSERT)."""
    assert action in ACTIONS, action
    rows = [
        {"at": at, "agent_id": agent_id, "beneficiary_id": b, "action": action, "detail": detail}
        for b in dict.fromkeys(beneficiary_ids)
    ]
    if rows:
        session.execute(insert(AccessEntry), rows)


def expire(session: Session, now: datetime) -> int:
    """Delete the entries older than six months; how many went."""
    cutoff = months_before(now, KEPT_MONTHS)
    gone = session.execute(delete(AccessEntry).where(AccessEntry.at < cutoff)).rowcount
    if gone:
        log.info("%s access log entries older than %s months deleted", gone, KEPT_MONTHS)
    return int(gone or 0)


def entries_about(session: Session, beneficiary_id: int) -> list[AccessRow]:
    """What the log holds about one person, oldest first (their export shows it)."""
    return _rows(session, beneficiary_id, None, None)


def _rows(
    session: Session,
    person: int | None,
    since: datetime | None,
    limit: int | None,
    desk: int | None = None,
) -> list[AccessRow]:
    query = select(
        AccessEntry.at,
        AccessEntry.agent_id,
        Agent.login,
        AccessEntry.beneficiary_id,
        AccessEntry.action,
        AccessEntry.detail,
    ).outerjoin(Agent, Agent.id == AccessEntry.agent_id)
    if person is not None:
        query = query.where(AccessEntry.beneficiary_id == person)
    if desk is not None:  # the desk's agents; PassDesk's own purge, of the desk's people
        registered_here = select(Beneficiary.id).where(Beneficiary.desk_id == desk)
        query = query.where(
            or_(
                Agent.desk_id == desk,
                and_(
                    AccessEntry.agent_id.is_(None),
                    AccessEntry.beneficiary_id.in_(registered_here),
                ),
            )
        )
    if since is not None:
        query = query.where(AccessEntry.at >= since)
    if limit is None:
        query = query.order_by(AccessEntry.at, AccessEntry.id)
    else:  # the newest `limit`, shown newest first
        query = query.order_by(AccessEntry.at.desc(), AccessEntry.id.desc()).limit(limit)
    return [AccessRow(*r) for r in session.execute(query)]


class AccessLogService(Service):
    def entries(
        self,
        actor: Actor,
        *,
        beneficiary_id: int | None = None,
        since: date | None = None,
        limit: int | None = 10_000,
    ) -> list[AccessRow]:
        """The log (an administrator's), newest first: the last six months at most, one
        person's or from a day on; what the agents of the administrator's desk did (and the
        purge of its people), not another desk's of the territory."""
        require(actor, Action.VIEW_ACCESS_LOG)
        kept_from = months_before(self._now(), KEPT_MONTHS)
        start = kept_from
        if since is not None:
            start = max(kept_from, datetime.combine(since, time()).astimezone())
        with self._db.read() as session:
            return _rows(session, beneficiary_id, start, limit, actor.desk_id)

    def expire(self) -> int:
        now = self._now()
        return self._db.transaction(lambda session: expire(session, now))
