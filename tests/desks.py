"""The desks tests work on: described as plans, built through the services, copied per test.

A plan is an ordered tuple of steps (the desk, an agent, a programme, a lot, a person, a place,
a void), each applied through the services as someone at the desk would; `build` is the one
code that sets a desk up for a test. Running the migrations and the set-up costs about 0.1 s
a test, so `Templates` builds each plan once per session (per xdist worker) into a real SQLite
file and copies that closed, checkpointed file to the test's own path: the test then opens it
with the production engine and pragmas, as the app would. On PostgreSQL, `PgTemplates` does the
same with template databases.

The plans: `unit_plan` (the register's unit fixtures: only the parts a test asks for),
`SERVE_DESK` (the window and serve tests: passwords, one programme limited to one booklet a
person, one known person) and `pages_desk` (the page tests: two programmes, people, places).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from passdesk import codes
from passdesk.models import Role
from passdesk.services import Services, open_services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.places import PlaceInput
from passdesk.services.rows import Actor, BeneficiaryRow
from tests.pg_server import PostgresServer

Made = Mapping[str, Any]  # what each step made (an Actor, a ProgrammeRow...), by step key


class MovableClock:
    """The services' clock: returns `now`, which the test sets or advances."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def set_date(self, day: date) -> None:
        """Noon UTC of `day`."""
        self.now = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


# --- steps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskStep:
    """The desk and its first administrator; made under the administrator's login."""

    name: str
    admin_login: str = "admin"
    admin_name: str | None = None
    admin_password: str | None = None
    address: str = ""
    postcode: str = ""
    commune: str = ""

    @property
    def key(self) -> str:
        return self.admin_login

    def apply(self, services: Services, made: Made) -> Actor:
        return services.accounts.init_desk(
            name=self.name,
            admin_login=self.admin_login,
            admin_name=self.admin_name,
            admin_password=self.admin_password,
            address=self.address,
            postcode=self.postcode,
            commune=self.commune,
        )


@dataclass(frozen=True)
class AgentStep:
    """An agent account, made (as an Actor) under its login."""

    login: str
    name: str
    role: Role
    password: str | None = None
    by: str = "admin"

    @property
    def key(self) -> str:
        return self.login

    def apply(self, services: Services, made: Made) -> Actor:
        services.accounts.add_agent(
            made[self.by],
            login=self.login,
            display_name=self.name,
            role=self.role,
            password=self.password,
        )
        return services.accounts.actor(self.login)


@dataclass(frozen=True)
class ProgrammeStep:
    """A programme, made under its code."""

    code: str
    name: str
    face_value: str | Decimal
    vouchers_per_booklet: int
    valid_from: str | date
    valid_until: str | date
    funders: tuple[tuple[str, Decimal], ...]
    limit_per_person: int | None = None
    by: str = "admin"

    @property
    def key(self) -> str:
        return self.code

    def apply(self, services: Services, made: Made) -> Any:
        return services.programmes.add(
            made[self.by],
            code=self.code,
            name=self.name,
            face_value=self.face_value,
            vouchers_per_booklet=self.vouchers_per_booklet,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            funders=self.funders,
            limit_per_person=self.limit_per_person,
        )


@dataclass(frozen=True)
class LotStep:
    """Booklets received in stock."""

    programme: str
    first: int
    count: int
    source: str = ""
    by: str = "admin"
    name: str = ""
    kind: str = "delivered"  # or "print_on_site": booklets this desk prints itself

    @property
    def key(self) -> str:
        return self.name or f"lot {self.programme} {self.first}"

    def apply(self, services: Services, made: Made) -> Any:
        return services.stock.receive(
            made[self.by],
            programme_code=self.programme,
            first_booklet=self.first,
            count=self.count,
            source=self.source,
            kind=self.kind,
        )


@dataclass(frozen=True)
class PersonStep:
    """A registered beneficiary, made under `name`."""

    name: str
    person: BeneficiaryInput
    by: str = "admin"
    allow_duplicate: bool = False

    @property
    def key(self) -> str:
        return self.name

    def apply(self, services: Services, made: Made) -> BeneficiaryRow:
        return services.beneficiaries.register(
            made[self.by], self.person, allow_duplicate=self.allow_duplicate
        )


@dataclass(frozen=True)
class PlaceStep:
    """A place of the directory printed on receipts."""

    place: PlaceInput
    by: str = "admin"

    @property
    def key(self) -> str:
        return f"place {self.place.name}"

    def apply(self, services: Services, made: Made) -> Any:
        return services.places.add(made[self.by], self.place)


