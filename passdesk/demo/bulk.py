"""Writing the plan in bulk, for the national scale: many rows a statement, one transaction a stretch.

Service calls one at a time would take an hour for 200,000 people; this writer takes about a
minute. It decides nothing of its own: every row, status and journal event comes from the
functions the services themselves call (`clean_input`, `beneficiary_values`, `index_tokens`;
`privacy_notice.stamp`; `handout_rules`; `stock.void_change`; `ledger.event_values`), applied to
many rows at once.
Receptions go through StockService (it is bulk already); each stretch between two receptions
is one transaction holding its people, handouts, status changes and journal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.demo.ops import (
    BookletRef,
    Cancel,
    HandOut,
    Op,
    Progress,
    Receive,
    Register,
    VoidBooklet,
    VoidVoucher,
)
from passdesk.demo.scales import LotSpec
from passdesk.demo.through_services import ServiceWriter
from passdesk.i18n import _
from passdesk.models import (
    Beneficiary,
    Booklet,
    BookletStatus,
    EventKind,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    LedgerHead,
    NameToken,
    ReceiptCounter,
    VoidReason,
    Voucher,
    VoucherStatus,
)
from passdesk.services import ledger, privacy_notice
from passdesk.services.base import local_date
from passdesk.services.beneficiaries import beneficiary_values, clean_input, index_tokens
from passdesk.services.handout_rules import (
    HAND_OUT,
    cancel_change,
    cancelled_booklet_details,
    cancelled_details,
    handed_out_details,
    receipt_number,
    receipt_year,
)
from passdesk.services.stock import StatusChange, void_change, void_details
from passdesk.store.dialect import catch_up_sequences


@dataclass(frozen=True, slots=True)
class _Given:
    """A handout as its cancellation needs it: when, its receipt, its booklets in order."""

    at: datetime
    receipt: str
    booklets: tuple[tuple[int, int, BookletRef], ...]  # (number, id, ref), as the service sorts


class BulkWriter:
    """Writes the plan stretch by stretch; remembers what the database holds between stretches."""

    def __init__(self, writer: ServiceWriter) -> None:
        self.through_services = writer  # for the receptions
        self.services = writer.services
        self.actors = writer.actors
        self.programmes = writer.programmes
        self.desk_id = writer.services.accounts.desk().id
        self.booklet_ids: dict[BookletRef, int] = {}
        self.status: dict[int, BookletStatus] = {}  # booklet id -> status, as committed
        self.given: dict[int, _Given] = {}  # handout id -> what its cancellation needs

    def write(self, ops: Sequence[Op], progress: Progress) -> None:
        label = _("Writing the register")
        start = 0
        for i, op in enumerate(ops):
            if isinstance(op, Receive):
                self._flush(ops[start:i])
                self.through_services.apply(op)
                self._load_booklets(op.lot)
                start = i + 1
                progress(label, i + 1, len(ops))
        self._flush(ops[start:])
        progress(label, len(ops), len(ops))

    def _load_booklets(self, lot: LotSpec) -> None:
        programme_id = self.programmes[lot.programme].id
        with self.services.db.read() as session:
            for number, booklet_id, status in session.execute(
                select(Booklet.number, Booklet.id, Booklet.status).where(
                    Booklet.programme_id == programme_id,
                    Booklet.number.between(lot.first, lot.first + lot.count - 1),
                )
            ):
                self.booklet_ids[(lot.programme, number)] = booklet_id
                self.status[booklet_id] = status

    def _flush(self, ops: Sequence[Op]) -> None:
        if not ops:
            return

        def work(session: Session) -> _Batch:
            batch = _Batch(self, session.connection(), session)
            for op in ops:
                batch.add(op)
            batch.write()
            return batch

        # A replayed unit of work starts again from what was committed: remember it only now.
        batch = self.services.db.transaction(work)
        self.status.update(batch.status)
        self.given.update(batch.given)


class _Batch:
    """One stretch of the plan turned into rows, status changes and chained journal events."""

    CHUNK = 20_000

    def __init__(self, writer: BulkWriter, connection: Connection, session: Session) -> None:
        self.writer = writer
        self.connection = connection
        self.session = session
        self.notice: int | None = None  # the information notice's version, once stamped
        self.agent = {login: actor.id for login, actor in writer.actors.items()}
        head = connection.execute(
            select(LedgerHead.last_id, LedgerHead.last_hash).where(LedgerHead.id == 1)
        ).one()
        self.last_id, self.last_hash = head.last_id, head.last_hash
        self.people: list[dict[str, Any]] = []
        self.tokens: list[dict[str, Any]] = []
        self.handouts: list[dict[str, Any]] = []
        self.handout_booklets: list[dict[str, Any]] = []
        self.cancels: list[dict[str, Any]] = []
        self.voucher_voids: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.given: dict[int, _Given] = {}
        self.receipts: dict[int, tuple[int, bool]] = {}  # year -> (last number, counter row?)
        # Booklets this stretch changes: status now, status before, void reason now, and what
        # became of their vouchers that had the booklet's status before (the others, voided on
        # their own, no change touches).
        self.status: dict[int, BookletStatus] = {}
        self.before: dict[int, BookletStatus] = {}
        self.reason: dict[int, VoidReason | None] = {}
        self.vouchers: dict[int, tuple[VoucherStatus, VoidReason | None]] = {}

    def add(self, op: Op) -> None:
        if isinstance(op, Register):
            self._register(op)
        elif isinstance(op, HandOut):
            self._hand_out(op)
        elif isinstance(op, Cancel):
            self._cancel(op)
        elif isinstance(op, VoidBooklet):
            self._void_booklet(op)
        elif isinstance(op, VoidVoucher):
            self._void_voucher(op)
        else:  # pragma: no cover - receptions go through the service
            raise TypeError(op)

    # -- the rules, applied in memory --

    def _status(self, booklet_id: int) -> BookletStatus:
        status = self.status.get(booklet_id)
        return self.writer.status[booklet_id] if status is None else status

    def _vouchers(self, booklet_id: int) -> tuple[VoucherStatus, VoidReason | None]:
        return self.vouchers.get(booklet_id) or (VoucherStatus(self._status(booklet_id)), None)

    def _change(self, booklet_id: int, change: StatusChange) -> bool:
        """`change` applied to a booklet and its vouchers; False if it does not apply."""
        status = self._status(booklet_id)
        if status not in change.booklet_from:
            return False
        vouchers = self._vouchers(booklet_id)
        if vouchers[0] in change.vouchers_from:
            vouchers = (change.voucher, change.reason)
        self.before.setdefault(booklet_id, status)
        self.status[booklet_id] = change.booklet
        self.reason[booklet_id] = change.reason
        self.vouchers[booklet_id] = vouchers
        return True

    def _must_change(self, ref: BookletRef, change: StatusChange) -> int:
        booklet_id = self.writer.booklet_ids[ref]
        if not self._change(booklet_id, change):
            raise ValueError(f"the plan moves {codes.booklet_code(*ref)}, which is not movable")
        return booklet_id

    def _event(self, op: Op, kind: EventKind, details: dict[str, Any], **ids: int | None) -> None:
        row = ledger.event_values(
            self.last_id + 1,
            self.last_hash,
            at=op.at,
            agent_id=self.agent[op.login],
            kind=kind,
            details=details,
            **ids,
        )
        self.last_id, self.last_hash = row["id"], row["hash"]
        self.events.append(row)

    def _next_receipt(self, at: datetime) -> str:
        year = receipt_year(at)
        if year not in self.receipts:
            counter = ReceiptCounter.__table__
            last = self.connection.scalar(
                select(counter.c.last_number).where(
                    counter.c.desk_id == self.writer.desk_id, counter.c.year == year
                )
            )
            self.receipts[year] = (last or 0, last is not None)
        last, stored = self.receipts[year]
        self.receipts[year] = (last + 1, stored)
        return receipt_number(year, last + 1)

    # -- the operations --

    def _register(self, op: Register) -> None:
        clean = clean_input(op.data, local_date(op.at))
        person_id = op.person + 1
        if self.notice is None:  # as the service does: the version in force, stored if new
            self.notice = privacy_notice.stamp(self.session, op.at).version
        values = beneficiary_values(
            clean,
            at=op.at,
            agent_id=self.agent[op.login],
            desk_id=self.writer.desk_id,
            notice=self.notice,
        )
        self.people.append({"id": person_id, **values})
        self.tokens.extend(
            {"token": token, "beneficiary_id": person_id}
            for token in index_tokens(clean.first_name, clean.last_name)
        )

    def _hand_out(self, op: HandOut) -> None:
        handout_id = op.handout + 1
        receipt = self._next_receipt(op.at)
        self.handouts.append(
            {
                "id": handout_id,
                "desk_id": self.writer.desk_id,
                "beneficiary_id": op.person + 1,
                "agent_id": self.agent[op.login],
                "created_at": op.at,
                "receipt_number": receipt,
                "override_reason": op.override,
                "cancelled_at": None,
                "cancelled_by": None,
                "cancel_reason": None,
            }
        )
        booklets = []
        for ref in op.booklets:
            programme = self.writer.programmes[ref[0]]
            booklet_id = self._must_change(ref, HAND_OUT)
            booklets.append((ref[1], booklet_id, ref))
            self.handout_booklets.append({"handout_id": handout_id, "booklet_id": booklet_id})
            self._event(
                op,
                HAND_OUT.kind,
                handed_out_details(
                    ref[0],
                    ref[1],
                    programme.vouchers_per_booklet,
                    receipt,
                    override=op.override,
                ),
                programme_id=programme.id,
                booklet_id=booklet_id,
                handout_id=handout_id,
            )
        self.given[handout_id] = _Given(op.at, receipt, tuple(sorted(booklets)))

    def _cancel(self, op: Cancel) -> None:
        handout_id = op.handout + 1
        given = self.given.get(handout_id) or self.writer.given[handout_id]
        change = cancel_change(given.at, op.at, op.returned)
        self.cancels.append(
            {"h_id": handout_id, "h_at": op.at, "h_by": self.agent[op.login], "h_reason": op.reason}
        )
        self._event(
            op,
            EventKind.CANCELLED,
            cancelled_details(
                given.receipt, [codes.booklet_code(*r) for _n, _i, r in given.booklets]
            ),
            handout_id=handout_id,
        )
        for _number, booklet_id, ref in given.booklets:
            if self._change(booklet_id, change):  # one voided meanwhile stays as it is
                self._event(
                    op,
                    change.kind,
                    cancelled_booklet_details(codes.booklet_code(*ref), given.receipt),
                    programme_id=self.writer.programmes[ref[0]].id,
                    booklet_id=booklet_id,
                    handout_id=handout_id,
                )

    def _void_booklet(self, op: VoidBooklet) -> None:
        why = VoidReason(op.reason)
        change = void_change(why)
        booklet_id = self._must_change(op.booklet, change)
        self._event(
            op,
            change.kind,
            void_details(codes.booklet_code(*op.booklet), why),
            programme_id=self.writer.programmes[op.booklet[0]].id,
            booklet_id=booklet_id,
        )

    def _void_voucher(self, op: VoidVoucher) -> None:
        why = VoidReason(op.reason)
        change = void_change(why)
        code = codes.voucher_code(op.booklet[0], op.voucher)
        booklet_id = self.writer.booklet_ids[op.booklet]
        if self._vouchers(booklet_id)[0] not in change.vouchers_from:
            raise ValueError(f"the plan voids {code}, which is not voidable")
        voucher_id = self.connection.scalar(select(Voucher.id).where(Voucher.code == code))
        self.voucher_voids.append(
            {"v_id": voucher_id, "v_status": change.voucher, "v_reason": change.reason}
        )
        self._event(
            op,
            change.kind,
            void_details(code, why),
            programme_id=self.writer.programmes[op.booklet[0]].id,
            booklet_id=booklet_id,
            voucher_id=voucher_id,
        )

    # -- the rows --

    def write(self) -> None:
        """Rows first, then status changes, then the journal and its head (foreign keys on)."""
        handout, booklet, voucher = Handout.__table__, Booklet.__table__, Voucher.__table__
        self._execute(insert(Beneficiary.__table__), self.people)
        self._execute(insert(NameToken.__table__), self.tokens)
        self._execute(insert(handout), self.handouts)
        self._execute(insert(HandoutBooklet.__table__), self.handout_booklets)
        self._execute(
            update(handout)
            .where(handout.c.id == bindparam("h_id"))
            .values(
                cancelled_at=bindparam("h_at"),
                cancelled_by=bindparam("h_by"),
                cancel_reason=bindparam("h_reason"),
            ),
            self.cancels,
        )
        changed = [
            b
            for b, before in self.before.items()
            if (self.status[b], self.reason[b], self.vouchers[b])
            != (before, None, (VoucherStatus(before), None))
        ]
        self._execute(
            update(booklet)
            .where(booklet.c.id == bindparam("b_id"))
            .values(status=bindparam("b_status"), void_reason=bindparam("b_reason")),
            [{"b_id": b, "b_status": self.status[b], "b_reason": self.reason[b]} for b in changed],
        )
        self._execute(
            update(voucher)
            .where(
                voucher.c.booklet_id == bindparam("b_id"), voucher.c.status == bindparam("v_was")
            )
            .values(status=bindparam("v_status"), void_reason=bindparam("v_reason")),
            [
                {
                    "b_id": b,
                    "v_was": VoucherStatus(self.before[b]),
                    "v_status": self.vouchers[b][0],
                    "v_reason": self.vouchers[b][1],
                }
                for b in changed
            ],
        )
        # Single vouchers last, so that they end voided whatever their booklet did in the
        # stretch: once voided, a voucher is left as it is by every change.
        self._execute(
            update(voucher)
            .where(voucher.c.id == bindparam("v_id"))
            .values(status=bindparam("v_status"), void_reason=bindparam("v_reason")),
            self.voucher_voids,
        )
        self._count_receipts()
        self._execute(insert(LedgerEvent.__table__), self.events)
        self.connection.execute(
            update(LedgerHead.__table__)
            .where(LedgerHead.__table__.c.id == 1)
            .values(last_id=self.last_id, last_hash=self.last_hash)
        )
        # People, handouts and events were inserted with their ids: the services' next ones
        # must follow them on PostgreSQL too.
        catch_up_sequences(self.connection, ("beneficiary", "handout", "ledger_event"))

    def _count_receipts(self) -> None:
        counter = ReceiptCounter.__table__
        for year, (number, stored) in self.receipts.items():
            mine = (counter.c.desk_id == self.writer.desk_id, counter.c.year == year)
            if stored:
                self.connection.execute(update(counter).where(*mine).values(last_number=number))
            else:
                self.connection.execute(
                    insert(counter).values(
                        desk_id=self.writer.desk_id, year=year, last_number=number
                    )
                )

    def _execute(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), self.CHUNK):
            self.connection.execute(statement, rows[start : start + self.CHUNK])
