"""What the public accountant's papers say, as plain frozen values: the régie stock register,
the statement of unused value and the daily closing sheet.

The services gather these from the journal and the register; the PDF and spreadsheet writers
only read them. Labels are already in the reader's language, amounts are Decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from passdesk.documents.records import DeskLine

ZERO = Decimal("0.00")

# Where a movement of the register takes the stock held by the régie (the booklets in the safe).
ENTRY, EXIT, OUTSIDE = "entry", "exit", "outside"


@dataclass(frozen=True, slots=True)
class Quantity:
    """So many booklets and vouchers, and what they are worth at face value."""

    booklets: int = 0
    vouchers: int = 0
    amount: Decimal = ZERO

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(
            self.booklets + other.booklets,
            self.vouchers + other.vouchers,
            self.amount + other.amount,
        )

    def __sub__(self, other: Quantity) -> Quantity:
        return Quantity(
            self.booklets - other.booklets,
            self.vouchers - other.vouchers,
            self.amount - other.amount,
        )


@dataclass(frozen=True, slots=True)
class RegisterLine:
    """One movement of the register: one day's events of one kind (a reception: one lot).

    `effect` says which column it fills: an ENTRY into the safe, an EXIT from it, or OUTSIDE
    (value already handed out, voided or used: the safe does not change). `stock_after` is the
    safe's balance once the line is counted.
    """

    day: date
    movement: str  # the EventKind value: received, handed_out, returned, voided, expired, used
    label: str
    detail: str
    effect: str
    quantity: Quantity
    stock_after: Quantity


@dataclass(frozen=True, slots=True)
class StatusLine:
    """One status of the serials (in stock, handed out, used...) at the period's two ends."""

    status: str
    label: str
    opening: Quantity
    closing: Quantity
    has_booklets: bool = True  # "used" is a state of vouchers only


@dataclass(frozen=True, slots=True)
class MovementTotal:
    """All the period's movements of one kind (and void reason), added up."""

    label: str
    effect: str
    quantity: Quantity


@dataclass(frozen=True, slots=True)
class ProgrammeHeading:
    """The programme a paper is about, as its heading prints it."""

    code: str
    name: str
    face_value: Decimal
    vouchers_per_booklet: int
    valid_from: date
    valid_until: date


@dataclass(frozen=True, slots=True)
class RegisterRecord:
    """The régie stock register of one programme over a period, computed from the journal."""

    desk: DeskLine
    programme: ProgrammeHeading
    period_from: date
    period_to: date
    made_at: datetime
    opening_stock: Quantity
    lines: tuple[RegisterLine, ...]
    closing_stock: Quantity
    statuses: tuple[StatusLine, ...]
    movements: tuple[MovementTotal, ...]

    def total(self, effect: str) -> Quantity:
        """The period's entries, exits or outside movements, added up."""
        return sum((line.quantity for line in self.lines if line.effect == effect), Quantity())


@dataclass(frozen=True, slots=True)
class FunderCredit:
    """What one funder is credited back of a programme's unused value."""

    funder: str
    percent: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class UnusedRecord:
    """The unused value of one programme (in stock or expired) and each funder's share of it."""

    desk: DeskLine
    programme: ProgrammeHeading
    as_of: datetime
    in_stock: Quantity
    expired: Quantity
    credits: tuple[FunderCredit, ...]
    rounding_note: str

    @property
    def total(self) -> Quantity:
        return self.in_stock + self.expired


@dataclass(frozen=True, slots=True)
class ClosingCount:
    """One programme's line of a closing: booklets in stock in the register, booklets counted."""

    programme_code: str
    programme_name: str
    expected: int
    counted: int

    @property
    def difference(self) -> int:
        return self.counted - self.expected


@dataclass(frozen=True, slots=True)
class MisplacedBooklet:
    """A booklet found in the safe that the register does not hold in stock (and its status)."""

    code: str
    status: str  # as the reader reads it ("remis", "annulé"...)


@dataclass(frozen=True, slots=True)
class ClosingRecord:
    """The printed sheet of a daily closing; `head_hash` anchors the journal on paper."""

    desk: DeskLine
    closing_id: int
    day: date
    closed_at: datetime
    agent_name: str
    scanned: bool  # each booklet scanned (serials compared) or counts typed per programme
    counts: tuple[ClosingCount, ...]
    missing: tuple[str, ...]  # in stock in the register, not found in the safe
    not_in_stock: tuple[MisplacedBooklet, ...]  # found in the safe, not in stock in the register
    unknown: tuple[str, ...]  # valid codes this desk never received
    explanation: str
    event_id: int
    head_hash: str
    corrects: int | None = None  # the id of the day's first closing this one corrects
    corrects_at: datetime | None = None

    @property
    def has_differences(self) -> bool:
        return bool(
            self.missing
            or self.not_in_stock
            or self.unknown
            or any(c.difference for c in self.counts)
        )
