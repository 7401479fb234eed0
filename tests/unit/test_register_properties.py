"""A year of stock as random sequences of operations: after every step each serial has exactly
one state, the one the rules predict; stock counts balance; the journal replays to the same
states; `check` passes, against the head hash the last closing sheet printed too; the régie
register since the first day balances and ends on the booklet and voucher tables' statuses.

The machine keeps its own model of every booklet and voucher, written from the rules of the
issue (not from the services' code), predicts whether each operation must be accepted or
refused, and compares the register with the model after each step. Booklets are printed through
the real print service with the PDF drawing replaced by a stand-in (what is checked is the
print register, not the pages).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import text

from passdesk import codes
from passdesk.documents import PrintSummary
from passdesk.documents.regie_records import ENTRY, EXIT
from passdesk.errors import InvalidInput, PassDeskError
from passdesk.models import Role
from passdesk.services import Services, open_services, stock_counts
from passdesk.services import booklet_printing as printing_module
from passdesk.services.integrity import check_database
from passdesk.services.replay import replay_problems
from tests.desks import (
    START,
    AgentStep,
    DeskStep,
    MovableClock,
    PersonStep,
    Plan,
    ProgrammeStep,
    Templates,
    person_input,
)

pytestmark = pytest.mark.slow  # about 10 s of CPU: 30 years of 25 steps, each step checked

LONG, SHORT = "MGP19", "PN26"
PROGRAMMES = {
    # code: (vouchers per booklet, valid from, valid until)
    LONG: (10, date(2026, 1, 1), date(2027, 6, 30)),
    SHORT: (5, date(2026, 1, 1), date(2026, 4, 15)),
}
PEOPLE = 3
STOP = 15  # handing out (and printing for the stock) stops at D-15
REASONS = ("lost", "stolen", "damaged", "misprint")

PLAN = Plan(
    (
        DeskStep("Mairie de Villeurbanne"),
        AgentStep("sup", "Sam Référent", Role.SUPERVISOR),
        AgentStep("agent", "Ali Agent", Role.AGENT),
        *(
            ProgrammeStep(
                code, f"Pass {code}", "10", n, start, end, (("État", Decimal(100)),), None
            )
            for code, (n, start, end) in PROGRAMMES.items()
        ),
        *(
            PersonStep(f"p{i}", person_input(first_name=name), allow_duplicate=True)
            for i, name in enumerate(("Ana", "Luc", "Inès"))
        ),
    ),
    now=START,
)


@cache
def _template() -> tuple[Path, Any]:
    folder = Path(tempfile.mkdtemp(prefix="passdesk-property-"))
    templates = Templates(folder)
    made = templates.copy(PLAN, folder / "first-copy.sqlite3")
    return templates._built[PLAN][0], made


def _fake_render(records: Any, output: Any, *_args: Any, **_kwargs: Any) -> PrintSummary:
    booklets = vouchers = 0
    for record in records:
        booklets += 1
        vouchers += len(record.vouchers)
    output.write(b"%PDF-1.4 stand-in\n")
    return PrintSummary(booklets, vouchers, booklets)


@dataclass
class Booklet:
    code: str
    programme: str
    number: int
    delivered: bool
    status: str = "in_stock"
    printed: bool = False
    vouchers: dict[str, str] = field(default_factory=dict)  # code -> status


@dataclass
class Given:
    id: int
    day: date
    booklets: list[str]
    cancelled: bool = False


class YearOfStock(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        template, made = _template()
        self.folder = Path(tempfile.mkdtemp(prefix="passdesk-example-"))
        path = self.folder / "desk.sqlite3"
        shutil.copyfile(template, path)
        self.clock = MovableClock(START)
        self.services: Services = open_services(path, clock=self.clock)
        self.sup, self.agent = made["sup"], made["agent"]
        self.people = [made[f"p{i}"].id for i in range(PEOPLE)]
        self.booklets: list[Booklet] = []
        self.by_code: dict[str, Booklet] = {}
        self.next_number = {code: 1 for code in PROGRAMMES}
        self.handouts: list[Given] = []
        self.closed: dict[date, int] = {}  # day -> its first closing
        self.anchor: str | None = None  # the head hash the last closing sheet printed
        self.first_day = START.astimezone().date()
        self.renderer = mock.patch.object(printing_module, "render_booklets", _fake_render)
        self.renderer.start()

    def teardown(self) -> None:
        self.renderer.stop()
        self.services.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- what the rules say -------------------------------------------------------------

    @property
    def today(self) -> date:
        return self.services.expiry.today()

    def _stop(self, programme: str) -> date:
        return PROGRAMMES[programme][2] - timedelta(days=STOP)

    def _may_hand_out(self, b: Booklet) -> bool:
        _n, start, _end = PROGRAMMES[b.programme]
        return (
            b.status == "in_stock"
            and start <= self.today < self._stop(b.programme)
            and (b.delivered or b.printed)
            and "in_stock" in b.vouchers.values()
        )

    def _may_print(self, b: Booklet) -> bool:
        end = PROGRAMMES[b.programme][2]
        if b.status not in ("in_stock", "handed_out"):
            return False  # voided or expired: never again
        reprint = b.delivered or b.printed
        if not reprint and b.status != "in_stock":
            return False
        if b.status == "in_stock" and self.today >= self._stop(b.programme):
            return False
        if self.today > end:
            return False
        return any(s in ("in_stock", "handed_out") for s in b.vouchers.values())

    def _move(self, b: Booklet, to: str, vouchers_from: tuple[str, ...]) -> None:
        b.status = to
        for code, status in b.vouchers.items():
            if status in vouchers_from:
                b.vouchers[code] = to

    def _pick(self, index: int) -> Booklet | None:
        return self.booklets[index % len(self.booklets)] if self.booklets else None

    # --- operations ---------------------------------------------------------------------

    @rule(
        programme=st.sampled_from(sorted(PROGRAMMES)),
        kind=st.sampled_from(["delivered", "print_on_site"]),
        count=st.integers(1, 3),
    )
    def receive(self, programme: str, kind: str, count: int) -> None:
        first = self.next_number[programme]
        self.services.stock.receive(
            self.sup, programme_code=programme, first_booklet=first, count=count, kind=kind
        )
        n = PROGRAMMES[programme][0]
        for number in range(first, first + count):
            b = Booklet(
                codes.booklet_code(programme, number), programme, number, kind == "delivered"
            )
            b.vouchers = {
                codes.voucher_code(programme, v): "in_stock"
                for v in codes.voucher_numbers_in_booklet(number, n)
            }
            self.booklets.append(b)
            self.by_code[b.code] = b
        self.next_number[programme] = first + count

    @precondition(lambda self: self.booklets)
    @rule(index=st.integers(0, 200))
    def print_booklet(self, index: int) -> None:
        b = self._pick(index)
        assert b is not None
        expected = self._may_print(b)
        reason = "Réimpression de test" if (b.delivered or b.printed) else None
        try:
            self.services.booklet_printing.print_booklets(
                self.sup, codes=[b.code], path=self.folder / "p.pdf", reprint_reason=reason
            )
        except PassDeskError:
            assert not expected, f"printing {b.code} was refused"
            return
        assert expected, f"{b.code} ({b.status}) was printed"
        b.printed = True

    @precondition(lambda self: self.booklets)
    @rule(index=st.integers(0, 200), person=st.integers(0, PEOPLE - 1), by_next=st.booleans())
    def hand_out(self, index: int, person: int, by_next: bool) -> None:
        b = self._pick(index)
        assert b is not None
        if by_next:
            candidates = sorted(
                (c for c in self.booklets if c.programme == b.programme and self._may_hand_out(c)),
                key=lambda c: c.number,
            )
            whole = [c for c in candidates if set(c.vouchers.values()) == {"in_stock"}]
            expected = whole[0] if whole else None
            call: dict[str, Any] = {"next_programme": b.programme}
        else:
            expected = b if self._may_hand_out(b) else None
            call = {"codes_": [b.code]}
        try:
            row = self.services.handouts.hand_out(self.agent, self.people[person], **call)
        except PassDeskError:
            assert expected is None, f"handing out {expected} was refused"
            return
        assert expected is not None, f"{call} was handed out"
        assert [line.booklet_code for line in row.booklets] == [expected.code]
        self._move(expected, "handed_out", ("in_stock",))
        self.handouts.append(Given(row.id, self.today, [expected.code]))

    @precondition(lambda self: self.handouts)
    @rule(index=st.integers(0, 100), returned=st.sampled_from([None, True, False]))
    def cancel(self, index: int, returned: bool | None) -> None:
        given = self.handouts[index % len(self.handouts)]
        later = self.today != given.day
        if given.cancelled or (later and returned is None):
            before = self._statuses()
            with pytest.raises(PassDeskError) as refused:
                self.services.handouts.cancel(self.sup, given.id, "Test", returned=returned)
            if not given.cancelled:
                assert isinstance(refused.value, InvalidInput)
            assert self._statuses() == before
            return
        self.services.handouts.cancel(self.sup, given.id, "Test", returned=returned)
        given.cancelled = True
        back = returned is not False
        for code in given.booklets:
            b = self.by_code[code]
            if b.status == "handed_out":  # one voided meanwhile stays so
                self._move(b, "in_stock" if back else "voided", ("handed_out",))

    @precondition(lambda self: self.booklets)
    @rule(index=st.integers(0, 200), reason=st.sampled_from(REASONS))
    def void_booklet(self, index: int, reason: str) -> None:
        b = self._pick(index)
        assert b is not None
        expected = b.status in ("in_stock", "handed_out")
        try:
            self.services.stock.void(self.sup, b.code, reason)
        except PassDeskError:
            assert not expected
            return
        assert expected
        self._move(b, "voided", ("in_stock", "handed_out"))

    @precondition(lambda self: self.booklets)
    @rule(index=st.integers(0, 200), rank=st.integers(0, 9), reason=st.sampled_from(REASONS))
    def void_voucher(self, index: int, rank: int, reason: str) -> None:
        b = self._pick(index)
        assert b is not None
        code = list(b.vouchers)[rank % len(b.vouchers)]
        expected = b.vouchers[code] in ("in_stock", "handed_out")
        try:
            self.services.stock.void(self.sup, code, reason)
        except PassDeskError:
            assert not expected
            return
        assert expected
        b.vouchers[code] = "voided"

    @rule(days=st.integers(0, 20))
    def time_passes(self, days: int) -> None:
        self.clock.advance(timedelta(days=days))

    @rule()
    def expire(self) -> None:
        result = self.services.expiry.expire(self.agent)
        expired = 0
        for b in self.booklets:
            if b.status == "in_stock" and PROGRAMMES[b.programme][2] < self.today:
                self._move(b, "expired", ("in_stock",))
                expired += 1
        assert result.booklets == expired

    @rule(off_by=st.sampled_from([0, 0, 1, -1]), programme=st.sampled_from(sorted(PROGRAMMES)))
    def close_day(self, off_by: int, programme: str) -> None:
        # The safe holds the booklets in stock that exist on paper (delivered, or printed).
        safe = {
            code: sum(
                1
                for b in self.booklets
                if b.programme == code and b.status == "in_stock" and (b.delivered or b.printed)
            )
            for code in PROGRAMMES
        }
        counted = dict(safe)
        counted[programme] = max(0, counted[programme] + off_by)
        differs = counted != safe
        corrects = self.closed.get(self.today)
        explanation = "Recompté avec le référent." if differs or corrects else ""
        record = self.services.closing.close_day(
            self.agent, counts=counted, explanation=explanation
        )
        assert {c.programme_code: c.expected for c in record.counts} == safe
        assert record.has_differences == differs
        assert record.corrects == corrects
        self.closed.setdefault(self.today, record.closing_id)
        self.anchor = record.head_hash

    # --- after every step ---------------------------------------------------------------

    def _statuses(self) -> tuple[dict[str, str], dict[str, str]]:
        with self.services.db.read() as session:
            booklets = dict(session.execute(text("SELECT code, status FROM booklet")).all())
            vouchers = dict(session.execute(text("SELECT code, status FROM voucher")).all())
        return booklets, vouchers

    @invariant()
    def every_serial_has_the_one_state_the_rules_say(self) -> None:
        booklets, vouchers = self._statuses()
        assert booklets == {b.code: b.status for b in self.booklets}
        assert vouchers == {c: s for b in self.booklets for c, s in b.vouchers.items()}

    @invariant()
    def counts_balance(self) -> None:
        counts = self.services.stock.counts()
        with self.services.db.read() as session:  # every row counted, the rule not trusted
            exact = stock_counts.total(stock_counts.counts_by_programme(session, exact=True))
        assert counts == exact
        assert counts.balanced
        v = counts.vouchers
        assert v.received == v.in_stock + v.handed_out + v.voided + v.expired + v.used
        assert counts.received == len(self.booklets)
        assert v.received == sum(len(b.vouchers) for b in self.booklets)

    @invariant()
    def the_journal_replays_to_the_same_states_and_check_passes(self) -> None:
        with self.services.db.read() as session:
            assert replay_problems(session) == []
        report = check_database(self.services, anchor=self.anchor)  # `check --anchor HASH`
        assert report.ok, report.lines

    @invariant()
    def the_regie_register_balances_and_ends_on_the_tables(self) -> None:
        with self.services.db.read() as session:
            booklets = Counter(
                session.execute(
                    text(
                        "SELECT p.code, b.status FROM booklet b "
                        "JOIN programme p ON p.id = b.programme_id"
                    )
                ).all()
            )
            vouchers = Counter(
                session.execute(
                    text(
                        "SELECT p.code, v.status FROM voucher v "
                        "JOIN programme p ON p.id = v.programme_id"
                    )
                ).all()
            )
        for code in PROGRAMMES:
            record = self.services.regie.register(code, self.first_day, self.today)
            assert (
                record.opening_stock + record.total(ENTRY) - record.total(EXIT)
                == record.closing_stock
            )
            for line in record.statuses:
                assert line.closing.booklets == (
                    booklets[(code, line.status)] if line.has_booklets else 0
                ), (code, line.status)
                assert line.closing.vouchers == vouchers[(code, line.status)], (code, line.status)
            in_stock = next(line for line in record.statuses if line.status == "in_stock")
            assert in_stock.closing == record.closing_stock


YearOfStock.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestYearOfStock = YearOfStock.TestCase
