"""Beneficiaries: search as you type, probable duplicates, and bad input refused untouched."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput, Duplicates
from passdesk.services.rows import Actor, BeneficiaryRow
from passdesk.text import fold

if TYPE_CHECKING:
    from conftest import MovableClock, RawDb


def _input(
    last_name: str = "N'Diaye",
    first_name: str = "Hélène",
    birth_date: str | date | None = "1985-04-12",
    **extra: object,
) -> BeneficiaryInput:
    return BeneficiaryInput(
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def crowd(services: Services, agent: Actor) -> dict[str, BeneficiaryRow]:
    """Hélène N'Diaye among people whose names share letters with hers."""
    people = {
        "helene": ("N'Diaye", "Hélène", "1985-04-12"),
        "helena": ("Dupont", "Héléna", "1990-01-01"),
        "ndiaye_moussa": ("Ndiaye", "Moussa", "1979-07-30"),
        "marie_eve": ("Le Bœuf-Duval", "Marie-Ève", "1962-11-02"),
        "lukasz": ("Wałęsa", "Łukasz", "2001-05-17"),
        "diane": ("Diallo", "Diane", "1999-09-09"),
    }
    return {
        key: services.beneficiaries.register(agent, _input(last, first, birth))
        for key, (last, first, birth) in people.items()
    }


def _ids(rows: list[BeneficiaryRow]) -> set[int]:
    return {r.id for r in rows}


# ---------------------------------------------------------------------------------------------
# Search as you type


@pytest.mark.parametrize(
    "typed",
    [
        "helene ndi",
        "HELENE",
        "hélène",
        "n'diaye",
        "N’DIAYE",
        "ndiaye helene",
        "ndiaye",
        "ndi hel",
        "diaye",
        "  Hélène   N'Diaye  ",
        "h n",
    ],
)
def test_helene_ndiaye_is_found_however_she_is_typed(
    services: Services, crowd: dict[str, BeneficiaryRow], typed: str
) -> None:
    assert crowd["helene"].id in _ids(services.beneficiaries.search(typed))


@pytest.mark.parametrize(
    "typed", ["helene dupont", "moussa", "helenex", "ndiayeh", "xyz", "1985", "'", ""]
)
def test_unrelated_text_does_not_find_her(
    services: Services, crowd: dict[str, BeneficiaryRow], typed: str
) -> None:
    assert crowd["helene"].id not in _ids(services.beneficiaries.search(typed))


def test_every_word_typed_must_match(services: Services, crowd: dict[str, BeneficiaryRow]) -> None:
    assert _ids(services.beneficiaries.search("ndiaye")) == {
        crowd["helene"].id,
        crowd["ndiaye_moussa"].id,
    }
    assert _ids(services.beneficiaries.search("ndiaye mou")) == {crowd["ndiaye_moussa"].id}
    assert _ids(services.beneficiaries.search("hel")) == {crowd["helene"].id, crowd["helena"].id}
    assert _ids(services.beneficiaries.search("lukasz walesa")) == {crowd["lukasz"].id}
    assert _ids(services.beneficiaries.search("Boeuf Eve")) == {crowd["marie_eve"].id}
    assert _ids(services.beneficiaries.search("boeufduval")) == {crowd["marie_eve"].id}
    # N'DIAye's part after the apostrophe, and Diane Diallo; not Ndiaye (no word starts "dia").
    assert _ids(services.beneficiaries.search("dia")) == {crowd["helene"].id, crowd["diane"].id}


def test_results_come_in_name_order_and_respect_the_limit(services: Services, agent: Actor) -> None:
    for year, first in enumerate(["Zoé", "Anaïs", "Émile", "Bruno", "Chloé"], start=1970):
        services.beneficiaries.register(agent, _input("Martin", first, date(year, 1, 1)))
    found = services.beneficiaries.search("martin")
    assert [fold(r.first_name) for r in found] == ["anais", "bruno", "chloe", "emile", "zoe"]
    assert len(services.beneficiaries.search("martin", limit=3)) == 3