@dataclass(frozen=True)
class VoidStep:
    """A booklet or a voucher voided."""

    code: str
    reason: str
    by: str = "admin"

    @property
    def key(self) -> str:
        return f"void {self.code}"

    def apply(self, services: Services, made: Made) -> str:
        return services.stock.void(made[self.by], self.code, self.reason)


Step = DeskStep | AgentStep | ProgrammeStep | LotStep | PersonStep | PlaceStep | VoidStep


@dataclass(frozen=True)
class Plan:
    """The steps, in order, and the services' clock while they run (None: the real clock)."""

    steps: tuple[Step, ...] = ()
    now: datetime | None = None

    def __add__(self, more: Iterable[Step]) -> Plan:
        return Plan((*self.steps, *more), self.now)


def build(services: Services, plan: Plan) -> Made:
    """Apply every step of `plan` through `services`; what each made, by key."""
    made: dict[str, Any] = {}
    for step in plan.steps:
        assert step.key not in made, f"two steps of the plan are called {step.key!r}"
        made[step.key] = step.apply(services, made)
    return MappingProxyType(made)


# --- templates ------------------------------------------------------------------------------


@dataclass
class Templates:
    """Each plan built once into `folder`, then copied for every test that wants it."""

    folder: Path
    _built: dict[Plan, tuple[Path, Made]] = field(default_factory=dict)

    def copy(self, plan: Plan, target: Path) -> Made:
        """`target` becomes a copy of the plan's template; returns what the plan made."""
        if plan not in self._built:
            self._built[plan] = self._make(plan)
        template, made = self._built[plan]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
        return made

    def _make(self, plan: Plan) -> tuple[Path, Made]:
        path = self.folder / f"desk-{len(self._built)}.sqlite3"
        if plan.now is None:
            services = open_services(path)
        else:
            services = open_services(path, clock=MovableClock(plan.now))
        try:
            made = build(services, plan)
        finally:
            services.close()
        # Closing the last connection checkpoints the write-ahead log into the file and removes
        # it: the file alone is then the whole database, and a plain copy is a faithful one.
        leftovers = [p.name for p in path.parent.glob(path.name + "-*")]
        assert not leftovers, f"the template is still open: {leftovers}"
        return path, made


@dataclass
class PgTemplates:
    """The same, on a PostgreSQL server: each plan built once into a database of its own,
    copied for every test with `CREATE DATABASE ... TEMPLATE` (a file copy on the server, a few
    hundredths of a second). `icu_locale` gives every database that ICU collation (else the
    cluster's, C.UTF-8)."""

    server: PostgresServer
    prefix: str
    icu_locale: str | None = None
    _built: dict[Plan, tuple[str, Made]] = field(default_factory=dict)
    _empty: str | None = None  # a migrated database without a desk: each template's start
    _copies: int = 0

    def new_database(self, plan: Plan | None) -> tuple[str, Made]:
        """A new database holding the plan's desk (None: migrated, empty); its name and what
        the plan made. The caller drops it (`server.drop_database`)."""
        if plan is None:
            template = self._migrated()
            made: Made = MappingProxyType({})
        else:
            if plan not in self._built:
                self._built[plan] = self._make(plan)
            template, made = self._built[plan]
        self._copies += 1
        name = f"{self.prefix}_{self._copies}"
        self.server.create_database(name, template=template)
        return name, made

    def _migrated(self) -> str:
        if self._empty is None:
            name = f"{self.prefix}_empty"
            url = self.server.create_database(name, icu_locale=self.icu_locale)
            open_services(url).close()  # the migrations, once
            self._empty = name
        return self._empty

    def _make(self, plan: Plan) -> tuple[str, Made]:
        name = f"{self.prefix}_template_{len(self._built)}"
        url = self.server.create_database(name, template=self._migrated())
        clock = MovableClock(plan.now) if plan.now is not None else None
        services = open_services(url) if clock is None else open_services(url, clock=clock)
        try:
            made = build(services, plan)
        finally:
            services.close()  # a template must have no connection when it is copied
        return name, made


# --- the desk a test holds ------------------------------------------------------------------


@dataclass
class Desk:
    """An open desk and the people a test acts as."""

    services: Services
    admin: Actor
    supervisor: Actor
    agent: Actor
    programme: str  # the code `booklet` and `voucher` number in
    known: BeneficiaryRow | None = None  # a person already registered, where the plan has one

    def booklet(self, number: int) -> str:
        return codes.booklet_code(self.programme, number)

    def voucher(self, number: int) -> str:
        return codes.voucher_code(self.programme, number)

    def context(self, actor: Actor | None = None, runner: object | None = None) -> Any:
        """What a page is built with (imported here so that unit tests need no Qt)."""
        from passdesk.ui.context import UiContext
        from passdesk.ui.worker import SyncRunner

        return UiContext(self.services, actor or self.admin, runner or SyncRunner())  # type: ignore[arg-type]

    def close(self) -> None:
        self.services.close()


