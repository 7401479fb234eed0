"""`check` for a territory's desks (issue 13): the transfers' events come in pairs that match
their `transfer` rows, and the journal replayed gives every booklet's holder.

A booklet's holder is the desk of the agent who received its lot (RECEIVED), until a transfer
moves it: TRANSFERRED_OUT then TRANSFERRED_IN, consecutive events with the same details (from,
to, programme, first, last, count). Replaying them gives who holds what by the journal alone,
so that a holder changed by hand (`UPDATE booklet SET desk_id`) shows, as replay.py shows a
status changed by hand. A database of one desk has no transfer: every booklet is the one
desk's, as its receptions say.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import InvalidInput
from passdesk.i18n import _, ngettext
from passdesk.models import Agent, Booklet, EventKind, LedgerEvent, Programme
from passdesk.models.transfer import Transfer
from passdesk.services.desks import several_desks
from passdesk.services.replay import examples

OUT = EventKind.TRANSFERRED_OUT.value
IN = EventKind.TRANSFERRED_IN.value
RECEIVED = EventKind.RECEIVED.value


def _number(code: object) -> int | None:
    try:
        return codes.parse_code(str(code)).number
    except InvalidInput:
        return None


def _row_matches(row: Transfer, agent_id: int, details: dict[str, Any], programme: str) -> bool:
    return (
        row.agent_id == agent_id
        and row.from_desk_id == details.get("from")
        and row.to_desk_id == details.get("to")
        and row.count == details.get("count")
        and programme == details.get("programme")
        and row.first_booklet == _number(details.get("first"))
        and row.last_booklet == _number(details.get("last"))
        and row.last_booklet - row.first_booklet + 1 == row.count
    )


def transfer_problems(session: Session) -> list[str]:
    """Where the transfers' events, their rows and the booklets' holders disagree, in French.
    A database of one desk has nothing to disagree on (no transfer can go from a desk to
    itself, and the foreign key leaves its booklets one holder): `check` reads no more there
    than before desks could share a database."""
    if not several_desks(session) and session.scalar(select(Transfer.id).limit(1)) is None:
        return []
    programmes = dict(session.execute(select(Programme.id, Programme.code)).all())
    desk_of_agent = dict(session.execute(select(Agent.id, Agent.desk_id)).all())
    booklets: dict[tuple[int, int], int] = {}  # (programme, number) -> booklet id
    by_lot: dict[int, list[int]] = {}
    actual: dict[int, tuple[str, int]] = {}  # booklet id -> (code, desk held by)
    for booklet_id, programme_id, number, lot_id, code, desk_id in session.execute(
        select(
            Booklet.id,
            Booklet.programme_id,
            Booklet.number,
            Booklet.lot_id,
            Booklet.code,
            Booklet.desk_id,
        )
    ):
        booklets[(programme_id, number)] = booklet_id
        by_lot.setdefault(lot_id, []).append(booklet_id)
        actual[booklet_id] = (code, desk_id)
    rows = {(t.out_event_id, t.in_event_id): t for t in session.scalars(select(Transfer))}

    problems: list[str] = []
    holder: dict[int, int] = {}
    pending: Any = None  # the TRANSFERRED_OUT waiting for its TRANSFERRED_IN
    events = session.execute(
        select(
            LedgerEvent.id,
            LedgerEvent.kind,
            LedgerEvent.agent_id,
            LedgerEvent.programme_id,
            LedgerEvent.details,
        )
        .where(LedgerEvent.kind.in_((RECEIVED, OUT, IN)))
        .order_by(LedgerEvent.id)
    ).all()
    for event in events:
        if pending is not None and (event.kind != IN or event.id != pending.id + 1):
            problems.append(
                _("Event {number} (a transfer out) is not followed by its transfer in.").format(
                    number=pending.id
                )
            )
            pending = None
        if event.kind == RECEIVED:
            desk = desk_of_agent.get(event.agent_id)
            for booklet_id in by_lot.get(int(json.loads(event.details).get("lot", 0)), ()):
                holder[booklet_id] = desk
        elif event.kind == OUT:
            pending = event
        elif pending is None:
            problems.append(
                _("Event {number} (a transfer in) does not follow its transfer out.").format(
                    number=event.id
                )
            )
        else:
            out, pending = pending, None
            problems += _pair(session, out, event, rows, programmes, booklets, holder)
    if pending is not None:
        problems.append(
            _("Event {number} (a transfer out) is not followed by its transfer in.").format(
                number=pending.id
            )
        )
    for row in rows.values():
        problems.append(_("Transfer {number} has no events in the journal.").format(number=row.id))
    moved = sorted(
        code
        for booklet_id, (code, desk_id) in actual.items()
        if booklet_id in holder and holder[booklet_id] != desk_id
    )
    if moved:
        problems.append(
            ngettext(
                "{n} booklet is held by another desk than the journal says: {codes}.",
                "{n} booklets are held by another desk than the journal says: {codes}.",
                len(moved),
            ).format(n=len(moved), codes=examples(moved))
        )
    return problems


def _pair(
    session: Session,
    out: Any,
    in_: Any,
    rows: dict[tuple[int, int], Transfer],
    programmes: dict[int, str],
    booklets: dict[tuple[int, int], int],
    holder: dict[int, int],
) -> list[str]:
    """One transfer's two events: the same facts, one row matching them; the range moved."""
    details = json.loads(out.details)
    if (
        out.details != in_.details
        or out.agent_id != in_.agent_id
        or out.programme_id != in_.programme_id
    ):
        return [
            _("Events {out} and {in_} (a transfer) do not say the same.").format(
                out=out.id, in_=in_.id
            )
        ]
    problems = []
    row = rows.pop((out.id, in_.id), None)
    programme = programmes.get(out.programme_id, "")
    if row is None or not _row_matches(row, out.agent_id, details, programme):
        problems.append(
            _("Events {out} and {in_} (a transfer) have no transfer record matching them.").format(
                out=out.id, in_=in_.id
            )
        )
    first, last = _number(details.get("first")), _number(details.get("last"))
    if first is None or last is None:
        return problems
    strays = 0
    for number in range(first, last + 1):
        booklet_id = booklets.get((out.programme_id, number))
        if booklet_id is None or holder.get(booklet_id) != details.get("from"):
            strays += 1
        if booklet_id is not None:
            holder[booklet_id] = details.get("to")
    if strays:
        problems.append(
            ngettext(
                "Event {number} transfers {n} booklet its desk did not hold by the journal.",
                "Event {number} transfers {n} booklets its desk did not hold by the journal.",
                strays,
            ).format(number=out.id, n=strays)
        )
    return problems