def test_search_returns_up_to_the_limit_when_names_have_many_matching_words(
    services: Services, agent: Actor
) -> None:
    """Each of these people has four name words starting with "j"."""
    for i, first in enumerate(["Jean-Jacques", "Jules-Joseph", "Jeanne-Josée", "Joël-Jean"] * 3):
        services.beneficiaries.register(
            agent,
            _input("Jaouen-Jégou", first, date(1960 + i, 1, 1)),
            allow_duplicate=True,
        )
    assert len(services.beneficiaries.search("j", limit=5)) == 5
    assert len(services.beneficiaries.search("j", limit=12)) == 12


def test_update_reindexes_the_name(
    services: Services, agent: Actor, person: BeneficiaryRow
) -> None:
    services.beneficiaries.update(
        agent, person.id, _input("Sy-Ndiaye", "Aïssatou", person.birth_date)
    )
    assert person.id not in _ids(services.beneficiaries.search("helene"))
    assert person.id in _ids(services.beneficiaries.search("aissatou sy"))
    assert person.id in _ids(services.beneficiaries.search("ndiaye"))
    assert services.beneficiaries.get(person.id).first_name == "Aïssatou"


def test_the_profile_save_leaves_the_identity_alone(
    services: Services, agent: Actor, supervisor: Actor
) -> None:
    person = services.beneficiaries.register(
        agent, BeneficiaryInput("Durand", "Zoé", "1990-01-01"), allow_duplicate=True
    )
    # Another agent corrects the name while the serve panel still shows the old one.
    services.beneficiaries.update(
        supervisor, person.id, BeneficiaryInput("Durand-Lefèvre", "Zoé", "1990-01-01")
    )
    saved = services.beneficiaries.update_profile(
        agent, person.id, target_group="senior", diagnostic=["security"], consent=True
    )
    assert saved.last_name == "Durand-Lefèvre"
    assert (saved.target_group, saved.diagnostic, saved.consent) == ("senior", ("security",), True)


def test_get_unknown_beneficiary_is_not_found(services: Services, admin: Actor) -> None:
    with pytest.raises(NotFound) as caught:
        services.beneficiaries.get(424242)
    assert caught.value.field == "beneficiary"


FRENCH_LETTERS = "abcdefghijklmnopqrstuvwxyzàâäçéèêëîïôöùûüÿœæ"
name_words = st.text(alphabet=FRENCH_LETTERS + FRENCH_LETTERS.upper(), min_size=1, max_size=10)


@st.composite
def french_names(draw: st.DrawFn) -> str:
    parts = draw(st.lists(name_words, min_size=1, max_size=3))
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from([" ", "-", "'", "’"])) + part
    return text


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    last_name=french_names(),
    first_name=french_names(),
    birth=st.dates(date(1920, 1, 1), date(2010, 12, 31)),
)
def test_every_prefix_of_every_name_word_finds_the_person(
    services: Services, agent: Actor, last_name: str, first_name: str, birth: date
) -> None:
    person = services.beneficiaries.register(
        agent, _input(last_name, first_name, birth), allow_duplicate=True
    )
    everyone = services.beneficiaries.count()
    # Each folded word ("ndiayesy" for N'Diaye-Sy), and each part between hyphens and
    # apostrophes ("n", "diaye", "sy").
    typed_words = {
        word
        for name in (last_name, first_name)
        for word in fold(name).split() + fold(re.sub(r"['’-]", " ", name)).split()
    }
    for word in typed_words:
        for end in range(1, len(word) + 1):
            found = services.beneficiaries.search(word[:end], limit=everyone)
            assert person.id in _ids(found), (word[:end], last_name, first_name)
    both = f"{fold(first_name).split()[0][:2]} {fold(last_name).split()[-1][:3]}"
    assert person.id in _ids(services.beneficiaries.search(both, limit=everyone))


# ---------------------------------------------------------------------------------------------
# Probable duplicates


