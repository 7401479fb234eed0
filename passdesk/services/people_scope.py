"""Whose people a desk sees when several desks share the database (issue 13).

A person belongs to the desk that registered them (`beneficiary.desk_id`). Unless the
territory setting `people_shared` is on, a desk finds, opens, serves, exports and erases only
its own people, and another desk's person is "not found" exactly as a number nobody has: the
answer gives no hint that they exist. Shared, every desk finds everyone (a person served in
Vaulx is found in Vénissieux and not registered twice); erasing or exporting their data stays
with the desk that registered them, which answers for it.

A database of one desk sees everyone, as before: no filter is added to its statements.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from passdesk.errors import Refused
from passdesk.i18n import _
from passdesk.models import Beneficiary, Desk
from passdesk.services.base import desk_id_in
from passdesk.services.desks import several_desks
from passdesk.services.settings import territory_value

_SEES_EVERYONE = "passdesk.people_scope.sees_everyone"


def people_desk(session: Session, desk_id: int | None = None) -> int | None:
    """The desk whose people `desk_id` (the session's desk by default) sees: itself when the
    database has several desks and does not share its people; None when it sees everyone."""
    if _sees_everyone(session):
        return None
    return desk_id if desk_id is not None else desk_id_in(session)


def _sees_everyone(session: Session) -> bool:
    """One desk, or people shared: asked once per session (a handout asks for the person, then
    for the limit per person; each answer cost two statements in a database of several desks).
    A session is one read or one unit of work, so the answer cannot go stale within it."""
    known = session.info.get(_SEES_EVERYONE)
    if known is None:
        known = not several_desks(session) or bool(territory_value(session, "people_shared"))
        session.info[_SEES_EVERYONE] = known
    return known


def desk_is(column: Any, desk: Any) -> ColumnElement[bool]:
    """`column` (a person's desk) equals `desk` (a value or a parameter), in a form no index
    answers: the index on beneficiary.desk_id would walk half the register where the name's or
    the birth date's walks a handful, and SQLite, without statistics, might choose it."""
    return column + 0 == desk


def visible_person(
    session: Session, beneficiary_id: int, desk_id: int | None = None, *, for_update: bool = False
) -> Beneficiary | None:
    """The person if `desk_id` (the session's desk by default) may see them, else None, the
    same as for a number that names nobody."""
    person = session.get(Beneficiary, beneficiary_id, with_for_update=for_update)
    if person is None:
        return None
    own = people_desk(session, desk_id)
    return person if own is None or person.desk_id == own else None


def check_registered_here(session: Session, person: Beneficiary, desk_id: int) -> None:
    """Erasing or exporting a person's data is for the desk that registered them: another desk
    that finds them (people shared) is told which desk to ask."""
    if person.desk_id == desk_id:
        return
    desk = session.get(Desk, person.desk_id)
    name = f"{desk.name} ({desk.code})" if desk is not None else str(person.desk_id)
    raise Refused(
        _(
            "This person was registered at the desk {desk}: their data is in its care, ask them."
        ).format(desk=name),
        field="beneficiary",
    )
