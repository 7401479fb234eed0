"""Demonstration data: a desk's year of Pass Numérique work, row for row the same for a seed.

`build` fills an empty database. Set-up (desk, accounts, programmes, places, settings) and every
stock reception go through the services. The year's work (registrations, handouts, same-day and
later cancellations, voided booklets and vouchers) is first planned as a list of dated operations
by a simulation that applies the services' rules (next booklet in stock, limit per person,
same-day cancellation returns to stock, later voids), then written either by calling the services
one operation at a time (`small`) or in bulk with SQLAlchemy Core (`national`: 200,000 people and
150,000 handouts in a few minutes). The bulk writer produces exactly the rows and the chained
journal the services would have produced; tests/unit/test_demo.py compares both writers.

The history is dated in 2026 (working days from 5 January to 25 November, Paris time) and the
programmes stay valid until 2027, so the desk can hand out at once. The 2019 national wave's
numbers (200,000 people, 100,000 booklets, 150,000 handouts) mean that about a third of the
handouts are cancelled the same day and their booklets handed out again later.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from faker import Faker
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from stdnum import luhn

from passdesk import codes
from passdesk.errors import Refused
from passdesk.i18n import _
from passdesk.models import (
    Beneficiary,
    Booklet,
    BookletStatus,
    EventKind,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    LedgerHead,
    NameToken,
    ReceiptCounter,
    Role,
    VoidReason,
    Voucher,
    VoucherStatus,
)
from passdesk.services.base import local_date, voucher_bounds
from passdesk.services.beneficiaries import DIAGNOSTIC_NEEDS, BeneficiaryInput, name_key
from passdesk.services.handouts import STOP_DAYS_BEFORE_END
from passdesk.services.ledger import canonical, chain_hash
from passdesk.services.places import PlaceInput
from passdesk.services.rows import Actor
from passdesk.text import clean_name, fold, name_tokens

if TYPE_CHECKING:
    from passdesk.services import Services

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]

PASSWORD = "demo-passdesk"
SCALE_NAMES = ("small", "national")
FIRST_DAY = date(2026, 1, 5)
LAST_DAY = date(2026, 11, 25)
# French public holidays of 2026 that fall on a working day.
HOLIDAYS = frozenset(
    date(2026, m, d) for m, d in ((4, 6), (5, 1), (5, 8), (5, 14), (5, 25), (7, 14), (11, 11))
)
SUMMER_TIME = (date(2026, 3, 29), date(2026, 10, 25))  # Paris is UTC+2 between these days


# --- what a scale is made of ------------------------------------------------------------------


@dataclass(frozen=True)
class _Programme:
    code: str
    name: str
    face_value: str
    vouchers_per_booklet: int
    valid_from: date
    valid_until: date
    funders: tuple[tuple[str, Decimal], ...]
    limit_per_person: int | None
    target_groups: tuple[str, ...]


@dataclass(frozen=True)
class _Lot:
    programme: str
    first: int
    count: int
    source: str
    earliest: date  # received that morning, or earlier when the stock runs low


@dataclass(frozen=True)
class _Scale:
    people: int
    clean: int  # people handed a booklet once (at their first visit or a later one)
    returned: int  # handed one, cancelled the same day, handed another on a later visit
    late_cancelled: int  # handed one, cancelled on a later day (the booklet is voided)
    overrides: int  # handed one, then a second one over the limit (supervisor's reason)
    stock_voids: int  # booklets voided in stock (damaged, misprint, lost)
    lost_after: int  # booklets voided after the handout (lost or stolen by the person)
    voucher_voids: int  # single vouchers voided at reception (misprint)
    programmes: tuple[_Programme, ...]
    lots: tuple[_Lot, ...]
    low_stock: int  # a lot is received early when fewer booklets than this are left
    bulk: bool

    @property
    def handouts(self) -> int:
        return self.clean + 2 * self.returned + self.late_cancelled + 2 * self.overrides


STATE = ("État (ANCT)", Decimal("45"))
METROPOLIS = ("Métropole de Lyon", Decimal("55"))
PN19 = _Programme(
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
)
CD69 = _Programme(
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

PROGRAMMES = {p.code: p for p in (PN19, CD69)}

SCALES: dict[str, _Scale] = {
    # A newcomer's first look: two programmes, 500 booklets, about 150 handouts.
    "small": _Scale(
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
            _Lot("PN19", 1, 200, "Préfecture du Rhône – dotation État et Métropole", FIRST_DAY),
            _Lot("CD69", 1, 200, "Département du Rhône – dotation 2026", date(2026, 3, 2)),
            _Lot("PN19", 201, 100, "Préfecture du Rhône – complément", date(2026, 9, 1)),
        ),
        low_stock=20,
        bulk=False,
    ),
    # The 2019 national wave on one desk: 200,000 people, 100,000 booklets of 10, 150,000 handouts.
    "national": _Scale(
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
            _Lot("PN19", 1 + 25_000 * k, 25_000, f"APTIC – dotation nationale, lot {k + 1}/4", day)
            for k, day in enumerate(
                (FIRST_DAY, date(2026, 3, 2), date(2026, 6, 1), date(2026, 9, 1))
            )
        ),
        low_stock=2_000,
        bulk=True,
    ),
}

DESK = {
    "name": "France Services Vaulx-en-Velin",
    "address": "12 avenue Gabriel-Péri",
    "postcode": "69120",
    "commune": "Vaulx-en-Velin",
}
# (login, display name, role); the administrator is created with the desk.
ACCOUNTS = (
    ("admin", "Sophie Marchand", Role.ADMIN),
    ("karim.haddad", "Karim Haddad", Role.SUPERVISOR),
    ("lucie.moreau", "Lucie Moreau", Role.AGENT),
    ("thomas.nguyen", "Thomas Nguyen", Role.AGENT),
)
SUPERVISOR = "karim.haddad"
COUNTER_AGENTS = (("lucie.moreau", 45), ("thomas.nguyen", 45), ("karim.haddad", 10))
RECEIPT_FOOTER = (
    "France Services Vaulx-en-Velin – du lundi au vendredi, 8 h 45-12 h et 13 h 30-17 h 30"
)

PLACES = (
    PlaceInput(
        "Médiathèque Marie-Curie", "4 place de la Nation", "69120", "Vaulx-en-Velin",
        "04 72 00 10 20", "mediatheque@example.org", "https://mediatheque.example.org",
        "Tu-Fr 10:00-12:00,14:00-18:30; Sa 10:00-17:00",
        ("Maîtrise des outils numériques du quotidien", "Accès internet et matériel informatique",
         "Loisirs et créations numériques"),
    ),
    PlaceInput(
        "Espace public numérique La Passerelle", "18 rue Jules-Romains", "69120", "Vaulx-en-Velin",
        "04 72 00 11 30", "epn.passerelle@example.org", "",
        "Mo-Fr 09:00-12:00,13:30-17:30",
        ("Aide aux démarches administratives", "Maîtrise des outils numériques du quotidien",
         "Utilisation sécurisée du numérique"),
    ),
    PlaceInput(
        "Centre social Jacques-Prévert", "2 rue Louis-Duclos", "69120", "Vaulx-en-Velin",
        "04 72 00 12 40", "", "", "Mo-Th 09:00-12:00,14:00-18:00; Fr 09:00-12:00",
        ("Aide aux démarches administratives", "Parentalité et éducation avec le numérique"),
    ),
    PlaceInput(
        "Maison de l'emploi et de la formation", "35 boulevard Émile-Zola", "69100", "Villeurbanne",
        "04 78 00 13 50", "contact.mef@example.org", "https://mef.example.org",
        "Mo-Fr 08:30-12:30,13:30-17:00",
        ("Insertion professionnelle via le numérique", "Aide aux démarches administratives"),
    ),
    PlaceInput(
        "Fab lab La Soie", "7 rue de la Poudrette", "69100", "Villeurbanne",
        "04 78 00 14 60", "bonjour@fablab.example.org", "https://fablab.example.org",
        "We-Sa 14:00-19:00",
        ("Loisirs et créations numériques", "Compréhension et maîtrise des outils numériques"),
    ),
    PlaceInput(
        "Médiathèque du Tonkin", "1 promenade du Lac", "69100", "Villeurbanne",
        "04 78 00 15 70", "", "", "Tu-Sa 10:00-18:00",
        ("Maîtrise des outils numériques du quotidien", "Accès internet et matériel informatique"),
    ),
    PlaceInput(
        "Connect'Ensemble – solidarité numérique", "21 avenue Franklin-Roosevelt", "69500", "Bron",
        "04 78 00 16 80", "accueil@connectensemble.example.org", "",
        "Mo-Fr 09:30-12:30,14:00-17:30",
        ("Acquisition de matériel informatique à prix solidaire",
         "Accès internet et matériel informatique", "Utilisation sécurisée du numérique"),
    ),
    PlaceInput(
        "PIMMS Médiation Lyon Est", "9 rue Paul-Bert", "69200", "Vénissieux",
        "04 78 00 17 90", "pimms@example.org", "", "Mo-Fr 08:30-12:00,13:30-17:00",
        ("Aide aux démarches administratives", "Utilisation sécurisée du numérique"),
    ),
    PlaceInput(
        "Cyber-base de Saint-Priest", "3 place Charles-Ottina", "69800", "Saint-Priest",
        "04 78 00 18 10", "", "", "Mo,We,Fr 14:00-18:00",
        ("Maîtrise des outils numériques du quotidien",
         "Compréhension et maîtrise des outils numériques"),
    ),
    PlaceInput(
        "Mission locale – Point numérique jeunes", "14 rue Camille-Pelletan", "69150",
        "Décines-Charpieu", "04 78 00 19 20", "ml.numerique@example.org", "",
        "Mo-Fr 09:00-12:00,13:30-17:00",
        ("Insertion professionnelle via le numérique", "Aide aux démarches administratives"),
    ),
    PlaceInput(
        "Ressourcerie informatique Solidaire", "40 chemin de la Rize", "69140", "Rillieux-la-Pape",
        "04 78 00 20 30", "", "", "Tu,Th 10:00-17:00; Sa 09:00-12:00",
        ("Acquisition de matériel informatique à prix solidaire",),
    ),
    PlaceInput(
        "Bibliothèque municipale du 8e", "5 place du 8-Mai-1945", "69008", "Lyon",
        "04 78 00 21 40", "", "https://bm8.example.org", "Tu-Sa 10:00-19:00",
        ("Maîtrise des outils numériques du quotidien", "Loisirs et créations numériques",
         "Parentalité et éducation avec le numérique"),
    ),
)  # fmt: skip

# Where the desk's people live: (postcode, commune, weight).
COMMUNES = (
    ("69120", "Vaulx-en-Velin", 30), ("69100", "Villeurbanne", 20), ("69500", "Bron", 8),
    ("69200", "Vénissieux", 8), ("69150", "Décines-Charpieu", 6), ("69140", "Rillieux-la-Pape", 5),
    ("69800", "Saint-Priest", 5), ("69003", "Lyon", 4), ("69008", "Lyon", 4),
    ("69330", "Meyzieu", 3), ("69300", "Caluire-et-Cuire", 3), ("69190", "Saint-Fons", 3),
    ("69680", "Chassieu", 2), ("69740", "Genas", 2), ("69960", "Corbas", 1),
)  # fmt: skip
# Names Faker's fr_FR lists lack: apostrophes, particles and the desk's actual public.
EXTRA_LAST_NAMES = (
    "N'Diaye", "N'Guessan", "N'Dour", "D'Almeida", "D'Angelo", "D'Hondt", "Le Floc'h",
    "Le Bihan", "Diallo", "Traoré", "Diop", "Camara", "Koné", "Cissé", "Benali", "Belkacem",
    "Haddad", "Mansouri", "Bouaziz", "Hamidi", "Nguyen", "Tran", "Pham", "Yılmaz", "Kowalski",
    "Saint-Jean", "Ould Ahmed", "Da Cruz", "Benoît", "Lefèvre",
)  # fmt: skip
EXTRA_FEMALE = (
    "Fatoumata", "Aïcha", "Inès", "Yasmine", "Maëlys", "Noémie", "Chloé", "Zoé", "Océane",
    "Lina", "Hélène", "Élodie", "Thi Hoa", "Nadège",
)  # fmt: skip
EXTRA_MALE = (
    "Mamadou", "Moussa", "Mehdi", "Rayan", "Sofiane", "Kévin", "Loïc", "Noé", "Anh", "Yanis",
    "Théo", "Jérôme", "Grégoire", "Anthony",
)  # fmt: skip
# (target group, weight, youngest, oldest); priority groups are more than half, as the 2020 call
# asked.
GROUPS = (
    ("young_no_qualification", 30, 16, 25),
    ("jobseeker_no_diploma", 25, 26, 60),
    ("senior", 22, 62, 92),
    ("social_minima", 13, 25, 65),
    ("disability", 5, 20, 70),
    ("other", 5, 18, 80),
)
# How likely each need is ticked, by group (in DIAGNOSTIC_NEEDS order).
NEEDS_BY_GROUP = {
    "young_no_qualification": (0.45, 0.30, 0.75, 0.30, 0.25),
    "jobseeker_no_diploma": (0.60, 0.45, 0.80, 0.25, 0.15),
    "senior": (0.70, 0.75, 0.02, 0.35, 0.40),
    "social_minima": (0.80, 0.50, 0.40, 0.30, 0.15),
    "disability": (0.65, 0.55, 0.30, 0.40, 0.20),
    "other": (0.50, 0.55, 0.20, 0.25, 0.25),
}
# People placed in every demo so that the documentation's examples find someone.
KNOWN_PEOPLE = (
    ("N'Diaye", "Hélène", date(1985, 4, 12), "69100", "Villeurbanne", "jobseeker_no_diploma"),
    ("Le Goff", "Jean-Pierre", date(1949, 9, 3), "69120", "Vaulx-en-Velin", "senior"),
    ("D'Almeida", "Marie-Ève", date(1978, 1, 27), "69500", "Bron", "social_minima"),
    ("Lefèvre-Dubois", "Françoise", date(1957, 6, 30), "69120", "Vaulx-en-Velin", "senior"),
    ("N'Diaye", "Mamadou", date(2006, 11, 8), "69200", "Vénissieux", "young_no_qualification"),
)
SAME_DAY_REASONS = (
    "La personne préfère revenir avec ses justificatifs",
    "Erreur de saisie : mauvais bénéficiaire sélectionné",
    "Carnet remis par erreur, la personne n'en voulait pas aujourd'hui",
)
LATE_REASONS = (
    "Doublon : la personne avait déjà reçu un carnet dans un autre guichet",
    "Remise enregistrée par erreur, carnet non retrouvé",
    "La personne a quitté la métropole, carnet non utilisable",
)
OVERRIDE_REASONS = (
    "Accompagnement long validé par le référent (formation de plusieurs semaines)",
    "Deuxième carnet pour finir le parcours démarches en ligne, accord du référent",
)


_GROUP_ODDS = tuple(itertools.accumulate(g[1] for g in GROUPS))
_COMMUNE_ODDS = tuple(itertools.accumulate(c[2] for c in COMMUNES))
_COUNTER_LOGINS = tuple(login for login, _w in COUNTER_AGENTS)
_COUNTER_ODDS = tuple(itertools.accumulate(w for _l, w in COUNTER_AGENTS))


@dataclass(frozen=True)
class DemoSummary:
    """What the demonstration created; the window shows the logins and the password."""

    scale: str
    seed: int
    desk: str
    siret: str
    logins: tuple[str, ...]
    password: str
    programmes: tuple[str, ...]
    places: int
    beneficiaries: int
    booklets: int
    vouchers: int
    booklets_in_stock: int
    booklets_handed_out: int
    booklets_voided: int
    vouchers_voided: int
    handouts: int
    handouts_cancelled: int
    ledger_events: int
    seconds: float
    timings: tuple[tuple[str, float], ...] = field(default=())


# --- the plan: dated operations -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Person:
    last_name: str
    first_name: str
    birth_date: date
    postcode: str
    commune: str
    phone: str
    email: str
    target_group: str
    diagnostic: tuple[str, ...]
    consent: bool


BookletRef = tuple[str, int]  # (programme code, booklet number)


@dataclass(frozen=True, slots=True)
class _Receive:
    at: datetime
    login: str
    lot: _Lot


@dataclass(frozen=True, slots=True)
class _Register:
    at: datetime
    login: str
    person: int  # 0-based: the beneficiary's id is person + 1 on an empty database
    data: _Person


@dataclass(frozen=True, slots=True)
class _HandOut:
    at: datetime
    login: str
    handout: int  # 0-based: the handout's id is handout + 1
    person: int
    booklets: tuple[BookletRef, ...]
    receipt: str
    override: str | None


@dataclass(frozen=True, slots=True)
class _Cancel:
    at: datetime
    login: str
    handout: int
    receipt: str
    reason: str
    booklets: tuple[BookletRef, ...]  # every booklet of the handout, by number
    moved: tuple[tuple[BookletRef, str], ...]  # those still handed out: "returned" or "voided"


@dataclass(frozen=True, slots=True)
class _VoidBooklet:
    at: datetime
    login: str
    booklet: BookletRef
    reason: str


@dataclass(frozen=True, slots=True)
class _VoidVoucher:
    at: datetime
    login: str
    booklet: BookletRef
    voucher: int  # the voucher's number in the programme
    reason: str


_Op = _Receive | _Register | _HandOut | _Cancel | _VoidBooklet | _VoidVoucher


_WINTER, _SUMMER = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))


def _paris(day: date, minutes: float) -> datetime:
    """A moment of a 2026 day, given in minutes after midnight, Paris time."""
    zone = _SUMMER if SUMMER_TIME[0] <= day < SUMMER_TIME[1] else _WINTER
    return datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minutes)


def _working_days() -> list[date]:
    days, day = [], FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() < 5 and day not in HOLIDAYS:
            days.append(day)
        day += timedelta(days=1)
    return days


class _Shelf:
    """One programme's booklets as the plan sees them: status, and the next one in stock."""

    def __init__(self, programme: _Programme) -> None:
        self.programme = programme
        self.status: dict[int, str] = {}
        self.incomplete: set[int] = set()  # a voucher of it was voided: never handed out
        self.ranges: list[tuple[int, int]] = []
        self.usable = 0  # complete booklets in stock
        self._heap: list[int] = []

    def receive(self, first: int, count: int) -> None:
        self.status.update(dict.fromkeys(range(first, first + count), "in_stock"))
        self._heap.extend(range(first, first + count))
        heapq.heapify(self._heap)
        self.ranges.append((first, first + count - 1))
        self.usable += count

    def _is_usable(self, number: int) -> bool:
        return self.status.get(number) == "in_stock" and number not in self.incomplete

    def next(self) -> int | None:
        """The lowest-numbered complete booklet in stock, as HandoutService picks it."""
        while self._heap and not self._is_usable(self._heap[0]):
            heapq.heappop(self._heap)
        return self._heap[0] if self._heap else None

    def take(self, number: int) -> None:
        self.status[number] = "handed_out"
        self.usable -= 1

    def give_back(self, number: int) -> None:
        self.status[number] = "in_stock"
        heapq.heappush(self._heap, number)
        self.usable += 1

    def void(self, number: int) -> None:
        if self._is_usable(number):
            self.usable -= 1
        self.status[number] = "voided"

    def void_voucher_of(self, number: int) -> None:
        if self._is_usable(number):
            self.usable -= 1
        self.incomplete.add(number)

    def random_in_stock(self, rng: random.Random, *, complete: bool = False) -> int | None:
        for _attempt in range(200):
            first, last = rng.choice(self.ranges)
            number = rng.randint(first, last)
            if self.status.get(number) == "in_stock" and not (
                complete and number in self.incomplete
            ):
                return number
        return None


