"""The writes of one usage import, in batches: each use, its journal event, then the vouchers'
status in one statement.

A million uses must be written in seconds, inside the import's one transaction, so rows go as
plain tuples through the driver's executemany, and each journal event is made from a template
that `ledger.canonical` and `ledger.details_text` themselves produced for this import (only the
numbers, the code and the day change from one event to the next); the first event of every
batch is made again through `ledger.event_values` and must come out identical, so the chain
stays exactly the one `LedgerService.verify` recomputes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk.models import EventKind, LedgerHead, VoucherStatus
from passdesk.services import ledger
from passdesk.services.usage_reading import UseDay

# Stand-ins put through ledger's own functions to find where each value goes in the event's
# text: numbers and upper-case words, which JSON writes as they are, so they can be replaced.
_FIELDS = ("id", "programme", "booklet", "voucher", "place", "code", "day")
_STAND_INS: dict[str, Any] = {
    "id": 918273645501,
    "programme": 918273645502,
    "booklet": 918273645503,
    "voucher": 918273645504,
    "place": 918273645505,
    "code": "QZXCODESTANDIN",
    "day": "QZXDAYSTANDIN",
}


def _details(code: Any, import_id: int, place: Any, day: Any) -> dict[str, Any]:
    """A use's journal details: the one definition, used for the template and the check."""
    return {"code": code, "import": import_id, "place": place, "used_on": day}


def _template(text: str, fields: tuple[str, ...]) -> str:
    """`text` made a str.format template: braces escaped, each stand-in of `fields` the
    positional field of its rank in _FIELDS."""
    template = text.replace("{", "{{").replace("}", "}}")
    for name in fields:
        stand_in = str(_STAND_INS[name])
        if template.count(stand_in) != 1:
            raise RuntimeError(f"the journal's form does not hold {stand_in} once")
        template = template.replace(stand_in, f"{{{_FIELDS.index(name)}}}")
    return template


class UsageWriter:
    """Collects the applied rows of an import and writes them every `flush`."""

    def __init__(self, session: Session, agent_id: int, import_id: int, now: datetime) -> None:
        self.session = session
        self.agent_id = agent_id
        self.import_id = import_id
        self.now = now
        ledger.ensure_head(session)
        self.head = session.scalars(
            select(LedgerHead).where(LedgerHead.id == 1).with_for_update()
        ).one()
        self.last_id, self.last_hash = self.head.last_id, self.head.last_hash
        dialect = session.connection().dialect
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.sqlite = dialect.name == "sqlite"
        self.at = self._stored(now)
        stand = _STAND_INS
        details = ledger.details_text(
            _details(stand["code"], import_id, stand["place"], stand["day"])
        )
        self.details = _template(details, ("place", "code", "day"))
        self.canonical = _template(
            ledger.canonical(
                stand["id"], now, agent_id, EventKind.USED.value, stand["programme"],
                stand["booklet"], stand["voucher"], None, details,
            ),
            _FIELDS,
        )  # fmt: skip
        self.kind = EventKind.USED.value
        self.used_at: dict[datetime, Any] = {}
        self.first: tuple[Any, ...] = ()  # the values of the batch's first event
        self.uses: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []

    def add(
        self,
        programme_id: int,
        booklet_id: int,
        voucher_id: int,
        code: str,
        day: UseDay,
        place_id: int,
        amount: str,
        hashed: str,
    ) -> None:
        """One applied row: its use and its journal event (written at the next flush)."""
        used = self.used_at.get(day.moment)
        if used is None:  # the desk's local time, as UTCDateTime stores it
            used = self.used_at[day.moment] = self._stored(day.moment.astimezone(UTC))
        self.uses.append((voucher_id, used, place_id, amount, self.import_id, hashed))
        event_id = self.last_id + 1
        values = (event_id, programme_id, booklet_id, voucher_id, place_id, code, day.iso)
        if not self.events:
            self.first = values
        text = self.canonical.format(*values)
        digest = ledger.chain_hash(self.last_hash, text)
        self.events.append(
            (event_id, self.at, self.agent_id, self.kind, programme_id, booklet_id,
             voucher_id, None, self.details.format(*values), self.last_hash, digest)
        )  # fmt: skip
        self.last_id, self.last_hash = event_id, digest

    def _stored(self, moment: datetime) -> Any:
        """A moment as `UTCDateTime` stores it (naive UTC; text on SQLite), for raw SQL."""
        naive = moment.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(" ", "microseconds") if self.sqlite else naive

    def _check_first_event(self) -> None:
        """The batch's first event, made again the one way `ledger` makes events: a form that
        drifted from it would break the chain, so the import stops (and writes nothing)."""
        event_id, programme_id, booklet_id, voucher_id, place_id, code, day = self.first
        written = self.events[0]
        expected = ledger.event_values(
            event_id, written[9], at=self.now, agent_id=self.agent_id, kind=EventKind.USED,
            programme_id=programme_id, booklet_id=booklet_id, voucher_id=voucher_id,
            details=_details(code, self.import_id, place_id, day),
        )  # fmt: skip
        if (expected["details"], expected["hash"]) != (written[8], written[10]):
            raise RuntimeError(f"journal event {event_id} differs from ledger.event_values")

    def flush(self) -> None:
        """Write the uses and events added so far, as two plain executemany (SQLAlchemy's
        per-row parameter processing costs more than the statements themselves)."""
        if not self.uses:
            return
        self._check_first_event()
        connection = self.session.connection()
        marks = lambda n: ", ".join([self.mark] * n)  # noqa: E731
        connection.exec_driver_sql(
            "INSERT INTO voucher_use (voucher_id, used_at, place_id, amount, import_id, "
            f"row_hash) VALUES ({marks(6)})",
            self.uses,
        )
        connection.exec_driver_sql(
            "INSERT INTO ledger_event (id, at, agent_id, kind, programme_id, booklet_id, "
            f"voucher_id, handout_id, details, prev_hash, hash) VALUES ({marks(11)})",
            self.events,
        )
        self.uses, self.events = [], []

    def finish(self) -> None:
        """The last batch, then every voucher this import used marked so in one statement
        (from its uses), and the journal's head moved to the last event."""
        self.flush()
        self.session.connection().exec_driver_sql(
            f"UPDATE voucher SET status = '{VoucherStatus.USED.value}', used_at = "
            "(SELECT u.used_at FROM voucher_use u WHERE u.voucher_id = voucher.id) "
            f"WHERE id IN (SELECT voucher_id FROM voucher_use WHERE import_id = {self.mark})",
            (self.import_id,),
        )
        self.head.last_id, self.head.last_hash = self.last_id, self.last_hash
