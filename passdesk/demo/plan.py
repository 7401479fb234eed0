"""The demonstration year as a plan: who comes on which day, and what the desk does, in order.

The planner simulates the desk with the services' own rules (the next complete booklet in
stock, the handing-out period, the limit per person, the status changes of a handout and a
cancellation), so that every operation it lists is one the services accept; the writers then
replay the list.
"""

from __future__ import annotations

import heapq
import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from faker import Faker

from passdesk.demo.data import (
    COUNTER_AGENTS,
    KNOWN_PEOPLE,
    LATE_REASONS,
    OVERRIDE_REASONS,
    SAME_DAY_REASONS,
    SUPERVISOR,
)
from passdesk.demo.ops import (
    BookletRef,
    Cancel,
    HandOut,
    Op,
    Progress,
    Receive,
    Register,
    VoidBooklet,
    VoidVoucher,
)
from passdesk.demo.people import People
from passdesk.demo.scales import ProgrammeSpec, Scale, paris, working_days
from passdesk.i18n import _
from passdesk.models import BookletStatus, VoidReason
from passdesk.services.base import voucher_bounds
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.handout_rules import (
    HAND_OUT,
    cancel_change,
    may_hand_out,
    over_limit,
    same_day,
)
from passdesk.services.stock import StatusChange, void_change

_COUNTER_LOGINS = tuple(login for login, _w in COUNTER_AGENTS)
_COUNTER_ODDS = tuple(itertools.accumulate(w for _l, w in COUNTER_AGENTS))


class Shelf:
    """One programme's booklets as the plan sees them: status, and the next one in stock."""

    def __init__(self, programme: ProgrammeSpec) -> None:
        self.programme = programme
        self.status: dict[int, BookletStatus] = {}
        self.incomplete: set[int] = set()  # a voucher of it was voided: never handed out
        self.ranges: list[tuple[int, int]] = []
        self.usable = 0  # complete booklets in stock
        self._heap: list[int] = []

    def receive(self, first: int, count: int) -> None:
        self.status.update(dict.fromkeys(range(first, first + count), BookletStatus.IN_STOCK))
        self._heap.extend(range(first, first + count))
        heapq.heapify(self._heap)
        self.ranges.append((first, first + count - 1))
        self.usable += count

    def _is_usable(self, number: int) -> bool:
        return self.status.get(number) is BookletStatus.IN_STOCK and number not in self.incomplete

    def next(self) -> int | None:
        """The lowest-numbered complete booklet in stock, as HandoutService picks it."""
        while self._heap and not self._is_usable(self._heap[0]):
            heapq.heappop(self._heap)
        return self._heap[0] if self._heap else None

    def apply(self, number: int, change: StatusChange) -> bool:
        """Move a booklet as the services would; False when the change does not apply to it."""
        if self.status[number] not in change.booklet_from:
            return False
        was_usable = self._is_usable(number)
        self.status[number] = change.booklet
        if change.booklet is BookletStatus.IN_STOCK:
            heapq.heappush(self._heap, number)
        self.usable += self._is_usable(number) - was_usable
        return True

    def void_voucher_of(self, number: int) -> None:
        if self._is_usable(number):
            self.usable -= 1
        self.incomplete.add(number)

    def random_in_stock(self, rng: random.Random, *, complete: bool = False) -> int | None:
        for _attempt in range(200):
            first, last = rng.choice(self.ranges)
            number = rng.randint(first, last)
            if self.status.get(number) is BookletStatus.IN_STOCK and not (
                complete and number in self.incomplete
            ):
                return number
        return None


@dataclass
class Visit:
    """One person at the counter: who, what the visit is for, and the handout it gave."""

    person: int
    kind: str  # register, clean, returned, late, override; "again" and "extra" for return visits
    login: str
    programmes: tuple[str, ...] = ()
    handout: int | None = None


# A day's agenda entry: (minutes after midnight, order of creation, action, payload).
_Entry = tuple[float, int, str, Any]
OPENING, CLOSING, EVENING = 525.0, 1020.0, 1045.0  # 08:45, 17:00, 17:25 (Paris)


