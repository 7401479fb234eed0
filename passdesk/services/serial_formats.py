"""Operator serial formats: declared once by an admin, read by the one parser, mapped to vouchers.

A delivered lot that declares a format numbers its vouchers with the operator's serials: the
lot's first voucher carries `first_serial`, the next ones follow in booklet then voucher order.
PassDesk keeps its own codes for every booklet and voucher (the journal, the print register and
the receipts use them); a serial is another name of one voucher, computed, never stored.

Every scan may be a serial, so the declared formats are kept per database in this process and
read again only when a code is not understood or not found with them: formats are only ever
added, so a list that is out of date can only lack one, never read a code wrongly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.i18n import _
from passdesk.models import EventKind, Programme, SerialFormat, StockLot, Voucher
from passdesk.roles import Action
from passdesk.serials import (
    CHECK_SCHEME_LABELS,
    CheckScheme,
    OperatorFormat,
    ParsedSerial,
    shape_overlaps,
)
from passdesk.services import ledger
from passdesk.services.base import Service, require
from passdesk.services.rows import Actor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnownFormat:
    id: int
    format: OperatorFormat


@dataclass(frozen=True)
class SerialFormatRow:
    name: str
    prefix: str
    digits: int
    check: str
    example: str
    catches_typos: bool
    checks: str  # what the check scheme catches, in the reader's language


_known: WeakKeyDictionary[Any, tuple[KnownFormat, ...]] = WeakKeyDictionary()


def _cache_key(session: Session) -> Any:
    # The pool is shared by the database's read and write engines, and dies with them.
    return session.get_bind().pool


def _load(session: Session) -> tuple[KnownFormat, ...]:
    return tuple(
        KnownFormat(
            row.id, OperatorFormat(row.name, row.prefix, row.digits, CheckScheme(row.check_scheme))
        )
        for row in session.scalars(select(SerialFormat).order_by(SerialFormat.id))
    )


def known_formats(session: Session, *, fresh: bool = False) -> tuple[KnownFormat, ...]:
    key = _cache_key(session)
    if fresh or key not in _known:
        _known[key] = _load(session)
    return _known[key]


def refresh(session: Session) -> bool:
    """Read the formats again; True when another desk or process declared one meanwhile."""
    key = _cache_key(session)
    before = _known.get(key)
    return known_formats(session, fresh=True) != before


def read_code(session: Session, text: str) -> codes.ParsedCode | ParsedSerial:
    """`codes.parse_code` with the declared formats (read again once if the text is refused)."""
    try:
        return codes.parse_code(text, [k.format for k in known_formats(session)])
    except InvalidInput:
        if not refresh(session):
            raise
        return codes.parse_code(text, [k.format for k in known_formats(session)])


def voucher_of_serial(session: Session, parsed: ParsedSerial) -> Voucher | None:
    """The voucher a serial names: in the lot of its format whose range holds its number."""
    known = next((k for k in known_formats(session) if k.format.name == parsed.format_name), None)
    if known is None:
        return None
    found = session.execute(
        select(StockLot, Programme)
        .join(Programme, Programme.id == StockLot.programme_id)
        .where(StockLot.serial_format_id == known.id, StockLot.first_serial <= parsed.number)
        .order_by(StockLot.first_serial.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    lot, programme = found
    assert lot.first_serial is not None
    number = voucher_number_in_lot(
        lot.first_serial,
        lot.first_booklet,
        lot.last_booklet,
        programme.vouchers_per_booklet,
        parsed.number,
    )
    if number is None:
        return None
    return session.scalar(
        select(Voucher).where(Voucher.code == codes.voucher_code(programme.code, number))
    )


def voucher_number_in_lot(
    first_serial: int, first_booklet: int, last_booklet: int, vouchers_per_booklet: int, serial: int
) -> int | None:
    """The programme's number of the voucher that carries running number `serial` in a lot
    whose first voucher carries `first_serial`; None when the lot holds no such serial. (The
    usage import maps a million serials with it, without a query each.)"""
    n = vouchers_per_booklet
    offset = serial - first_serial
    if offset < 0 or offset >= (last_booklet - first_booklet + 1) * n:
        return None
    booklet_number = first_booklet + offset // n
    return (booklet_number - 1) * n + offset % n + 1


def serial_of(
    fmt: OperatorFormat, lot: StockLot, vouchers_per_booklet: int, voucher_number: int
) -> str:
    """The operator serial printed on one voucher of a lot that declares `fmt`."""
    assert lot.first_serial is not None
    first_voucher = (lot.first_booklet - 1) * vouchers_per_booklet + 1
    return fmt.serial(lot.first_serial + voucher_number - first_voucher)


def format_clashing_with_programme(session: Session, programme_code: str) -> str | None:
    """The name of a declared format whose serials a code of this programme could look like."""
    for known in known_formats(session, fresh=True):
        if shape_overlaps(known.format, programme_code=programme_code):
            return known.format.name
    return None


def _row(fmt: OperatorFormat) -> SerialFormatRow:
    return SerialFormatRow(
        fmt.name,
        fmt.prefix,
        fmt.digits,
        fmt.scheme.value,
        fmt.example,
        fmt.catches_typos,
        _(CHECK_SCHEME_LABELS[fmt.scheme]),
    )


class SerialFormatService(Service):
    def add(
        self, actor: Actor, *, name: str, prefix: str, digits: int, check: str
    ) -> SerialFormatRow:
        """Declare a format; refused when one text could read as its serial and as something
        else PassDesk reads (a programme's codes, another format's serials)."""
        require(actor, Action.MANAGE_PROGRAMMES)
        fmt = OperatorFormat.validated(name, prefix, digits, check)
        now = self._now()

        def work(session: Session) -> SerialFormatRow:
            known = known_formats(session, fresh=True)
            if any(k.format.name == fmt.name for k in known):
                raise Refused(
                    _("A serial format named {name} already exists.").format(name=fmt.name),
                    field="name",
                )
            for other in known:
                if shape_overlaps(fmt, other=other.format):
                    raise Refused(
                        _(
                            "Serials of this format could read as serials of format {other}: "
                            "change the prefix or the number of digits."
                        ).format(other=other.format.name),
                        field="prefix",
                    )
            for code in session.scalars(select(Programme.code).order_by(Programme.code)):
                if shape_overlaps(fmt, programme_code=code):
                    raise Refused(
                        _(
                            "Serials of this format could read as codes of programme {code}: "
                            "change the prefix or the number of digits."
                        ).format(code=code),
                        field="prefix",
                    )
            record = SerialFormat(
                name=fmt.name,
                prefix=fmt.prefix,
                digits=fmt.digits,
                check_scheme=fmt.scheme.value,
                created_at=now,
                created_by=actor.id,
            )
            session.add(record)
            session.flush()
            ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=EventKind.SERIAL_FORMAT_ADDED,
                details={
                    "name": fmt.name,
                    "prefix": fmt.prefix,
                    "digits": fmt.digits,
                    "check": fmt.scheme.value,
                },
            )
            log.info("agent %s declared serial format %s", actor.id, fmt.name)
            return _row(fmt)

        row = self._db.transaction(work)
        with self._db.read() as session:
            refresh(session)
        return row

    def list(self) -> list[SerialFormatRow]:
        with self._db.read() as session:
            return [_row(k.format) for k in known_formats(session, fresh=True)]

    def get(self, name: str) -> KnownFormat:
        with self._db.read() as session:
            return find_format(session, name)


def find_format(session: Session, name: str) -> KnownFormat:
    wanted = name.strip().upper()
    for known in known_formats(session, fresh=True):
        if known.format.name == wanted:
            return known
    raise NotFound(
        _(
            "No serial format named {name}. Declare it first: passdesk-admin serial-format add."
        ).format(name=wanted),
        field="serial_format",
    )
