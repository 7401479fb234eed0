"""Transfers: a range of booklets given by one desk of a territory to another (issue 13).

One unit of work: the range's booklets are locked in id order (PostgreSQL's SELECT ... FOR
UPDATE, which also orders the transfer against a handout of the same booklet; SQLite's BEGIN
IMMEDIATE already serialises writers), every one must be in stock at the sending desk, their
holder changes, and the journal gets two consecutive events, TRANSFERRED_OUT then
TRANSFERRED_IN, with the same details, tied together by a `transfer` row. `check` replays them
(passdesk.services.desk_replay).
"""

from __future__ import annotations

import logging

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, aliased

from passdesk import codes
from passdesk.errors import Forbidden, InvalidInput, NotFound, Refused
from passdesk.i18n import _, ngettext
from passdesk.models import Agent, Booklet, BookletStatus, Desk, DeskKind, EventKind, Programme
from passdesk.models.transfer import Transfer
from passdesk.roles import Action
from passdesk.services import ledger
from passdesk.services.base import Service, desk_id_in, desk_of, require
from passdesk.services.desk_details import desk_row
from passdesk.services.desks import coordination, desk_by_code
from passdesk.services.rows import Actor, DeskRow
from passdesk.services.transfer_rows import HoldingRow, TransferRow

log = logging.getLogger(__name__)

MAX_TRANSFER = 100_000  # a national stock: more is a typing error
_NAMED = 5  # culprits named in a refusal


def _culprit(code: str, booklet: Booklet | None, from_id: int, holders: dict[int, str]) -> str:
    """Why one booklet of the range cannot go, in French ("" when it can)."""
    if booklet is None:
        return _("{code} does not exist").format(code=code)
    if booklet.status is BookletStatus.HANDED_OUT:
        return _("{code} was handed out").format(code=code)
    if booklet.status is BookletStatus.VOIDED:
        return _("{code} was voided").format(code=code)
    if booklet.status is BookletStatus.EXPIRED:
        return _("{code} has expired").format(code=code)
    if booklet.desk_id != from_id:
        return _("{code} is held by the desk {desk}").format(
            code=code, desk=holders.get(booklet.desk_id, "?")
        )
    return ""


def transfer_details(
    from_id: int, to_id: int, programme: str, first: str, last: str, count: int
) -> dict[str, int | str]:
    """The details of both events of a transfer (the same on each side)."""
    return {
        "from": from_id,
        "to": to_id,
        "programme": programme,
        "first": first,
        "last": last,
        "count": count,
    }


