"""Two desks in one database, for the tests of issue 13's territory: the unit fixtures' desk
(`admin`, `programme`, `lot`...) plus a second desk with its own administrator and agent,
holding part of the stock.

Both go through the services, as an administrator would: `second_desk` is the fixtures'
administrator's `desks.add_desk` (then `accounts.add_agent`), `hand_over` a
`transfers.transfer` by an administrator of the desk holding the range (the fixtures' desk is
not a coordination, so it may give booklets to any desk, and VAULX give them back).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from passdesk.models import Agent, Booklet, Programme, Role
from passdesk.services import Services
from passdesk.services.rows import Actor

FIRST_ADMIN = "admin"  # the unit fixtures' administrator (tests/desks.py)
SECOND_CODE = "VAULX"
SECOND_NAME = "CCAS de Vaulx-en-Velin"
SECOND_ADMIN = "vadmin"
SECOND_AGENT = "vagent"


def second_desk(services: Services, at: datetime | None = None) -> tuple[Actor, Actor]:
    """Desk VAULX beside the fixtures' desk: its administrator and an agent (no passwords).
    `at` is kept for the callers written before the services existed: the clock dates them."""
    first_admin = services.accounts.actor(FIRST_ADMIN)
    services.desks.add_desk(
        first_admin,
        code=SECOND_CODE,
        name=SECOND_NAME,
        admin_login=SECOND_ADMIN,
        admin_name=SECOND_ADMIN.capitalize(),
    )
    vadmin = services.accounts.actor(SECOND_ADMIN)
    services.accounts.add_agent(
        vadmin, login=SECOND_AGENT, display_name=SECOND_AGENT.capitalize(), role=Role.AGENT
    )
    return vadmin, services.accounts.actor(SECOND_AGENT)


def hand_over(services: Services, programme_code: str, first: int, count: int, to: Actor) -> None:
    """Booklets `first`..`first + count - 1` of the programme (all in stock at one desk) given
    to `to`'s desk by that desk's first administrator."""
    with services.db.read() as session:
        holder = session.scalar(
            select(Booklet.desk_id)
            .join(Programme, Programme.id == Booklet.programme_id)
            .where(Programme.code == programme_code, Booklet.number == first)
        )
        login = session.scalar(
            select(Agent.login)
            .where(Agent.desk_id == holder, Agent.role == Role.ADMIN, Agent.active.is_(True))
            .order_by(Agent.id)
            .limit(1)
        )
    giver = services.accounts.actor(login)
    services.transfers.transfer(
        giver,
        programme=programme_code,
        first_booklet=first,
        count=count,
        to_desk=services.desks.get(to.desk_id).code,
    )
