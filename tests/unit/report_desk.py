"""A desk built by hand for the report tests, whose every figure is known by construction.

Everything happens in Paris time (the tests run with TZ=Europe/Paris) in 2026; the report's
period is February to April. The expected figures are written out in tests/unit/test_reports.py
from the story below, not read back from the service.

Programmes
- MGP19: 10 vouchers of 10 EUR; État 45 %, Métropole de Lyon 55 %; target groups young,
  jobseeker, senior, other; priority young + jobseeker, quota 50 %.
- CD69: 5 vouchers of 12.50 EUR; Département du Rhône 33.33 %, CAF du Rhône 33.33 %, Ville de
  Bron 33.34 %; no target group, no quota.

Stock: MGP19 1-35 received on 5 January, 36-55 on 10 February; CD69 1-20 on 2 March.

People P1..P30 (see PEOPLE). In the period, P_k (k = 1..28) receives MGP19 booklet k+2 in one
handout: P1-P10 in February (agent Yanis; P3 at 00:30 on 1 February), P11-P20 in March (Claire;
P12-P20 also receive CD69 booklet k-11 in the same handout), P21-P26 in April (Yanis), P27 and
P28 in April (the administrator; P28 at 23:30 on 30 April). P21 receives MGP19 36 on 15 April
too (Yanis).

Around them: P1 received MGP19 1 on 20 January and P30 MGP19 2 at 23:30 on 31 January (before
the period); P2 receives MGP19 34 at 00:15 on 1 May (after it). P29 receives MGP19 32 on 10
March, cancelled the same day (back in stock, voucher 2 of it voided alone that morning, before
the handout: 9 vouchers went and came back); P28 receives MGP19 33 on 12 March, cancelled on
13 March (voided). Voided: MGP19 35 on 25 January (before); in the period MGP19 45 (damaged),
voucher 1 of MGP19 46 alone, voucher 3 of MGP19 47 alone then the booklet 47 (lost), and P20's
MGP19 22 (lost, after its handout). CD69 20 expires on 20 April (as issue 9's end of validity
will record it). Used vouchers (as issue 11's usage import will record them): 3 of MGP19 7, all
10 of MGP19 8, 5 of MGP19 1 (January's), all 5 of CD69 1, 1 of CD69 2.

A booklet given short: voucher 1 of MGP19 34 is voided at 00:05 on 1 May, so P2's booklet leaves
with 9 vouchers (90 EUR on the receipt), and those 9 are used: the booklet is fully used.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.models import (
    Booklet,
    BookletStatus,
    EventKind,
    Voucher,
    VoucherStatus,
)
from passdesk.roles import Role
from passdesk.services import Services, ledger, open_services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.handout_rules import same_day
from passdesk.services.rows import Actor
from tests.desks import MovableClock

PARIS = ZoneInfo("Europe/Paris")
A, B = "MGP19", "CD69"
PERIOD = (date(2026, 2, 1), date(2026, 4, 30))
REPORT_DAY = datetime(2026, 6, 1, 9, 0, tzinfo=PARIS)


def paris(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


@dataclass(frozen=True)
class Person:
    group: str
    birth: str
    postcode: str
    commune: str
    needs: tuple[str, ...]


_ADMIN, _JOB, _EVERY, _SEC = "admin_procedures", "job_search", "everyday_tools", "security"
Y, J, S, OTH = "young_no_qualification", "jobseeker_no_diploma", "senior", "other"
VIL, BRON = ("69100", "Villeurbanne"), ("69500", "Bron")

PEOPLE: dict[int, Person] = {
    1: Person(Y, "2001-06-15", *VIL, (_ADMIN, _JOB)),
    2: Person(Y, "2003-01-10", *VIL, (_ADMIN, _JOB)),
    3: Person(Y, "2000-02-01", *VIL, (_ADMIN, _JOB)),  # 26 on the day of the handout
    4: Person(Y, "2000-02-04", *VIL, (_ADMIN,)),  # 26 the day after the handout
    5: Person(Y, "2008-02-29", "69100", "villeurbanne", (_ADMIN,)),  # the commune in lower case
    6: Person(Y, "1999-05-05", *VIL, (_ADMIN,)),
    7: Person(Y, "1990-01-01", *VIL, (_ADMIN,)),
    8: Person(Y, "1985-07-07", *VIL, (_ADMIN,)),
    9: Person(J, "1981-02-05", *VIL, (_ADMIN,)),  # 45 on the day of the handout
    10: Person(J, "1970-03-03", *VIL, (_ADMIN,)),
    11: Person(J, "1964-02-29", *BRON, (_ADMIN,)),  # born on 29 February: 62
    12: Person(S, "1961-03-10", *BRON, (_ADMIN, _EVERY)),  # 65 on the day of the handout
    13: Person(S, "1961-03-11", *BRON, (_EVERY,)),  # 65 the day after
    14: Person(S, "1940-01-01", *BRON, (_EVERY,)),
    15: Person(S, "1945-01-01", *BRON, (_EVERY,)),
    16: Person(S, "1950-01-01", *BRON, (_EVERY,)),
    17: Person(S, "1952-01-01", *BRON, (_EVERY,)),
    18: Person(S, "1953-01-01", *BRON, (_EVERY,)),
    19: Person(S, "1954-01-01", *BRON, (_EVERY,)),
    20: Person(S, "1955-01-01", *BRON, (_EVERY,)),
    21: Person(OTH, "1995-04-01", "69120", "Vaulx-en-Velin", (_SEC,)),
    22: Person(OTH, "1996-01-01", "69120", "Vaulx-en-Velin", ()),
    23: Person(OTH, "1990-01-01", "69120", "Vaulx-en-Velin", ()),
    24: Person(OTH, "1985-01-01", "69120", "Vaulx-en-Velin", ()),
    25: Person(OTH, "1975-01-01", "69003", "Lyon", ()),
    26: Person(OTH, "1970-01-01", "", "", ()),
    27: Person("", "2005-05-05", "", "", ()),
    28: Person("", "1950-01-01", "", "", ()),
    29: Person(S, "1950-06-01", *BRON, ()),  # only a cancelled handout
    30: Person(Y, "2004-01-01", *VIL, ()),  # only served before the period
}

NUMBER_WORDS = {
    n: "".join(chr(ord("A") + int(d)) for d in f"{n:02d}") for n in range(1, 31)
}  # names have no digits: 1 -> "AB", 12 -> "BC"

# (person, booklets, agent login, moment) for the handouts of the period that stay live.
ADMIN_LOGIN, SUPERVISOR_LOGIN, AGENT_LOGIN = "admin", "claire.martin", "yanis.benali"


def period_handouts() -> list[tuple[int, list[tuple[str, int]], str, datetime]]:
    made = []
    for k in range(1, 29):
        booklets = [(A, k + 2)]
        if 12 <= k <= 20:
            booklets.append((B, k - 11))
        if k <= 10:
            agent, moment = AGENT_LOGIN, paris(2, k + 1)
        elif k <= 20:
            agent, moment = SUPERVISOR_LOGIN, paris(3, k - 10 + 1)
        elif k <= 26:
            agent, moment = AGENT_LOGIN, paris(4, k - 20)
        else:
            agent, moment = ADMIN_LOGIN, paris(4, 20 + k - 26)
        if k == 3:
            moment = paris(2, 1, 0, 30)
        if k == 4:
            moment = paris(2, 3)
        if k == 9:
            moment = paris(2, 5)
        if k in (12, 13):
            moment = paris(3, 10, 11, k)
        if k == 28:
            moment = paris(4, 30, 23, 30)
        made.append((k, booklets, agent, moment))
    made.append((21, [(A, 36)], AGENT_LOGIN, paris(4, 15)))
    return made


@contextmanager
def paris_time() -> Iterator[None]:
    """The process's local time is Paris while the block runs (the desk's calendar)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def _set_used(session: Session, programme: str, booklet: int, count: int, skip: int = 0) -> None:
    first = (booklet - 1) * (10 if programme == A else 5) + 1 + skip
    numbers = list(range(first, first + count))
    session.execute(
        update(Voucher)
        .where(Voucher.code.in_([codes.voucher_code(programme, n) for n in numbers]))
        .values(status=VoucherStatus.USED, used_at=paris(5, 5))
    )


