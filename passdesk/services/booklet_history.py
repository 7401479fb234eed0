"""A booklet's details: its status, its journal (received, printed, handed out, returned,
voided...), its handouts with their receipts and, for the roles that may see it, the person.

The stock page opens them on a double-click: what happened to this booklet, before anyone
thinks of voiding it. Everything is read from the journal and the handouts; the only write is
the access log's entry for each person the details name (ids only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk.i18n import N_
from passdesk.models import Agent, Beneficiary, EventKind, Handout, HandoutBooklet, LedgerEvent
from passdesk.roles import Action, may
from passdesk.services import access_log
from passdesk.services.base import Clock, Service
from passdesk.services.booklet_printing import BookletPrintService, PrintHistoryRow
from passdesk.services.finding import find_by_code
from passdesk.services.print_lines import display_name
from passdesk.services.rows import Actor
from passdesk.store import Database

# What each journal event says of a booklet, completing "On DATE, AGENT: ...".
EVENT_LABELS = {
    "received": N_("received in stock"),
    "printed": N_("printed"),
    "reprinted": N_("printed again (duplicate)"),
    "handed_out": N_("handed out"),
    "cancelled": N_("handout cancelled"),
    "returned": N_("back in stock (handout cancelled)"),
    "voided": N_("voided"),
    "expired": N_("expired"),
    "used": N_("voucher used"),
}


@dataclass(frozen=True)
class BookletEvent:
    at: datetime
    kind: str  # passdesk.models.EventKind value; see EVENT_LABELS
    agent_name: str
    receipt: str | None  # the handout's receipt, for handouts and their cancellations
    reason: str | None  # a void reason (lost, stolen...), when the event gives one


@dataclass(frozen=True)
class BookletHandout:
    receipt_number: str
    handed_out_at: datetime
    cancelled_at: datetime | None
    beneficiary_id: int | None  # None when the role may not see who received it
    beneficiary_name: str | None


@dataclass(frozen=True)
class BookletDetails:
    code: str
    number: int
    status: str
    void_reason: str | None
    programme_code: str
    programme_name: str
    vouchers: int
    print_count: int
    events: tuple[BookletEvent, ...]  # oldest first
    handouts: tuple[BookletHandout, ...]  # oldest first
    prints: tuple[PrintHistoryRow, ...]


class BookletHistoryService(Service):
    def __init__(self, db: Database, clock: Clock, *, printing: BookletPrintService) -> None:
        super().__init__(db, clock)
        self._printing = printing  # owns the print register

    def details(self, actor: Actor, code: str) -> BookletDetails:
        """Any code of the booklet (cover, voucher, operator serial). Naming who received it
        is an access to that person's data: each person shown is logged, as a lookup is."""
        details = self._read(actor, code)
        named = [(h.beneficiary_id, h.receipt_number) for h in details.handouts]
        if any(person is not None for person, _receipt in named):
            now = self._now()

            def log_access(session: Session) -> None:
                for person, receipt in dict.fromkeys(named):
                    if person is not None:
                        access_log.record(
                            session, actor.id, [person], "looked_up", now, detail=receipt
                        )

            self._db.transaction(log_access)
        return details

    def _read(self, actor: Actor, code: str) -> BookletDetails:
        prints = self._printing.print_history(code)
        with self._db.read() as session:
            found = find_by_code(session, code)
            booklet, programme = found.booklet, found.programme
            columns = (LedgerEvent.at, LedgerEvent.kind, Agent.display_name, LedgerEvent.details)
            # Its lot's reception is one event for the whole lot (its details name the lot).
            received = [
                row
                for row in session.execute(
                    select(*columns)
                    .join(Agent, Agent.id == LedgerEvent.agent_id)
                    .where(
                        LedgerEvent.kind == EventKind.RECEIVED.value,
                        LedgerEvent.programme_id == booklet.programme_id,
                    )
                    .order_by(LedgerEvent.id)
                )
                if _detail(row.details, "lot") == str(booklet.lot_id)
            ]
            own = session.execute(
                select(*columns)
                .join(Agent, Agent.id == LedgerEvent.agent_id)
                .where(LedgerEvent.booklet_id == booklet.id)
                .order_by(LedgerEvent.id)
            ).all()
            events = [
                BookletEvent(
                    at, kind, name, _detail(details, "receipt"), _detail(details, "reason")
                )
                for at, kind, name, details in [*received, *own]
            ]
            # Who received it is shown to the desk that handed it out, never to another desk.
            may_see = may(actor.role, Action.SEE_RECIPIENT)
            handouts = []
            for h, person in session.execute(
                select(Handout, Beneficiary)
                .join(HandoutBooklet, HandoutBooklet.handout_id == Handout.id)
                .join(Beneficiary, Beneficiary.id == Handout.beneficiary_id)
                .where(HandoutBooklet.booklet_id == booklet.id)
                .order_by(Handout.id)
            ):
                sees = may_see and h.desk_id == actor.desk_id
                name = display_name(
                    person.first_name, person.last_name, person.erased_at, capitals=True
                )
                handouts.append(
                    BookletHandout(
                        h.receipt_number,
                        h.created_at,
                        h.cancelled_at,
                        person.id if sees else None,
                        name if sees else None,
                    )
                )
            return BookletDetails(
                code=booklet.code,
                number=booklet.number,
                status=booklet.status.value,
                void_reason=booklet.void_reason.value if booklet.void_reason else None,
                programme_code=programme.code,
                programme_name=programme.name,
                vouchers=programme.vouchers_per_booklet,
                print_count=booklet.print_count,
                events=tuple(events),
                handouts=tuple(handouts),
                prints=tuple(prints),
            )


def _detail(details: str, key: str) -> str | None:
    try:
        value = json.loads(details or "{}").get(key)
    except (ValueError, AttributeError):
        return None
    return str(value) if value else None