class TransferService(Service):
    def transfer(
        self, actor: Actor, *, programme: str, first_booklet: int, count: int, to_desk: str
    ) -> TransferRow:
        """Give booklets `first_booklet`..`first_booklet + count - 1` of `programme`, every one
        in stock at the actor's desk, to the desk `to_desk`; refused whole otherwise."""
        require(actor, Action.TRANSFER_STOCK)
        first, count = int(first_booklet), int(count)
        if first < 1:
            raise InvalidInput(_("A booklet number starts at 1."), field="first_booklet")
        if not 1 <= count <= MAX_TRANSFER:
            raise InvalidInput(
                _("Transfer between 1 and {max} booklets at a time.").format(max=MAX_TRANSFER),
                field="count",
            )
        last = first + count - 1
        now = self._now()

        def work(session: Session) -> TransferRow:
            sender = desk_of(session, actor)
            receiver = desk_by_code(session, to_desk)
            if receiver.id == sender.id:
                raise Refused(
                    _("The booklets are already at the desk {code}.").format(code=sender.code),
                    field="desk",
                )
            master = coordination(session)
            if master is not None and sender.id != master.id and receiver.id != master.id:
                raise Forbidden(
                    _(
                        "A desk gives booklets back to the coordination ({code}) only: the "
                        "coordination shares them out."
                    ).format(code=master.code),
                    field="desk",
                )
            prog = session.scalar(
                select(Programme).where(Programme.code == programme.strip().upper())
            )
            if prog is None:
                raise NotFound(
                    _("No programme with the code {code}.").format(code=programme),
                    field="programme",
                )
            booklets = list(
                session.scalars(
                    select(Booklet)
                    .where(Booklet.programme_id == prog.id, Booklet.number.between(first, last))
                    .order_by(Booklet.id)
                    .with_for_update()
                )
            )
            self._refuse_unless_held(session, prog.code, first, last, booklets, sender.id)
            moved = session.execute(
                update(Booklet)
                .where(
                    Booklet.programme_id == prog.id,
                    Booklet.number.between(first, last),
                    Booklet.status == BookletStatus.IN_STOCK,
                    Booklet.desk_id == sender.id,
                )
                .values(desk_id=receiver.id)
                .execution_options(synchronize_session=False)
            )
            if moved.rowcount != count:  # the rows checked above changed since: undo it all
                raise Refused(
                    _(
                        "Nothing was transferred: booklets of the range changed meanwhile "
                        "(handed out, voided or transferred at the same moment). Try again."
                    ),
                    field="first_booklet",
                )
            first_code = codes.booklet_code(prog.code, first)
            last_code = codes.booklet_code(prog.code, last)
            details = transfer_details(
                sender.id, receiver.id, prog.code, first_code, last_code, count
            )
            out_event = ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=EventKind.TRANSFERRED_OUT,
                programme_id=prog.id,
                details=details,
            )
            in_event = ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=EventKind.TRANSFERRED_IN,
                programme_id=prog.id,
                details=details,
            )
            row = Transfer(
                at=now,
                agent_id=actor.id,
                programme_id=prog.id,
                from_desk_id=sender.id,
                to_desk_id=receiver.id,
                first_booklet=first,
                last_booklet=last,
                count=count,
                out_event_id=out_event.id,
                in_event_id=in_event.id,
            )
            session.add(row)
            session.flush()
            log.info(
                "agent %s transferred %s booklet(s) of %s from desk %s to desk %s",
                actor.id,
                count,
                prog.code,
                sender.id,
                receiver.id,
            )
            return TransferRow(
                row.id,
                now,
                prog.code,
                sender.code,
                receiver.code,
                first_code,
                last_code,
                count,
                actor.login,
            )

        return self._db.transaction(work)

    @staticmethod
    def _refuse_unless_held(
        session: Session,
        programme_code: str,
        first: int,
        last: int,
        booklets: list[Booklet],
        sender_id: int,
    ) -> None:
        by_number = {b.number: b for b in booklets}
        holders = {row.id: row.code for row in session.execute(select(Desk.id, Desk.code))}
        culprits = []
        for number in range(first, last + 1):
            booklet = by_number.get(number)
            if (
                booklet is not None
                and booklet.status is BookletStatus.IN_STOCK
                and booklet.desk_id == sender_id
            ):
                continue
            code = (
                booklet.code if booklet is not None else codes.booklet_code(programme_code, number)
            )
            culprits.append(_culprit(code, booklet, sender_id, holders))
        if culprits:
            named = "; ".join(culprits[:_NAMED]) + ("…" if len(culprits) > _NAMED else "")
            raise Refused(
                ngettext(
                    "Nothing was transferred: {n} booklet of the range cannot go ({which}).",
                    "Nothing was transferred: {n} booklets of the range cannot go ({which}).",
                    len(culprits),
                ).format(n=len(culprits), which=named),
                field="first_booklet",
            )

    def transfers(self, *, limit: int = 200) -> list[TransferRow]:
        """The newest transfers first: every one for the coordination, else those from or to
        the desk the process works for."""
        with self._db.read() as session:
            desk = session.get(Desk, desk_id_in(session))
            sender, receiver = aliased(Desk), aliased(Desk)
            query = (
                select(Transfer, Programme.code, sender.code, receiver.code, Agent.login)
                .join(Programme, Programme.id == Transfer.programme_id)
                .join(sender, sender.id == Transfer.from_desk_id)
                .join(receiver, receiver.id == Transfer.to_desk_id)
                .join(Agent, Agent.id == Transfer.agent_id)
                .order_by(Transfer.id.desc())
                .limit(limit)
            )
            if desk is not None and desk.kind is not DeskKind.COORDINATION:
                query = query.where(
                    or_(Transfer.from_desk_id == desk.id, Transfer.to_desk_id == desk.id)
                )
            return [
                TransferRow(
                    t.id,
                    t.at,
                    programme_code,
                    from_code,
                    to_code,
                    codes.booklet_code(programme_code, t.first_booklet),
                    codes.booklet_code(programme_code, t.last_booklet),
                    t.count,
                    login,
                )
                for t, programme_code, from_code, to_code, login in session.execute(query)
            ]

    def holdings(self, actor: Actor) -> list[HoldingRow]:
        """Per desk and programme, the booklets in stock (the coordination's view of who holds
        what), by desk code then programme code: for whoever may transfer them."""
        require(actor, Action.TRANSFER_STOCK)
        with self._db.read() as session:
            rows = session.execute(
                select(Desk.code, Desk.name, Programme.code, func.count(Booklet.id))
                .join(Booklet, Booklet.desk_id == Desk.id)
                .join(Programme, Programme.id == Booklet.programme_id)
                .where(Booklet.status == BookletStatus.IN_STOCK)
                .group_by(Desk.code, Desk.name, Programme.code)
                .order_by(Desk.code, Programme.code)
            )
            return [HoldingRow(d, n, p, int(c)) for d, n, p, c in rows]

    def destinations(self, actor: Actor) -> list[DeskRow]:
        """The desks the actor's desk may give booklets to, as `transfer` decides: every other
        desk from the coordination (or while there is none), only the coordination from an
        ordinary desk; so that the window offers nothing the transfer would refuse."""
        require(actor, Action.TRANSFER_STOCK)
        with self._db.read() as session:
            own = desk_of(session, actor)
            master = coordination(session)
            if master is not None and master.id != own.id:
                return [desk_row(master)]
            others = select(Desk).where(Desk.id != own.id).order_by(Desk.id)
            return [desk_row(d) for d in session.scalars(others)]