@dataclass
class _Visit:
    """One person at the counter: who, what the visit is for, and the handout it gave."""

    person: int
    kind: str  # register, clean, returned, late, override; "again" and "extra" for return visits
    login: str
    programmes: tuple[str, ...] = ()
    handout: int | None = None


# A day's agenda entry: (minutes after midnight, order of creation, action, payload).
_Entry = tuple[float, int, str, Any]
OPENING, CLOSING, EVENING = 525.0, 1020.0, 1045.0  # 08:45, 17:00, 17:25 (Paris)


class _Planner:
    """Simulates the desk's year under the services' rules and lists its operations in order."""

    def __init__(self, scale: _Scale, seed: int, progress: Progress) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.progress = progress
        self.days = _working_days()
        self.programmes = {p.code: p for p in scale.programmes}
        self.shelves = {p.code: _Shelf(p) for p in scale.programmes}
        self.lots = list(scale.lots)
        self.ops: list[_Op] = []
        # handout index -> (person, booklets, receipt, created at)
        self.handouts: list[tuple[int, tuple[BookletRef, ...], str, datetime]] = []
        self.live: list[int] = []  # handouts not cancelled (random picks for lost booklets)
        self._live_at: dict[int, int] = {}  # handout -> its position in self.live
        self.received: dict[tuple[int, str], int] = {}  # (person, programme) -> booklets held
        self.receipts: dict[int, int] = {}  # year -> last receipt number
        self.later: dict[int, list[_Entry]] = {}  # day index -> agenda entries planned ahead
        self._order = 0

    # -- people --

    def _name(self, female: bool) -> tuple[str, str]:
        rng, fake = self.rng, self.fake
        given = fake.first_name_female if female else fake.first_name_male
        draw = rng.random()
        if draw < 0.07:
            first = ("Marie-" if female else "Jean-") + given()
            if first in ("Marie-Marie", "Jean-Jean"):
                first = first.split("-")[0]
        elif draw < 0.15:
            first = rng.choice(EXTRA_FEMALE if female else EXTRA_MALE)
        else:
            first = given()
        draw = rng.random()
        if draw < 0.10:
            last = rng.choice(EXTRA_LAST_NAMES)
        elif draw < 0.15:
            last = f"{fake.last_name()}-{fake.last_name()}"
        else:
            last = fake.last_name()
        return clean_name(last), clean_name(first)

    def _person(self, index: int) -> _Person:
        rng = self.rng
        if index < len(KNOWN_PEOPLE):
            last, first, birth, postcode, commune, group = KNOWN_PEOPLE[index]
        else:
            last, first = self._name(rng.random() < 0.55)
            group, _weight, youngest, oldest = rng.choices(GROUPS, cum_weights=_GROUP_ODDS)[0]
            birth = date(2026 - rng.randint(youngest, oldest), 1, 1) + timedelta(
                days=rng.randrange(300)
            )
            postcode, commune, _w = rng.choices(COMMUNES, cum_weights=_COMMUNE_ODDS)[0]
        needs = tuple(
            need
            for need, chance in zip(DIAGNOSTIC_NEEDS, NEEDS_BY_GROUP[group], strict=True)
            if rng.random() < chance
        ) or ("everyday_tools",)
        draw = rng.random()
        if draw < 0.78:
            phone = rng.choice(("06", "07")) + f"{rng.randrange(10**8):08d}"
        elif draw < 0.90:
            phone = f"04{rng.randrange(72_000_000, 79_000_000):08d}"
        else:
            phone = ""
        email = ""
        if rng.random() < 0.42:
            user = ".".join(fold(part).replace(" ", "") for part in (first, last))
            suffix = str(rng.randrange(1, 99)) if rng.random() < 0.4 else ""
            email = f"{user}{suffix}@example.{rng.choice(('org', 'net', 'com'))}"
        return _Person(
            last_name=last,
            first_name=first,
            birth_date=birth,
            postcode=postcode,
            commune=commune,
            phone=phone,
            email=email,
            target_group=group,
            diagnostic=needs,
            consent=rng.random() < 0.96,
        )

    # -- what each operation does to the register (the services' rules) --

    def _counter_agent(self) -> str:
        return self.rng.choices(_COUNTER_LOGINS, cum_weights=_COUNTER_ODDS)[0]

    def _open(self, code: str, day: date) -> bool:
        """HandoutService hands out from valid_from to 15 days before valid_until."""
        programme = self.programmes[code]
        stop = programme.valid_until - timedelta(days=STOP_DAYS_BEFORE_END)
        return programme.valid_from <= day <= stop

    def _hand_out(self, at: datetime, visit: _Visit) -> int | None:
        chosen: list[BookletRef] = []
        for code in visit.programmes:
            number = self.shelves[code].next() if self._open(code, at.date()) else None
            if number is not None:
                self.shelves[code].take(number)
                chosen.append((code, number))
        if not chosen:
            return None
        over = any(
            (limit := self.programmes[code].limit_per_person) is not None
            and self.received.get((visit.person, code), 0) + 1 > limit
            for code, _n in chosen
        )
        login, override = visit.login, None
        if over or visit.kind == "extra":
            login, override = SUPERVISOR, self.rng.choice(OVERRIDE_REASONS)
        year = local_date(at).year
        self.receipts[year] = self.receipts.get(year, 0) + 1
        receipt = f"{year}-{self.receipts[year]:06d}"
        index = len(self.handouts)
        self.handouts.append((visit.person, tuple(chosen), receipt, at))
        for code, _n in chosen:
            key = (visit.person, code)
            self.received[key] = self.received.get(key, 0) + 1
        self._live_at[index] = len(self.live)
        self.live.append(index)
        self.ops.append(_HandOut(at, login, index, visit.person, tuple(chosen), receipt, override))
        return index

    def _cancel(self, at: datetime, handout: int, reason: str) -> None:
        person, booklets, receipt, created = self.handouts[handout]
        position = self._live_at.pop(handout)  # swap-remove from the live list
        moved_last = self.live.pop()
        if moved_last != handout:
            self.live[position] = moved_last
            self._live_at[moved_last] = position
        same_day = local_date(created) == local_date(at)
        ordered = tuple(sorted(booklets, key=lambda ref: ref[1]))
        moved = []
        for code, number in ordered:
            self.received[(person, code)] -= 1
            shelf = self.shelves[code]
            if shelf.status[number] != "handed_out":
                continue  # voided meanwhile (lost, stolen): stays so
            if same_day:
                shelf.give_back(number)
                moved.append(((code, number), "returned"))
            else:
                shelf.void(number)
                moved.append(((code, number), "voided"))
        self.ops.append(_Cancel(at, SUPERVISOR, handout, receipt, reason, ordered, tuple(moved)))

    # -- the year --

    def _kinds(self) -> list[str]:
        """What each person's first visit is for; the known people are plain handouts."""
        s = self.scale
        pool = (
            ["clean"] * (s.clean - len(KNOWN_PEOPLE))
            + ["returned"] * s.returned
            + ["late"] * s.late_cancelled
            + ["override"] * s.overrides
        )
        pool += ["register"] * (s.people - len(KNOWN_PEOPLE) - len(pool))
        self.rng.shuffle(pool)
        return ["clean"] * len(KNOWN_PEOPLE) + pool

    def plan(self) -> list[_Op]:
        scale, rng, days = self.scale, self.rng, self.days
        kinds = self._kinds()
        for _i in range(scale.stock_voids):
            self._later(rng.randrange(len(days)), rng.uniform(1005, 1020), "void_stock", None)
        for _i in range(scale.lost_after):
            day = rng.randrange(min(20, len(days) - 1), len(days))
            self._later(day, rng.uniform(1040, 1045), "void_lost", None)
        person = 0
        label = _("Preparing the demonstration year")
        for d, day in enumerate(days):
            self._morning(day)
            agenda = self.later.pop(d, [])
            arrivals = (d + 1) * scale.people // len(days) - person
            # People are numbered in the order they register: their ids on an empty database.
            for minutes in sorted(rng.uniform(OPENING, CLOSING) for _i in range(arrivals)):
                visit = _Visit(person, kinds[person], self._counter_agent())
                agenda.append((minutes, self._next(), "visit", visit))
                person += 1
            agenda.sort(key=lambda entry: entry[:2])
            today: list[_Entry] = []
            for entry in agenda:
                if entry[2] == "visit":
                    self._visit(d, entry[0], entry[3], today)
                else:
                    today.append(entry)
            today.sort(key=lambda entry: entry[:2])
            for minutes, _order, action, payload in today:
                self._do(day, minutes, action, payload)
            if d % 10 == 0:
                self.progress(label, d, len(days))
        self.progress(label, len(days), len(days))
        return self.ops

    def _next(self) -> int:
        self._order += 1
        return self._order

    def _later(self, day: int, minutes: float, action: str, payload: Any) -> None:
        self.later.setdefault(day, []).append((minutes, self._next(), action, payload))

    def _ahead(
        self,
        d: int,
        days_ahead: int,
        minutes: float,
        action: str,
        payload: Any,
        today: list[_Entry],
    ) -> None:
        """Plan an entry some days ahead; on the year's last day, this evening instead."""
        if d + days_ahead < len(self.days):
            self._later(d + days_ahead, minutes, action, payload)
        else:
            today.append((EVENING + self.rng.random(), self._next(), action, payload))

    def _morning(self, day: date) -> None:
        """Lots due today, or early when a shelf runs low; misprinted vouchers found at once."""
        minutes = 495.0  # 08:15
        while self.lots:
            lot = self.lots[0]
            shelf = self.shelves[lot.programme]
            low = bool(shelf.ranges) and shelf.usable < self.scale.low_stock
            if lot.earliest > day and not low:
                break
            index = len(self.scale.lots) - len(self.lots)
            self.lots.pop(0)
            self.ops.append(_Receive(_paris(day, minutes), SUPERVISOR, lot))
            shelf.receive(lot.first, lot.count)
            n = self.programmes[lot.programme].vouchers_per_booklet
            voids = self.scale.voucher_voids // len(self.scale.lots)
            if index == 0:
                voids += self.scale.voucher_voids % len(self.scale.lots)
            for _i in range(voids):
                number = shelf.random_in_stock(self.rng, complete=True)
                if number is None:
                    continue
                shelf.void_voucher_of(number)
                voucher = (number - 1) * n + self.rng.randint(1, n)
                minutes += 1.5
                self.ops.append(
                    _VoidVoucher(
                        _paris(day, minutes),
                        SUPERVISOR,
                        (lot.programme, number),
                        voucher,
                        "misprint",
                    )
                )
            minutes += 5

    def _visit(self, d: int, minutes: float, visit: _Visit, today: list[_Entry]) -> None:
        """Registration now; the handout, a same-day cancellation and return visits planned."""
        rng = self.rng
        data = self._person(visit.person)
        today.append((minutes, self._next(), "register", (visit, data)))
        if visit.kind == "register":
            return
        single = visit.kind in ("returned", "late")
        visit.programmes = self._programmes_for(data, self.days[d], single=single)
        if visit.kind == "clean" and visit.person >= len(KNOWN_PEOPLE) and rng.random() < 0.25:
            # Diagnostic today, booklet on a later visit.
            self._ahead(
                d, rng.randint(1, 15), rng.uniform(OPENING, CLOSING), "handout", visit, today
            )
            return
        today.append((minutes + rng.uniform(3, 6), self._next(), "handout", visit))
        if visit.kind == "returned":
            today.append((minutes + rng.uniform(8, 10), self._next(), "cancel_today", visit))
            again = _Visit(visit.person, "again", self._counter_agent(), visit.programmes)
            self._ahead(
                d, rng.randint(1, 15), rng.uniform(OPENING, CLOSING), "handout", again, today
            )
        elif visit.kind == "late":
            self._ahead(d, rng.randint(1, 10), rng.uniform(1035, 1040), "cancel_late", visit, today)
        elif visit.kind == "override":
            extra = _Visit(visit.person, "extra", SUPERVISOR, visit.programmes[:1])
            self._ahead(
                d, rng.randint(10, 40), rng.uniform(OPENING, CLOSING), "handout", extra, today
            )

    def _programmes_for(self, data: _Person, day: date, *, single: bool) -> tuple[str, ...]:
        """The programmes open today that serve the person's group; sometimes both."""
        open_now = [code for code in self.programmes if self._open(code, day)]
        wanted = [c for c in open_now if data.target_group in self.programmes[c].target_groups]
        wanted = wanted or open_now[:1]
        if len(wanted) > 1:
            draw = self.rng.random()
            if single or draw < 0.4:
                wanted = wanted[:1]
            elif draw < 0.7:
                wanted = wanted[1:]
        return tuple(wanted)

    def _do(self, day: date, minutes: float, action: str, payload: Any) -> None:
        rng = self.rng
        at = _paris(day, minutes)
        if action == "register":
            visit, data = payload
            self.ops.append(_Register(at, visit.login, visit.person, data))
        elif action == "handout":
            payload.handout = self._hand_out(at, payload)
        elif action in ("cancel_today", "cancel_late"):
            if payload.handout is not None:
                reasons = SAME_DAY_REASONS if action == "cancel_today" else LATE_REASONS
                self._cancel(at, payload.handout, rng.choice(reasons))
        elif action == "void_stock":
            shelf = self.shelves[rng.choice(sorted(self.shelves))]
            number = shelf.random_in_stock(rng) if shelf.ranges else None
            if number is not None:
                shelf.void(number)
                reason = rng.choice(("damaged", "misprint", "lost"))
                ref = (shelf.programme.code, number)
                self.ops.append(_VoidBooklet(at, SUPERVISOR, ref, reason))
        elif action == "void_lost":
            self._void_lost(at, day)

    def _void_lost(self, at: datetime, day: date) -> None:
        """A person reports a booklet of an earlier handout lost or stolen."""
        rng = self.rng
        for _attempt in range(50):
            if not self.live:
                return
            _person, booklets, _receipt, created = self.handouts[rng.choice(self.live)]
            code, number = rng.choice(booklets)
            if created.date() < day and self.shelves[code].status[number] == "handed_out":
                self.shelves[code].void(number)
                reason = rng.choice(("lost", "stolen"))
                self.ops.append(_VoidBooklet(at, SUPERVISOR, (code, number), reason))
                return


