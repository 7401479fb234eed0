"""What every service shares: the database, the clock, role checks and row conversions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import codes, roles
from passdesk.errors import NotFound
from passdesk.i18n import _
from passdesk.models import Agent, Booklet, Desk, Programme
from passdesk.roles import Action
from passdesk.services.rows import (
    Actor,
    BookletRow,
    FunderShareRow,
    ProgrammeRow,
)
from passdesk.store import Database

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def local_date(moment: datetime) -> date:
    """The desk's calendar day of a UTC moment (the computer's time zone)."""
    return moment.astimezone().date()


def require(actor: Actor, action: Action) -> None:
    """Refuse `action` unless the actor's role allows it (the table is in passdesk.roles)."""
    roles.require(actor.role, action)


class Service:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self._db = db
        self._clock = clock

    def _now(self) -> datetime:
        return self._clock()

    def _today(self) -> date:
        return local_date(self._clock())


def first_desk(session: Session) -> Desk:
    """The desk `init` made (the smallest id: desks are never deleted), which holds the
    territory's settings; NotFound before `init`."""
    desk = session.scalars(select(Desk).order_by(Desk.id).limit(1)).first()
    if desk is None:
        raise NotFound(_("This database has no desk yet. Run: passdesk-admin init --desk NAME"))
    return desk


def the_desk(session: Session) -> Desk:
    """The desk this session works for: the one the process chose (`Database.desk_id`: the
    logged-in agent's, the console's --desk-code), else the database's first desk, the one
    `init` made (its only one in a database of one desk; not necessarily the coordination,
    which may have been added later)."""
    chosen = session.info.get("desk_id")
    if chosen is not None:
        desk = session.get(Desk, chosen)
        if desk is not None:
            return desk
    return first_desk(session)


def desk_id_in(session: Session) -> int:
    """The id of `the_desk(session)`, without loading the row when the process chose it."""
    chosen = session.info.get("desk_id")
    return chosen if chosen is not None else the_desk(session).id


def desk_of(session: Session, actor: Actor) -> Desk:
    """The desk an agent acts for: theirs, whatever desk the process was opened on."""
    desk = session.get(Desk, actor.desk_id)
    if desk is None:
        raise NotFound(_("This database has no desk yet. Run: passdesk-admin init --desk NAME"))
    return desk


def actor_of(agent: Agent) -> Actor:
    return Actor(
        id=agent.id,
        login=agent.login,
        display_name=agent.display_name,
        role=agent.role,
        desk_id=agent.desk_id,
    )


def programme_row(programme: Programme) -> ProgrammeRow:
    return ProgrammeRow(
        id=programme.id,
        code=programme.code,
        name=programme.name,
        face_value=programme.face_value,
        vouchers_per_booklet=programme.vouchers_per_booklet,
        valid_from=programme.valid_from,
        valid_until=programme.valid_until,
        limit_per_person=programme.limit_per_person,
        target_groups=tuple(programme.target_groups or ()),
        shares=tuple(FunderShareRow(s.funder.name, s.percent) for s in programme.shares),
        priority_groups=tuple(programme.priority_groups or ()),
        priority_quota=programme.priority_quota,
    )


def voucher_bounds(booklet_number: int, vouchers_per_booklet: int) -> tuple[int, int]:
    """First and last voucher numbers of a booklet."""
    numbers = codes.voucher_numbers_in_booklet(booklet_number, vouchers_per_booklet)
    return numbers[0], numbers[-1]


def booklet_row(booklet: Booklet, programme_code: str, vouchers_per_booklet: int) -> BookletRow:
    first, last = voucher_bounds(booklet.number, vouchers_per_booklet)
    return BookletRow(
        id=booklet.id,
        programme_code=programme_code,
        number=booklet.number,
        code=booklet.code,
        status=booklet.status.value,
        first_voucher_code=codes.voucher_code(programme_code, first),
        last_voucher_code=codes.voucher_code(programme_code, last),
        lot_id=booklet.lot_id,
        print_count=booklet.print_count,
    )
