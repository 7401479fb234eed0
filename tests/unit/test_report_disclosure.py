"""Small cells: rows of 1 to 4 people hidden, and the rows that would give them back hidden too,
in the tables that leave the desk; checked on examples, on the hand-built desk, and against a
reader who knows every published figure and tries every count the hidden rows could hold."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from passdesk.documents.report_record import Hidden, ReportRecord, Table
from passdesk.services import Services
from passdesk.services.disclosure import SECONDARY, SMALL, pseudonym, suppress
from passdesk.services.report_figures import ReportQuery
from tests.unit import report_fixtures

report_desk = report_fixtures.report_desk
report_path = report_fixtures.report_path
reports = report_fixtures.reports
period = report_fixtures.period

S, P = SECONDARY, SMALL


def test_no_small_row_nothing_hidden() -> None:
    assert suppress([10, 0, 7]).rows == {}


def test_two_small_rows_that_make_five_hide_nothing_else() -> None:
    assert suppress([10, 3, 2, 8]).rows == {1: P, 2: P}


def test_one_small_row_takes_the_smallest_other_with_it() -> None:
    assert suppress([10, 3, 0, 7, 20]).rows == {1: P, 3: S}  # 7, not the empty row


def test_small_rows_too_few_people_together_take_one_more() -> None:
    assert suppress([1, 1, 9, 12]).rows == {0: P, 1: P, 2: S}


def test_small_rows_at_their_limit_take_one_more() -> None:
    # 4 + 4 behind "< 5" and "< 5" would be 4 and 4 for anyone who subtracts.
    assert suppress([4, 4, 30]).rows == {0: P, 1: P, 2: S}


def test_when_every_row_is_small_the_total_is_hidden_too() -> None:
    hidden = suppress([4, 4])
    assert hidden.rows == {0: P, 1: P} and hidden.total_hidden


def test_a_margin_hides_on_both_sides() -> None:
    # Rows 0-1 are a published subtotal (the priority groups); 1 is small.
    hidden = suppress([8, 3, 9, 6, 2], margins=[[0, 1]])
    assert hidden.rows == {0: S, 1: P, 3: S, 4: P}
    assert not hidden.total_hidden and hidden.margins_hidden == ()


def feasible(
    people: Sequence[int],
    rows: dict[int, str],
    margins: Sequence[Sequence[int]],
    total_known: bool,
    margins_known: Sequence[bool],
) -> dict[int, set[int]]:
    """Every count each hidden row could hold, for a reader who knows the published rows, the
    published sums, that "< 5" is 1 to 4 and "s" 0 or more."""
    total = sum(people)
    ranges = [range(1, 5) if rows[i] == P else range(0, total + 1) for i in sorted(rows)]
    found: dict[int, set[int]] = {i: set() for i in rows}
    for values in itertools.product(*ranges):
        guess = list(people)
        for i, v in zip(sorted(rows), values, strict=True):
            guess[i] = v
        if total_known and sum(guess) != total:
            continue
        if any(
            known and sum(guess[i] for i in m) != sum(people[i] for i in m)
            for m, known in zip(margins, margins_known, strict=True)
        ):
            continue
        for i in rows:
            found[i].add(guess[i])
    return found


@settings(max_examples=150, deadline=None)
@given(
    people=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=5),
    margin=st.sets(st.integers(min_value=0, max_value=4), max_size=3),
)
def test_no_reader_can_work_out_a_hidden_small_row(people: list[int], margin: set[int]) -> None:
    margins = [sorted(i for i in margin if i < len(people))] if margin else []
    hidden = suppress(people, margins)
    assert {i for i, mark in hidden.rows.items() if mark == P} == {
        i for i, n in enumerate(people) if 0 < n < 5
    }
    if sum(people) < 5:
        return  # the total itself is "< 5" where it is printed
    known = [m not in hidden.margins_hidden for m in range(len(margins))]
    options = feasible(people, hidden.rows, margins, not hidden.total_hidden, known)
    for i, mark in hidden.rows.items():
        if mark == P:
            assert len(options[i]) >= 2, (people, margins, hidden, i, options[i])


# --- on the hand-built desk -------------------------------------------------------------------


def record(services: Services, query: ReportQuery) -> ReportRecord:
    return services.reports.record(services.accounts.actor("admin"), query)


def table(rec: ReportRecord, key: str) -> Table:
    return next(t for t in rec.all_tables if t.key == key)


def marks(t: Table) -> list[tuple[str, object]]:
    """Each row's name and its people cell (a number, or the mark of a hidden row)."""
    return [(str(row[0]), row[1].mark if isinstance(row[1], Hidden) else row[1]) for row in t.rows]