# --- writing the plan ----------------------------------------------------------------------------


class _Clock:
    """The demo services' clock: the moment of the operation being written."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _person_input(data: _Person) -> BeneficiaryInput:
    return BeneficiaryInput(
        last_name=data.last_name,
        first_name=data.first_name,
        birth_date=data.birth_date,
        postcode=data.postcode,
        commune=data.commune,
        phone=data.phone,
        email=data.email,
        target_group=data.target_group,
        diagnostic=data.diagnostic,
        consent=data.consent,
    )


class _ServiceWriter:
    """Writes each operation through the services, as the window or the console would."""

    def __init__(self, services: Services, clock: _Clock, actors: dict[str, Actor]) -> None:
        self.services = services
        self.clock = clock
        self.actors = actors

    def write(self, ops: Sequence[_Op], progress: Progress) -> None:
        label = _("Writing the register")
        for i, op in enumerate(ops):
            self.clock.now = op.at
            self.apply(op)
            if i % 50 == 0:
                progress(label, i, len(ops))
        progress(label, len(ops), len(ops))

    def apply(self, op: _Op) -> None:
        s, actor = self.services, self.actors[op.login]
        if isinstance(op, _Receive):
            s.stock.receive(
                actor,
                programme_code=op.lot.programme,
                first_booklet=op.lot.first,
                count=op.lot.count,
                source=op.lot.source,
            )
        elif isinstance(op, _Register):
            row = s.beneficiaries.register(actor, _person_input(op.data), allow_duplicate=True)
            assert row.id == op.person + 1, "the demo needs an empty register"
        elif isinstance(op, _HandOut):
            scans = [self._scan(op.handout, ref) for ref in op.booklets]
            row = s.handouts.hand_out(
                actor, op.person + 1, codes_=scans, override_reason=op.override
            )
            assert row.id == op.handout + 1 and row.receipt_number == op.receipt
        elif isinstance(op, _Cancel):
            s.handouts.cancel(actor, op.handout + 1, op.reason)
        elif isinstance(op, _VoidBooklet):
            s.stock.void(actor, codes.booklet_code(*op.booklet), op.reason)
        elif isinstance(op, _VoidVoucher):
            s.stock.void(actor, codes.voucher_code(op.booklet[0], op.voucher), op.reason)

    @staticmethod
    def _scan(handout: int, ref: BookletRef) -> str:
        """What the agent scans: mostly the cover, sometimes a voucher, sometimes typed."""
        code, number = ref
        if handout % 5 == 1:
            first = (number - 1) * PROGRAMMES[code].vouchers_per_booklet + 1
            return codes.voucher_code(code, first)
        if handout % 7 == 3:
            return codes.booklet_code(code, number).replace("-", "").lower()
        return codes.booklet_code(code, number)


def _details(details: dict[str, Any]) -> str:
    """The journal's details text, as passdesk.services.ledger.append writes it."""
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _BulkWriter:
    """Writes the plan with SQLAlchemy Core, many rows a statement, one transaction a stretch.

    Receptions go through StockService (it is bulk already); each stretch between two
    receptions is one transaction holding its people, handouts, status changes and journal.
    """

    def __init__(
        self,
        services: Services,
        clock: _Clock,
        actors: dict[str, Actor],
        programmes: dict[str, tuple[int, int]],
    ) -> None:
        self.services = services
        self.clock = clock
        self.actors = actors
        self.programmes = programmes  # code -> (id, vouchers per booklet)
        self.booklet_ids: dict[BookletRef, int] = {}
        self.desk_id = services.accounts.desk().id

    def write(self, ops: Sequence[_Op], progress: Progress) -> None:
        label = _("Writing the register")
        start = 0
        for i, op in enumerate(ops):
            if isinstance(op, _Receive):
                self._flush(ops[start:i])
                self.clock.now = op.at
                _ServiceWriter(self.services, self.clock, self.actors).apply(op)
                self._load_booklets(op.lot)
                start = i + 1
                progress(label, i + 1, len(ops))
        self._flush(ops[start:])
        progress(label, len(ops), len(ops))

    def _load_booklets(self, lot: _Lot) -> None:
        programme_id, _n = self.programmes[lot.programme]
        with self.services.db.read() as session:
            for number, booklet_id in session.execute(
                select(Booklet.number, Booklet.id).where(
                    Booklet.programme_id == programme_id,
                    Booklet.number.between(lot.first, lot.first + lot.count - 1),
                )
            ):
                self.booklet_ids[(lot.programme, number)] = booklet_id

    def _flush(self, ops: Sequence[_Op]) -> None:
        if not ops:
            return

        def work(session: Session) -> None:
            batch = _Batch(self, session.connection())
            for op in ops:
                batch.add(op)
            batch.write()

        self.services.db.transaction(work)


