"""Search as you type against a brute-force reference, on random small registers.

The service reads the name_token index several ways (the longest word's range in index order,
a few entries of it first, the rarest word's whole range, or the birth dates' range when a date
or a year is typed with the name); whichever it takes, the answer must be the reference's: the
first `limit` people by their first name word starting with the longest word typed (then by
id), among those born on the date or in the year typed, shown in name order. A date or a year
typed alone gives the first `limit` people by birth date, then id.
"""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passdesk.services import Services, name_search
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow
from passdesk.services.search_terms import search_terms
from passdesk.text import fold, name_tokens, query_tokens

# Few fragments, so that names share words and prefixes, with accents, case, hyphens and
# apostrophes to fold.
FRAGMENTS = ["ma", "Mar", "marie", "DE", "dé", "so", "Sou", "n'", "Le", "jean", "Hé", "lène", "di"]


@st.composite
def names(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=3), max_size=2))
    text = " ".join("".join(w) for w in words) or "x"
    return text if draw(st.booleans()) else text.replace(" ", "-")


# Few birth dates, over two years, so that a date or a year typed finds several people.
BIRTH_DATES = [date(1964, 3, 2), date(1964, 11, 30), date(1985, 4, 12), date(1985, 4, 13)]
# How agents type a date (12/04/1985, 12041985, 1985-04-12, 12.4.1985) or a year.
DATE_FORMATS = ["{d:%d/%m/%Y}", "{d:%d%m%Y}", "{d:%Y-%m-%d}", "{d.day}.{d.month}.{d.year}"]


def reference(
    people: list[BeneficiaryRow],
    text: str,
    limit: int,
    born: tuple[date, date] | None = None,
) -> list[int]:
    """What search must answer, computed over every person, the slow way; `born` is the date
    or year typed in `text` (given here, not read back from the text)."""
    words = [w for w in query_tokens(text) if not w.isdigit()]
    if born is not None:
        people = [p for p in people if p.birth_date and born[0] <= p.birth_date <= born[1]]
    if not words:
        if born is None or born[0] != born[1]:
            return []  # nothing, or a year alone: it names no one
        page = sorted(people, key=lambda p: (p.birth_date, p.id))[:limit]
    else:
        found = []
        for person in people:
            tokens = name_tokens(person.first_name, person.last_name)
            if all(any(t.startswith(w) for t in tokens) for w in words):
                first = min(t for t in tokens if t.startswith(words[0]))
                found.append((first, person.id, person))
        page = [person for _first, _id, person in sorted(found)[:limit]]
    page.sort(key=lambda p: (fold(p.last_name), fold(p.first_name), p.id))
    return [p.id for p in page]


typed_words = st.tuples(st.sampled_from(FRAGMENTS), st.integers(1, 6)).map(lambda w: w[0][: w[1]])


# None: name words only; else a date (in one of the formats) or a year, typed among them.
typed_birth = st.one_of(
    st.none(),
    st.tuples(st.just("date"), st.sampled_from(BIRTH_DATES), st.sampled_from(DATE_FORMATS)),
    st.tuples(st.just("year"), st.sampled_from([1964, 1985, 1990]), st.just("{d}")),
)


def typed_query(
    words: list[str], birth: tuple[str, object, str] | None, at: int
) -> tuple[str, tuple[date, date] | None]:
    """The text an agent types (the date at position `at` among the words) and its range."""
    if birth is None:
        return " ".join(words), None
    kind, value, shape = birth
    if kind == "date":
        assert isinstance(value, date)
        born = (value, value)
    else:
        assert isinstance(value, int)
        born = (date(value, 1, 1), date(value, 12, 31))
    parts = list(words)
    parts.insert(min(at, len(parts)), shape.format(d=value))
    return " ".join(parts), born


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    register=st.lists(
        st.tuples(names(), names(), st.sampled_from(BIRTH_DATES)), min_size=1, max_size=12
    ),
    queries=st.lists(
        st.tuples(
            st.lists(typed_words, min_size=0, max_size=3), typed_birth, st.integers(0, 3)
        ).filter(lambda q: q[0] or q[1] is not None),
        min_size=1,
        max_size=4,
    ),
)
def test_search_answers_as_the_brute_force_reference(
    services: Services,
    agent: Actor,
    register: list[tuple[str, str, date]],
    queries: list[tuple[list[str], tuple[str, object, str] | None, int]],
) -> None:
    """People accumulate from one example to the next, so later registers are larger; `RARE`
    is made small too, so that every way of reading the index runs on them."""
    for last, first, born in register:
        services.beneficiaries.register(
            agent,
            BeneficiaryInput(last_name=last, first_name=first, birth_date=born),
            allow_duplicate=True,
        )
    everyone = services.beneficiaries.list(limit=10_000)
    for words, birth, at in queries:
        text, born = typed_query(words, birth, at)
        for rare in (3, 12, name_search.RARE):
            for limit in (1, 3, 20):
                with mock.patch.object(name_search, "RARE", rare):
                    found = services.beneficiaries.search(text, limit=limit)
                expected = reference(everyone, text, limit, born)
                assert [p.id for p in found] == expected, (text, rare, limit)


