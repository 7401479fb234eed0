"""The demonstration's sizes: its programmes, lots and year, and how many of each event a scale has.

The history is dated in 2026 (working days from 5 January to 25 November, Paris time) and the
programmes stay valid until 2027, so the desk can hand out at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from passdesk.services.programmes import PRIORITY_GROUPS

FIRST_DAY = date(2026, 1, 5)
LAST_DAY = date(2026, 11, 25)
# French public holidays of 2026 that fall on a working day.
HOLIDAYS = frozenset(
    date(2026, m, d) for m, d in ((4, 6), (5, 1), (5, 8), (5, 14), (5, 25), (7, 14), (11, 11))
)
SUMMER_TIME = (date(2026, 3, 29), date(2026, 10, 25))  # Paris is UTC+2 between these days
# How the year is written: one service call per operation, or many rows a statement.
WRITERS = ("services", "bulk")


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    face_value: str
    vouchers_per_booklet: int
    valid_from: date
    valid_until: date
    funders: tuple[tuple[str, Decimal], ...]
    limit_per_person: int | None
    target_groups: tuple[str, ...]
    priority_groups: tuple[str, ...] = ()
    priority_quota: Decimal | None = None


@dataclass(frozen=True)
class LotSpec:
    programme: str
    first: int
    count: int
    source: str
    earliest: date  # received that morning, or earlier when the stock runs low


@dataclass(frozen=True)
class Scale:
    people: int
    clean: int  # people handed a booklet once (at their first visit or a later one)
    returned: int  # handed one, cancelled the same day, handed another on a later visit
    late_cancelled: int  # handed one, cancelled on a later day (the booklet is voided)
    overrides: int  # handed one, then a second one over the limit (supervisor's reason)
    stock_voids: int  # booklets voided in stock (damaged, misprint, lost)
    lost_after: int  # booklets voided after the handout (lost or stolen by the person)
    voucher_voids: int  # single vouchers voided at reception (misprint)
    programmes: tuple[ProgrammeSpec, ...]
    lots: tuple[LotSpec, ...]
    low_stock: int  # a lot is received early when fewer booklets than this are left
    writer: str  # one of WRITERS

    @property
    def handouts(self) -> int:
        return self.clean + 2 * self.returned + self.late_cancelled + 2 * self.overrides


STATE = ("État (ANCT)", Decimal("45"))
METROPOLIS = ("Métropole de Lyon", Decimal("55"))
PN19 = ProgrammeSpec(
    code="PN19",
    name="Pass Numérique 2019 – vague nationale",
    face_value="10",
    vouchers_per_booklet=10,
    valid_from=date(2026, 1, 1),
    valid_until=date(2027, 12, 31),
    funders=(STATE, METROPOLIS),
    limit_per_person=1,
    target_groups=(
        "young_no_qualification",
        "jobseeker_no_diploma",
        "senior",
        "social_minima",
        "disability",
    ),
    # The 2020 call: at least half of the passes to young people without qualification and
    # job seekers without diploma.
    priority_groups=PRIORITY_GROUPS,
    priority_quota=Decimal("50"),
)
CD69 = ProgrammeSpec(
    code="CD69",
    name="Pass Numérique Rhône – seniors et familles",
    face_value="10",
    vouchers_per_booklet=5,
    valid_from=date(2026, 3, 1),
    valid_until=date(2027, 6, 30),
    funders=(("Département du Rhône", Decimal("70")), ("CAF du Rhône", Decimal("30"))),
    limit_per_person=1,
    target_groups=("senior", "social_minima", "disability"),
)

SCALES: dict[str, Scale] = {
    # A newcomer's first look: two programmes, 500 booklets, about 150 handouts.
    "small": Scale(
        people=200,
        clean=120,
        returned=8,
        late_cancelled=4,
        overrides=5,
        stock_voids=4,
        lost_after=2,
        voucher_voids=2,
        programmes=(PN19, CD69),
        lots=(
            LotSpec("PN19", 1, 200, "Préfecture du Rhône – dotation État et Métropole", FIRST_DAY),
            LotSpec("CD69", 1, 200, "Département du Rhône – dotation 2026", date(2026, 3, 2)),
            LotSpec("PN19", 201, 100, "Préfecture du Rhône – complément", date(2026, 9, 1)),
        ),
        low_stock=20,
        writer="services",
    ),
    # The 2019 national wave on one desk: 200,000 people, 100,000 booklets of 10, 150,000
    # handouts; about a third of the handouts are cancelled the same day and their booklets
    # handed out again later.
    "national": Scale(
        people=200_000,
        clean=36_500,
        returned=55_600,
        late_cancelled=1_500,
        overrides=400,
        stock_voids=600,
        lost_after=300,
        voucher_voids=40,
        programmes=(PN19,),
        lots=tuple(
            LotSpec(
                "PN19", 1 + 25_000 * k, 25_000, f"APTIC – dotation nationale, lot {k + 1}/4", day
            )
            for k, day in enumerate(
                (FIRST_DAY, date(2026, 3, 2), date(2026, 6, 1), date(2026, 9, 1))
            )
        ),
        low_stock=2_000,
        writer="bulk",
    ),
}

_WINTER, _SUMMER = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))


def paris(day: date, minutes: float) -> datetime:
    """A moment of a 2026 day, given in minutes after midnight, Paris time."""
    zone = _SUMMER if SUMMER_TIME[0] <= day < SUMMER_TIME[1] else _WINTER
    return datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minutes)


def working_days() -> list[date]:
    days, day = [], FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() < 5 and day not in HOLIDAYS:
            days.append(day)
        day += timedelta(days=1)
    return days
