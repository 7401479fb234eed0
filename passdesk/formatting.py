"""Money, numbers, percentages and dates in the current language, through Babel; and dates
read back as people type them.

The one place where a value becomes text for a person: the window, the console and the
documents all call these, so "1 234,50 €" and "31/12/2026" read the same everywhere. French
uses its own spaces (a narrow no-break space between thousands, a no-break space before € and
%), so a unit never wraps away from its number; English is British (day before month), as the
desks are in France.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from passdesk import i18n
from passdesk.errors import InvalidInput
from passdesk.i18n import _

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
_CENT = Decimal("0.01")


def _locale() -> str:
    return LOCALES.get(i18n.current_language(), LOCALES[i18n.DEFAULT_LANGUAGE])


def format_money(amount: Decimal | int | str) -> str:
    """Euros to the cent, rounded half up: "1 234,50 €" (fr), "€1,234.50" (en)."""
    value = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    return babel_numbers.format_currency(value, "EUR", locale=_locale())


def format_amount(amount: Decimal | int | str) -> str:
    """Euros to the cent without the currency sign, for a column whose heading names it:
    "1 234,50" (fr), "1,234.50" (en)."""
    value = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    return babel_numbers.format_decimal(value, format="#,##0.00", locale=_locale())


def format_number(value: int | Decimal) -> str:
    """A count or a quantity with the language's thousands separator: "12 345"."""
    return babel_numbers.format_decimal(value, locale=_locale(), decimal_quantization=False)


def format_percent(percent: Decimal | int | str) -> str:
    """A share given in percent (45 means 45 %): "45 %", "33,33 %"; no trailing zeros."""
    value = Decimal(percent).normalize() / 100
    return babel_numbers.format_percent(value, locale=_locale(), decimal_quantization=False)


def format_date(day: date) -> str:
    """Day first, four-digit year: "05/01/2026" in both languages."""
    return babel_dates.format_date(day, "dd/MM/yyyy", locale=_locale())


def format_month(day: date) -> str:
    """The month a day falls in, as a heading: "mars 2026" (fr), "March 2026" (en)."""
    return babel_dates.format_date(day, "LLLL yyyy", locale=_locale())


def format_time(moment: datetime) -> str:
    """Hours and minutes of a moment as it reads on the desk's clock: "09:05"."""
    return babel_dates.format_time(moment, "HH:mm", locale=_locale())


def format_datetime(moment: datetime) -> str:
    """A moment in a sentence: "04/03/2026 à 09:05". An aware moment is shown in the desk's
    time zone (the computer's)."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return _("{date} at {time}").format(date=format_date(local), time=format_time(local))


def format_timestamp(moment: datetime) -> str:
    """A moment in a table or a list: "04/03/2026 09:05", in the desk's time zone."""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    return f"{format_date(local)} {format_time(local)}"


def format_file_size(size: int) -> str:
    """A file's size for a person: "236 Ko", "287,4 Mo" (fr), "236 KB", "287.4 MB" (en)."""
    units = (_("{n} B"), _("{n} KB"), _("{n} MB"), _("{n} GB"))
    value = Decimal(size)
    step = 0
    while value >= 1000 and step < len(units) - 1:
        value /= 1024
        step += 1
    rounded = value.quantize(Decimal("1") if value >= 100 or step == 0 else Decimal("0.1"))
    return units[step].format(n=format_number(rounded))


_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def date_problem(text: str) -> str | None:
    """What is wrong with a typed date, for the person typing it, or None when it is one.

    The shape is read first (31/12/2026 as every screen shows dates, or 2026-12-31 as the
    console takes them); a date of the right shape that the calendar lacks (29/02/1991) is
    told so, not sent back to the format it already has."""
    text = text.strip()
    day_first, iso = _DAY_FIRST.fullmatch(text), _ISO.fullmatch(text)
    if day_first:
        day, month, year = (int(g) for g in day_first.groups())
    elif iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        return _("Write the date as DD/MM/YYYY (or YYYY-MM-DD), e.g. 31/12/2026.")
    if not 1 <= month <= 12:
        return _("This date does not exist: a year has 12 months.")
    if year < 1:
        return _("This date does not exist.")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        month_name = format_month(date(year, month, 1))
        return _("This date does not exist: {month} has {days} days.").format(
            month=month_name, days=days
        )
    return None


def parse_date(text: str | date, field: str | None = None) -> date:
    """A typed date (see `date_problem`), or InvalidInput saying what is wrong with it."""
    if isinstance(text, date):
        return text
    problem = date_problem(text)
    if problem is not None:
        raise InvalidInput(problem, field=field)
    match = _DAY_FIRST.fullmatch(text.strip())
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    return date.fromisoformat("{:04d}-{:02d}-{:02d}".format(*map(int, text.strip().split("-"))))
