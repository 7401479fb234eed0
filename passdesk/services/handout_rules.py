"""What a handout does, as pure functions: HandoutService applies them to one handout at a time,
the demonstration's bulk writer to thousands, and both leave the same rows and journal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.i18n import _
from passdesk.models import (
    BookletStatus,
    Desk,
    EventKind,
    ReceiptCounter,
    VoidReason,
    VoucherStatus,
)
from passdesk.models.base import max_length
from passdesk.services import ledger, receipt_marks
from passdesk.services.base import local_date, voucher_bounds
from passdesk.services.rows import BookletCheck
from passdesk.services.stock import StatusChange
from passdesk.store.dialect import upsert
from passdesk.text import checked_text

STOP_DAYS_BEFORE_END = 15  # the scheme stops handing out at D-15


def handout_stop(valid_until: date) -> date:
    """The first day a programme's booklets may no longer be handed out (D-15)."""
    return valid_until - timedelta(days=STOP_DAYS_BEFORE_END)


def may_hand_out(valid_from: date, valid_until: date, day: date) -> bool:
    """From the programme's first day until D-15 (the vouchers must be usable a while)."""
    return valid_from <= day < handout_stop(valid_until)


def over_limit(limit: int | None, received: int, adding: int = 1) -> bool:
    """Whether `adding` booklets more would take a person past a programme's limit."""
    return limit is not None and received + adding > limit


@dataclass(frozen=True)
class PendingScan:
    """The booklets waiting to be confirmed after one more scan, and what the scan did."""

    checks: tuple[BookletCheck, ...]
    replaced: BookletCheck | None = None  # the booklet the scan took the place of
    already: bool = False  # the booklet scanned was already waiting: nothing changed

    @property
    def added(self) -> bool:
        return not self.already and self.replaced is None and len(self.checks) > 1


def after_scan(pending: Sequence[BookletCheck], scanned: BookletCheck) -> PendingScan:
    """A booklet scanned while others wait to be confirmed for the same person. One the
    person may receive as well (the programme's limit, counting what already waits) is added:
    two booklets are handed out together. Otherwise it replaces the last one of its programme
    that waits: the agent scanned the wrong booklet, then the right one."""
    if any(check.booklet.id == scanned.booklet.id for check in pending):
        return PendingScan(tuple(pending), already=True)
    same = [check for check in pending if check.programme.id == scanned.programme.id]
    if same and over_limit(scanned.programme.limit_per_person, scanned.received, len(same) + 1):
        replaced = same[-1]
        kept = tuple(check for check in pending if check is not replaced)
        return PendingScan((*kept, scanned), replaced=replaced)
    return PendingScan((*pending, scanned))


def receipt_year(moment: datetime) -> int:
    """Receipts are numbered per desk and per year of the desk's calendar."""
    return local_date(moment).year


def receipt_number(year: int, number: int) -> str:
    return f"{year}-{number:06d}"


# What a handout and its cancellation make of the booklets (and their vouchers). A cancelled
# handout's booklets go back to stock when they came back intact, and are voided when they did
# not; the same day, they are taken as back unless the agent says otherwise (`cancel_change`).
HAND_OUT = StatusChange(
    EventKind.HANDED_OUT,
    (BookletStatus.IN_STOCK,),
    BookletStatus.HANDED_OUT,
    (VoucherStatus.IN_STOCK,),
    VoucherStatus.HANDED_OUT,
)
RETURN_TO_STOCK = StatusChange(
    EventKind.RETURNED,
    (BookletStatus.HANDED_OUT,),
    BookletStatus.IN_STOCK,
    (VoucherStatus.HANDED_OUT,),
    VoucherStatus.IN_STOCK,
)
VOID_ON_CANCEL = StatusChange(
    EventKind.VOIDED,
    (BookletStatus.HANDED_OUT,),
    BookletStatus.VOIDED,
    (VoucherStatus.HANDED_OUT,),
    VoucherStatus.VOIDED,
    VoidReason.CANCELLED_HANDOUT,
)


def same_day(handed_out_at: datetime, cancelled_at: datetime) -> bool:
    return local_date(handed_out_at) == local_date(cancelled_at)


def cancel_change(
    handed_out_at: datetime, cancelled_at: datetime, returned: bool | None = None
) -> StatusChange:
    """Back to stock if the booklets came back intact, voided if not. On a later day the agent
    must say which (`returned` None is a programming error there: the service asks first); the
    same day, the booklets are taken as back unless `returned` is False."""
    if returned is None:
        assert same_day(handed_out_at, cancelled_at), "a later cancel says whether it came back"
        returned = True
    return RETURN_TO_STOCK if returned else VOID_ON_CANCEL


def handed_out_details(
    programme_code: str,
    number: int,
    vouchers_per_booklet: int,
    receipt: str,
    *,
    override: str | None,
    excluded: Sequence[str] = (),
) -> dict[str, Any]:
    """The journal's details of one booklet handed out: its vouchers, its receipt, the vouchers
    voided before it left (excluded from the handout and its value), and when a supervisor
    overrode the person's limit, the SHA-256 of the written reason (the text stays on the
    handout row: the journal keeps no free text)."""
    first, last = voucher_bounds(number, vouchers_per_booklet)
    return {
        "booklet": codes.booklet_code(programme_code, number),
        "receipt": receipt,
        "first": codes.voucher_code(programme_code, first),
        "last": codes.voucher_code(programme_code, last),
        **({"override": ledger.fingerprint(override)} if override is not None else {}),
        **({"excluded": list(excluded)} if excluded else {}),
    }


def cancelled_details(receipt: str, booklet_codes: Sequence[str]) -> dict[str, Any]:
    # The written reason stays on the handout row, which privacy requests can reach; the
    # journal, which nothing may rewrite, keeps no free text.
    return {"receipt": receipt, "booklets": list(booklet_codes)}


def cancelled_booklet_details(booklet_code: str, receipt: str) -> dict[str, Any]:
    """The details of a cancelled handout's booklet, returned to stock or voided."""
    return {
        "booklet": booklet_code,
        "receipt": receipt,
        "reason": VoidReason.CANCELLED_HANDOUT.value,
    }


def reason_text(text: str | None, column: object) -> str:
    """A written reason as the handout keeps it (it is printed on the receipt)."""
    return checked_text(text, label=_("Reason"), max_length=max_length(column), field="reason")


def next_receipt(session: Session, desk: Desk, now: datetime) -> str:
    """The year's next number, in one statement: the counter row is made by the first
    handout of the year and incremented by the others. Two desks' first handouts of a
    year on PostgreSQL once both found no row and both inserted one (a duplicate key);
    the upsert makes one of them wait for the other's row and increment it."""
    year = receipt_year(now)
    # Read before the counter row is locked: the desk's other handouts wait for that row.
    folders = receipt_marks.mark_folders(session)
    counter = ReceiptCounter.__table__
    number = session.execute(
        upsert(session, counter)
        .values(desk_id=desk.id, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=[counter.c.desk_id, counter.c.year],
            set_={"last_number": counter.c.last_number + 1},
        )
        .returning(counter.c.last_number)
    ).scalar_one()
    receipt_marks.remember_after_commit(session, desk, year, number, folders)
    return receipt_number(year, number)
