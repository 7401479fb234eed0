"""The statement of unused value: what a programme's funders are credited back.

Booklets and vouchers still in stock or expired are value nobody will spend; each funder gets
back its share of it. Shares are computed to the cent with the largest remainder rule, so that
they add up exactly to the unused value: each share is first rounded down to the cent, then the
cents left over go one each to the shares that lost the most in that rounding (ties: in the
order the programme lists its funders).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passdesk.documents.regie_records import FunderCredit, Quantity, UnusedRecord
from passdesk.i18n import _
from passdesk.models import Booklet, BookletStatus, FunderShare, Voucher, VoucherStatus
from passdesk.services.base import desk_id_in
from passdesk.services.print_lines import desk_line
from passdesk.services.regie_register import find_programme, programme_heading

CENT = Decimal("0.01")


def share_out(total: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """`total` (euros, to the cent) split in proportion to `percents`, to the cent, the parts
    adding up exactly to `total` (largest remainder; ties to the earlier share)."""
    if not percents:
        return []
    cents = int((total / CENT).to_integral_value())
    weight = sum(percents, Decimal(0))
    if weight <= 0:
        raise ValueError("shares must add up to more than zero")
    exact = [Decimal(cents) * p / weight for p in percents]
    parts = [int(e) for e in exact]  # rounded down: every share is >= 0
    left = cents - sum(parts)
    by_remainder = sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return [(Decimal(p) * CENT).quantize(CENT) for p in parts]


def rounding_note() -> str:
    return _(
        "Each funder's share is rounded down to the cent, then the cents left over go one each "
        "to the shares that lost the most in rounding (largest remainder; ties in the order "
        "listed): the shares add up exactly to the unused value."
    )


def statement(session: Session, programme_code: str, as_of: datetime) -> UnusedRecord:
    """The unused value of one programme as the register holds it now, in the booklets the
    desk holds (each desk of a territory answers for its own stock)."""
    programme = find_programme(session, programme_code)
    heading = programme_heading(programme)
    desk_id = desk_id_in(session)
    booklets = dict(
        session.execute(
            select(Booklet.status, func.count())
            .where(Booklet.programme_id == programme.id, Booklet.desk_id == desk_id)
            .group_by(Booklet.status)
        ).all()
    )
    vouchers = dict(
        session.execute(
            select(Voucher.status, func.count())
            .join(Booklet, Booklet.id == Voucher.booklet_id)
            .where(Voucher.programme_id == programme.id, Booklet.desk_id == desk_id)
            .group_by(Voucher.status)
        ).all()
    )
    face = heading.face_value

    def quantity(booklet: BookletStatus, voucher: VoucherStatus) -> Quantity:
        n = vouchers.get(voucher, 0)
        return Quantity(booklets.get(booklet, 0), n, face * n)

    in_stock = quantity(BookletStatus.IN_STOCK, VoucherStatus.IN_STOCK)
    expired = quantity(BookletStatus.EXPIRED, VoucherStatus.EXPIRED)
    shares = session.scalars(
        select(FunderShare).where(FunderShare.programme_id == programme.id).order_by(FunderShare.id)
    ).all()
    names = [share.funder.name for share in shares]
    percents = [share.percent for share in shares]
    amounts = share_out(in_stock.amount + expired.amount, percents)
    return UnusedRecord(
        desk=desk_line(session),
        programme=heading,
        as_of=as_of,
        in_stock=in_stock,
        expired=expired,
        credits=tuple(
            FunderCredit(name, percent, amount)
            for name, percent, amount in zip(names, percents, amounts, strict=True)
        ),
        rounding_note=rounding_note(),
    )