class _Batch:
    """One stretch of the plan turned into rows, status changes and chained journal events."""

    CHUNK = 20_000

    def __init__(self, writer: _BulkWriter, connection: Connection) -> None:
        self.connection = connection
        self.desk_id = writer.desk_id
        self.booklet_ids = writer.booklet_ids
        self.programmes = writer.programmes
        self.agent = {login: actor.id for login, actor in writer.actors.items()}
        head = connection.execute(
            select(LedgerHead.last_id, LedgerHead.last_hash).where(LedgerHead.id == 1)
        ).one()
        self.last_id, self.last_hash = head.last_id, head.last_hash
        self.people: list[dict[str, Any]] = []
        self.tokens: list[dict[str, Any]] = []
        self.handouts: list[dict[str, Any]] = []
        self.handout_booklets: list[dict[str, Any]] = []
        self.cancels: list[dict[str, Any]] = []
        self.booklets: dict[int, tuple[BookletStatus, VoidReason | None]] = {}  # final status
        self.voucher_voids: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.receipts: dict[int, int] = {}  # year -> last receipt number

    def add(self, op: _Op) -> None:
        if isinstance(op, _Register):
            self._register(op)
        elif isinstance(op, _HandOut):
            self._hand_out(op)
        elif isinstance(op, _Cancel):
            self._cancel(op)
        elif isinstance(op, _VoidBooklet):
            self._void_booklet(op)
        elif isinstance(op, _VoidVoucher):
            self._void_voucher(op)
        else:  # pragma: no cover - receptions go through the service
            raise TypeError(op)

    def _event(self, op: _Op, kind: EventKind, details: dict[str, Any], **ids: int | None) -> None:
        """Append to the journal as passdesk.services.ledger.append does, hash for hash."""
        self.last_id += 1
        at = op.at.astimezone(UTC)
        text = _details(details)
        row: dict[str, Any] = {
            "id": self.last_id,
            "at": at,
            "agent_id": self.agent[op.login],
            "kind": kind.value,
            "programme_id": ids.get("programme_id"),
            "booklet_id": ids.get("booklet_id"),
            "voucher_id": ids.get("voucher_id"),
            "handout_id": ids.get("handout_id"),
            "details": text,
            "prev_hash": self.last_hash,
        }
        self.last_hash = row["hash"] = chain_hash(
            self.last_hash,
            canonical(
                self.last_id,
                at,
                row["agent_id"],
                row["kind"],
                row["programme_id"],
                row["booklet_id"],
                row["voucher_id"],
                row["handout_id"],
                text,
            ),
        )
        self.events.append(row)

    def _register(self, op: _Register) -> None:
        """What BeneficiaryService.register stores, with its search words."""
        data, person_id = op.data, op.person + 1
        self.people.append(
            {
                "id": person_id,
                "last_name": data.last_name,
                "first_name": data.first_name,
                "birth_date": data.birth_date,
                "search_name": fold(f"{data.first_name} {data.last_name}"),
                "name_key": name_key(data.last_name, data.first_name),
                "postcode": data.postcode,
                "commune": data.commune,
                "phone": data.phone,
                "email": data.email,
                "target_group": data.target_group,
                "diagnostic": list(data.diagnostic),
                "consent_at": op.at if data.consent else None,
                "created_at": op.at,
                "created_by": self.agent[op.login],
                "updated_at": None,
            }
        )
        words = _tokens(data.first_name) | _tokens(data.last_name)
        self.tokens.extend({"token": t, "beneficiary_id": person_id} for t in sorted(words))

    def _hand_out(self, op: _HandOut) -> None:
        """What HandoutService.hand_out writes: the handout, its booklets, one event each."""
        handout_id = op.handout + 1
        self.handouts.append(
            {
                "id": handout_id,
                "desk_id": self.desk_id,
                "beneficiary_id": op.person + 1,
                "agent_id": self.agent[op.login],
                "created_at": op.at,
                "receipt_number": op.receipt,
                "override_reason": op.override,
                "cancelled_at": None,
                "cancelled_by": None,
                "cancel_reason": None,
            }
        )
        year, number = (int(part) for part in op.receipt.split("-"))
        self.receipts[year] = max(self.receipts.get(year, 0), number)
        for ref in op.booklets:
            programme_id, n = self.programmes[ref[0]]
            booklet_id = self.booklet_ids[ref]
            self.booklets[booklet_id] = (BookletStatus.HANDED_OUT, None)
            self.handout_booklets.append({"handout_id": handout_id, "booklet_id": booklet_id})
            first, last = voucher_bounds(ref[1], n)
            details: dict[str, Any] = {
                "booklet": codes.booklet_code(*ref),
                "receipt": op.receipt,
                "first": codes.voucher_code(ref[0], first),
                "last": codes.voucher_code(ref[0], last),
            }
            if op.override:
                details["override"] = True
            self._event(
                op,
                EventKind.HANDED_OUT,
                details,
                programme_id=programme_id,
                booklet_id=booklet_id,
                handout_id=handout_id,
            )

    def _cancel(self, op: _Cancel) -> None:
        """What HandoutService.cancel writes: returned to stock the same day, voided later."""
        handout_id = op.handout + 1
        self.cancels.append(
            {
                "h_id": handout_id,
                "h_at": op.at,
                "h_by": self.agent[op.login],
                "h_reason": op.reason,
            }
        )
        self._event(
            op,
            EventKind.CANCELLED,
            {
                "receipt": op.receipt,
                "booklets": [codes.booklet_code(*ref) for ref in op.booklets],
            },
            handout_id=handout_id,
        )
        for ref, outcome in op.moved:
            booklet_id = self.booklet_ids[ref]
            if outcome == "returned":
                self.booklets[booklet_id] = (BookletStatus.IN_STOCK, None)
                kind = EventKind.RETURNED
            else:
                self.booklets[booklet_id] = (BookletStatus.VOIDED, VoidReason.CANCELLED_HANDOUT)
                kind = EventKind.VOIDED
            self._event(
                op,
                kind,
                {
                    "booklet": codes.booklet_code(*ref),
                    "receipt": op.receipt,
                    "reason": "cancelled_handout",
                },
                programme_id=self.programmes[ref[0]][0],
                booklet_id=booklet_id,
                handout_id=handout_id,
            )

    def _void_booklet(self, op: _VoidBooklet) -> None:
        booklet_id = self.booklet_ids[op.booklet]
        reason = VoidReason(op.reason)
        self.booklets[booklet_id] = (BookletStatus.VOIDED, reason)
        self._event(
            op,
            EventKind.VOIDED,
            {"code": codes.booklet_code(*op.booklet), "reason": reason.value},
            programme_id=self.programmes[op.booklet[0]][0],
            booklet_id=booklet_id,
        )

    def _void_voucher(self, op: _VoidVoucher) -> None:
        code = codes.voucher_code(op.booklet[0], op.voucher)
        voucher_id = self.connection.scalar(select(Voucher.id).where(Voucher.code == code))
        reason = VoidReason(op.reason)
        self.voucher_voids.append({"v_code": code, "v_reason": reason})
        self._event(
            op,
            EventKind.VOIDED,
            {"code": code, "reason": reason.value},
            programme_id=self.programmes[op.booklet[0]][0],
            booklet_id=self.booklet_ids[op.booklet],
            voucher_id=voucher_id,
        )

    def write(self) -> None:
        """Rows first, then status changes, then the journal and its head (foreign keys on)."""
        handout, booklet, voucher = Handout.__table__, Booklet.__table__, Voucher.__table__
        self._execute(insert(Beneficiary.__table__), self.people)
        self._execute(insert(NameToken.__table__), self.tokens)
        self._execute(insert(handout), self.handouts)
        self._execute(insert(HandoutBooklet.__table__), self.handout_booklets)
        self._execute(
            update(handout)
            .where(handout.c.id == bindparam("h_id"))
            .values(
                cancelled_at=bindparam("h_at"),
                cancelled_by=bindparam("h_by"),
                cancel_reason=bindparam("h_reason"),
            ),
            self.cancels,
        )
        self._execute(
            update(booklet)
            .where(booklet.c.id == bindparam("b_id"))
            .values(status=bindparam("b_status"), void_reason=bindparam("b_reason")),
            [
                {"b_id": booklet_id, "b_status": status, "b_reason": reason}
                for booklet_id, (status, reason) in self.booklets.items()
            ],
        )
        # A booklet's vouchers follow it, except those voided on their own: every service
        # leaves a voided voucher as it is.
        self._execute(
            update(voucher)
            .where(
                voucher.c.booklet_id == bindparam("b_id"), voucher.c.status != VoucherStatus.VOIDED
            )
            .values(status=bindparam("b_status"), void_reason=bindparam("b_reason")),
            [
                {"b_id": booklet_id, "b_status": VoucherStatus(status.value), "b_reason": reason}
                for booklet_id, (status, reason) in self.booklets.items()
            ],
        )
        self._execute(
            update(voucher)
            .where(voucher.c.code == bindparam("v_code"))
            .values(status=VoucherStatus.VOIDED, void_reason=bindparam("v_reason")),
            self.voucher_voids,
        )
        self._count_receipts()
        self._execute(insert(LedgerEvent.__table__), self.events)
        self.connection.execute(
            update(LedgerHead.__table__)
            .where(LedgerHead.__table__.c.id == 1)
            .values(last_id=self.last_id, last_hash=self.last_hash)
        )

    def _count_receipts(self) -> None:
        """The receipt counter ends where HandoutService._next_receipt would have left it."""
        counter = ReceiptCounter.__table__
        for year, number in self.receipts.items():
            mine = (counter.c.desk_id == self.desk_id, counter.c.year == year)
            if self.connection.scalar(select(counter.c.last_number).where(*mine)) is None:
                self.connection.execute(
                    insert(counter).values(desk_id=self.desk_id, year=year, last_number=number)
                )
            else:
                self.connection.execute(update(counter).where(*mine).values(last_number=number))

    def _execute(self, statement: Any, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), self.CHUNK):
            self.connection.execute(statement, rows[start : start + self.CHUNK])