def open_desk(
    templates: Templates | None,
    plan: Plan,
    path: Path,
    *,
    supervisor: str,
    agent: str,
    programme: str,
    known: str | None = None,
) -> Desk:
    """The plan's desk at `path`, open: a copy of its template, or built there when a test
    needs it only once (`templates` None). The named steps are the desk's people."""
    if templates is None:
        services = open_services(path)
        made = build(services, plan)
    else:
        made = templates.copy(plan, path)
        services = open_services(path)
    return Desk(
        services,
        made["admin"],
        made[supervisor],
        made[agent],
        programme,
        made[known] if known else None,
    )


# --- the register's unit fixtures -----------------------------------------------------------

# Noon UTC: the same calendar day in every time zone a desk can be in (UTC-11 .. UTC+11).
START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

PROGRAMME_CODE = "MGP19"
PROGRAMME_FROM = date(2026, 1, 1)
PROGRAMME_UNTIL = date(2027, 6, 30)
PROGRAMME_LIMIT = 2
PROGRAMME_VOUCHERS = 10
PROGRAMME_FACE_VALUE = Decimal("10.00")
FUNDERS = (("État", Decimal("45")), ("Métropole de Lyon", Decimal("55")))

OTHER_CODE = "PN26"
LOT_FIRST = 1
LOT_COUNT = 12

SUPERVISOR_LOGIN = "claire.martin"
AGENT_LOGIN = "yanis.benali"


def person_input(
    last_name: str = "N'Diaye",
    first_name: str = "Hélène",
    birth_date: str | date | None = "1985-04-12",
    **extra: Any,
) -> BeneficiaryInput:
    return BeneficiaryInput(
        last_name=last_name, first_name=first_name, birth_date=birth_date, **extra
    )


# Each unit fixture of the register and the steps that make it, in the one order they are
# built whatever order a test names them in (so ids do not depend on a test's signature).
UNIT_PARTS: dict[str, tuple[Step, ...]] = {
    "admin": (DeskStep("Mairie de Villeurbanne"),),
    "supervisor": (AgentStep(SUPERVISOR_LOGIN, "Claire Martin", Role.SUPERVISOR),),
    "agent": (AgentStep(AGENT_LOGIN, "Yanis Benali", Role.AGENT),),
    "programme": (
        ProgrammeStep(
            PROGRAMME_CODE,
            "Pass Numérique Métropole",
            PROGRAMME_FACE_VALUE,
            PROGRAMME_VOUCHERS,
            PROGRAMME_FROM,
            PROGRAMME_UNTIL,
            FUNDERS,
            limit_per_person=PROGRAMME_LIMIT,
        ),
    ),
    "lot": (
        LotStep(PROGRAMME_CODE, LOT_FIRST, LOT_COUNT, source="Préfecture du Rhône", name="lot"),
    ),
    # The same booklets as a range the desk prints itself (a test asks for one or the other).
    "site_lot": (
        LotStep(
            PROGRAMME_CODE,
            LOT_FIRST,
            LOT_COUNT,
            source="Allocation de la Préfecture",
            name="site_lot",
            kind="print_on_site",
        ),
    ),
    # A second programme without a limit per person, 5 vouchers a booklet, 20 booklets.
    "other_programme": (
        ProgrammeStep(
            OTHER_CODE,
            "Pass Numérique Département",
            "20",
            5,
            PROGRAMME_FROM,
            date(2026, 12, 31),
            (("Conseil départemental", Decimal("100")),),
        ),
        LotStep(OTHER_CODE, 1, 20),
    ),
    "person": (
        PersonStep(
            "person",
            person_input(
                postcode="69100", commune="Villeurbanne", phone="06 12 34 56 78", consent=True
            ),
            by=AGENT_LOGIN,
        ),
    ),
}


def unit_plan(fixturenames: Iterable[str]) -> Plan:
    """The parts of the unit desk among `fixturenames` (a test's whole fixture closure)."""
    wanted = set(fixturenames)
    return Plan(
        tuple(step for part, steps in UNIT_PARTS.items() if part in wanted for step in steps),
        now=START,
    )


# --- the window's desk ----------------------------------------------------------------------

SERVE_PROGRAMME = "MGP26"
ADMIN_PASSWORD = "motdepasse-admin"
AGENT_PASSWORD = "motdepasse-agent"
_today = date.today()

