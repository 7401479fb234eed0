"""A desk's founding, shared by `init` (the database's first desk) and `desk add` (a territory's
next ones): the desk row, its first administrator, the account's "created" line and the
journal's DESK_CREATED event with the desk's identity fingerprints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from passdesk.models import Agent, AgentEvent, Desk, EventKind, Role
from passdesk.services import ledger
from passdesk.services.desk_details import desk_identity


def found_desk(
    session: Session,
    desk: Desk,
    *,
    login: str,
    display_name: str,
    password_hash: str | None,
    at: datetime,
    by_agent_id: int | None = None,
) -> Agent:
    """Add `desk` and its administrator `login`; the event's agent is `by_agent_id` (who
    created the desk), or the new administrator when nobody did (`init`)."""
    session.add(desk)
    session.flush()
    agent = Agent(
        desk_id=desk.id,
        login=login,
        display_name=display_name,
        role=Role.ADMIN,
        created_at=at,
        active=True,
        password_hash=password_hash,
    )
    session.add(agent)
    ledger.ensure_head(session)
    session.flush()
    session.add(
        AgentEvent(
            agent_id=agent.id,
            by_agent_id=by_agent_id,
            kind="created",
            detail=Role.ADMIN.value,
            at=at,
        )
    )
    ledger.append(
        session,
        at=at,
        agent_id=by_agent_id if by_agent_id is not None else agent.id,
        kind=EventKind.DESK_CREATED,
        details={"desk": desk.id, "admin": agent.id, "identity": desk_identity(desk)}
        | ({"demo": True} if desk.demo else {}),
    )
    return agent
