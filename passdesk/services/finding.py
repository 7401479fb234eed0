"""Finding what a typed or scanned code names: its booklet, its programme, the voucher if one.

The one way the services go from a code to the register: `codes.parse_code` reads it (check
digits first), with the operator serial formats the desk declared (`serial_formats`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import NotFound
from passdesk.i18n import _
from passdesk.models import Booklet, Programme, Voucher
from passdesk.serials import ParsedSerial
from passdesk.services import serial_formats


@dataclass(frozen=True)
class Found:
    """A booklet found from any of its codes, with its programme and the voucher if one."""

    booklet: Booklet
    programme: Programme
    voucher: Voucher | None
    parsed: codes.ParsedCode | ParsedSerial


def find_by_code(session: Session, text: str, *, for_update: bool = False) -> Found:
    """Parse a typed or scanned code or operator serial (check first), then find its booklet."""
    parsed = serial_formats.read_code(session, text)
    found = _find(session, parsed)
    if found is None and serial_formats.refresh(session):
        # Another desk declared a format meanwhile: the text may read otherwise now.
        parsed = serial_formats.read_code(session, text)
        found = _find(session, parsed)
    if found is None:
        raise not_in_stock(parsed)
    return found


def _find(session: Session, parsed: codes.ParsedCode | ParsedSerial) -> Found | None:
    if isinstance(parsed, ParsedSerial):
        voucher = serial_formats.voucher_of_serial(session, parsed)
        if voucher is None:
            return None
        booklet = session.get(Booklet, voucher.booklet_id)
        programme = session.get(Programme, voucher.programme_id)
        assert booklet is not None and programme is not None
        return Found(booklet, programme, voucher, parsed)
    programme = session.scalar(select(Programme).where(Programme.code == parsed.programme_code))
    voucher = None
    if parsed.kind == "voucher":
        voucher = session.scalar(select(Voucher).where(Voucher.code == parsed.code))
        booklet = session.get(Booklet, voucher.booklet_id) if voucher is not None else None
    else:
        booklet = session.scalar(select(Booklet).where(Booklet.code == parsed.code))
    if booklet is None or programme is None:
        return None
    return Found(booklet, programme, voucher, parsed)


def not_in_stock(parsed: codes.ParsedCode | ParsedSerial) -> NotFound:
    """A well-formed code that names nothing here (another desk's, or not yet received)."""
    return NotFound(
        _("The code {code} is valid but is not in this desk's stock.").format(code=parsed.code),
        field="code",
    )