@pytest.mark.parametrize(
    ("text", "day", "year"),
    [
        ("12/04/1985", date(1985, 4, 12), None),
        ("12041985", date(1985, 4, 12), None),
        ("1985-04-12", date(1985, 4, 12), None),
        ("12.4.1985", date(1985, 4, 12), None),
        ("diallo 1964", None, 1964),
        ("1964 Diallo Awa", None, 1964),
        ("N'Diaye 12/04/1985", date(1985, 4, 12), None),
    ],
)
def test_a_date_or_a_year_is_read_among_the_name_words(
    text: str, day: date | None, year: int | None
) -> None:
    terms = search_terms(text, date(2026, 6, 1))
    assert (terms.birth_date, terms.birth_year, terms.nobody) == (day, year, False)
    assert not any(w.isdigit() for w in terms.words)


def test_digits_that_are_no_date_find_nobody_or_wait_for_the_rest() -> None:
    assert search_terms("31/02/1985").nobody  # no such day
    assert search_terms("12/04/1985 1964").nobody  # two different years
    typing = search_terms("dupont ana 12/04/19", date(2026, 6, 1))  # the date being typed
    assert typing.words == ["dupont", "ana"] and typing.born is None and typing.incomplete
    assert typing.name_text == "dupont ana"
    assert search_terms("diallo 2099", date(2026, 6, 1)).born is None  # not a birth year


def test_each_way_of_reading_the_index_is_taken(services: Services, agent: Actor) -> None:
    """The property above means something only if every way runs: see which each query takes."""
    for i in range(30):  # ids 1..30, Marie Sousa for 1, 4, 7..., Marie Dubois for the others
        services.beneficiaries.register(
            agent,
            BeneficiaryInput(
                last_name="Dubois" if i % 3 else "Sousa",
                first_name="Marie",
                birth_date=date(1980, 1, 1 + i),
            ),
            allow_duplicate=True,
        )
    everyone = services.beneficiaries.list(limit=100)
    taken: list[str] = []
    in_index_order, whole_range = name_search._in_index_order, name_search._whole_range
    born_whole, born_only = name_search._born_whole, name_search._born_only

    def in_order_spy(count: int, budgeted: bool, born: bool = False) -> object:
        taken.append("first entries" if budgeted else "in index order")
        return in_index_order(count, budgeted, born)

    def whole_spy(count: int, born: bool = False) -> object:
        taken.append("rarest whole")
        return whole_range(count, born)

    def born_whole_spy(count: int) -> object:
        taken.append("birth dates whole")
        return born_whole(count)

    def born_only_spy() -> object:
        taken.append("birth dates in order")
        return born_only()

    with (
        mock.patch.object(name_search, "_in_index_order", in_order_spy),
        mock.patch.object(name_search, "_whole_range", whole_spy),
        mock.patch.object(name_search, "_born_whole", born_whole_spy),
        mock.patch.object(name_search, "_born_only", born_only_spy),
    ):
        for text, limit, born, expected in [
            ("marie", 3, None, ["in index order"]),
            ("sousa marie", 3, None, ["in index order"]),  # the longest word is the rarest
            # "dubo" is rarer than "marie": Dubois come early among the Maries
            ("marie dubo", 2, None, ["first entries"]),
            ("marie sous", 2, None, ["first entries", "rarest whole"]),  # too few Sousas early
            ("marie sous", 20, None, ["rarest whole"]),  # 10 Sousas: too few to try first entries
            # Everyone was born in 1980: the year is no smaller than "marie"'s range.
            ("marie 1980", 3, (date(1980, 1, 1), date(1980, 12, 31)), ["in index order"]),
            ("sous 1980", 20, (date(1980, 1, 1), date(1980, 12, 31)), ["in index order"]),
            # One person was born that day: the smallest range, walked whole.
            ("marie 05/01/1980", 3, (date(1980, 1, 5), date(1980, 1, 5)), ["birth dates whole"]),
            ("05/01/1980", 4, (date(1980, 1, 5), date(1980, 1, 5)), ["birth dates in order"]),
            ("1980", 4, (date(1980, 1, 1), date(1980, 12, 31)), []),  # a year alone: nobody
        ]:
            taken.clear()
            found = services.beneficiaries.search(text, limit=limit)
            assert [p.id for p in found] == reference(everyone, text, limit, born), text
            assert taken == expected, text
    assert [p.id for p in services.beneficiaries.search("05/01/1980")] == [5]
    assert [p.id for p in services.beneficiaries.search("05011980 marie dubois")] == [5]
    assert services.beneficiaries.search("05011980 sousa") == []
