"""The register as a usage import reads it: each programme's vouchers in compact arrays, each
booklet's handout day, the directory's places, and a fast reading of codes as printed.

A million-row file is checked against a million vouchers, so the register is read once, in
chunks, into arrays indexed by voucher number (about 20 bytes a voucher, no Python object per
voucher), instead of one query per row.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from passdesk.models import VoidReason, VoucherStatus
from passdesk.serials import OperatorFormat, ParsedSerial
from passdesk.services.serial_formats import known_formats, voucher_number_in_lot

# Voucher statuses as the arrays hold them (a stolen voucher is a voided one, told apart).
IN_STOCK, HANDED_OUT, USED, VOIDED, EXPIRED, STOLEN, MISSING = range(7)
_STATUS = {
    VoucherStatus.IN_STOCK: IN_STOCK,
    VoucherStatus.HANDED_OUT: HANDED_OUT,
    VoucherStatus.USED: USED,
    VoucherStatus.VOIDED: VOIDED,
    VoucherStatus.EXPIRED: EXPIRED,
}
# The status as SQLite or PostgreSQL computes it, so no Python code runs per voucher.
_STATUS_SQL = (
    f"CASE WHEN void_reason = '{VoidReason.STOLEN.value}' THEN {STOLEN} "
    + " ".join(f"WHEN status = '{name.value}' THEN {value}" for name, value in _STATUS.items())
    + f" ELSE {MISSING} END"
)
# The check digits ending a voucher's code, as a number (SQLite and PostgreSQL alike).
_CHECK_SQL = "CAST(substr(code, length(code) - 1) AS INTEGER)"
_CHUNK = 65_536
# A voucher code exactly as PassDesk prints or exports it, both dashes or none (the
# back-reference): programme, number, check digits. Only a fast path: what it does not read, or
# reads as a voucher the register does not hold, goes to `codes.parse_code`, the one parser,
# with the declared operator formats (`formats`).
_PRINTED = re.compile(r"([A-Z][A-Z0-9]{1,7})(-?)([0-9]{7})\2([0-9]{2})")


@dataclass
class Programme:
    id: int
    code: str
    face_value: Decimal
    last_day: int  # valid_until, as a date ordinal
    ids: array  # voucher id by number (0: none)
    status: bytearray  # IN_STOCK ... MISSING by number
    check: bytearray  # the check digits of its code, as printed, by number
    booklet: array  # booklet id by number
    seen: bytearray  # used by an earlier row of this file


class Register:
    """Read once at the start of an import, inside its transaction."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self._raw = connection.connection.driver_connection
        self._mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        cursor = self._raw.cursor()
        try:
            cursor.execute("SELECT programme_id, max(number) FROM voucher GROUP BY programme_id")
            tops = dict(cursor.fetchall())
            cursor.execute("SELECT id, code, face_value, valid_until FROM programme")
            self.programmes: dict[str, Programme] = {}
            for pid, code, face, until in cursor.fetchall():
                size = (tops.get(pid) or 0) + 1
                programme = Programme(
                    pid,
                    code,
                    Decimal(str(face)).quantize(Decimal("0.01")),
                    _day(until),
                    array("q", bytes(8 * size)),
                    bytearray([MISSING]) * size,
                    bytearray(size),
                    array("q", bytes(8 * size)),
                    bytearray(size),
                )
                self._read_vouchers(cursor, programme)
                self.programmes[code] = programme
            self.handout_day = self._handout_days(cursor)
            self._serial_lots = self._read_serial_lots(cursor)
            cursor.execute("SELECT id, external_id, siret, active FROM place")
            self.places: dict[str, tuple[int, bool]] = {}
            for pid, external, siret, active in cursor.fetchall():
                for key in (str(pid), external, siret):
                    if key:
                        self.places.setdefault(key.strip().upper(), (pid, bool(active)))
        finally:
            cursor.close()
        # Read fresh inside the import's transaction: the serials the lots below declare.
        self.formats: list[OperatorFormat] = [k.format for k in known_formats(session, fresh=True)]

    @staticmethod
    def _read_serial_lots(
        cursor: Any,
    ) -> dict[str, tuple[list[int], list[tuple[int, int, int, str, int]]]]:
        """By format name, its lots in serial order: their first serials (to bisect), and
        (first serial, first booklet, last booklet, programme code, vouchers per booklet)."""
        cursor.execute(
            "SELECT f.name, l.first_serial, l.first_booklet, l.last_booklet, p.code, "
            "p.vouchers_per_booklet FROM stock_lot l "
            "JOIN serial_format f ON f.id = l.serial_format_id "
            "JOIN programme p ON p.id = l.programme_id "
            "WHERE l.first_serial IS NOT NULL ORDER BY f.name, l.first_serial"
        )
        lots: dict[str, tuple[list[int], list[tuple[int, int, int, str, int]]]] = {}
        for name, first_serial, *lot in cursor.fetchall():
            firsts, rows = lots.setdefault(name, ([], []))
            firsts.append(first_serial)
            rows.append((first_serial, *lot))
        return lots

    def serial_voucher(self, parsed: ParsedSerial) -> tuple[Programme, int] | None:
        """The programme and number of the voucher an operator serial names, if the register
        holds it (the lot's arithmetic is `serial_formats.voucher_number_in_lot`)."""
        found = self._serial_lots.get(parsed.format_name)
        if found is None:
            return None
        firsts, rows = found
        index = bisect_right(firsts, parsed.number) - 1
        if index < 0:
            return None
        first_serial, first_booklet, last_booklet, code, n = rows[index]
        number = voucher_number_in_lot(first_serial, first_booklet, last_booklet, n, parsed.number)
        programme = self.programmes.get(code)
        if (
            number is None
            or programme is None
            or number >= len(programme.status)
            or programme.status[number] == MISSING
        ):
            return None
        return programme, number

    def _read_vouchers(self, cursor: Any, programme: Programme) -> None:
        """The programme's vouchers into its arrays: a chunk whose numbers follow each other
        (the usual case: vouchers are created in number order) is copied in one slice."""
        cursor.execute(
            f"SELECT number, id, {_STATUS_SQL}, {_CHECK_SQL}, booklet_id FROM voucher "
            f"WHERE programme_id = {self._mark}",
            (programme.id,),
        )
        ids, status, check = programme.ids, programme.status, programme.check
        booklet = programme.booklet
        while chunk := cursor.fetchmany(_CHUNK):
            numbers, vids, states, checks, booklets = zip(*chunk, strict=True)
            first = numbers[0]
            if numbers == tuple(range(first, first + len(numbers))):
                end = first + len(numbers)
                ids[first:end] = array("q", vids)
                status[first:end] = bytes(states)
                check[first:end] = bytes(checks)
                booklet[first:end] = array("q", booklets)
                continue
            for number, vid, state, digits, book in chunk:
                ids[number], status[number], check[number] = vid, state, digits
                booklet[number] = book

    @staticmethod
    def _handout_days(cursor: Any) -> dict[int, int]:
        """Each booklet's live handout day (the latest handout not cancelled), local calendar."""
        cursor.execute(
            "SELECT hb.booklet_id, max(h.created_at) FROM handout_booklet hb "
            "JOIN handout h ON h.id = hb.handout_id WHERE h.cancelled_at IS NULL "
            "GROUP BY hb.booklet_id"
        )
        days = {}
        for booklet, created in cursor.fetchall():
            moment = created if isinstance(created, datetime) else datetime.fromisoformat(created)
            days[booklet] = moment.replace(tzinfo=UTC).astimezone().toordinal()
        return days

    def printed_voucher(self, text: str) -> tuple[Programme, int, str] | None:
        """The programme, number and canonical code of a voucher this register holds, written
        exactly as PassDesk printed it, check digits included (they are compared with those of
        its code in the register, which `codes` computed); None otherwise (then
        `codes.parse_code` reads it and says why)."""
        match = _PRINTED.fullmatch(text)
        if match is None:
            return None
        head, _dash, body, check = match.groups()
        programme = self.programmes.get(head)
        if programme is None:
            return None
        number = int(body)
        if (
            number >= len(programme.status)
            or programme.status[number] == MISSING
            or programme.check[number] != int(check)
        ):
            return None
        return programme, number, f"{head}-{body}-{check}"

    def use_hash(self, voucher_id: int) -> str | None:
        """The hash of the row that recorded this voucher's use (asked only for a voucher
        already used: a register after several imports holds a million of them)."""
        cursor = self._raw.cursor()
        try:
            cursor.execute(
                f"SELECT row_hash FROM voucher_use WHERE voucher_id = {self._mark}", (voucher_id,)
            )
            found = cursor.fetchone()
        finally:
            cursor.close()
        return None if found is None else found[0]


def _day(value: Any) -> int:
    if isinstance(value, str):
        return datetime.fromisoformat(value).date().toordinal()
    if isinstance(value, datetime):
        return value.date().toordinal()
    assert isinstance(value, date)
    return value.toordinal()
