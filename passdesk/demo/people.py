"""Who comes to the demonstration desk: names, birth dates, communes, phones, needs, drawn by seed.

Faker's French names are mixed with the names its lists lack (apostrophes, particles,
compound names, the desk's actual public), so that search-as-you-type meets them.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from faker import Faker

from passdesk.demo.data import (
    COMMUNES,
    EXTRA_FEMALE,
    EXTRA_LAST_NAMES,
    EXTRA_MALE,
    GROUPS,
    KNOWN_PEOPLE,
    NEEDS_BY_GROUP,
)
from passdesk.services.beneficiaries import DIAGNOSTIC_NEEDS, BeneficiaryInput
from passdesk.text import clean_name, fold

_GROUP_ODDS = tuple(itertools.accumulate(g[1] for g in GROUPS))
_COMMUNE_ODDS = tuple(itertools.accumulate(c[2] for c in COMMUNES))


class People:
    """Draws people from the planner's random source, so a seed gives the same people."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng = rng
        self.fake = fake

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

    def person(self, index: int) -> BeneficiaryInput:
        """The `index`-th person to register: a known person first, then drawn ones."""
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
        return BeneficiaryInput(
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
