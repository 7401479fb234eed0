"""The rules a booklet, a programme and a person must pass before a handout: the same checks
for the window's preview (HandoutService.check) and the handout itself, which asks them again
in its own unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from passdesk.errors import Refused
from passdesk.formatting import format_date
from passdesk.i18n import _
from passdesk.models import Booklet, LotKind, Programme, StockLot
from passdesk.services.handout_reading import (
    limit_message,
    received_count,
    refusal_for_status,
    voided_vouchers,
)
from passdesk.services.handout_rules import (
    HAND_OUT,
    STOP_DAYS_BEFORE_END,
    handout_stop,
    over_limit,
)


def check_programme(programme: Programme, today: date) -> None:
    if today < programme.valid_from:
        raise Refused(
            _(
                "The programme {code} starts on {date}: its booklets cannot be handed out yet."
            ).format(code=programme.code, date=format_date(programme.valid_from)),
            field="code",
        )
    stop = handout_stop(programme.valid_until)
    if today >= stop:
        raise Refused(
            _(
                "The vouchers of {code} are valid until {date}: handing out stopped "
                "on {stop} ({days} days before the end)."
            ).format(
                code=programme.code,
                date=format_date(programme.valid_until),
                stop=format_date(stop),
                days=STOP_DAYS_BEFORE_END,
            ),
            field="code",
        )


def check_booklet(
    session: Session, booklet: Booklet, programme: Programme, today: date
) -> list[str]:
    """Raise if the booklet may not be handed out; else its vouchers left out (voided)."""
    if booklet.status not in HAND_OUT.booklet_from:
        raise refusal_for_status(session, booklet)
    check_programme(programme, today)
    lot = session.get(StockLot, booklet.lot_id)
    if lot is not None and lot.kind is LotKind.PRINT_ON_SITE and booklet.print_count == 0:
        raise Refused(
            _(
                "Booklet {code} is to be printed on site and has not been printed yet: "
                "print it before handing it out."
            ).format(code=booklet.code),
            field="code",
        )
    excluded = voided_vouchers(session, booklet.id)
    if len(excluded) >= programme.vouchers_per_booklet:
        raise Refused(
            _("Every voucher of booklet {code} was voided: void the booklet.").format(
                code=booklet.code
            ),
            field="code",
        )
    return excluded


def check_expected(programme: Programme, expected: str | None) -> None:
    if expected and programme.code != expected.strip().upper():
        raise Refused(
            _("This booklet belongs to the programme {code}, not to {expected}.").format(
                code=programme.code, expected=expected.strip().upper()
            ),
            field="code",
        )


def check_limits(
    session: Session,
    beneficiary_id: int,
    chosen: Sequence[tuple[Booklet, Programme]],
    reason: str | None,
) -> None:
    per_programme: dict[int, tuple[Programme, int]] = {}
    for _booklet, programme in chosen:
        prog, n = per_programme.get(programme.id, (programme, 0))
        per_programme[programme.id] = (prog, n + 1)
    for programme, adding in per_programme.values():
        if programme.limit_per_person is None:
            continue
        received = received_count(session, beneficiary_id, programme.id)
        if over_limit(programme.limit_per_person, received, adding) and reason is None:
            raise Refused(limit_message(programme, received), field="override")