_token_cache: dict[str, frozenset[str]] = {}


def _tokens(name: str) -> frozenset[str]:
    """name_tokens(first, last) is the union of each name's tokens, so they are cached by name."""
    found = _token_cache.get(name)
    if found is None:
        found = _token_cache[name] = frozenset(name_tokens(name))
    return found


# --- the whole demonstration ------------------------------------------------------------------


def _siret(rng: random.Random) -> str:
    """A SIRET that passes the check: a commune's SIREN (21...) and an establishment number."""
    siren = "21" + f"{rng.randrange(10**6):06d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randrange(1, 100):04d}"
    return body + luhn.calc_check_digit(body)


def _setup(services: Services, clock: _Clock, rng: random.Random) -> tuple[dict[str, Actor], str]:
    """Desk, accounts, programmes, places and settings, through the services."""
    clock.now = _paris(FIRST_DAY, 500)
    siret = _siret(rng)
    (login, name, _role), *others = ACCOUNTS
    admin = services.accounts.init_desk(
        admin_login=login, admin_name=name, admin_password=PASSWORD, siret=siret, **DESK
    )
    for login, name, role in others:
        clock.now += timedelta(minutes=2)
        services.accounts.add_agent(
            admin, login=login, display_name=name, role=role, password=PASSWORD
        )
    actors = {login: services.accounts.actor(login) for login, _n, _r in ACCOUNTS}
    services.settings.set(admin, "receipt_footer", RECEIPT_FOOTER)
    return actors, siret