SERVE_DESK = Plan(
    (
        DeskStep(
            "France Services Vénissieux",
            admin_name="Aïcha Admin",
            admin_password=ADMIN_PASSWORD,
            address="1 place de la République",
            postcode="69200",
            commune="Vénissieux",
        ),
        AgentStep("agent", "Paul Agent", Role.AGENT, password=AGENT_PASSWORD),
        AgentStep("chef", "Chloé Référente", Role.SUPERVISOR, password=AGENT_PASSWORD),
        ProgrammeStep(
            SERVE_PROGRAMME,
            "Pass numérique Métropole",
            "10",
            5,
            _today - timedelta(days=10),
            _today + timedelta(days=365),
            (("État", Decimal(45)), ("Métropole de Lyon", Decimal(55))),
            limit_per_person=1,
        ),
        LotStep(SERVE_PROGRAMME, 1, 20),
        # Already registered: the near match of the duplicate test.
        PersonStep(
            "known",
            BeneficiaryInput(
                last_name="N'Diaye",
                first_name="Hélène",
                birth_date="12/03/1980",
                postcode="69200",
                commune="Vénissieux",
            ),
        ),
    )
)


def open_serve_desk(templates: Templates | None, path: Path) -> Desk:
    return open_desk(
        templates,
        SERVE_DESK,
        path,
        supervisor="chef",
        agent="agent",
        programme=SERVE_PROGRAMME,
        known="known",
    )


# --- the pages' desk ------------------------------------------------------------------------

PAGES_PROGRAMME = "MGP19"
PAGES_OTHER_PROGRAMME = "CD33"
_LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
    "Fournier", "Morel",
]  # fmt: skip
_FIRST_NAMES = [
    "Hélène", "Jean", "Élodie", "Luc", "Chloé", "Noé", "Léa", "Hugo", "Inès", "Jules", "Manon",
    "Louis", "Zoé", "Paul", "Lina", "Adam", "Rose", "Nathan", "Anna", "Tom",
]  # fmt: skip


def pages_desk(
    *, booklets: int = 40, people: int = 5, places: int = 3, lot_kind: str = "delivered"
) -> Plan:
    """Two programmes (MGP19 with `booklets` in stock and a limit of 2, CD33 with 10), `people`
    people and `places` places, in Bordeaux; dated 2026-2027. MGP19's lot is of `lot_kind`
    (print tests print it on site)."""
    steps: list[Step] = [
        DeskStep(
            "Mairie de Test",
            admin_name="Alice Admin",
            address="1 place de la Mairie",
            postcode="33000",
            commune="Bordeaux",
        ),
        AgentStep("sup", "Sam Référent", Role.SUPERVISOR),
        AgentStep("agent", "Ali Agent", Role.AGENT),
        ProgrammeStep(
            PAGES_PROGRAMME,
            "Pass Numérique Métropole",
            "10",
            5,
            "2026-01-01",
            "2027-12-31",
            (("État", Decimal(45)), ("Métropole", Decimal(55))),
            limit_per_person=2,
        ),
        ProgrammeStep(
            PAGES_OTHER_PROGRAMME,
            "Pass Numérique Gironde",
            "10",
            10,
            "2026-01-01",
            "2027-06-30",
            (("Département", Decimal(100)),),
        ),
    ]
    if booklets:
        steps += [
            LotStep(PAGES_PROGRAMME, 1, booklets, source="Bon de livraison 12", kind=lot_kind),
            LotStep(PAGES_OTHER_PROGRAMME, 1, 10),
        ]
    steps += [
        PersonStep(
            f"person {i}",
            BeneficiaryInput(
                last_name=_LAST_NAMES[i % len(_LAST_NAMES)],
                first_name=_FIRST_NAMES[(i + i // len(_LAST_NAMES)) % len(_FIRST_NAMES)],
                birth_date=f"{1940 + i % 60:04d}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                postcode="33000",
                commune="Bordeaux",
                consent=True,
            ),
            allow_duplicate=True,
        )
        for i in range(people)
    ]
    steps += [
        PlaceStep(
            PlaceInput(
                name=f"Espace numérique {i + 1}",
                address=f"{i + 2} rue du Port",
                postcode="33000",
                commune="Bordeaux",
                phone="05 56 00 00 0" + str(i),
                services=("Aide aux démarches administratives",),
            )
        )
        for i in range(places)
    ]
    return Plan(tuple(steps))


def open_pages_desk(templates: Templates | None, path: Path, plan: Plan | None = None) -> Desk:
    return open_desk(
        templates,
        plan or pages_desk(),
        path,
        supervisor="sup",
        agent="agent",
        programme=PAGES_PROGRAMME,
    )
