"""Opening hours (issue 8, defect 7): OpenStreetMap's text read by its parser and said in
French words on screen and paper; the week editor's text written back; dates typed as every
screen shows them, a date the calendar lacks told so."""

from __future__ import annotations

import pytest

from passdesk import i18n, opening_hours
from passdesk.errors import InvalidInput
from passdesk.formatting import date_problem, parse_date


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Mo-Fr 09:30-12:30,14:00-17:30", "lun.–ven. 9 h 30–12 h 30, 14 h–17 h 30"),
        ("Mo,We,Fr 14:00-18:00", "lun., mer., ven. 14 h–18 h"),
        (
            "Mo-Fr 09:00-12:00; Sa 09:00-12:00; PH off",
            "lun.–sam. 9 h–12 h ; fermé les jours fériés",
        ),
        ("24/7", "tous les jours, 24 h/24"),
        ('Mo-Fr 09:00-12:00 "sur rendez-vous"', "lun.–ven. 9 h–12 h (sur rendez-vous)"),
        ("Tu 14:00-17:00 unknown", "mar. 14 h–17 h (à confirmer)"),
        # Not the same every week: shown as given rather than half said.
        ("Mo-Fr 09:00-17:00; Jul-Aug off", "Mo-Fr 09:00-17:00; Jul-Aug off"),
        ("", ""),
    ],
)
def test_hours_are_said_in_french_words(text: str, said: str) -> None:
    assert opening_hours.describe(text) == said


def test_hours_are_said_in_the_language_asked_whatever_the_window_speaks() -> None:
    assert opening_hours.describe("Mo-Fr 09:30-12:30", "en") == "Mon–Fri 09:30–12:30"
    assert i18n.current_language() == "fr"
    assert opening_hours.describe("Mo-Fr 09:30-12:30", "fr") == "lun.–ven. 9 h 30–12 h 30"


def test_unreadable_hours_are_refused_with_where_and_an_example_but_never_raise() -> None:
    problem = opening_hours.check("Mo-Fr 9h")
    assert problem is not None
    assert "caractère 7" in problem and "Mo-Fr 09:00-12:00" in problem
    assert opening_hours.describe("Mo-Fr 9h") == "Mo-Fr 9h"
    assert opening_hours.plain_week("Mo-Fr 9h") is None
    assert opening_hours.check("") is None


def test_the_editors_week_is_written_back_as_the_same_hours() -> None:
    text = "Mo-Fr 09:30-12:30,14:00-17:30; Sa 09:00-12:00; PH off"
    week = opening_hours.plain_week(text)
    assert week is not None
    assert week[0] == ((570, 750), (840, 1050))
    assert week[5] == ((540, 720),)
    assert week[6] == ()
    assert opening_hours.closed_on_holidays(text)
    assert opening_hours.week_text(week, holidays_closed=True) == text
    assert opening_hours.week_text(tuple(() for _day in range(7))) == ""
    # A week the editor cannot show day by day is left as it is.
    assert opening_hours.plain_week("Mo-Fr 09:00-17:00; Jul-Aug off") is None
    assert opening_hours.plain_week('Mo 09:00-12:00 "sur rendez-vous"') is None


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("29/02/1991", "Cette date n'existe pas : février 1991 compte 28 jours."),
        ("31/13/2027", "Cette date n'existe pas : une année compte 12 mois."),
        ("12041985", "Écrivez la date sous la forme JJ/MM/AAAA"),
        ("12/04/1985", None),
        ("1985-04-12", None),
        ("29/02/1992", None),
    ],
)
def test_a_typed_date_is_read_or_told_what_is_wrong(typed: str, problem: str | None) -> None:
    found = date_problem(typed)
    if problem is None:
        assert found is None
        assert parse_date(typed).isoformat() in ("1985-04-12", "1992-02-29")
    else:
        assert found is not None and found.startswith(problem)
        with pytest.raises(InvalidInput, match="date"):
            parse_date(typed)
