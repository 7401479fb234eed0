"""What a funder's report says, as plain values: titled tables whose cells are already published
(small cells hidden), the series its charts draw, and how each figure is computed.

The service builds one `ReportRecord`; the PDF, XLSX and CSV writers only read it, so the three
documents carry the same figures and hide the same cells.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from passdesk.documents.records import DeskLine
from passdesk.formatting import (
    format_date,
    format_money,
    format_month,
    format_number,
    format_percent,
)


class Kind(enum.StrEnum):
    """What a column holds, which decides how each writer shows it."""

    TEXT = "text"
    COUNT = "count"  # a whole number
    MONEY = "money"  # euros, Decimal
    PERCENT = "percent"  # Decimal, 45.5 means 45.5 %
    DATE = "date"
    MONTH = "month"  # a date, the first of its month


@dataclass(frozen=True, slots=True)
class Hidden:
    """A cell that is not published; `mark` is printed in its place ("< 5", or "s")."""

    mark: str

    def __str__(self) -> str:
        return self.mark


Value = str | int | Decimal | date | Hidden | None  # None: nothing to show in that cell


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class Table:
    """One table of the report: a sheet of the XLSX, a file of the CSV export."""

    key: str  # ASCII: the sheet's and the file's name ("stock", "target_groups"...)
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    total: tuple[Value, ...] | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Chart:
    """Bars drawn from a table's published values; a hidden value draws no bar, only its mark.

    `highlight` marks bars drawn in the accent colour (the priority groups); `target` draws a
    line at that value (the quota, in percent).
    """

    title: str
    labels: tuple[str, ...]
    values: tuple[int | Decimal | Hidden, ...]
    horizontal: bool = False
    highlight: tuple[bool, ...] = ()
    target: Decimal | None = None
    target_label: str = ""
    value_suffix: str = ""
    highlight_label: str = ""  # what the highlighted bars are ("* priority group")


@dataclass(frozen=True, slots=True)
class Method:
    """How one figure is computed, in a sentence (the XLSX's last sheet, the PDF's last page)."""

    figure: str
    how: str


@dataclass(frozen=True, slots=True)
class ReportRecord:
    title: str
    desk: DeskLine
    start: date
    end: date
    generated_at: datetime
    scope: tuple[str, ...]  # lines: the programmes and their funders, the funder asked for
    summary: Table  # the key figures, first
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...]
    methods: tuple[Method, ...]
    disclosure: str  # what "< 5" and "s" mean

    @property
    def all_tables(self) -> tuple[Table, ...]:
        return (self.summary, *self.tables)


def cell_text(value: Value, kind: Kind) -> str:
    """A cell as the PDF and the window show it (the language's number, money, percent and
    date forms)."""
    if value is None:
        return ""
    if isinstance(value, Hidden):
        return value.mark
    if isinstance(value, str):
        return value
    if kind is Kind.COUNT and isinstance(value, int):
        return format_number(value)
    if kind is Kind.MONEY and isinstance(value, int | Decimal):
        return format_money(value)
    if kind is Kind.PERCENT and isinstance(value, int | Decimal):
        return format_percent(value)
    if kind is Kind.MONTH and isinstance(value, date):
        text = format_month(value)
        return text[:1].upper() + text[1:]
    if isinstance(value, date):
        return format_date(value)
    return str(value)