def test_target_groups_hide_small_rows_and_what_gives_them_back(
    reports: Services, period: ReportQuery
) -> None:
    t = table(record(reports, period), "target_group")
    # Job seekers (3) and "not given" (2) are small; the quota table publishes the priority
    # groups' sum, so the young (8) are hidden with the job seekers, and "other" (6) with
    # "not given" on the other side.
    assert marks(t) == [
        ("Jeune sans qualification (prioritaire)", S),
        ("Demandeur d'emploi sans diplôme (prioritaire)", P),
        ("Senior", 9),
        ("Autre", S),
        ("Non renseigné", P),
    ]
    hidden_row = t.rows[0]
    assert all(isinstance(cell, Hidden) for cell in hidden_row[1:])  # booklets, value too
    assert t.total is not None and t.total[1:] == (28, 38, 335, t.total[4])


def test_other_tables(reports: Services, period: ReportQuery) -> None:
    rec = record(reports, period)
    assert marks(table(rec, "agent")) == [("admin", P), ("Claire Martin", S), ("Yanis Benali", 16)]
    assert marks(table(rec, "need")) == [
        ("Démarches administratives en ligne", 12),
        ("Outils numériques du quotidien (e-mail, smartphone)", 9),
        ("Recherche d'emploi et formation en ligne", P),
        ("S'équiper ou se servir d'un ordinateur ou d'une tablette", 0),
        ("Sécurité et vie privée en ligne", P),
        ("Aucun besoin noté", S),  # 3 + 1 hidden are only 4 people: "none" (7) with them
    ]
    assert marks(table(rec, "commune")) == [
        ("69100 Villeurbanne", 10),
        ("69500 Bron", 10),
        ("69120 Vaulx-en-Velin", P),
        ("69003 Lyon", P),
        ("Non renseigné", P),  # 4 + 1 + 3: enough together, nothing more hidden
    ]
    assert [n for _name, n in marks(table(rec, "age_band"))] == [5, 8, 6, 9, 0]
    assert [n for _name, n in marks(table(rec, "month"))] == [10, 10, 8]


def test_the_quota_and_summary_publish_what_may_be(reports: Services, period: ReportQuery) -> None:
    rec = record(reports, period)
    quota = {row[0]: row for row in table(rec, "priority").rows}
    assert quota["MGP19"][3:8] == (28, 11, 290, 110, quota["MGP19"][7])
    assert str(quota["MGP19"][7]) == "37.9"
    summary = {row[0]: row[1] for row in rec.summary.rows}
    assert summary["Personnes servies"] == 28


def test_a_small_period_hides_people_everywhere(reports: Services) -> None:
    # May: P2 alone.
    from datetime import date

    rec = record(reports, ReportQuery(date(2026, 5, 1), date(2026, 5, 31)))
    summary = {row[0]: row[1] for row in rec.summary.rows}
    assert summary["Personnes servies"] == Hidden(P)
    assert summary["Carnets remis"] == 1  # booklets are stock figures: always published
    for key in ("target_group", "age_band", "commune", "need", "month", "agent"):
        t = table(rec, key)
        assert t.total is not None and t.total[1] == Hidden(P), key
        assert all(isinstance(r[1], Hidden) or r[1] == 0 for r in t.rows), key


def test_pseudonyms_are_per_key_and_stable() -> None:
    key_a, key_b = "11" * 32, "22" * 32
    assert pseudonym(key_a, 7) == pseudonym(key_a, 7)
    assert pseudonym(key_a, 7) != pseudonym(key_b, 7)
    assert pseudonym(key_a, 7) != pseudonym(key_a, 8)
    assert len(pseudonym(key_a, 7)) == 20
    assert all(c in "0123456789abcdef" for c in pseudonym(key_a, 7))
