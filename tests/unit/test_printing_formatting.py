"""Money, shares, dates and codes as French readers expect them on paper; fonts that cover names."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from passdesk import i18n
from passdesk.documents import fonts
from passdesk.documents.barcode import reading_form
from passdesk.formatting import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    format_timestamp,
)

NB, NN = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("10"), f"10,00{NB}€"),
        (Decimal("0.5"), f"0,50{NB}€"),
        (Decimal("1234.5"), f"1{NN}234,50{NB}€"),
        (Decimal("1000000"), f"1{NN}000{NN}000,00{NB}€"),
        (Decimal("-20.005"), f"-20,01{NB}€"),
        (Decimal("999.999"), f"1{NN}000,00{NB}€"),
    ],
)
def test_money(amount: Decimal, text: str) -> None:
    assert format_money(amount) == text


@pytest.mark.parametrize(
    ("percent", "text"),
    [
        (Decimal("45"), f"45{NB}%"),
        (Decimal("45.00"), f"45{NB}%"),
        (Decimal("33.33"), f"33,33{NB}%"),
        (Decimal("12.50"), f"12,5{NB}%"),
        (Decimal("100"), f"100{NB}%"),
    ],
)
def test_percent(percent: Decimal, text: str) -> None:
    assert format_percent(percent) == text


def test_dates_are_day_first() -> None:
    assert format_date(date(2026, 12, 31)) == "31/12/2026"
    assert format_date(date(2026, 1, 5)) == "05/01/2026"
    assert format_datetime(datetime(2026, 3, 4, 9, 5)) == "04/03/2026 à 09:05"


def test_codes_are_grouped_for_reading_aloud() -> None:
    assert reading_form("MGP19-0001234-21") == "MGP19 000 1234 21"
    assert reading_form("MGP19-C000123-87") == "MGP19 C 000 123 87"
    assert reading_form("TEST-12345678-9") == "TEST 1234 5678 9"  # not a register code


@pytest.mark.parametrize(
    "name",
    [
        "Łucja Nowak-Żelazna",
        "Nguyễn Thị Hà",
        "Hélène N'Diaye",
        "Nguye\u0302\u0303n Thi\u0323 Ha\u0300",
        "10,00 € « » œ Œ ß",
    ],
)
def test_embedded_fonts_draw_every_name(name: str) -> None:
    assert fonts.missing_glyphs(name) == ""
    assert fonts.missing_glyphs(name, fonts.BOLD) == ""


def test_missing_glyphs_are_reported() -> None:
    assert fonts.missing_glyphs("Zhāng 张伟") == "张伟"


@pytest.fixture
def english() -> Any:
    i18n.set_language("en")
    yield
    i18n.set_language("fr")


@pytest.mark.parametrize(
    ("call", "french", "english_text"),
    [
        (lambda: format_money(Decimal("1234.5")), f"1{NN}234,50{NB}€", "€1,234.50"),
        (lambda: format_money(Decimal("-20.005")), f"-20,01{NB}€", "-€20.01"),
        (lambda: format_percent(Decimal("33.33")), f"33,33{NB}%", "33.33%"),
        (lambda: format_percent(Decimal("45.00")), f"45{NB}%", "45%"),
        (lambda: format_number(1234567), f"1{NN}234{NN}567", "1,234,567"),
        (lambda: format_date(date(2026, 1, 5)), "05/01/2026", "05/01/2026"),
        (
            lambda: format_datetime(datetime(2026, 3, 4, 9, 5)),
            "04/03/2026 à 09:05",
            "04/03/2026 at 09:05",
        ),
        (
            lambda: format_timestamp(datetime(2026, 3, 4, 9, 5)),
            "04/03/2026 09:05",
            "04/03/2026 09:05",
        ),
    ],
)
def test_each_value_reads_the_same_everywhere_in_each_language(
    call: Any, french: str, english_text: str, request: pytest.FixtureRequest
) -> None:
    """The one home of formatting, in both languages the app speaks (British English: the
    desks are in France, the day comes first)."""
    assert call() == french
    request.getfixturevalue("english")
    assert call() == english_text