def _expire(session: Session, programme: str, number: int, agent: Actor, at: datetime) -> None:
    booklet = session.scalar(
        select(Booklet).where(Booklet.code == codes.booklet_code(programme, number))
    )
    assert booklet is not None
    booklet.status = BookletStatus.EXPIRED
    session.execute(
        update(Voucher)
        .where(Voucher.booklet_id == booklet.id, Voucher.status == VoucherStatus.IN_STOCK)
        .values(status=VoucherStatus.EXPIRED)
    )
    ledger.append(
        session,
        at=at,
        agent_id=agent.id,
        kind=EventKind.EXPIRED,
        programme_id=booklet.programme_id,
        booklet_id=booklet.id,
        details={"booklet": booklet.code},
    )


def build(path: Path) -> None:
    """Build the desk at `path` (closed and checkpointed when this returns)."""
    clock = MovableClock(paris(1, 2, 9))
    services = open_services(path, clock=clock)
    try:
        _build(services, clock)
    finally:
        services.close()


def _build(s: Services, clock: MovableClock) -> None:
    admin = s.accounts.init_desk(
        name="Mairie de Bron", address="Place de la Liberté", postcode="69500", commune="Bron"
    )
    for login, name, role in (
        (SUPERVISOR_LOGIN, "Claire Martin", Role.SUPERVISOR),
        (AGENT_LOGIN, "Yanis Benali", Role.AGENT),
    ):
        s.accounts.add_agent(admin, login=login, display_name=name, role=role)
    actors = {
        login: s.accounts.actor(login) for login in (ADMIN_LOGIN, SUPERVISOR_LOGIN, AGENT_LOGIN)
    }
    s.programmes.add(
        admin,
        code=A,
        name="Pass Numérique Métropole",
        face_value="10",
        vouchers_per_booklet=10,
        valid_from="2026-01-01",
        valid_until="2027-06-30",
        funders=[("État", Decimal(45)), ("Métropole de Lyon", Decimal(55))],
        target_groups=[Y, J, S, OTH],
        priority_groups=[Y, J],
        priority_quota="50",
    )
    s.programmes.add(
        admin,
        code=B,
        name="Pass Numérique Rhône",
        face_value="12,50",
        vouchers_per_booklet=5,
        valid_from="2026-01-01",
        valid_until="2027-06-30",
        funders=[
            ("Département du Rhône", Decimal("33.33")),
            ("CAF du Rhône", Decimal("33.33")),
            ("Ville de Bron", Decimal("33.34")),
        ],
    )
    ids: dict[int, int] = {}
    for number, p in PEOPLE.items():
        row = s.beneficiaries.register(
            admin,
            BeneficiaryInput(
                last_name=f"Personne {NUMBER_WORDS[number]}",
                first_name="Test",
                birth_date=p.birth,
                postcode=p.postcode,
                commune=p.commune,
                target_group=p.group,
                diagnostic=p.needs,
                consent=True,
            ),
            allow_duplicate=True,
        )
        ids[number] = row.id

    supervisor = actors[SUPERVISOR_LOGIN]
    cancelled: dict[int, int] = {}  # person -> the handout to cancel

    def receive(programme: str, first: int, count: int) -> Callable[[], object]:
        return lambda: s.stock.receive(
            admin, programme_code=programme, first_booklet=first, count=count
        )

    def void(code: str, reason: str) -> Callable[[], object]:
        return lambda: s.stock.void(admin, code, reason)

    def hand(person: int, booklets: list[tuple[str, int]], login: str) -> Callable[[], object]:
        def run() -> object:
            done = s.handouts.hand_out(
                actors[login],
                ids[person],
                codes_=[codes.booklet_code(code, n) for code, n in booklets],
            )
            cancelled[person] = done.id
            return done

        return run

    def cancel(person: int, reason: str) -> Callable[[], object]:
        def run() -> object:
            # The same day the booklets come back; a later cancel is of booklets not returned.
            handed = s.handouts.get(cancelled[person]).created_at
            returned = None if same_day(handed, clock.now) else False
            return s.handouts.cancel(supervisor, cancelled[person], reason, returned=returned)

        return run

    def expire(programme: str, number: int) -> Callable[[], object]:
        return lambda: s.db.transaction(
            lambda session: _expire(session, programme, number, admin, clock.now)
        )

    story: list[tuple[datetime, Callable[[], object]]] = [
        (paris(1, 5), receive(A, 1, 35)),
        (paris(1, 20), hand(1, [(A, 1)], AGENT_LOGIN)),
        (paris(1, 25), void(codes.booklet_code(A, 35), "damaged")),
        (paris(1, 31, 23, 30), hand(30, [(A, 2)], AGENT_LOGIN)),
        (paris(2, 10, 9), receive(A, 36, 20)),
        (paris(2, 20, 12), void(codes.booklet_code(A, 45), "damaged")),
        (paris(2, 21, 12), void(codes.voucher_code(A, 451), "misprint")),
        (paris(2, 22, 12), void(codes.voucher_code(A, 463), "misprint")),
        (paris(2, 23, 12), void(codes.booklet_code(A, 47), "lost")),
        (paris(3, 2, 9), receive(B, 1, 20)),
        (paris(3, 10, 9), void(codes.voucher_code(A, 312), "misprint")),
        (paris(3, 10, 10), hand(29, [(A, 32)], SUPERVISOR_LOGIN)),
        (paris(3, 10, 15), cancel(29, "erreur de carnet")),
        (paris(3, 12, 16), hand(28, [(A, 33)], SUPERVISOR_LOGIN)),
        (paris(3, 13, 9), cancel(28, "remis par erreur")),
        (paris(4, 2, 17), void(codes.booklet_code(A, 22), "lost")),
        (paris(4, 20, 18), expire(B, 20)),
        (paris(5, 1, 0, 5), void(codes.voucher_code(A, 331), "misprint")),
        (paris(5, 1, 0, 15), hand(2, [(A, 34)], AGENT_LOGIN)),
    ]
    story += [(moment, hand(k, b, login)) for k, b, login, moment in period_handouts()]
    for moment, action in sorted(story, key=lambda item: item[0]):
        clock.now = moment
        action()

    def usage(session: Session) -> None:
        for programme, booklet, count in ((A, 7, 3), (A, 8, 10), (A, 1, 5), (B, 1, 5), (B, 2, 1)):
            _set_used(session, programme, booklet, count)
        _set_used(session, A, 34, 9, skip=1)  # the 9 vouchers given with P2's booklet

    s.db.transaction(usage)
    clock.now = REPORT_DAY


class ReportDesk:
    """The desk built once per session (per xdist worker), copied for each test."""

    def __init__(self, folder: Path) -> None:
        self.template = folder / "report-desk.sqlite3"
        with paris_time():
            build(self.template)
        leftovers = list(folder.glob("report-desk.sqlite3-*"))
        assert not leftovers, leftovers

    def copy(self, target: Path) -> Services:
        shutil.copyfile(self.template, target)
        return open_services(target, clock=MovableClock(REPORT_DAY))

    @staticmethod
    def raw(path: Path) -> sqlite3.Connection:
        return sqlite3.connect(path)
