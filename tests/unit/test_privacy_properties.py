"""Random days at a desk (register, hand out, cancel, vouchers used through the operator's usage
file, calls, time passing, erasure on request, the retention purge): after every step `check`
passes, and no erasure or purge changes a report's aggregate figures, over the whole period or
any calendar year (so the age bands kept for erased people hold on any first day)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from passdesk.errors import PassDeskError
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import HandoutRow
from passdesk.store import open_database
from tests.desks import OTHER_CODE, PROGRAMME_CODE, START, MovableClock, Templates, unit_plan
from tests.unit.privacy_helpers import aggregates, assert_check_passes, use_vouchers

GROUPS = ("", "senior", "jobseeker_no_diploma", "young_no_qualification")
COMMUNES = (("69100", "Villeurbanne"), ("69003", "Lyon"), ("69100", "villeurbanne"), ("", ""))
NEEDS = ("admin_procedures", "everyday_tools", "job_search", "equipment", "security")
# Every day starts with two people served, so that erasures and purges have figures to keep.
OPENING: list[tuple[object, ...]] = [
    ("register", 0, "senior", COMMUNES[0], {"security"}),
    ("register", 500, "jobseeker_no_diploma", COMMUNES[1], set()),
    ("handout", 0, PROGRAMME_CODE),
    ("handout", 1, OTHER_CODE),
]
# ...and ends past everyone's retention period, with the purge.
CLOSING: list[tuple[object, ...]] = [("advance", 200), ("purge",)]
PERIODS = [(date(2020, 1, 1), date(2035, 12, 31))] + [
    (date(y, 1, 1), date(y, 12, 31)) for y in (2026, 2027)
]

STEP = st.one_of(
    st.tuples(
        st.just("register"),
        st.integers(0, 900),  # days after the 25th birthday of someone born 26 years ago
        st.sampled_from(GROUPS),
        st.sampled_from(COMMUNES),
        st.sets(st.sampled_from(NEEDS), max_size=2),
    ),
    st.tuples(
        st.just("handout"), st.integers(0, 50), st.sampled_from((PROGRAMME_CODE, OTHER_CODE))
    ),
    st.tuples(st.just("cancel"), st.integers(0, 50)),
    st.tuples(st.just("usage"), st.integers(0, 50), st.integers(1, 3)),
    st.tuples(st.just("call"), st.integers(0, 50)),
    st.tuples(st.just("advance"), st.integers(20, 300)),
    st.tuples(st.just("erase"), st.integers(0, 50)),
    st.tuples(st.just("purge")),
)


@dataclass
class Desk:
    services: Services
    clock: MovableClock
    folder: Path
    made: dict[str, object]
    people: list[int] = field(default_factory=list)
    handouts: list[HandoutRow] = field(default_factory=list)

    def actor(self, name: str) -> object:
        return self.made[name]

    def figures(self) -> list[object]:
        return [aggregates(self.services, self.made["admin"], *p) for p in PERIODS]  # type: ignore[arg-type]


def _step(desk: Desk, step: tuple[object, ...]) -> bool:
    """Apply one step; True when it erased someone (the figures must then be unchanged)."""
    services, kind = desk.services, step[0]
    agent, supervisor, admin = (desk.actor(n) for n in ("yanis.benali", "claire.martin", "admin"))
    pick = lambda items, i: items[i % len(items)] if items else None  # noqa: E731
    try:
        if kind == "register":
            _, days, group, (postcode, commune), needs = step
            birth = START.date() - timedelta(days=26 * 365) + timedelta(days=int(days))  # type: ignore[arg-type]
            person = services.beneficiaries.register(
                agent,  # type: ignore[arg-type]
                BeneficiaryInput(
                    "Nom" + "".join(chr(97 + int(d)) for d in str(len(desk.people))), "Zoé",
                    birth, postcode=postcode,  # type: ignore[arg-type]
                    commune=commune, target_group=group, diagnostic=tuple(needs),  # type: ignore[arg-type]
                ),
                allow_duplicate=True,
            )  # fmt: skip
            desk.people.append(person.id)
        elif kind == "handout" and desk.people:
            person_id = pick(desk.people, step[1])
            desk.handouts.append(
                services.handouts.hand_out(agent, person_id, next_programme=step[2])  # type: ignore[arg-type]
            )
        elif kind == "cancel" and desk.handouts:
            services.handouts.cancel(supervisor, pick(desk.handouts, step[1]).id, "erreur")  # type: ignore[arg-type, union-attr]
        elif kind == "usage" and desk.handouts:
            handout = pick(desk.handouts, step[1])
            booklet = handout.booklets[0]  # type: ignore[union-attr]
            first = int(booklet.first_voucher_code.split("-")[1])
            programme = booklet.programme_code
            from passdesk import codes

            rows = [
                (codes.voucher_code(programme, first + i), desk.clock.now.date())
                for i in range(int(step[2]))  # type: ignore[call-overload]
            ]
            # Used already, cancelled, out of date: anomalies, listed and not applied.
            use_vouchers(services, supervisor, desk.folder, rows, all_applied=False)  # type: ignore[arg-type]
        elif kind == "call" and desk.people:
            services.followup.record_call(agent, pick(desk.people, step[1]), "no_answer")  # type: ignore[arg-type]
        elif kind == "advance":
            desk.clock.advance(timedelta(days=int(step[1])))  # type: ignore[call-overload]
        elif kind == "erase" and desk.people:
            services.erasure.erase(supervisor, pick(desk.people, step[1]), "demande")  # type: ignore[arg-type]
            return True
        elif kind == "purge":
            return services.erasure.purge(admin).erased > 0  # type: ignore[arg-type]
    except PassDeskError:
        pass  # refused by a rule (limit, stock, erased, already cancelled...): nothing changed
    return False


@pytest.fixture
def fresh_desk(desk_templates: Templates, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A function making a new desk for each example (hypothesis runs many in one test)."""
    plan = unit_plan(["admin", "supervisor", "agent", "programme", "lot", "other_programme"])
    opened: list[Services] = []

    def make() -> Desk:
        folder = tmp_path_factory.mktemp("privacy")
        made = desk_templates.copy(plan, folder / "desk.sqlite3")
        clock = MovableClock(START)
        services = Services.build(open_database(folder / "desk.sqlite3"), clock)
        opened.append(services)
        services.settings.set(made["admin"], "retention_months", 6)
        return Desk(services, clock, folder, dict(made))

    yield make
    for services in opened:
        services.close()


@pytest.mark.slow
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=3, max_size=12))
def test_check_holds_and_erasures_never_move_the_figures(
    fresh_desk,
    steps: list[tuple[object, ...]],  # noqa: ANN001
) -> None:
    desk = fresh_desk()
    for step in OPENING + steps + CLOSING:
        before = desk.figures() if step[0] in ("erase", "purge") else None
        erased = _step(desk, step)
        if erased:
            event(f"{step[0]} erased someone" + (" served" if desk.handouts else ""))
        assert_check_passes(desk.services)
        if before is not None:
            assert desk.figures() == before, (step, erased)
    desk.services.close()
