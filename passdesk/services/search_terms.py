"""What a search query says: name words, and a birth date or year typed among them.

Agents search by birth date when a name is spelled differently ("12/04/1985", "12041985",
"1985-04-12") and narrow a common name with a year ("diallo 1964"). A date is read where it
stands in the text, before the name words are folded (folding turns "/" into a space). The
new-person form reads the same terms to carry the search into its fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from passdesk.text import query_tokens

# Birth years and dates a person at the desk may have (the form refuses others).
FIRST_YEAR = 1900

_DAY_FIRST = re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?![\d/.\-])")
_ISO = re.compile(r"(?<![\d/.\-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/.\-])")
_EIGHT_DIGITS = re.compile(r"(?<![\d/.\-])(\d{8})(?![\d/.\-])")
_YEAR = re.compile(r"(?<![\d/.\-])(\d{4})(?![\d/.\-])")
_DIGITS_ONLY = re.compile(r"[\d/.\-]+")  # a date being typed, in the name part


@dataclass(frozen=True)
class SearchTerms:
    """A query taken apart. `born` is the range of birth dates asked for (a day, or a year's
    days), `None` when none was typed; an impossible date asks for nobody (`nobody`)."""

    words: list[str]  # folded name words, longest first (see text.query_tokens)
    name_text: str  # the name part as typed, dates taken out
    birth_date: date | None = None
    birth_year: int | None = None
    nobody: bool = False
    # Digits that are not yet a date or a year ("12/04/19" while it is typed): left out, since
    # a name holds no digit.
    incomplete: bool = False
    # A year typed alone ("1980"): it names no one, so nothing is asked, and the search says so.
    lone_year: int | None = None

    @property
    def born(self) -> tuple[date, date] | None:
        if self.birth_date is not None:
            return self.birth_date, self.birth_date
        if self.birth_year is not None:
            return date(self.birth_year, 1, 1), date(self.birth_year, 12, 31)
        return None

    @property
    def empty(self) -> bool:
        return not self.words and self.born is None and not self.nobody


def _day(year: int, month: int, day: int) -> date | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if found.year >= FIRST_YEAR else None


def _eight_digits(digits: str) -> date | None:
    """12041985 as 12/04/1985, else 19850412 as 1985-04-12."""
    return _day(int(digits[4:]), int(digits[2:4]), int(digits[:2])) or _day(
        int(digits[:4]), int(digits[4:6]), int(digits[6:])
    )


def search_terms(text: str, today: date | None = None) -> SearchTerms:
    """Split `text` into name words and a birth date (or year). A 4-digit number from 1900
    to this year is a year, which narrows name words (alone it asks nothing); a date that does
    not exist (31/02/1985) matches nobody."""
    this_year = (today or date.today()).year
    dates: list[date | None] = []

    def take(found: date | None) -> str:
        dates.append(found)
        return " "

    rest = _DAY_FIRST.sub(lambda m: take(_day(int(m[3]), int(m[2]), int(m[1]))), text)
    rest = _ISO.sub(lambda m: take(_day(int(m[1]), int(m[2]), int(m[3]))), rest)
    rest = _EIGHT_DIGITS.sub(lambda m: take(_eight_digits(m[1])), rest)
    years: list[int] = []

    def take_year(match: re.Match[str]) -> str:
        year = int(match[1])
        if FIRST_YEAR <= year <= this_year:
            years.append(year)
            return " "
        return match[0]

    rest = _YEAR.sub(take_year, rest)
    tokens = query_tokens(rest)
    words = [w for w in tokens if not w.isdigit()]
    incomplete = len(words) < len(tokens)
    name_text = " ".join(w for w in rest.split() if not _DIGITS_ONLY.fullmatch(w))
    if not dates and not years:
        return SearchTerms(words, name_text, incomplete=incomplete)
    days = set(dates)
    day = next(iter(days)) if len(days) == 1 else None
    year = years[0] if len(set(years)) == 1 else None
    if (
        None in days
        or len(days) > 1
        or len(set(years)) > 1
        or (day is not None and year is not None and day.year != year)
    ):
        return SearchTerms(words, name_text, nobody=True, incomplete=incomplete)
    if day is not None:
        return SearchTerms(words, name_text, birth_date=day, incomplete=incomplete)
    if not words:  # a year alone names no one (and may be an ISO date being typed)
        return SearchTerms(words, name_text, incomplete=True, lone_year=year)
    return SearchTerms(words, name_text, birth_year=year, incomplete=incomplete)
