"""What happened to one booklet or voucher, from the journal: received, printed, handed out
(with the receipt), cancelled, returned, voided, used, expired.

The window's code lookup shows it under the code's status. A booklet's history holds its own
events, its lot's reception, the cancellations of its handouts and its vouchers' events; a
voucher's, its booklet's events and its own (not its neighbours'). The journal never holds a
person: who received the booklet is the lookup's business, for the roles that may see it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from passdesk.i18n import N_
from passdesk.models import Agent, EventKind, Handout, HandoutBooklet, LedgerEvent, Voucher
from passdesk.services.finding import find_by_code

# How each stock event reads in a booklet's history (a booklet and a voucher are both
# masculine in French: "remis", "invalidé").
EVENT_LABELS: dict[str, str] = {
    EventKind.RECEIVED: N_("received in stock"),
    EventKind.PRINTED: N_("printed"),
    EventKind.REPRINTED: N_("reprinted"),
    EventKind.HANDED_OUT: N_("handed out"),
    EventKind.CANCELLED: N_("handout cancelled"),
    EventKind.RETURNED: N_("returned to stock"),
    EventKind.VOIDED: N_("voided"),
    EventKind.USED: N_("used"),
    EventKind.EXPIRED: N_("expired"),
}


@dataclass(frozen=True)
class CodeEvent:
    """One line of a code's history."""

    at: datetime
    kind: str  # EventKind value; EVENT_LABELS says it
    agent: str  # the agent's display name
    code: str  # the booklet's code, or the voucher's for a voucher's own event
    receipt_number: str | None


def _receipt(details: dict[str, object], handout: str | None) -> str | None:
    value = details.get("receipt") or handout
    return str(value) if value else None


def code_history(session: Session, code: str, limit: int = 200) -> list[CodeEvent]:
    """The events of the booklet or voucher `code` names, oldest first (InvalidCode or
    NotFound in French when it names none)."""
    found = find_by_code(session, code)
    booklet, voucher = found.booklet, found.voucher
    own_vouchers = (
        [voucher.id]
        if voucher is not None
        else select(Voucher.id).where(Voucher.booklet_id == booklet.id)
    )
    handouts = select(HandoutBooklet.handout_id).where(HandoutBooklet.booklet_id == booklet.id)
    voucher_codes: dict[int | None, str] = {
        voucher_id: voucher_code
        for voucher_id, voucher_code in session.execute(
            select(Voucher.id, Voucher.code).where(Voucher.booklet_id == booklet.id)
        )
    }
    lot_mark = f'%"lot":{booklet.lot_id}%'
    rows = session.execute(
        select(LedgerEvent, Agent.display_name, Handout.receipt_number)
        .join(Agent, Agent.id == LedgerEvent.agent_id)
        .outerjoin(Handout, Handout.id == LedgerEvent.handout_id)
        .where(
            LedgerEvent.kind.in_(list(EVENT_LABELS)),
            or_(
                and_(
                    LedgerEvent.booklet_id == booklet.id,
                    or_(LedgerEvent.voucher_id.is_(None), LedgerEvent.voucher_id.in_(own_vouchers)),
                ),
                and_(LedgerEvent.booklet_id.is_(None), LedgerEvent.voucher_id.in_(own_vouchers)),
                and_(
                    LedgerEvent.kind == EventKind.CANCELLED,
                    LedgerEvent.booklet_id.is_(None),
                    LedgerEvent.handout_id.in_(handouts),
                ),
                # A lot's reception is one event for all its booklets.
                and_(LedgerEvent.kind == EventKind.RECEIVED, LedgerEvent.details.like(lot_mark)),
            ),
        )
        .order_by(LedgerEvent.id)
        .limit(limit)
    ).all()
    history = []
    for event, agent, receipt in rows:
        details = json.loads(event.details or "{}")
        if event.kind == EventKind.RECEIVED and details.get("lot") != booklet.lot_id:
            continue  # "lot":1 also begins "lot":12: the details say which lot it was
        code_shown = voucher_codes.get(event.voucher_id, booklet.code)
        history.append(
            CodeEvent(event.at, event.kind, agent, code_shown, _receipt(details, receipt))
        )
    return history
