"""Text entering the register: each class of control, format or invisible character is refused
in French and nothing is written; lengths are the columns' (SQLite would store 10,000
characters); what French names need passes, in NFC; the console never prints what it refuses."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passdesk.errors import InvalidInput
from passdesk.models import Beneficiary
from passdesk.models.base import max_length
from passdesk.services import Services
from passdesk.services.beneficiaries import BeneficiaryInput
from passdesk.services.rows import Actor, BeneficiaryRow
from passdesk.text import checked_text, hidden_character, printable, tidy
from tests.desks import PROGRAMME_CODE
from tests.unit.conftest import RawDb

BAD = {
    "zero-width spaces only": "\u200b\u200b\u200b",
    "right-to-left mark": "Jean\u200f",
    "right-to-left override": "\u202eenèléH",
    "bell": "Zoé\x07",
    "escape sequence": "\x1b[31mRouge\x1b[0m",
    "null": "Zo\x00é",
    "tab inside": "Jean\tPierre",
    "line separator": "Jean\u2028Pierre",
    "byte order mark": "\ufeffZoé",
    "soft hyphen": "Zo\u00ade",
    "zero-width joiner": "Zo\u200dé",
    "Hangul filler": "\u3164",
    "variation selector": "Zoé\ufe0f",
    "C1 control": "Zoé\x85",
    "private use": "Zoé\ue000",
}


@pytest.mark.parametrize("field", ["last_name", "first_name", "commune", "email"])
@pytest.mark.parametrize("value", list(BAD.values()), ids=list(BAD))
def test_each_hidden_character_is_refused_in_french_and_nothing_is_written(
    services: Services, agent: Actor, raw: RawDb, field: str, value: str
) -> None:
    data = {"last_name": "Martin", "first_name": "Zoé", "birth_date": "1990-01-01"}
    data[field] = value
    before = raw.dump()
    with pytest.raises(InvalidInput) as refused:
        services.beneficiaries.register(agent, BeneficiaryInput(**data))  # type: ignore[arg-type]
    assert refused.value.field == field
    assert "caractère invisible ou de contrôle" in refused.value.message
    assert "U+" in refused.value.message
    assert raw.dump() == before


@pytest.mark.parametrize(
    ("field", "column"),
    [
        ("last_name", Beneficiary.last_name),
        ("first_name", Beneficiary.first_name),
        ("commune", Beneficiary.commune),
        ("email", Beneficiary.email),
    ],
)
def test_lengths_are_the_columns(
    services: Services, agent: Actor, raw: RawDb, field: str, column: object
) -> None:
    limit = max_length(column)
    data = {"last_name": "Martin", "first_name": "Zoé", "birth_date": "1990-01-01"}
    data[field] = "a" * (limit - 6) + "@ab.fr" if field == "email" else "a" * limit
    services.beneficiaries.register(agent, BeneficiaryInput(**data), allow_duplicate=True)  # type: ignore[arg-type]
    before = raw.dump()
    data[field] = "a" * 10_000
    # A name has its own message (issue 8): "Un nom compte au plus 120 caractères (… saisis)."
    too_long = f"({limit} caractères au plus|au plus {limit} caractères) \\(10000 saisis\\)"
    with pytest.raises(InvalidInput, match=too_long):
        services.beneficiaries.register(agent, BeneficiaryInput(**data), allow_duplicate=True)  # type: ignore[arg-type]
    assert raw.dump() == before


def test_what_french_names_need_passes_in_nfc(services: Services, agent: Actor) -> None:
    decomposed = unicodedata.normalize("NFD", "Lætitia-Hélène")
    person = services.beneficiaries.register(
        agent,
        BeneficiaryInput(
            "N’Diaye-Lefèvre d'Arc", decomposed, "1990-01-01", commune="Saint-Jean\u00a0d'Arves"
        ),
    )
    assert person.first_name == "Lætitia-Hélène"
    assert unicodedata.is_normalized("NFC", person.first_name)
    assert person.last_name == "N'Diaye-Lefèvre d'Arc"
    assert person.commune == "Saint-Jean d'Arves"  # the no-break space made plain
    assert [p.id for p in services.beneficiaries.search("helene")] == [person.id]


def test_reasons_notes_and_names_on_paper_are_checked_too(
    services: Services,
    admin: Actor,
    agent: Actor,
    supervisor: Actor,
    person: BeneficiaryRow,
    lot: object,
    raw: RawDb,
) -> None:
    handout = services.handouts.hand_out(agent, person.id, next_programme=PROGRAMME_CODE)
    before = raw.dump()
    refusals = (
        lambda: services.handouts.cancel(supervisor, handout.id, "erreur\x1b[2J"),
        lambda: services.handouts.cancel(supervisor, handout.id, "x" * 501),
        lambda: services.handouts.hand_out(
            supervisor, person.id, next_programme=PROGRAMME_CODE, override_reason="ok\u202e"
        ),
        lambda: services.followup.record_call(agent, person.id, "reached", "note\x07"),
        lambda: services.followup.record_call(agent, person.id, "reached", "n" * 2001),
        lambda: services.accounts.add_agent(
            admin, login="zoe", display_name="\u200b\u200b", role="agent"
        ),
        lambda: services.accounts.update_desk(
            admin, name="Mairie\u202e", address="", postcode="", commune="", siret=None
        ),
        lambda: services.accounts.update_desk(
            admin, name="Mairie", address="a" * 301, postcode="", commune="", siret=None
        ),
    )
    for refuse in refusals:
        with pytest.raises(InvalidInput, match="(caractère invisible|caractères au plus)"):
            refuse()
    assert raw.dump() == before


def test_console_text_is_escaped_and_json_stays_valid() -> None:
    stored = "Zoé\x1b[31m\u202e\x07\U000e0100"
    shown = printable(stored)
    assert hidden_character(shown) is None
    assert shown == "Zoé\\u001b[31m\\u202e\\u0007\\udb40\\udd00"
    document = json.dumps({"name": stored, "amount": "10,00\u00a0€"}, ensure_ascii=False)
    safe = printable(document, multiline=True)
    assert hidden_character(safe, multiline=True) is None
    assert json.loads(safe) == {"name": stored, "amount": "10,00\u00a0€"}
    assert printable("10,00\u00a0€ — ligne\nsuivante", multiline=True) == (
        "10,00\u00a0€ — ligne\nsuivante"  # spaces and line breaks are text, not controls
    )


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.characters(categories=("Cc", "Cf", "Co", "Zl", "Zp"), exclude_characters="\n"),
        min_size=1,
        max_size=3,
    ),
    st.text(alphabet=st.characters(categories=("L", "Zs")), max_size=20),
)
def test_any_hidden_character_anywhere_is_refused(hidden: str, letters: str) -> None:
    text = letters[: len(letters) // 2] + hidden + letters[len(letters) // 2 :]
    kept = tidy(text)
    if not any(character in kept for character in hidden):
        # only outer blanks (a tab, a carriage return at either end): tidying takes them away
        # and what is kept is plain text
        assert checked_text(text, label="Nom", max_length=1000) == kept
        return
    with pytest.raises(InvalidInput, match="caractère invisible"):
        checked_text(text, label="Nom", max_length=1000)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(categories=("L", "M", "Nd", "Zs", "P")), max_size=60))
def test_visible_text_passes_and_comes_back_tidied(text: str) -> None:
    if any(ord(c) in (0x034F, 0x17B4, 0x17B5) or 0x180B <= ord(c) <= 0x180F for c in text):
        return  # marks Unicode shows as nothing: refused on purpose
    if any(0xFE00 <= ord(c) <= 0xFE0F or 0xE0100 <= ord(c) <= 0xE01EF for c in text):
        return
    if any(c in "\u115f\u1160\u3164\uffa0" for c in text):
        return
    kept = checked_text(text, label="Nom", max_length=1000)
    assert kept == tidy(text)
    assert unicodedata.is_normalized("NFC", kept)
    assert hidden_character(kept) is None
