"""The blocked list: every serial of a programme that must be refused wherever it is presented.

Voided (lost, stolen, damaged, misprinted, a handout cancelled and not returned) and expired
vouchers, one line each, with the operator's serial beside PassDesk's code when the lot declares
one (that is what the places read on the paper), the reason, and the day it was recorded. The
operator and the places load it into their own tools: CSV as French spreadsheets open it (see
documents.blocked_list). It holds no personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk.documents.blocked_list import BlockedLine, write_blocked_list
from passdesk.errors import NotFound
from passdesk.i18n import _
from passdesk.models import (
    Booklet,
    EventKind,
    LedgerEvent,
    Programme,
    StockLot,
    VoidReason,
    Voucher,
    VoucherStatus,
)
from passdesk.serials import OperatorFormat
from passdesk.services import serial_formats
from passdesk.services.base import Service, local_date
from passdesk.services.stock import status_label, void_reason_label

log = logging.getLogger(__name__)

BLOCKED = (VoucherStatus.VOIDED, VoucherStatus.EXPIRED)


class BlockedListService(Service):
    def lines(self, programme_code: str) -> list[BlockedLine]:
        """The programme's voided and expired vouchers, in voucher order."""
        with self._db.read() as session:
            return list(_lines(session, programme_code))

    def write(self, programme_code: str, path: Path) -> int:
        """Write the list to `path` (all or nothing); returns how many serials it holds."""
        lines = self.lines(programme_code)
        write_blocked_list(lines, Path(path))
        log.info("blocked list of %s written: %s serial(s)", programme_code, len(lines))
        return len(lines)


def _lines(session: Session, programme_code: str) -> Iterator[BlockedLine]:
    code = programme_code.strip().upper()
    programme = session.scalar(select(Programme).where(Programme.code == code))
    if programme is None:
        raise NotFound(
            _("No programme with the code {code}.").format(code=programme_code),
            field="programme",
        )
    n = programme.vouchers_per_booklet
    formats = {k.id: k.format for k in serial_formats.known_formats(session, fresh=True)}
    lots: dict[int, tuple[StockLot, OperatorFormat] | None] = {}
    for lot in session.scalars(select(StockLot).where(StockLot.programme_id == programme.id)):
        fmt = formats.get(lot.serial_format_id) if lot.serial_format_id else None
        lots[lot.id] = (lot, fmt) if fmt is not None else None
    # When each was recorded: its own event (a voucher voided alone), else its booklet's.
    booklet_day, voucher_day = {}, {}
    for booklet_id, voucher_id, at in session.execute(
        select(LedgerEvent.booklet_id, LedgerEvent.voucher_id, LedgerEvent.at)
        .where(
            LedgerEvent.programme_id == programme.id,
            LedgerEvent.kind.in_([EventKind.VOIDED.value, EventKind.EXPIRED.value]),
        )
        .order_by(LedgerEvent.id)
    ):
        if voucher_id is not None:
            voucher_day[voucher_id] = local_date(at)
        elif booklet_id is not None:
            booklet_day[booklet_id] = local_date(at)
    for voucher, booklet_code, booklet_id, lot_id in session.execute(
        select(Voucher, Booklet.code, Booklet.id, Booklet.lot_id)
        .join(Booklet, Booklet.id == Voucher.booklet_id)
        .where(Voucher.programme_id == programme.id, Voucher.status.in_(BLOCKED))
        .order_by(Voucher.number)
    ):
        serial = None
        declared = lots.get(lot_id)
        if declared is not None:
            lot, fmt = declared
            serial = serial_formats.serial_of(fmt, lot, n, voucher.number)
        reason = voucher.void_reason
        yield BlockedLine(
            code=voucher.code,
            operator_serial=serial,
            booklet_code=booklet_code,
            status=status_label(voucher.status.value),
            reason=void_reason_label(reason) if isinstance(reason, VoidReason) else "",
            since=voucher_day.get(voucher.id) or booklet_day.get(booklet_id),
        )