def _add_programmes(services: Services, clock: _Clock, admin: Actor, scale: _Scale) -> None:
    for programme in scale.programmes:
        clock.now += timedelta(minutes=3)
        services.programmes.add(
            admin,
            code=programme.code,
            name=programme.name,
            face_value=programme.face_value,
            vouchers_per_booklet=programme.vouchers_per_booklet,
            valid_from=programme.valid_from,
            valid_until=programme.valid_until,
            funders=programme.funders,
            limit_per_person=programme.limit_per_person,
            target_groups=programme.target_groups,
        )
    for place in PLACES:
        clock.now += timedelta(seconds=40)
        services.places.add(admin, place)


def build(
    services: Services,
    *,
    seed: int = 2019,
    scale: str = "small",
    progress: Progress | None = None,
    bulk: bool | None = None,
) -> DemoSummary:
    """Fill an EMPTY database with a desk's demonstration year; the same rows for a seed.

    `scale` is "small" (a newcomer's first look, written through the services) or "national"
    (the 2019 national wave, written in bulk). `bulk` forces one writer or the other; both give
    the same rows. Every account's password is `PASSWORD`. Refused if the database has a desk.
    """
    from passdesk.services import Services

    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; use one of {', '.join(SCALES)}")
    plan_of = SCALES[scale]
    report: Progress = progress or (lambda _step, _done, _total: None)
    if services.accounts.is_initialised():
        raise Refused(
            _(
                "This database already has a desk: the demonstration only fills an empty "
                "database. Choose a new file with --database."
            )
        )
    started = time.perf_counter()
    timings: list[tuple[str, float]] = []

    def lap(step: str, since: float) -> float:
        now = time.perf_counter()
        timings.append((step, round(now - since, 3)))
        return now

    rng = random.Random(seed)
    clock = _Clock(_paris(FIRST_DAY, 500))
    demo = Services.build(services.db, clock)
    report(_("Creating the desk and its accounts"), 0, 3)
    actors, siret = _setup(demo, clock, rng)
    report(_("Creating the desk and its accounts"), 1, 3)
    _add_programmes(demo, clock, actors["admin"], plan_of)
    report(_("Creating the desk and its accounts"), 3, 3)
    mark = lap("setup", started)

    ops = _Planner(plan_of, seed, report).plan()
    mark = lap("plan", mark)

    use_bulk = plan_of.bulk if bulk is None else bulk
    if use_bulk:
        programmes = {p.code: (p.id, p.vouchers_per_booklet) for p in demo.programmes.list()}
        _BulkWriter(demo, clock, actors, programmes).write(ops, report)
    else:
        _ServiceWriter(demo, clock, actors).write(ops, report)
    mark = lap("write", mark)

    if services.db.is_sqlite:  # a bulk year leaves a WAL file as large as the database
        with services.db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.rollback()
    summary = _summary(demo, scale, seed, siret)
    lap("finish", mark)
    seconds = round(time.perf_counter() - started, 3)
    log.info("demonstration %s (seed %s) built in %.1f s", scale, seed, seconds)
    return DemoSummary(**{**summary, "seconds": seconds, "timings": tuple(timings)})


