"""What any code is: its status, programme, booklet and, for those allowed, who received it."""

from __future__ import annotations

from sqlalchemy import select

from passdesk import codes
from passdesk.models import Beneficiary, Handout, HandoutBooklet
from passdesk.roles import Action, may
from passdesk.services.base import Service, voucher_bounds
from passdesk.services.rows import Actor, LookupResult
from passdesk.services.stock import find_by_code


class LookupService(Service):
    def lookup(self, actor: Actor, code: str) -> LookupResult:
        with self._db.read() as session:
            found = find_by_code(session, code)
            booklet, programme, voucher = found.booklet, found.programme, found.voucher
            first, last = voucher_bounds(booklet.number, programme.vouchers_per_booklet)
            handout = session.scalar(
                select(Handout)
                .join(HandoutBooklet)
                .where(HandoutBooklet.booklet_id == booklet.id, Handout.cancelled_at.is_(None))
                .order_by(Handout.id.desc())
                .limit(1)
            )
            person = None
            if handout is not None and may(actor.role, Action.SEE_RECIPIENT):
                person = session.get(Beneficiary, handout.beneficiary_id)
            return LookupResult(
                kind=found.parsed.kind,
                code=found.parsed.code,
                status=(voucher.status if voucher is not None else booklet.status).value,
                programme_code=programme.code,
                programme_name=programme.name,
                booklet_code=booklet.code,
                booklet_status=booklet.status.value,
                first_voucher_code=codes.voucher_code(programme.code, first),
                last_voucher_code=codes.voucher_code(programme.code, last),
                face_value=programme.face_value,
                valid_until=programme.valid_until,
                receipt_number=handout.receipt_number if handout else None,
                handed_out_at=handout.created_at if handout else None,
                beneficiary_id=person.id if person else None,
                beneficiary_name=f"{person.first_name} {person.last_name}" if person else None,
            )
