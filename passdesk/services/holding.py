"""Which desk holds a booklet, and the refusals that name it (issue 13: several desks share one
database, each with its own stock).

A desk hands out, voids and prints only the booklets it holds (`booklet.desk_id`). A refusal
names the holding desk, by its name and code, so that the agent knows whom to call; it never
names the person who received the booklet: that is the holding desk's business.

The acting desk is the actor's when there is one, else the desk the process works for
(`base.desk_id_in`); a database of one desk holds all its booklets, so nothing is refused there.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from passdesk.errors import Refused
from passdesk.i18n import _
from passdesk.models import Booklet, Desk, Handout
from passdesk.services.base import desk_id_in
from passdesk.services.rows import Actor


def acting_desk_id(session: Session, actor: Actor | None = None) -> int:
    """The desk an operation works for: the actor's, else the process's."""
    return actor.desk_id if actor is not None else desk_id_in(session)


def desk_label(session: Session, desk_id: int) -> tuple[str, str]:
    """A desk's name and code, as refusals write them."""
    desk = session.get(Desk, desk_id)
    return (desk.name, desk.code) if desk is not None else ("?", "?")


def held_elsewhere(session: Session, booklet: Booklet) -> Refused:
    """The refusal for a booklet another desk holds."""
    name, code = desk_label(session, booklet.desk_id)
    return Refused(
        _(
            "Booklet {code} is held by another desk, {desk} ({desk_code}): only that desk may "
            "hand it out, void it or print it."
        ).format(code=booklet.code, desk=name, desk_code=code),
        field="code",
    )


def check_held(session: Session, booklet: Booklet, desk_id: int) -> None:
    """Refuse unless the desk `desk_id` holds the booklet."""
    if booklet.desk_id != desk_id:
        raise held_elsewhere(session, booklet)


def held_booklet(booklet_id: int, desk_id: int) -> Select[tuple[int]]:
    """The booklet's id if the desk `desk_id` holds it: a guarded update's condition, so that a
    transfer committed between the check and the update (PostgreSQL) leaves it undone."""
    return select(Booklet.id).where(Booklet.id == booklet_id, Booklet.desk_id == desk_id)


def check_still_held(session: Session, booklet: Booklet, desk_id: int) -> None:
    """After a guarded update found nothing to change: the holder's refusal if another desk
    holds the booklet now (read again, as committed)."""
    session.refresh(booklet)
    check_held(session, booklet, desk_id)


def check_made_here(session: Session, handout: Handout, desk_id: int) -> None:
    """Refuse unless the desk `desk_id` made the handout (its receipt is in that desk's series,
    its booklets go back to that desk's stock)."""
    if handout.desk_id != desk_id:
        name, code = desk_label(session, handout.desk_id)
        raise Refused(
            _(
                "Handout {receipt} was made by another desk, {desk} ({desk_code}): only that "
                "desk may cancel it."
            ).format(receipt=handout.receipt_number, desk=name, desk_code=code),
            field="handout",
        )