def _summary(services: Services, scale: str, seed: int, siret: str) -> dict[str, Any]:
    counts = services.stock.counts()
    with services.db.read() as session:

        def count(model: Any, *where: Any) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

        figures = {
            "beneficiaries": count(Beneficiary),
            "vouchers": count(Voucher),
            "vouchers_voided": count(Voucher, Voucher.status == VoucherStatus.VOIDED),
            "handouts": count(Handout),
            "handouts_cancelled": count(Handout, Handout.cancelled_at.is_not(None)),
            "ledger_events": count(LedgerEvent),
        }
    return {
        "scale": scale,
        "seed": seed,
        "desk": DESK["name"],
        "siret": siret,
        "logins": tuple(login for login, _n, _r in ACCOUNTS),
        "password": PASSWORD,
        "programmes": tuple(p.code for p in SCALES[scale].programmes),
        "places": len(PLACES),
        "booklets": counts.received,
        "booklets_in_stock": counts.in_stock,
        "booklets_handed_out": counts.handed_out,
        "booklets_voided": counts.voided,
        **figures,
    }


def known_people() -> Iterable[tuple[str, str]]:
    """(first name, last name) of the people every demo holds, for examples and tests."""
    return ((first, last) for last, first, *_rest in KNOWN_PEOPLE)