@pytest.mark.parametrize(
    ("last_name", "first_name", "birth"),
    [
        ("N'Diaye", "Hélène", "1985-04-12"),  # the same
        ("NDIAYE", "helene", "12/04/1985"),  # the same, typed differently
        ("N'Diaye", "Hélène", "1985-12-04"),  # day and month swapped
        ("N'Diaye", "Hélène", "1985-04-13"),  # a day off
        ("N'Diaye", "Hélène", "1986-04-12"),  # a typo in the year
        ("N'Diayi", "Hélène", "1985-04-12"),  # one letter wrong in the name
        ("N'Diaye", "Helen", "1985-04-12"),  # one letter missing
        ("Hélène", "N'Diaye", "1985-04-12"),  # first and last name swapped
    ],
)
def test_probable_duplicates_are_found(
    services: Services,
    person: BeneficiaryRow,
    last_name: str,
    first_name: str,
    birth: str,
) -> None:
    found = services.beneficiaries.duplicates(_input(last_name, first_name, birth))
    assert _ids(found) == {person.id}
    assert (
        services.beneficiaries.duplicates(
            _input(last_name, first_name, birth), exclude_id=person.id
        )
        == []
    )


@pytest.mark.parametrize(
    ("last_name", "first_name", "birth"),
    [
        ("Dupont", "Marc", "1985-04-12"),  # same birth date, another name
        ("N'Diaye", "Moussa", "1985-04-12"),  # same family and birth date, another person
        ("N'Diaye", "Hélène", "1961-09-23"),  # same name, another birth date
        ("N'Diayi", "Hélène", "1985-04-13"),  # a typo in the name and another date
    ],
)
def test_unrelated_people_are_not_duplicates(
    services: Services,
    person: BeneficiaryRow,
    last_name: str,
    first_name: str,
    birth: str,
) -> None:
    assert services.beneficiaries.duplicates(_input(last_name, first_name, birth)) == []


def test_register_shows_duplicates_before_saving(
    services: Services, agent: Actor, person: BeneficiaryRow, raw: RawDb
) -> None:
    before = raw.counts()
    with pytest.raises(Duplicates) as caught:
        services.beneficiaries.register(agent, _input("NDIAYE", "Helene", "12/04/1985"))
    assert isinstance(caught.value, Refused)
    assert caught.value.exit_status == 1
    assert [c.id for c in caught.value.candidates] == [person.id]
    assert raw.counts() == before

    twin = services.beneficiaries.register(
        agent, _input("NDIAYE", "Helene", "12/04/1985"), allow_duplicate=True
    )
    assert twin.id != person.id
    assert twin.birth_date == date(1985, 4, 12)
    assert raw.scalar("SELECT count(*) FROM beneficiary") == before["beneficiary"] + 1


def test_register_stores_clean_values(services: Services, agent: Actor, raw: RawDb) -> None:
    row = services.beneficiaries.register(
        agent,
        _input(
            "  n’diaye  ",
            " Hélène ",
            "12/04/1985",
            postcode="2a004",
            commune="  Ajaccio ",
            phone="06.12.34.56.78",
            email=" helene@example.fr ",
            target_group="senior",
            diagnostic=("admin_procedures", "security", "admin_procedures"),
            consent=True,
        ),
    )
    assert (row.last_name, row.first_name) == ("n'diaye", "Hélène")
    assert row.birth_date == date(1985, 4, 12)
    assert (row.postcode, row.commune, row.phone) == ("2A004", "Ajaccio", "0612345678")
    assert row.email == "helene@example.fr"
    assert row.diagnostic == ("admin_procedures", "security")
    assert row.consent
    stored = raw.query("SELECT search_name, name_key FROM beneficiary WHERE id = ?", (row.id,))
    assert stored == [("helene ndiaye", "ndiaye|helene")]
    assert services.beneficiaries.get(row.id) == row


# ---------------------------------------------------------------------------------------------
# Bad input: the right field, nothing written


