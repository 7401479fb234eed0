"""What any code is: its status, programme, booklet and, for those allowed, who received it.

A scanned code is looked up many times a day, so the answer is one SELECT of plain columns:
the voucher or booklet by its unique code, its programme, the booklet's live handout (the
latest one not cancelled) and, only when the role may see it, that handout's beneficiary.
Loading the same things as ORM entities, four queries in all, cost 165 times the bare indexed
SELECT (docs/performance.md).

An operator serial (issue 9) is read only when the text is not one of PassDesk's codes found
here: the serial is turned into its voucher's code, then the same SELECT runs.

Several desks share a database (issue 13): the SELECT also reads the desk holding the booklet.
Another desk's booklet shows its status and that desk's name, never the person who received
it: that is the holding desk's business.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from passdesk import codes
from passdesk.errors import InvalidCode
from passdesk.models import Beneficiary, Booklet, Handout, HandoutBooklet, Programme, Voucher
from passdesk.roles import Action, may
from passdesk.serials import ParsedSerial
from passdesk.services import access_log, serial_formats
from passdesk.services.base import Service, desk_id_in, voucher_bounds
from passdesk.services.code_history import CodeEvent, code_history
from passdesk.services.holding import desk_label
from passdesk.services.print_lines import display_name
from passdesk.services.rows import Actor, LookupResult
from passdesk.services.stock import find_by_code, not_in_stock


@cache
def _statement(kind: str, with_person: bool) -> Select[Any]:
    """The one SELECT for a voucher or a booklet code, built once per shape (its compiled form
    is then cached by SQLAlchemy); the person's columns only when the role may see them."""
    live_handout = (
        select(func.max(HandoutBooklet.handout_id))
        .join(Handout, Handout.id == HandoutBooklet.handout_id)
        .where(HandoutBooklet.booklet_id == Booklet.id, Handout.cancelled_at.is_(None))
        .scalar_subquery()
    )
    person = (Beneficiary.id, Beneficiary.first_name, Beneficiary.last_name, Beneficiary.erased_at)
    statement = select(
        Voucher.status if kind == codes.VOUCHER else Booklet.status,
        Booklet.number,
        Booklet.code,
        Booklet.status,
        Programme.code,
        Programme.name,
        Programme.vouchers_per_booklet,
        Programme.face_value,
        Programme.valid_until,
        Handout.receipt_number,
        Handout.created_at,
        Booklet.desk_id,
        *person if with_person else (),
    )
    if kind == codes.VOUCHER:
        statement = statement.select_from(Voucher).join(Booklet, Booklet.id == Voucher.booklet_id)
        statement = statement.where(Voucher.code == bindparam("code"))
    else:
        statement = statement.select_from(Booklet).where(Booklet.code == bindparam("code"))
    # The programme named by the code, as find_by_code reads it.
    statement = statement.join(Programme, Programme.code == bindparam("programme"))
    statement = statement.outerjoin(Handout, Handout.id == live_handout)
    if with_person:
        statement = statement.outerjoin(Beneficiary, Beneficiary.id == Handout.beneficiary_id)
    return statement


class LookupService(Service):
    _first_desk: int | None = None  # the desk of a process that chose none (base.the_desk)

    def lookup(self, actor: Actor | None, code: str) -> LookupResult:
        """Check digits first (a mistyped code is refused before any query), then one SELECT,
        read as one row without an ORM session: its bookkeeping cost more than the query.
        Without an actor (the console run without a password) the person is left out."""
        try:
            parsed = codes.parse_code(code)
        except InvalidCode:
            parsed = None
        found = self._select(actor, parsed) if parsed is not None else None
        if found is None:
            parsed = self._as_voucher(code)
            found = self._select(actor, parsed)
        if found is None:
            raise not_in_stock(parsed)
        canonical = parsed.code
        (status, number, booklet_code, booklet_status, programme_code, programme_name,
         per_booklet, face_value, valid_until, receipt, handed_out_at, holder,
         *person) = found  # fmt: skip
        holder_name = None
        if holder != self._acting_desk(actor):
            holder_name, person = self._desk_name(holder), []  # another desk's: not the person
        person_id, first_name, last_name, erased_at = person or (None, None, None, None)
        name = display_name(first_name, last_name, erased_at)
        first, last = voucher_bounds(number, per_booklet)
        return LookupResult(
            kind=parsed.kind,
            code=canonical,
            status=status.value,
            programme_code=programme_code,
            programme_name=programme_name,
            booklet_code=booklet_code,
            booklet_status=booklet_status.value,
            first_voucher_code=codes.voucher_code(programme_code, first),
            last_voucher_code=codes.voucher_code(programme_code, last),
            face_value=face_value,
            valid_until=valid_until,
            receipt_number=receipt,
            handed_out_at=handed_out_at,
            beneficiary_id=person_id,
            beneficiary_name=name if person_id is not None else None,
            holder_desk=holder_name,
        )

    def _acting_desk(self, actor: Actor | None) -> int:
        """The actor's desk, else the process's (read once: a desk's id never changes)."""
        if actor is not None:
            return actor.desk_id
        if self._db.desk_id is not None:
            return self._db.desk_id
        if self._first_desk is None:
            with self._db.read() as session:
                self._first_desk = desk_id_in(session)
        return self._first_desk

    def _desk_name(self, desk_id: int) -> str:
        """ "CCAS de Vaulx-en-Velin (VAULX)": how a lookup names the desk holding a booklet."""
        with self._db.read() as session:
            name, code = desk_label(session, desk_id)
        return f"{name} ({code})"

    def _select(self, actor: Actor | None, parsed: codes.ParsedCode) -> Any:
        with_person = actor is not None and may(actor.role, Action.SEE_RECIPIENT)
        statement = _statement(parsed.kind, with_person)
        return self._db.read_row(
            statement, {"code": parsed.code, "programme": parsed.programme_code}
        )

    def _as_voucher(self, text: str) -> codes.ParsedCode:
        """The code read with the operator formats; a serial becomes its voucher's code."""
        with self._db.read() as session:
            parsed = serial_formats.read_code(session, text)
            if not isinstance(parsed, ParsedSerial):
                return parsed
            return codes.parse_code(find_by_code(session, text).voucher.code)  # type: ignore[union-attr]

    def lookup_shown(self, actor: Actor, code: str) -> LookupResult:
        """A lookup whose answer an agent reads: when it names who received the booklet, that
        is an access to the person's data, kept in the access log. (`lookup` alone writes
        nothing: the stock's own checks call it by the thousand.)"""
        result = self.lookup(actor, code)
        if result.beneficiary_id is not None:
            now = self._now()
            person = result.beneficiary_id
            self._db.transaction(
                lambda session: access_log.record(
                    session,
                    actor.id,
                    [person],
                    "looked_up",
                    now,
                    detail=result.receipt_number or "",
                )
            )
        return result

    def history(self, code: str) -> list[CodeEvent]:
        """What happened to the booklet or voucher `code` names (passdesk.services.code_history);
        the journal holds no person, so any role may read it."""
        with self._db.read() as session:
            return code_history(session, code)
