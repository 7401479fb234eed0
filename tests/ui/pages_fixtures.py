"""Shared set-up of the page tests: a real SQLite desk built through the services.

Imported by the tests/ui/test_pages_*.py modules (tests/ui/conftest.py belongs to the window's
tests). `desk` is one small desk per test; `big_stock` one desk of 12,000 booklets per module,
which its tests only read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from passdesk.models import Role
from passdesk.services import Services, open_services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.places import PlaceInput
from passdesk.services.rows import Actor
from passdesk.ui.context import UiContext
from passdesk.ui.worker import SyncRunner

PROGRAMME = "MGP19"
OTHER_PROGRAMME = "CD33"
BIG_STOCK = 12_000
# The offscreen platform warns when a window is shown; that says nothing about the pages.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@dataclass
class Desk:
    services: Services
    admin: Actor
    supervisor: Actor
    agent: Actor

    def context(self, actor: Actor | None = None, runner: object | None = None) -> UiContext:
        return UiContext(self.services, actor or self.admin, runner or SyncRunner())  # type: ignore[arg-type]


def build_desk(path: Path, *, booklets: int = 40, people: int = 5, places: int = 3) -> Desk:
    services = open_services(path)
    admin = services.accounts.init_desk(
        name="Mairie de Test",
        address="1 place de la Mairie",
        postcode="33000",
        commune="Bordeaux",
        admin_login="admin",
        admin_name="Alice Admin",
    )
    services.accounts.add_agent(
        admin, login="sup", display_name="Sam Référent", role=Role.SUPERVISOR
    )
    services.accounts.add_agent(admin, login="agent", display_name="Ali Agent", role=Role.AGENT)
    services.programmes.add(
        admin,
        code=PROGRAMME,
        name="Pass Numérique Métropole",
        face_value="10",
        vouchers_per_booklet=5,
        valid_from="2026-01-01",
        valid_until="2027-12-31",
        funders=[("État", Decimal(45)), ("Métropole", Decimal(55))],
        limit_per_person=2,
    )
    services.programmes.add(
        admin,
        code=OTHER_PROGRAMME,
        name="Pass Numérique Gironde",
        face_value="10",
        vouchers_per_booklet=10,
        valid_from="2026-01-01",
        valid_until="2027-06-30",
        funders=[("Département", Decimal(100))],
    )
    if booklets:
        services.stock.receive(
            admin,
            programme_code=PROGRAMME,
            first_booklet=1,
            count=booklets,
            source="Bon de livraison 12",
        )
        services.stock.receive(admin, programme_code=OTHER_PROGRAMME, first_booklet=1, count=10)
    lasts = [
        "Martin",
        "Bernard",
        "Dubois",
        "Thomas",
        "Robert",
        "Petit",
        "Durand",
        "Leroy",
        "Moreau",
        "Simon",
        "Laurent",
        "Lefèvre",
        "Michel",
        "Garcia",
        "David",
        "Bertrand",
        "Roux",
        "Vincent",
        "Fournier",
        "Morel",
    ]
    firsts = [
        "Hélène",
        "Jean",
        "Élodie",
        "Luc",
        "Chloé",
        "Noé",
        "Léa",
        "Hugo",
        "Inès",
        "Jules",
        "Manon",
        "Louis",
        "Zoé",
        "Paul",
        "Lina",
        "Adam",
        "Rose",
        "Nathan",
        "Anna",
        "Tom",
    ]
    for i in range(people):
        services.beneficiaries.register(
            admin,
            BeneficiaryInput(
                last_name=lasts[i % len(lasts)],
                first_name=firsts[(i + i // len(lasts)) % len(firsts)],
                birth_date=f"{1940 + i % 60:04d}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                postcode="33000",
                commune="Bordeaux",
                consent=True,
            ),
            allow_duplicate=True,
        )
    for i in range(places):
        services.places.add(
            admin,
            PlaceInput(
                name=f"Espace numérique {i + 1}",
                address=f"{i + 2} rue du Port",
                postcode="33000",
                commune="Bordeaux",
                phone="05 56 00 00 0" + str(i),
                services=("Aide aux démarches administratives",),
            ),
        )
    return Desk(services, admin, services.accounts.actor("sup"), services.accounts.actor("agent"))


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    built = build_desk(tmp_path / "desk.sqlite3")
    yield built
    built.services.close()


@pytest.fixture(scope="module")
def big_stock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    built = build_desk(
        tmp_path_factory.mktemp("big") / "big.sqlite3", booklets=0, people=0, places=0
    )
    built.services.stock.receive(
        built.admin, programme_code=PROGRAMME, first_booklet=1, count=BIG_STOCK
    )
    # a few of each status, so sorting by status shows a difference at the top
    for number in (17, 4242, 11_999):
        code = built.services.stock.booklets(PROGRAMME, offset=number - 1, limit=1)[0].code
        built.services.stock.void(built.admin, code, "lost")
    yield built
    built.services.close()
