"""Handouts: give booklets to a person, refuse what the rules forbid, cancel with a reason.

Every handout is one transaction: the booklet moves from in stock to handed out by a
conditional UPDATE (WHERE status = 'in_stock'), so of two desks scanning the same booklet at
the same moment exactly one succeeds; the receipt number and the journal events are written
in the same transaction.

A booklet printed on site leaves only once printed; one holding voided vouchers leaves with the
rest (named on the receipt, its value reduced), but "next booklet" gives a whole one first.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.formatting import format_date
from passdesk.i18n import _
from passdesk.models import (
    Agent,
    Booklet,
    EventKind,
    Handout,
    HandoutBooklet,
    Programme,
    Voucher,
    VoucherStatus,
)
from passdesk.roles import Action
from passdesk.serials import ParsedSerial
from passdesk.services import ledger, people_scope, serial_formats
from passdesk.services.base import (
    Service,
    booklet_row,
    desk_id_in,
    desk_of,
    local_date,
    programme_row,
    require,
)
from passdesk.services.handout_checks import (
    check_booklet,
    check_expected,
    check_limits,
    check_programme,
)
from passdesk.services.handout_reading import (
    excluded_at_handout,
    handout_row,
    handout_row_of,
    limit_message,
    next_in_stock_query,
    received_count,
    refusal_for_status,
)
from passdesk.services.handout_rules import (
    HAND_OUT,
    RETURN_TO_STOCK,
    cancel_change,
    cancelled_booklet_details,
    cancelled_details,
    handed_out_details,
    may_hand_out,
    next_receipt,
    over_limit,
    reason_text,
    same_day,
)
from passdesk.services.holding import check_held, check_made_here
from passdesk.services.rows import (
    Actor,
    BookletCheck,
    BookletRow,
    Entitlement,
    HandoutRow,
)
from passdesk.services.stock import find_by_code

log = logging.getLogger(__name__)


class HandoutService(Service):
    def check(
        self, beneficiary_id: int, code: str, expected_programme: str | None = None
    ) -> BookletCheck:
        """What the confirmation panel shows for a scanned code; nothing is written."""
        with self._db.read() as session:
            if people_scope.visible_person(session, beneficiary_id) is None:
                raise NotFound(
                    _("No beneficiary with the number {id}.").format(id=beneficiary_id),
                    field="beneficiary",
                )
            found = find_by_code(session, code)
            check_expected(found.programme, expected_programme)
            check_held(session, found.booklet, desk_id_in(session))
            excluded = check_booklet(session, found.booklet, found.programme, self._today())
            programme = found.programme
            received = received_count(session, beneficiary_id, programme.id)
            over = over_limit(programme.limit_per_person, received)
            return BookletCheck(
                booklet=booklet_row(found.booklet, programme.code, programme.vouchers_per_booklet),
                programme=programme_row(programme),
                needs_override=over,
                message=limit_message(programme, received) if over else None,
                excluded=tuple(excluded),
                received=received,
            )

    # --- the handout --------------------------------------------------------------------

    def hand_out(
        self,
        actor: Actor,
        beneficiary_id: int,
        *,
        codes_: Sequence[str] = (),
        next_programme: str | None = None,
        override_reason: str | None = None,
        expected_programme: str | None = None,
    ) -> HandoutRow:
        """Give the booklets named by `codes_` (any code of each), or the next one in stock of
        `next_programme`, to one person, in one transaction with a new receipt number."""
        parsed = [self._read(c) for c in codes_]  # check digits before any lookup
        if bool(parsed) == bool(next_programme):
            raise InvalidInput(
                _("Give a booklet code, or ask for the next booklet of a programme."), field="code"
            )
        reason = reason_text(override_reason, Handout.override_reason) or None
        if reason is not None:
            require(actor, Action.OVERRIDE_LIMIT)
        now = self._now()

        def work(session: Session) -> HandoutRow:
            # Locked: two desks serving the same person cannot both pass the limit (PostgreSQL;
            # SQLite's BEGIN IMMEDIATE already serialises writers).
            person = people_scope.visible_person(
                session, beneficiary_id, actor.desk_id, for_update=True
            )
            if person is None:
                raise NotFound(
                    _("No beneficiary with the number {id}.").format(id=beneficiary_id),
                    field="beneficiary",
                )
            if person.erased_at is not None:
                raise Refused(
                    _("This person's data was erased; register them again to hand out."),
                    field="beneficiary",
                )
            if next_programme:
                chosen = [self._next_in_stock(session, next_programme, actor.desk_id)]
            else:
                chosen = []
                for p in parsed:
                    found = find_by_code(session, p.code)
                    if any(b.id == found.booklet.id for b, _prog in chosen):
                        raise InvalidInput(
                            _("Booklet {code} was scanned twice.").format(code=found.booklet.code),
                            field="code",
                        )
                    check_expected(found.programme, expected_programme)
                    chosen.append((found.booklet, found.programme))
            for b, _p in chosen:
                check_held(session, b, actor.desk_id)
            excluded = [check_booklet(session, b, p, self._today()) for b, p in chosen]
            check_limits(session, person.id, chosen, reason)
            desk = desk_of(session, actor)
            # Every handout of the desk locks the receipt counter and the journal head until
            # its commit, and the other desks wait for them: so whatever needs neither comes
            # first (taking the booklets, reading the agent for the returned row).
            for booklet, _programme in chosen:
                moved = session.execute(
                    update(Booklet)
                    .where(
                        Booklet.id == booklet.id,
                        Booklet.status.in_(HAND_OUT.booklet_from),
                        Booklet.desk_id == desk.id,  # held here, not transferred meanwhile
                    )
                    .values(status=HAND_OUT.booklet, void_reason=HAND_OUT.reason)
                    .execution_options(synchronize_session=False)
                )
                if moved.rowcount != 1:  # another desk took it between our read and write
                    session.refresh(booklet)
                    raise refusal_for_status(session, booklet)
                session.execute(
                    update(Voucher)
                    .where(
                        Voucher.booklet_id == booklet.id,
                        Voucher.status.in_(HAND_OUT.vouchers_from),
                    )
                    .values(status=HAND_OUT.voucher, void_reason=HAND_OUT.reason)
                    .execution_options(synchronize_session=False)
                )
            agent = session.get(Agent, actor.id)
            handout = Handout(
                desk_id=desk.id,
                beneficiary_id=person.id,
                agent_id=actor.id,
                created_at=now,
                receipt_number=next_receipt(session, desk, now),
                override_reason=reason,
            )
            session.add(handout)
            session.flush()
            for (booklet, programme), left_out in zip(chosen, excluded, strict=True):
                session.add(HandoutBooklet(handout_id=handout.id, booklet_id=booklet.id))
                ledger.append(
                    session,
                    at=now,
                    agent_id=actor.id,
                    kind=HAND_OUT.kind,
                    programme_id=programme.id,
                    booklet_id=booklet.id,
                    handout_id=handout.id,
                    details=handed_out_details(
                        programme.code,
                        booklet.number,
                        programme.vouchers_per_booklet,
                        handout.receipt_number,
                        override=reason,
                        excluded=left_out,
                    ),
                )
            session.flush()
            log.info(
                "agent %s handed out %s booklet(s), receipt %s%s",
                actor.id,
                len(chosen),
                handout.receipt_number,
                " (limit overridden)" if reason else "",
            )
            # From what this transaction wrote: reading it back would keep the locks longer.
            given = zip(chosen, excluded, strict=True)
            return handout_row_of(
                handout, agent, [(b, p, HAND_OUT.booklet, x) for (b, p), x in given]
            )

        return self._db.transaction(work)

    def _read(self, text: str) -> codes.ParsedCode | ParsedSerial:
        with self._db.read() as session:
            return serial_formats.read_code(session, text)

    def _next_in_stock(
        self, session: Session, programme_code: str, desk_id: int
    ) -> tuple[Booklet, Programme]:
        programme = session.scalar(
            select(Programme).where(Programme.code == programme_code.strip().upper())
        )
        if programme is None:
            raise NotFound(
                _("No programme with the code {code}.").format(code=programme_code),
                field="programme",
            )
        check_programme(programme, self._today())
        booklet = session.scalar(
            next_in_stock_query(programme.id, desk_id).with_for_update(skip_locked=True)
        )
        if booklet is None:
            raise Refused(
                _("No booklet of {code} is left in stock.").format(code=programme.code),
                field="programme",
            )
        return booklet, programme

    def next_booklet(self, programme_code: str) -> BookletRow | None:
        """What "next booklet" would hand out now (the window shows it before confirming)."""
        with self._db.read() as session:
            programme = session.scalar(
                select(Programme).where(Programme.code == programme_code.strip().upper())
            )
            if programme is None:
                raise NotFound(
                    _("No programme with the code {code}.").format(code=programme_code),
                    field="programme",
                )
            booklet = session.scalar(next_in_stock_query(programme.id, desk_id_in(session)))
            if booklet is None:
                return None
            return booklet_row(booklet, programme.code, programme.vouchers_per_booklet)

    # --- cancellation -------------------------------------------------------------------

    def cancel_asks_returned(self, handout: HandoutRow) -> bool:
        """Whether cancelling it now must say if its booklets came back (on a later day)."""
        return not same_day(handout.created_at, self._now())

    def cancel(
        self, actor: Actor, handout_id: int, reason: str, *, returned: bool | None = None
    ) -> HandoutRow:
        """Cancel a handout: booklets that came back intact go back to stock (RETURNED events),
        the others are voided. On a later day the agent must say which (`returned`); the same
        day they are taken as back unless `returned` is False."""
        require(actor, Action.CANCEL_HANDOUT)
        reason = reason_text(reason, Handout.cancel_reason)
        if not reason:
            raise InvalidInput(_("Give the reason for the cancellation."), field="reason")
        now = self._now()

        def work(session: Session) -> HandoutRow:
            handout = session.get(Handout, handout_id, with_for_update=True)
            if handout is None:
                raise NotFound(
                    _("No handout with the number {id}.").format(id=handout_id), field="handout"
                )
            check_made_here(session, handout, actor.desk_id)
            if handout.cancelled_at is not None:
                raise Refused(
                    _("Handout {receipt} was already cancelled on {date}.").format(
                        receipt=handout.receipt_number,
                        date=format_date(local_date(handout.cancelled_at)),
                    )
                )
            given = session.execute(
                select(Booklet, Programme)
                .join(HandoutBooklet)
                .join(Programme)
                .where(HandoutBooklet.handout_id == handout.id)
                .order_by(Booklet.number, Booklet.id)
            ).all()
            booklets = [booklet for booklet, _programme in given]
            booklet_ids = [b.id for b in booklets]
            used = session.scalar(
                select(Voucher.code)
                .where(Voucher.booklet_id.in_(booklet_ids), Voucher.status == VoucherStatus.USED)
                .limit(1)
            )
            if used is not None:
                raise Refused(
                    _(
                        "Voucher {code} of this handout was already used: the handout "
                        "cannot be cancelled. Void the unused vouchers instead."
                    ).format(code=used)
                )
            if returned is None and not same_day(handout.created_at, now):
                raise InvalidInput(
                    _(
                        "Handout {receipt} was made on {date}: say whether its booklets came "
                        "back intact (they go back to stock) or not (they are voided)."
                    ).format(
                        receipt=handout.receipt_number,
                        date=format_date(local_date(handout.created_at)),
                    ),
                    field="returned",
                )
            change = cancel_change(handout.created_at, now, returned)
            # The journal head, which every desk's writes lock until their commit, last: the
            # booklets and vouchers first, and what the returned row shows read before.
            agent = session.get(Agent, handout.agent_id)
            excluded = excluded_at_handout(session, handout.id, booklet_ids)
            handout.cancelled_at, handout.cancelled_by = now, actor.id
            handout.cancel_reason = reason
            # Voided meanwhile (lost, stolen), a booklet stays as it is.
            changed = [b for b in booklets if b.status in change.booklet_from]
            for booklet in changed:
                booklet.status, booklet.void_reason = change.booklet, change.reason
                session.execute(
                    update(Voucher)
                    .where(
                        Voucher.booklet_id == booklet.id, Voucher.status.in_(change.vouchers_from)
                    )
                    .values(status=change.voucher, void_reason=change.reason)
                    .execution_options(synchronize_session=False)
                )
            ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=EventKind.CANCELLED,
                handout_id=handout.id,
                details=cancelled_details(handout.receipt_number, [b.code for b in booklets]),
            )
            for booklet in changed:
                ledger.append(
                    session,
                    at=now,
                    agent_id=actor.id,
                    kind=change.kind,
                    programme_id=booklet.programme_id,
                    booklet_id=booklet.id,
                    handout_id=handout.id,
                    details=cancelled_booklet_details(booklet.code, handout.receipt_number),
                )
            session.flush()
            log.info(
                "agent %s cancelled handout %s (%s)",
                actor.id,
                handout.id,
                "returned to stock" if change is RETURN_TO_STOCK else "booklets voided",
            )
            lines = [(b, p, b.status, excluded.get(b.id, ())) for b, p in given]
            return handout_row_of(handout, agent, lines)

        return self._db.transaction(work)

    # --- reading ------------------------------------------------------------------------

    def get(self, handout_id: int) -> HandoutRow:
        with self._db.read() as session:
            handout = session.get(Handout, handout_id)
            if handout is None:
                raise NotFound(
                    _("No handout with the number {id}.").format(id=handout_id), field="handout"
                )
            return handout_row(session, handout)

    def for_beneficiary(self, beneficiary_id: int) -> list[HandoutRow]:
        with self._db.read() as session:
            if people_scope.visible_person(session, beneficiary_id) is None:
                return []  # as for a number that names nobody
            handouts = session.scalars(
                select(Handout)
                .where(Handout.beneficiary_id == beneficiary_id)
                .order_by(Handout.id.desc())
            ).all()
            return [handout_row(session, h) for h in handouts]

    def entitlements(self, beneficiary_id: int) -> list[Entitlement]:
        """For each programme open today, how many booklets the person has had and may have."""
        today = self._today()
        with self._db.read() as session:
            result = []
            for programme in session.scalars(select(Programme).order_by(Programme.code)):
                if not may_hand_out(programme.valid_from, programme.valid_until, today):
                    continue
                result.append(
                    Entitlement(
                        programme.code,
                        programme.name,
                        received_count(session, beneficiary_id, programme.id),
                        programme.limit_per_person,
                    )
                )
            return result
