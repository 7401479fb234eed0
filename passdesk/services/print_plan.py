"""What a booklet print will draw, chosen and checked whole before its first page is drawn.

A print names booklets by code, or a programme with a range or a count; either way every booklet
is checked here (status, reprint reason, validity, vouchers still valid) before any drawing, so
a refused print has drawn nothing. The plan remembers each booklet as it was when checked, and
the print register re-checks that state when it records the print.

The rules (issues 3 and 9): a booklet of a print-on-site lot is printed once as an original;
any later print, and any print of a delivered booklet, is a reprint marked DUPLICATA with a
reason. A voided or expired booklet is never printed again, and a print carries only the
vouchers still valid (in stock or with the person). Printing for the stock stops where handing
out stops (D-15); a duplicate for a person who holds the booklet may be made until the last
valid day.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.documents import DeskLine, PlaceLine, PrintLayout
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.formatting import format_date
from passdesk.i18n import _, ngettext
from passdesk.models import (
    Booklet,
    BookletStatus,
    LotKind,
    Programme,
    StockLot,
    Voucher,
    VoucherStatus,
)
from passdesk.serials import ParsedSerial
from passdesk.services.handout_rules import handout_stop
from passdesk.services.holding import check_held
from passdesk.services.print_lines import ProgrammeInfo
from passdesk.services.stock import booklet_complete, find_by_code, status_label
from passdesk.text import checked_text

# The vouchers a print draws: those still valid. A voided, expired or used voucher is left out.
PRINTABLE = (VoucherStatus.IN_STOCK, VoucherStatus.HANDED_OUT)

MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class PlannedBooklet:
    """One booklet the print will draw, as it was when checked (re-checked when recorded)."""

    booklet_id: int
    programme_id: int
    number: int
    code: str
    status: BookletStatus
    print_count: int
    delivered: bool  # its lot came printed: any print of it is a reprint
    vouchers: int  # how many of its vouchers the print draws

    @property
    def reprint(self) -> bool:
        return self.delivered or self.print_count > 0


@dataclass(frozen=True)
class PrintContext:
    """What every booklet of a print shares, read once."""

    desk: DeskLine
    layout: PrintLayout
    cover_text: str
    places: tuple[PlaceLine, ...]
    beneficiary_name: str | None
    programmes: dict[int, ProgrammeInfo]
    reimbursement: str = ""  # where places send the vouchers (a desk setting)


@dataclass(frozen=True)
class PrintPlan:
    booklets: tuple[PlannedBooklet, ...]
    context: PrintContext
    reason: str | None

    @property
    def total_vouchers(self) -> int:
        return sum(b.vouchers for b in self.booklets)


def checked_request(
    programme_code: str | None,
    from_booklet: int | None,
    count: int | None,
    code_list: Sequence[str],
    reprint_reason: str | None,
    read: Callable[[str], codes.ParsedCode | ParsedSerial] = codes.parse_code,
) -> tuple[str | None, list[codes.ParsedCode | ParsedSerial]]:
    """The reprint reason (None when blank) and the parsed codes, once the request makes sense.

    Check digits are read here, before any lookup, so a mistyped code is named as such.
    """
    # Hidden characters refused as everywhere text enters (its length has its message below).
    reason = (
        checked_text(
            reprint_reason,
            label=_("Reason"),
            max_length=len(reprint_reason or ""),
            field="reprint_reason",
        )
        or None
    )
    if reason is not None and len(reason) > MAX_REASON:
        raise InvalidInput(
            _("The reason for the reprint is too long (at most {max} characters).").format(
                max=MAX_REASON
            ),
            field="reprint_reason",
        )
    code_list = [c for c in code_list if c and c.strip()]
    if bool(code_list) == bool(programme_code and programme_code.strip()):
        raise InvalidInput(
            _("Give either a programme (and which of its booklets) or booklet codes to print."),
            field="programme_code",
        )
    if code_list and (from_booklet is not None or count is not None):
        raise InvalidInput(
            _("A first booklet and a count go with a programme, not with booklet codes."),
            field="count",
        )
    if count is not None and count < 1:
        raise InvalidInput(_("Print at least one booklet."), field="count")
    if from_booklet is not None and count is None:
        raise InvalidInput(
            _("Say how many booklets to print from booklet {number}.").format(number=from_booklet),
            field="count",
        )
    return reason, [read(c) for c in code_list]


def _planned(session: Session, booklet: Booklet, vouchers: int | None = None) -> PlannedBooklet:
    lot = session.get(StockLot, booklet.lot_id)
    assert lot is not None
    if vouchers is None:
        vouchers = (
            session.scalar(
                select(func.count()).where(
                    Voucher.booklet_id == booklet.id, Voucher.status.in_(PRINTABLE)
                )
            )
            or 0
        )
    return PlannedBooklet(
        booklet.id,
        booklet.programme_id,
        booklet.number,
        booklet.code,
        booklet.status,
        booklet.print_count,
        lot.kind is LotKind.DELIVERED,
        vouchers,
    )


def by_codes(
    session: Session, code_list: Sequence[str], programmes: dict[int, Programme], desk_id: int
) -> list[PlannedBooklet]:
    """The booklets named by any of their codes, in the order given, all held by the desk
    `desk_id`; their programmes go into `programmes`."""
    chosen: list[PlannedBooklet] = []
    seen: set[int] = set()
    for code in code_list:
        found = find_by_code(session, code)
        if found.booklet.id in seen:
            raise InvalidInput(
                _("Booklet {code} is given twice.").format(code=found.booklet.code),
                field="code",
            )
        seen.add(found.booklet.id)
        check_held(session, found.booklet, desk_id)
        programmes[found.programme.id] = found.programme
        chosen.append(_planned(session, found.booklet))
    return chosen


def by_programme(
    session: Session,
    programme_code: str,
    from_booklet: int | None,
    count: int | None,
    programmes: dict[int, Programme],
    desk_id: int,
) -> list[PlannedBooklet]:
    """A programme's booklets `from_booklet` on (all of them must exist and be held by the desk
    `desk_id`), or else the next `count` (or all) never printed that the desk holds; the
    programme goes into `programmes`."""
    code = programme_code.strip().upper()
    programme = session.scalar(select(Programme).where(Programme.code == code))
    if programme is None:
        raise NotFound(
            _("No programme with the code {code}.").format(code=code), field="programme_code"
        )
    programmes[programme.id] = programme
    query = select(Booklet).where(Booklet.programme_id == programme.id)
    if from_booklet is not None:
        assert count is not None
        last = from_booklet + count - 1
        booklets = session.scalars(
            query.where(Booklet.number.between(from_booklet, last)).order_by(Booklet.number)
        ).all()
        if len(booklets) != count:
            have = {b.number for b in booklets}
            missing = next(n for n in range(from_booklet, last + 1) if n not in have)
            raise NotFound(
                _(
                    "Booklet {number} of {programme} is not in this desk's stock: "
                    "nothing was printed."
                ).format(number=missing, programme=code),
                field="from_booklet",
            )
        for booklet in booklets:
            check_held(session, booklet, desk_id)
        return [_planned(session, b) for b in booklets]
    # No range: the whole booklets in stock printed on site and never printed yet, in order
    # (the next `count`, or all); a booklet with a voucher voided is skipped, as "next
    # booklet" skips it; a delivered booklet came printed.
    on_site = exists().where(StockLot.id == Booklet.lot_id, StockLot.kind == LotKind.PRINT_ON_SITE)
    query = query.where(
        Booklet.status == BookletStatus.IN_STOCK,
        Booklet.desk_id == desk_id,
        Booklet.print_count == 0,
        on_site,
        booklet_complete(),
    ).order_by(Booklet.number)
    if count is not None:
        query = query.limit(count)
    n = programme.vouchers_per_booklet
    chosen = [_planned(session, b, n) for b in session.scalars(query)]
    if not chosen:
        raise Refused(
            _(
                "No booklet of {programme} in stock is waiting to be printed: those printed "
                "on site are printed, and delivered booklets came printed."
            ).format(programme=code),
            field="programme_code",
        )
    if count is not None and len(chosen) < count:
        raise Refused(
            ngettext(
                "Only {count} booklet of {programme} in stock is still to be printed.",
                "Only {count} booklets of {programme} in stock are still to be printed.",
                len(chosen),
            ).format(count=len(chosen), programme=code),
            field="count",
        )
    return chosen


def check_booklet(
    session: Session,
    planned: PlannedBooklet,
    programme: Programme,
    reason: str | None,
    today: date,
) -> None:
    """The print rules for one booklet (see the module docstring): raise if it may not print."""
    if planned.status in (BookletStatus.VOIDED, BookletStatus.EXPIRED):
        raise Refused(
            _(
                "Booklet {code} is {status}: it can never be printed again, not even as a "
                "duplicate (its serials are no longer valid)."
            ).format(code=planned.code, status=status_label(planned.status.value)),
            field="code",
        )
    if planned.reprint and reason is None:
        if planned.print_count == 0:
            message = _(
                "Booklet {code} was delivered printed: printing it is a reprint, marked "
                "DUPLICATA. Give the reason for the reprint."
            ).format(code=planned.code)
        else:
            message = ngettext(
                "Booklet {code} was already printed once: printing it again is a "
                "reprint, marked DUPLICATA. Give the reason for the reprint.",
                "Booklet {code} was already printed {count} times: printing it again "
                "is a reprint, marked DUPLICATA. Give the reason for the reprint.",
                planned.print_count,
            ).format(code=planned.code, count=planned.print_count)
        raise InvalidInput(message, field="reprint_reason")
    if not planned.reprint and planned.status is not BookletStatus.IN_STOCK:
        raise Refused(
            _(
                "Booklet {code} is {status} and was never printed: only booklets in stock "
                "can be printed."
            ).format(code=planned.code, status=status_label(planned.status.value)),
            field="code",
        )
    if planned.status is BookletStatus.IN_STOCK and today >= handout_stop(programme.valid_until):
        raise Refused(
            _(
                "The vouchers of {programme} are valid until {date}: handing out stopped on "
                "{stop}, and so did printing for the stock."
            ).format(
                programme=programme.code,
                date=format_date(programme.valid_until),
                stop=format_date(handout_stop(programme.valid_until)),
            ),
            field="programme_code",
        )
    if today > programme.valid_until:
        raise Refused(
            _(
                "The vouchers of {programme} expired on {date}: its booklets can no longer "
                "be printed."
            ).format(programme=programme.code, date=format_date(programme.valid_until)),
            field="programme_code",
        )
    if planned.vouchers == 0:
        raise Refused(
            _(
                "Booklet {code} has no valid voucher left (all voided or used): there is "
                "nothing to print."
            ).format(code=planned.code),
            field="code",
        )
