"""The demonstration desk's set-up, through the services: desk, accounts, programmes, places."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from stdnum import luhn

from passdesk.demo.data import ACCOUNTS, DESK, PASSWORD, PLACES, RECEIPT_FOOTER
from passdesk.demo.scales import FIRST_DAY, Scale, paris
from passdesk.demo.through_services import Clock
from passdesk.services.rows import Actor

if TYPE_CHECKING:
    from passdesk.services import Services


def siret(rng: random.Random) -> str:
    """A SIRET that passes the check: a commune's SIREN (21...) and an establishment number."""
    siren = "21" + f"{rng.randrange(10**6):06d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randrange(1, 100):04d}"
    return body + luhn.calc_check_digit(body)


def set_up_desk(
    services: Services, clock: Clock, rng: random.Random
) -> tuple[dict[str, Actor], str]:
    """The desk, its accounts and settings; returns the actors by login, and the SIRET."""
    clock.now = paris(FIRST_DAY, 500)
    number = siret(rng)
    (login, name, _role), *others = ACCOUNTS
    admin = services.accounts.init_desk(
        admin_login=login,
        admin_name=name,
        admin_password=PASSWORD,
        siret=number,
        demo=True,
        **DESK,
    )
    for login, name, role in others:
        clock.now += timedelta(minutes=2)
        services.accounts.add_agent(
            admin, login=login, display_name=name, role=role, password=PASSWORD
        )
    actors = {login: services.accounts.actor(login) for login, _n, _r in ACCOUNTS}
    services.settings.set(admin, "receipt_footer", RECEIPT_FOOTER)
    return actors, number


def add_programmes_and_places(services: Services, clock: Clock, admin: Actor, scale: Scale) -> None:
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
            priority_groups=programme.priority_groups,
            priority_quota=programme.priority_quota,
        )
    for place in PLACES:
        clock.now += timedelta(seconds=40)
        services.places.add(admin, place)
