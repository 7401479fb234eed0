"""Search as you type against a brute-force reference, on random small registers.

The service reads the name_token index several ways (the longest word's range in index order,
a few entries of it first, or the rarest word's whole range); whichever it takes, the answer
must be the reference's: the first `limit` people by their first name word starting with the
longest word typed (then by id), shown in name order.
"""

from __future__ import annotations

from datetime import date
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passdesk.services import Services, name_search
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow
from passdesk.text import fold, name_tokens, query_tokens

# Few fragments, so that names share words and prefixes, with accents, case, hyphens and
# apostrophes to fold.
FRAGMENTS = ["ma", "Mar", "marie", "DE", "dé", "so", "Sou", "n'", "Le", "jean", "Hé", "lène", "di"]


@st.composite
def names(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=3), max_size=2))
    text = " ".join("".join(w) for w in words) or "x"
    return text if draw(st.booleans()) else text.replace(" ", "-")


def reference(people: list[BeneficiaryRow], text: str, limit: int) -> list[int]:
    """What search must answer, computed over every person, the slow way."""
    words = query_tokens(text)
    if not words:
        return []
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


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    register=st.lists(st.tuples(names(), names()), min_size=1, max_size=12),
    queries=st.lists(st.lists(typed_words, min_size=1, max_size=3), min_size=1, max_size=4),
)
def test_search_answers_as_the_brute_force_reference(
    services: Services, agent: Actor, register: list[tuple[str, str]], queries: list[list[str]]
) -> None:
    """People accumulate from one example to the next, so later registers are larger; `RARE`
    is made small too, so that every way of reading the index runs on them."""
    for last, first in register:
        services.beneficiaries.register(
            agent,
            BeneficiaryInput(last_name=last, first_name=first, birth_date=date(1980, 1, 1)),
            allow_duplicate=True,
        )
    everyone = services.beneficiaries.list(limit=10_000)
    for words in queries:
        text = " ".join(words)
        for rare in (3, 12, name_search.RARE):
            for limit in (1, 3, 20):
                with mock.patch.object(name_search, "RARE", rare):
                    found = services.beneficiaries.search(text, limit=limit)
                expected = reference(everyone, text, limit)
                assert [p.id for p in found] == expected, (text, rare, limit)


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

    def in_order_spy(count: int, budgeted: bool) -> object:
        taken.append("first entries" if budgeted else "in index order")
        return in_index_order(count, budgeted)

    def whole_spy(count: int) -> object:
        taken.append("rarest whole")
        return whole_range(count)

    with (
        mock.patch.object(name_search, "_in_index_order", in_order_spy),
        mock.patch.object(name_search, "_whole_range", whole_spy),
    ):
        for text, limit, expected in [
            ("marie", 3, ["in index order"]),
            ("sousa marie", 3, ["in index order"]),  # the longest word is the rarest
            # "dubo" is rarer than "marie": Dubois come early among the Maries
            ("marie dubo", 2, ["first entries"]),
            ("marie sous", 2, ["first entries", "rarest whole"]),  # too few Sousas early
            ("marie sous", 20, ["rarest whole"]),  # 10 Sousas: too few to try first entries
        ]:
            taken.clear()
            found = services.beneficiaries.search(text, limit=limit)
            assert [p.id for p in found] == reference(everyone, text, limit), text
            assert taken == expected, text
