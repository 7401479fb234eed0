"""The figures of a funder's report, raw (no cell hidden): what `ReportService.compute` returns,
what `passdesk-admin report --json` prints, what the documents are published from.

Also the pure rules the figures follow, each stated once: age bands, a person's age, funder
shares to the cent (largest remainder), the priority share and whether the quota is met.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from passdesk.i18n import N_
from passdesk.services.rows import FunderShareRow

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# (key, label msgid, youngest age, oldest age or None), in the order they are printed.
AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("under_26", N_("Under 26"), 0, 25),
    ("26_44", N_("26 to 44"), 26, 44),
    ("45_64", N_("45 to 64"), 45, 64),
    ("65_plus", N_("65 and over"), 65, None),
)
AGE_UNKNOWN = "unknown"
NOT_GIVEN = ""  # the key of a person's missing target group, commune or needs
DIMENSIONS = ("target_group", "age_band", "commune", "need", "agent", "month")
# ReportQuery.desk for every desk of the database (desk codes are capitals: never this).
TERRITORY = "territory"


@dataclass(frozen=True)
class ReportQuery:
    """A period of the desk's calendar days (both included), one programme or all, one funder
    or all (then only the programmes it funds), and the desk: None for the acting agent's, a
    desk's code, or TERRITORY (both only for the coordination's administrators)."""

    start: date
    end: date
    programme: str | None = None
    funder: str | None = None
    desk: str | None = None


@dataclass(frozen=True)
class Quantity:
    """Booklets, vouchers and their face value."""

    booklets: int = 0
    vouchers: int = 0
    value: Decimal = ZERO

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(
            self.booklets + other.booklets, self.vouchers + other.vouchers, self.value + other.value
        )

    @classmethod
    def of(cls, booklets: int, vouchers: int, face_value: Decimal) -> Quantity:
        return cls(booklets, vouchers, (face_value * vouchers).quantize(CENT))


STOCK_FIGURES = (
    "received",
    "in_stock",
    "handed_out",
    "returned",
    "voided",
    "expired",
    "started",
    "fully_used",
)


@dataclass(frozen=True)
class ProgrammeFigures:
    """One programme's stock figures. `in_stock` is today's; the others are the period's:
    received (lots received), handed out (live handouts), returned (to stock by a same-day
    cancellation), voided and expired (journal events); started and fully used are the
    booklets handed out in the period with at least one, or all, vouchers used (`started`
    counts the vouchers used, `fully_used` all of theirs)."""

    code: str
    name: str
    face_value: Decimal
    vouchers_per_booklet: int
    valid_from: date
    valid_until: date
    shares: tuple[FunderShareRow, ...]
    priority_groups: tuple[str, ...]
    priority_quota: Decimal | None
    received: Quantity = Quantity()
    in_stock: Quantity = Quantity()
    handed_out: Quantity = Quantity()
    returned: Quantity = Quantity()
    voided: Quantity = Quantity()
    expired: Quantity = Quantity()
    started: Quantity = Quantity()
    fully_used: Quantity = Quantity()


@dataclass(frozen=True)
class BreakdownRow:
    """One category of a breakdown: people served in it, and the booklets they were handed."""

    key: str
    label: str
    people: int
    booklets: int
    vouchers: int
    value: Decimal
    priority: bool = False  # a target group that some programme of the report gives priority


@dataclass(frozen=True)
class Breakdown:
    """People and booklets by one dimension. `additive`: every person (and booklet) is in
    exactly one row, so the rows add up to the total. `margins`: sets of row keys whose sum is
    published elsewhere (the priority groups' share), which hiding cells must respect."""

    dimension: str
    rows: tuple[BreakdownRow, ...]
    total: BreakdownRow
    additive: bool
    margins: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class QuotaLine:
    """One programme's priority share: vouchers handed out in the period to people of its
    priority groups, against its quota."""

    programme: str
    priority_groups: tuple[str, ...]
    quota: Decimal | None
    vouchers: int
    priority_vouchers: int
    people: int
    priority_people: int

    @property
    def share(self) -> Decimal | None:
        """Percent, to one decimal, rounded half up (shown; `met` compares exactly)."""
        if not self.vouchers or not self.priority_groups:
            return None
        return (Decimal(self.priority_vouchers * 100) / self.vouchers).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def met(self) -> bool | None:
        """Whether priority vouchers / vouchers >= quota, compared exactly (49.96 % is not 50 %)."""
        if self.quota is None or not self.vouchers or not self.priority_groups:
            return None
        return self.priority_vouchers * 100 >= self.quota * self.vouchers


@dataclass(frozen=True)
class FunderLine:
    """A funder's share of one programme's values, to the cent (see `split_by_shares`)."""

    funder: str
    programme: str
    percent: Decimal
    received: Decimal
    handed_out: Decimal
    used: Decimal


@dataclass(frozen=True)
class ReportFigures:
    query: ReportQuery
    generated_at: datetime
    today: date  # the day `in_stock` is counted
    desk: str
    programmes: tuple[ProgrammeFigures, ...]
    people_served: int
    new_people: int
    handouts: int
    breakdowns: tuple[Breakdown, ...]
    quotas: tuple[QuotaLine, ...]
    funders: tuple[FunderLine, ...] = field(default=())

    def total(self, figure: str) -> Quantity:
        return sum((getattr(p, figure) for p in self.programmes), Quantity())

    def breakdown(self, dimension: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.dimension == dimension)


# --- the rules --------------------------------------------------------------------------------


def age_on(birth: date, day: date) -> int:
    """Completed years on `day` (a person born on 29 February has their birthday on 1 March)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(birth: date | None, day: date) -> str:
    if birth is None:
        return AGE_UNKNOWN
    age = age_on(birth, day)
    for key, _label, _low, high in AGE_BANDS:
        if high is None or age <= high:
            return key
    raise AssertionError(age)  # the last band is open-ended


def band_on(changes: Sequence[Sequence[str]], day: date) -> str:
    """An erased person's age band on `day`, from the bands kept at their erasure ([[first
    day, band], ...], see `erasure.band_changes`): the last change on or before `day`."""
    if not changes:
        return AGE_UNKNOWN
    iso = day.isoformat()
    band = changes[0][1]
    for since, later in changes:
        if since <= iso:
            band = later
    return band


def split_by_shares(amount: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """`amount` split by percentages that add up to 100, to the cent, adding up exactly.

    Each share is its percentage of the amount rounded down to the cent; the cents left over
    go one each to the shares with the largest remainders, ties to the first listed (the
    programme's order of funders). Largest remainder (Hamilton) apportionment.
    """
    cents = int((amount / CENT).to_integral_exact())
    exact = [Decimal(cents) * p / 100 for p in percents]
    floors = [int(e) for e in exact]  # amounts are never negative: int() rounds down
    left = cents - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]


def funder_lines(programmes: Sequence[ProgrammeFigures], funder: str | None) -> list[FunderLine]:
    """Each funder's share of each programme's values (all funders split, then the one asked)."""
    lines = []
    for p in programmes:
        percents = [s.percent for s in p.shares]
        split = [
            split_by_shares(amount, percents)
            for amount in (p.received.value, p.handed_out.value, p.started.value)
        ]
        for i, share in enumerate(p.shares):
            if funder is not None and share.funder != funder:
                continue
            lines.append(
                FunderLine(
                    share.funder, p.code, share.percent, split[0][i], split[1][i], split[2][i]
                )
            )
    return lines
