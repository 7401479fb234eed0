"""Who held each booklet when, for one desk's régie register in a territory (issue 13).

A desk's register counts what the desk answered for at each moment: a booklet's events count for
the desk holding it when they happened, not for the desk holding it today. As
`desk_replay` replays the holders for `check`, the journal says who held what: a reception gives
its lot's booklets to the desk of the agent who received it, a transfer (TRANSFERRED_OUT then
TRANSFERRED_IN, details "from", "to", "first", "last") moves its range. The transfer is an exit
from the giving desk's stock and an entry into the receiving desk's, every voucher of the booklet
with it (`Replay.hand_over`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import InvalidInput
from passdesk.i18n import _
from passdesk.models import Agent, Booklet, Desk, EventKind
from passdesk.services.stock_replay import IN_STOCK, Move, Replay

TRANSFERRED = "transferred"  # where a transfer's booklets go from, or come from: another desk
OUT = EventKind.TRANSFERRED_OUT.value
IN = EventKind.TRANSFERRED_IN.value
RECEIVED = EventKind.RECEIVED.value


def _number(code: object) -> int | None:
    try:
        return codes.parse_code(str(code)).number
    except InvalidInput:
        return None


class DeskHolders:
    """The holders of one programme's booklets, replayed event by event, for the desk
    `desk_id`'s register."""

    def __init__(self, session: Session, programme_id: int, desk_id: int) -> None:
        self.desk_id = desk_id
        self._desk_of_agent = dict(session.execute(select(Agent.id, Agent.desk_id)).all())
        self._codes = dict(session.execute(select(Desk.id, Desk.code)).all())
        self._by_number: dict[int, int] = {}
        self._by_lot: dict[int, list[int]] = {}
        self._holder: dict[int, int] = {}  # booklet id -> desk; today's until the journal says
        for booklet_id, number, lot_id, holder in session.execute(
            select(Booklet.id, Booklet.number, Booklet.lot_id, Booklet.desk_id).where(
                Booklet.programme_id == programme_id
            )
        ):
            self._by_number[number] = booklet_id
            self._by_lot.setdefault(lot_id, []).append(booklet_id)
            self._holder[booklet_id] = holder

    def counted(
        self, kind: str, booklet_id: int | None, agent_id: int | None, details: dict[str, Any]
    ) -> bool:
        """Whether an event (not a transfer's) counts for the desk: a reception for the desk of
        its agent, whose lot's booklets it then holds; any other for the booklet's holder."""
        if kind == RECEIVED:
            desk = self._desk_of_agent.get(agent_id)
            for booklet in self._by_lot.get(int(details.get("lot", 0)), ()):
                self._holder[booklet] = desk  # type: ignore[assignment]
            return desk == self.desk_id
        return booklet_id is not None and self._holder.get(booklet_id) == self.desk_id

    def transfer(
        self, replay: Replay, event_id: int, kind: str, details: dict[str, Any]
    ) -> Move | None:
        """A transfer's event: out of the giving desk's stock (TRANSFERRED_OUT), into the
        receiving desk's (TRANSFERRED_IN); None for a desk it does not concern."""
        first, last = _number(details.get("first")), _number(details.get("last"))
        if first is None or last is None:
            return None
        ids = [self._by_number[n] for n in range(first, last + 1) if n in self._by_number]
        booklets = vouchers = 0
        if kind == OUT:
            if details.get("from") != self.desk_id:
                return None
            for booklet_id in ids:
                moved = replay.hand_over(booklet_id, arriving=False)
                booklets, vouchers = booklets + moved[0], vouchers + moved[1]
            return Move(event_id, kind, IN_STOCK, TRANSFERRED, booklets, vouchers, details)
        receiver = details.get("to")
        for booklet_id in ids:
            self._holder[booklet_id] = receiver  # type: ignore[assignment]
        if receiver != self.desk_id:
            return None
        for booklet_id in ids:
            moved = replay.hand_over(booklet_id, arriving=True)
            booklets, vouchers = booklets + moved[0], vouchers + moved[1]
        return Move(event_id, kind, TRANSFERRED, IN_STOCK, booklets, vouchers, details)

    def describe(self, details: dict[str, Any], kind: str) -> str:
        """A transfer line's detail: the other desk and the range."""
        other = details.get("to") if kind == OUT else details.get("from")
        code = self._codes.get(other, "?")  # type: ignore[arg-type]
        text = (
            _("to the desk {desk}: {first} to {last}")
            if kind == OUT
            else _("from the desk {desk}: {first} to {last}")
        )
        return text.format(desk=code, first=details.get("first", ""), last=details.get("last", ""))
