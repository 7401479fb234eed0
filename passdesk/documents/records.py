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
    DUPLICATA on every page so it can never pass for a second original.
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

    @property
    def total_value(self) -> Decimal:
        return sum((v.face_value for v in self.vouchers), Decimal(0))


@dataclass(frozen=True, slots=True)
class ReceiptBookletLine:
    """One booklet of a handout as the receipt lists it: its code and voucher range.

    `excluded` are its vouchers voided before the handout: not given, not in `voucher_count`
    nor in `value`, and named on the receipt so that nobody expects them.
    """

    booklet_code: str
    first_voucher_code: str
    last_voucher_code: str
    voucher_count: int
    value: Decimal
    programme_name: str
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReceiptRecord:
    """The signed proof of a handout, printed in two copies (beneficiary, desk).

    `places` are already chosen and ordered (nearest first) by the caller; `notice_text` is the
    desk's information notice (passdesk.notice), version `notice_version`.
    """

    receipt_number: str
    issued_at: datetime
    desk: DeskLine
    agent_name: str
    beneficiary_name: str
    booklets: tuple[ReceiptBookletLine, ...]
    total_value: Decimal
    funders: tuple[FunderShareLine, ...]
    valid_from: date
    valid_until: date
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


MIN_VOUCHERS_PER_PAGE = 1
# The stub draws the code upright along its edge: a 16-character code takes up to 78 mm of Code 128
# at the 1/75 inch module with its quiet zones (a 19-character one 87 mm at the 0.33 mm minimum),
# so a voucher must be at least 90 mm tall: at most 3 per A4.
MAX_VOUCHERS_PER_PAGE = 3


@dataclass(frozen=True, slots=True)
class PrintLayout:
    """How vouchers are laid out on A4: a desk setting, checked when it is made."""

    vouchers_per_page: int = 3
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