class Planner:
    """Simulates the desk's year under the services' rules and lists its operations in order."""

    def __init__(self, scale: Scale, seed: int, progress: Progress) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        fake = Faker("fr_FR")
        fake.seed_instance(seed)
        self.people = People(self.rng, fake)
        self.progress = progress
        self.days = working_days()
        self.programmes = {p.code: p for p in scale.programmes}
        self.shelves = {p.code: Shelf(p) for p in scale.programmes}
        self.lots = list(scale.lots)
        self.ops: list[Op] = []
        # handout index -> (person, booklets, created at)
        self.handouts: list[tuple[int, tuple[BookletRef, ...], datetime]] = []
        self.live: list[int] = []  # handouts not cancelled (random picks for lost booklets)
        self._live_at: dict[int, int] = {}  # handout -> its position in self.live
        self.received: dict[tuple[int, str], int] = {}  # (person, programme) -> booklets held
        self.later: dict[int, list[_Entry]] = {}  # day index -> agenda entries planned ahead
        self._order = 0

    # -- what each operation does to the register (the services' rules) --

    def _counter_agent(self) -> str:
        return self.rng.choices(_COUNTER_LOGINS, cum_weights=_COUNTER_ODDS)[0]

    def _open(self, code: str, day: date) -> bool:
        programme = self.programmes[code]
        return may_hand_out(programme.valid_from, programme.valid_until, day)

    def _hand_out(self, at: datetime, visit: Visit) -> int | None:
        chosen: list[BookletRef] = []
        for code in visit.programmes:
            number = self.shelves[code].next() if self._open(code, at.date()) else None
            if number is not None:
                self.shelves[code].apply(number, HAND_OUT)
                chosen.append((code, number))
        if not chosen:
            return None
        over = any(
            over_limit(
                self.programmes[code].limit_per_person, self.received.get((visit.person, code), 0)
            )
            for code, _n in chosen
        )
        login, override = visit.login, None
        if over or visit.kind == "extra":
            login, override = SUPERVISOR, self.rng.choice(OVERRIDE_REASONS)
        index = len(self.handouts)
        self.handouts.append((visit.person, tuple(chosen), at))
        for code, _n in chosen:
            key = (visit.person, code)
            self.received[key] = self.received.get(key, 0) + 1
        self._live_at[index] = len(self.live)
        self.live.append(index)
        self.ops.append(HandOut(at, login, index, visit.person, tuple(chosen), override))
        return index

    def _cancel(self, at: datetime, handout: int, reason: str) -> None:
        person, booklets, created = self.handouts[handout]
        position = self._live_at.pop(handout)  # swap-remove from the live list
        moved_last = self.live.pop()
        if moved_last != handout:
            self.live[position] = moved_last
            self._live_at[moved_last] = position
        # A later cancel is the person who left with the booklet and never brought it back.
        returned = None if same_day(created, at) else False
        change = cancel_change(created, at, returned)
        for code, number in booklets:
            self.received[(person, code)] -= 1
            self.shelves[code].apply(number, change)  # a booklet voided meanwhile stays so
        self.ops.append(Cancel(at, SUPERVISOR, handout, reason, returned))

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

    def plan(self) -> list[Op]:
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
                visit = Visit(person, kinds[person], self._counter_agent())
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
            self.ops.append(Receive(paris(day, minutes), SUPERVISOR, lot))
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
                voucher = voucher_bounds(number, n)[0] - 1 + self.rng.randint(1, n)
                minutes += 1.5
                self.ops.append(
                    VoidVoucher(
                        paris(day, minutes),
                        SUPERVISOR,
                        (lot.programme, number),
                        voucher,
                        VoidReason.MISPRINT.value,
                    )
                )
            minutes += 5

    def _visit(self, d: int, minutes: float, visit: Visit, today: list[_Entry]) -> None:
        """Registration now; the handout, a same-day cancellation and return visits planned."""
        rng = self.rng
        data = self.people.person(visit.person)
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
            again = Visit(visit.person, "again", self._counter_agent(), visit.programmes)
            self._ahead(
                d, rng.randint(1, 15), rng.uniform(OPENING, CLOSING), "handout", again, today
            )
        elif visit.kind == "late":
            self._ahead(d, rng.randint(1, 10), rng.uniform(1035, 1040), "cancel_late", visit, today)
        elif visit.kind == "override":
            extra = Visit(visit.person, "extra", SUPERVISOR, visit.programmes[:1])
            self._ahead(
                d, rng.randint(10, 40), rng.uniform(OPENING, CLOSING), "handout", extra, today
            )

    def _programmes_for(
        self, data: BeneficiaryInput, day: date, *, single: bool
    ) -> tuple[str, ...]:
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
        at = paris(day, minutes)
        if action == "register":
            visit, data = payload
            self.ops.append(Register(at, visit.login, visit.person, data))
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
                reason = rng.choice(("damaged", "misprint", "lost"))
                shelf.apply(number, void_change(VoidReason(reason)))
                ref = (shelf.programme.code, number)
                self.ops.append(VoidBooklet(at, SUPERVISOR, ref, reason))
        elif action == "void_lost":
            self._void_lost(at, day)

    def _void_lost(self, at: datetime, day: date) -> None:
        """A person reports a booklet of an earlier handout lost or stolen."""
        rng = self.rng
        for _attempt in range(50):
            if not self.live:
                return
            _person, booklets, created = self.handouts[rng.choice(self.live)]
            code, number = rng.choice(booklets)
            shelf = self.shelves[code]
            if created.date() < day and shelf.status[number] is BookletStatus.HANDED_OUT:
                reason = rng.choice(("lost", "stolen"))
                shelf.apply(number, void_change(VoidReason(reason)))
                self.ops.append(VoidBooklet(at, SUPERVISOR, (code, number), reason))
                return
