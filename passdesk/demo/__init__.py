"""Demonstration data: a desk's year of Pass Numérique work, row for row the same for a seed.

`build` fills an empty database. The set-up (desk, accounts, programmes, places, settings,
`desk.py`) and every stock reception go through the services. The year's work is first
planned as a list of dated operations (`plan.py`, with `people.py`, on the sizes of
`scales.py` and the data of `data.py`), then written either one service call at a time
(`through_services.py`, the `small` scale) or in bulk (`bulk.py`, the `national` one:
200,000 people and 150,000 handouts in about a minute). The bulk writer calls the services'
own rules, so both give the same rows: tests/unit/test_demo.py compares them.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from passdesk.demo.bulk import BulkWriter
from passdesk.demo.data import ACCOUNTS, DESK, KNOWN_PEOPLE, PASSWORD, PLACES
from passdesk.demo.desk import add_programmes_and_places, set_up_desk
from passdesk.demo.ops import Progress
from passdesk.demo.plan import Planner
from passdesk.demo.scales import FIRST_DAY, SCALES, WRITERS, paris
from passdesk.demo.through_services import Clock, ServiceWriter
from passdesk.errors import Refused
from passdesk.i18n import _
from passdesk.models import Beneficiary, Handout, LedgerEvent, Voucher, VoucherStatus

if TYPE_CHECKING:
    from passdesk.services import Services

__all__ = ["SCALES", "WRITERS", "DemoSummary", "build", "known_people"]

log = logging.getLogger(__name__)


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


def build(
    services: Services,
    *,
    seed: int = 2019,
    scale: str = "small",
    progress: Progress | None = None,
    writer: str | None = None,
) -> DemoSummary:
    """Fill an EMPTY database with a desk's demonstration year; the same rows for a seed.

    `scale` is "small" (a newcomer's first look, written through the services) or "national"
    (the 2019 national wave, written in bulk). `writer` ("services" or "bulk") overrides the
    scale's; both give the same rows. Every account's password is `data.PASSWORD`. Refused if
    the database has a desk.
    """
    from passdesk.services import Services

    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; use one of {', '.join(SCALES)}")
    if writer is not None and writer not in WRITERS:
        raise ValueError(f"unknown demo writer {writer!r}; use one of {', '.join(WRITERS)}")
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
    clock = Clock(paris(FIRST_DAY, 500))
    demo = Services.build(services.db, clock)
    report(_("Creating the desk and its accounts"), 0, 3)
    actors, siret = set_up_desk(demo, clock, rng)
    report(_("Creating the desk and its accounts"), 1, 3)
    add_programmes_and_places(demo, clock, actors["admin"], plan_of)
    report(_("Creating the desk and its accounts"), 3, 3)
    mark = lap("setup", started)

    ops = Planner(plan_of, seed, report).plan()
    mark = lap("plan", mark)

    programmes = {p.code: p for p in demo.programmes.list()}
    through_services = ServiceWriter(demo, clock, actors, programmes)
    if (writer or plan_of.writer) == "bulk":
        BulkWriter(through_services).write(ops, report)
    else:
        through_services.write(ops, report)
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
