"""The desk of the crash test (tests/integration/test_crash.py): a handout loop that runs until
it is killed, acknowledging each handout and cancellation once the service has returned.

Kept apart from the test module so that the process forked for each round imports PassDesk
alone, not pytest: a round then costs a fork, not an interpreter's start.
"""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy.orm import configure_mappers

import passdesk.models  # noqa: F401 - the mappers, configured once in the fork server

PROGRAMME = "PN30"
configure_mappers()


def hand_out_until_killed(database: str, acknowledgements: Any, seed: int) -> None:
    from passdesk.services import open_services

    services = open_services(database)
    actor = services.accounts.actor()
    people = [p.id for p in services.beneficiaries.search("crash", limit=10)]
    rng = random.Random(seed)
    mine: list[int] = []
    while True:
        if mine and rng.random() < 0.15:
            handout = mine.pop(rng.randrange(len(mine)))
            services.handouts.cancel(actor, handout, "Erreur de saisie")
            acknowledgements.send(("cancelled", handout, ""))
            continue
        row = services.handouts.hand_out(actor, rng.choice(people), next_programme=PROGRAMME)
        mine.append(row.id)
        acknowledgements.send(("handed_out", row.id, row.receipt_number))
