"""Two desks in one database, for the tests of issue 13's territory: the unit fixtures' desk
(`admin`, `programme`, `lot`...) plus a second desk with its own administrator and agent,
holding part of the stock.

Both go through the services, as an administrator would: `second_desk` is the fixtures'
administrator's `desks.add_desk` (then `accounts.add_agent`), `hand_over` a
`transfers.transfer` by an administrator of the desk holding the range (the fixtures' desk is
not a coordination, so it may give booklets to any desk, and VAULX give them back).
`force_holder` is the forger's way, for the tests of what `check` finds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

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
    """Booklets `first`..`first + count - 1` of the programme now held by `to`'s desk: each run
    of them that another desk holds is transferred by that desk's first administrator (those
    `to`'s desk holds already stay). Every booklet moved must be in stock, as for any transfer;
    to move a handed-out one behind the services' back, see `force_holder`."""
    with services.db.read() as session:
        rows = session.execute(
            select(Booklet.number, Booklet.desk_id)
            .join(Programme, Programme.id == Booklet.programme_id)
            .where(
                Programme.code == programme_code,
                Booklet.number.between(first, first + count - 1),
                Booklet.desk_id != to.desk_id,
            )
            .order_by(Booklet.number)
        ).all()
        givers = {
            desk_id: session.scalar(
                select(Agent.login)
                .where(Agent.desk_id == desk_id, Agent.role == Role.ADMIN, Agent.active.is_(True))
                .order_by(Agent.id)
                .limit(1)
            )
            for desk_id in {row.desk_id for row in rows}
        }
    runs: list[list[int]] = []  # [first, count, holder]
    for number, desk_id in rows:
        if runs and runs[-1][2] == desk_id and runs[-1][0] + runs[-1][1] == number:
            runs[-1][1] += 1
        else:
            runs.append([number, 1, desk_id])
    to_code = services.desks.get(to.desk_id).code
    for run_first, run_count, desk_id in runs:
        services.transfers.transfer(
            services.accounts.actor(givers[desk_id]),
            programme=programme_code,
            first_booklet=run_first,
            count=run_count,
            to_desk=to_code,
        )


def force_holder(
    services: Services, programme_code: str, first: int, count: int, to: Actor
) -> None:
    """What a forger with the database would do: booklets `first`..`first + count - 1` held by
    `to`'s desk by a direct UPDATE, without a transfer or its events (`check` must see it)."""

    def work(session) -> None:  # type: ignore[no-untyped-def]
        programme_id = session.scalar(select(Programme.id).where(Programme.code == programme_code))
        session.execute(
            update(Booklet)
            .where(
                Booklet.programme_id == programme_id,
                Booklet.number.between(first, first + count - 1),
            )
            .values(desk_id=to.desk_id)
        )

    services.db.transaction(work)
