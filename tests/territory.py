"""Two desks in one database, for the tests of issue 13's territory: the unit fixtures' desk
(`admin`, `programme`, `lot`...) plus a second desk with its own administrator and agent,
holding part of the stock.

Until the services' own `desks.add_desk` and `transfers.transfer` exist, `second_desk` and
`hand_over` write the rows directly (as a migrated database would hold them); afterwards they
call the services, and the tests that use them do not change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from passdesk.models import Agent, Booklet, Desk, Programme, Role
from passdesk.services import Services
from passdesk.services.rows import Actor

SECOND_CODE = "VAULX"
SECOND_NAME = "CCAS de Vaulx-en-Velin"
SECOND_ADMIN = "vadmin"
SECOND_AGENT = "vagent"


def second_desk(services: Services, at: datetime) -> tuple[Actor, Actor]:
    """Desk VAULX beside the fixtures' desk: its administrator and an agent (no passwords)."""

    def work(session) -> None:  # type: ignore[no-untyped-def]
        desk = Desk(code=SECOND_CODE, name=SECOND_NAME, created_at=at)
        session.add(desk)
        session.flush()
        for login, role in ((SECOND_ADMIN, Role.ADMIN), (SECOND_AGENT, Role.AGENT)):
            session.add(
                Agent(
                    desk_id=desk.id,
                    login=login,
                    display_name=login.capitalize(),
                    role=role,
                    created_at=at,
                    active=True,
                )
            )

    services.db.transaction(work)
    return services.accounts.actor(SECOND_ADMIN), services.accounts.actor(SECOND_AGENT)


def hand_over(services: Services, programme_code: str, first: int, count: int, to: Actor) -> None:
    """Booklets `first`..`first + count - 1` of the programme now held by `to`'s desk."""

    def work(session) -> None:  # type: ignore[no-untyped-def]
        programme_id = session.query(Programme.id).filter(Programme.code == programme_code).scalar()
        session.execute(
            update(Booklet)
            .where(
                Booklet.programme_id == programme_id,
                Booklet.number.between(first, first + count - 1),
            )
            .values(desk_id=to.desk_id)
        )

    services.db.transaction(work)