def _tomorrow(clock: MovableClock) -> date:
    return clock().date() + timedelta(days=1)


BAD_INPUTS: dict[str, tuple[str, dict[str, object]]] = {
    "empty last name": ("last_name", {"last_name": "   "}),
    "empty first name": ("first_name", {"first_name": ""}),
    "digits in last name": ("last_name", {"last_name": "Dupont2"}),
    "symbols in first name": ("first_name", {"first_name": "Hél@ne"}),
    "name too long": ("last_name", {"last_name": "a" * 121}),
    "no birth date": ("birth_date", {"birth_date": None}),
    "blank birth date": ("birth_date", {"birth_date": " "}),
    "malformed birth date": ("birth_date", {"birth_date": "12/13/1985"}),
    "impossible birth date": ("birth_date", {"birth_date": "31/02/1985"}),
    "birth before 1900": ("birth_date", {"birth_date": "1899-12-31"}),
    "short postcode": ("postcode", {"postcode": "6910"}),
    "letters in postcode": ("postcode", {"postcode": "69AB0"}),
    "short phone": ("phone", {"phone": "06 12 34 56"}),
    "phone with letters": ("phone", {"phone": "06 12 34 56 7A"}),
    "email without domain": ("email", {"email": "helene@"}),
    "email without dot": ("email", {"email": "helene@example"}),
    "unknown target group": ("target_group", {"target_group": "astronaut"}),
    "unknown need": ("diagnostic", {"diagnostic": ("flying",)}),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_names_its_field_and_changes_nothing(
    services: Services, agent: Actor, person: BeneficiaryRow, raw: RawDb, case: str
) -> None:
    field, changes = BAD_INPUTS[case]
    data = replace(_input("Martin", "Paul", "1970-06-01"), **changes)  # type: ignore[arg-type]
    before = raw.dump()
    with pytest.raises(InvalidInput) as caught:
        services.beneficiaries.register(agent, data, allow_duplicate=True)
    assert caught.value.field == field
    assert caught.value.exit_status == 2
    with pytest.raises(InvalidInput) as caught:
        services.beneficiaries.update(agent, person.id, data)
    assert caught.value.field == field
    assert raw.dump() == before


def test_a_birth_date_in_the_future_is_refused(
    services: Services, agent: Actor, clock: MovableClock, raw: RawDb
) -> None:
    before = raw.counts()
    with pytest.raises(InvalidInput) as caught:
        services.beneficiaries.register(agent, _input(birth_date=_tomorrow(clock)))
    assert caught.value.field == "birth_date"
    assert raw.counts() == before
    today = services.beneficiaries.register(agent, _input(birth_date=clock().date()))
    assert today.birth_date == clock().date()


def test_update_of_unknown_person_is_not_found(
    services: Services, agent: Actor, raw: RawDb
) -> None:
    before = raw.dump()
    with pytest.raises(NotFound):
        services.beneficiaries.update(agent, 999, _input())
    assert raw.dump() == before


# ---------------------------------------------------------------------------------------------
# Formerly known gaps, fixed


def test_search_fills_the_limit_when_people_have_many_matching_words(
    services: Services, agent: Actor
) -> None:
    names = [("Jaa-Jab", "Jac-Jad"), ("Jae-Jaf", "Jag-Jah"), ("Jai-Jaj", "Jak-Jal")]
    for year, (last, first) in enumerate(names, start=1970):
        services.beneficiaries.register(agent, _input(last, first, date(year, 1, 1)))
    assert len(services.beneficiaries.search("ja")) == len(names)
    assert len(services.beneficiaries.search("ja", limit=2)) == 2


def test_a_double_name_is_found_by_its_part_with_an_apostrophe(
    services: Services, agent: Actor
) -> None:
    person = services.beneficiaries.register(agent, _input("Diallo-N'Diaye", "Awa"))
    assert person.id in _ids(services.beneficiaries.search("n'diaye"))
    assert person.id in _ids(services.beneficiaries.search("awa ndiaye"))
