"""What a printout says, as plain frozen values, so rendering never touches the database.

Services gather these (`build_booklet`, `build_receipt`) inside their session; the renderers
only read them. Strings are already what the person should read (names as registered, codes
exactly as encoded), amounts are Decimals, dates are dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from passdesk.errors import InvalidInput
from passdesk.i18n import _


@dataclass(frozen=True, slots=True)
class FunderShareLine:
    """One funder and the share of the programme it pays, as printed on covers and receipts."""

    name: str
    percent: Decimal


@dataclass(frozen=True, slots=True)
class PlaceLine:
    """A qualified place of the directory printed on covers and receipts."""

    name: str
    address: str = ""
    postcode: str = ""
    commune: str = ""
    phone: str = ""
    services: tuple[str, ...] = ()
    opening_hours: str = ""  # already in words ("lun.–ven. 9 h–12 h"), or as the file gave it
    booking: str = ""  # how to get an appointment, one line
    distance_km: float | None = None  # from the person's commune (or the desk)


@dataclass(frozen=True, slots=True)
class DeskLine:
    """The desk that hands out (and may print) the vouchers: its printed identity."""

    name: str
    address: str = ""
    postcode: str = ""
    commune: str = ""
    siret: str | None = None
    logo_png: bytes | None = None
    # A demonstration desk: every page it prints says DÉMONSTRATION (`_draw.demo_watermark`),
    # so that none can pass for a real receipt or voucher.
    demo: bool = False


@dataclass(frozen=True, slots=True)
class VoucherRecord:
    """One voucher of a booklet; `number` is its rank in the booklet (1..N), printed as 3/10."""

    code: str
    number: int
    face_value: Decimal


@dataclass(frozen=True, slots=True)
class BookletRecord:
    """Everything printed for one booklet: its cover and its vouchers with their stubs.

    `face_value` is the value of each voucher; `duplicate` marks a traced reprint, which prints
    DUPLICATA on every page so it can never pass for a second original. `reimbursement` says
    where the place sends a voucher it accepted to be paid (a desk setting; empty: ask the desk).
    """

    programme_code: str
    programme_name: str
    booklet_code: str
    booklet_number: int
    vouchers: tuple[VoucherRecord, ...]
    face_value: Decimal
    valid_from: date
    valid_until: date
    funders: tuple[FunderShareLine, ...]
    desk: DeskLine
    places: tuple[PlaceLine, ...] = ()
    cover_text: str = ""
    beneficiary_name: str | None = None
    duplicate: bool = False
    reimbursement: str = ""

    @property
    def total_value(self) -> Decimal:
        return sum((v.face_value for v in self.vouchers), Decimal(0))


@dataclass(frozen=True, slots=True)
class VoidedLine:
    """A booklet or voucher voided after it was handed out (lost, stolen...), as a reprinted
    receipt names it: the value was given, but the code is no longer good."""

    code: str
    on: date
    reason: str  # already in the reader's language


@dataclass(frozen=True, slots=True)
class ReceiptBookletLine:
    """One booklet of a handout as the receipt lists it: its code and voucher range.

    `excluded` are its vouchers voided before the handout: not given, not in `voucher_count`
    nor in `value`, and named on the receipt so that nobody expects them. `voided_since` are the
    booklet or its vouchers voided after the handout: they were given, and stay counted.
    """

    booklet_code: str
    first_voucher_code: str
    last_voucher_code: str
    voucher_count: int
    value: Decimal
    programme_name: str
    excluded: tuple[str, ...] = ()
    voided_since: tuple[VoidedLine, ...] = ()


@dataclass(frozen=True, slots=True)
class ReceiptProgrammeLine:
    """What the receipt says of one programme of a handout: its own validity and funders.

    A handout mixing programmes prints one of these per programme, never a blend: each
    programme has its own dates and its own funding agreement, which the auditor checks.
    """

    name: str
    valid_from: date
    valid_until: date
    funders: tuple[FunderShareLine, ...]
    voucher_count: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class ReceiptRecord:
    """The signed proof of a handout, printed in two copies (beneficiary, desk).

    `places` are already chosen and ordered (nearest first) by the caller; `notice_text` is the
    desk's information notice (passdesk.notice), version `notice_version`. `copy_printed_at` is
    set when this print is a copy of a receipt already printed: it says DUPLICATA and when it
    was made.
    """

    receipt_number: str
    issued_at: datetime
    desk: DeskLine
    agent_name: str
    beneficiary_name: str
    booklets: tuple[ReceiptBookletLine, ...]
    total_value: Decimal
    programmes: tuple[ReceiptProgrammeLine, ...]
    notice_text: str
    beneficiary_birth_date: date | None = None
    beneficiary_address: tuple[str, ...] = ()
    override_reason: str | None = None
    places: tuple[PlaceLine, ...] = ()
    cancelled: bool = False
    cancel_reason: str | None = None
    footer: str = ""  # the desk's receipt footer setting (opening hours, phone...)
    # The person's needs (their labels) that no place near them answers: said, not hidden.
    unserved_needs: tuple[str, ...] = ()
    notice_version: int | None = None  # the information notice's version `notice_text` is
    dpo_contact: str = ""  # where a person writes about their data (a desk setting)
    copy_printed_at: datetime | None = None

    @property
    def voucher_count(self) -> int:
        return sum(line.voucher_count for line in self.booklets)


MIN_VOUCHERS_PER_PAGE = 1
# A voucher is a stub strip (its code across, 18 mm) above the voucher itself (title, value,
# code and the place's stamp, funders and rules: 52 mm): 70 mm, so at most 4 per A4. Four is
# the default: a 10-voucher booklet takes 3 pages (4, 3, 3), not 4 with one voucher on the last.
MAX_VOUCHERS_PER_PAGE = 4


@dataclass(frozen=True, slots=True)
class PrintLayout:
    """How vouchers are laid out on A4: a desk setting, checked when it is made."""

    vouchers_per_page: int = 4
    cut_marks: bool = True

    def __post_init__(self) -> None:
        if not MIN_VOUCHERS_PER_PAGE <= self.vouchers_per_page <= MAX_VOUCHERS_PER_PAGE:
            raise InvalidInput(
                _("A page holds {low} to {high} vouchers, not {count}.").format(
                    low=MIN_VOUCHERS_PER_PAGE,
                    high=MAX_VOUCHERS_PER_PAGE,
                    count=self.vouchers_per_page,
                )
            )


@dataclass(frozen=True, slots=True)
class PrintSummary:
    """What a batch print produced, for the print register and the progress window."""

    booklets: int
    vouchers: int
    pages: int
