"""Amounts, shares, dates and codes written the French way on paper ("1 234,50 €", "31/12/2026")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from passdesk.codes import format_for_reading
from passdesk.errors import PassDeskError
from passdesk.i18n import _

NBSP = "\u00a0"  # before € and %, so the unit never wraps away from its number
NNBSP = "\u202f"  # thousands separator (espace fine insécable)
_CENT = Decimal("0.01")


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NNBSP.join(groups)


def format_money(amount: Decimal) -> str:
    """Euros as a French reader expects them: 1 234,50 € (never 1234.5€)."""
    value = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value):.2f}".split(".")
    return f"{sign}{_group_thousands(units)},{cents}{NBSP}€"


def format_percent(percent: Decimal) -> str:
    """A funder's share: 45 %, 33,33 % (no trailing zeros, French decimal comma)."""
    value = Decimal(percent)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}{NBSP}%"


def format_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def format_time(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_datetime(moment: datetime) -> str:
    return _("{date} at {time}").format(date=format_date(moment), time=format_time(moment))


def reading_form(code: str) -> str:
    """The code grouped for reading aloud under its barcode (the barcode holds the exact code)."""
    try:
        return format_for_reading(code)
    except PassDeskError:  # not a register code (a test pattern): group it plainly
        return _plain_groups(code)


def _plain_groups(code: str) -> str:
    groups: list[str] = []
    for part in code.split("-"):
        if len(part) > 4 and part.isdigit():
            head = len(part) % 4 or 4
            groups.append(part[:head])
            groups.extend(part[i : i + 4] for i in range(head, len(part), 4))
        elif part:
            groups.append(part)
    return " ".join(groups)
