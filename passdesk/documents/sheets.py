"""Spreadsheets with openpyxl: numbers that stay numbers, euro and date formats, a styled and
frozen header row, columns as wide as what they hold, and a file published all or nothing.

A spreadsheet is for working on the figures: a count is written as an integer, an amount as a
number with a euro format, a date as a date, never as the text a PDF would print. French Excel
and LibreOffice then show "1 234,50 €" and "31/12/2026" by themselves.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from passdesk.documents.output import atomic_output

EURO: Final = '#,##0.00\\ "€"'
COUNT: Final = "#,##0"
PERCENT: Final = '0.00\\ "%"'  # a share given in percent (45 means 45 %)
DATE: Final = "DD/MM/YYYY"
DATETIME: Final = "DD/MM/YYYY HH:MM"
HEADER_FILL: Final = PatternFill("solid", fgColor="E4EEF1")
HEADER_FONT: Final = Font(bold=True, color="114B5F")
TITLE_FONT: Final = Font(bold=True, size=13, color="114B5F")
BOLD: Final = Font(bold=True)
THIN: Final = Side(style="thin", color="BBBBBB")
MIN_WIDTH, MAX_WIDTH = 6, 70


def new_workbook() -> Workbook:
    """A workbook without its default empty sheet: each writer adds the sheets it names."""
    book = Workbook()
    book.remove(book.active)
    return book


def cell_value(value: Any) -> Any:
    """What openpyxl should store: Decimals as numbers, aware moments as the desk's local time
    (Excel has no time zones)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)
    return value


def write_row(
    sheet: Worksheet,
    values: Sequence[Any],
    formats: Sequence[str | None] = (),
    *,
    bold: bool = False,
) -> int:
    """Append one row; `formats` gives each column's number format (None: as is). Returns its
    row number."""
    sheet.append([cell_value(v) for v in values])
    row = sheet.max_row
    for column, number_format in enumerate(formats, start=1):
        if number_format:
            sheet.cell(row, column).number_format = number_format
    if bold:
        for column in range(1, len(values) + 1):
            sheet.cell(row, column).font = BOLD
    return row


def header_row(sheet: Worksheet, titles: Sequence[str]) -> int:
    """A header row: bold, tinted, wrapped, with a line under it. Returns its row number."""
    sheet.append(list(titles))
    row = sheet.max_row
    for column in range(1, len(titles) + 1):
        cell = sheet.cell(row, column)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(bottom=THIN)
    return row


def title_rows(sheet: Worksheet, title: str, lines: Iterable[str]) -> None:
    """The sheet's title and the lines that say what it covers, above its table."""
    sheet.append([title])
    sheet.cell(sheet.max_row, 1).font = TITLE_FONT
    for line in lines:
        sheet.append([line])
    sheet.append([])


def freeze_below(sheet: Worksheet, row: int) -> None:
    """Keep rows up to `row` (the header) in view while scrolling."""
    sheet.freeze_panes = sheet.cell(row + 1, 1)


def _shown_length(value: Any, number_format: str) -> int:
    """About how many characters a cell shows, to size its column."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, bool):
        return 5
    if isinstance(value, int | float):
        decimals = 2 if "0.00" in number_format else 0
        text = f"{value:,.{decimals}f}"
        return len(text) + (2 if "€" in number_format or "%" in number_format else 0)
    return max((len(part) for part in str(value).splitlines()), default=0)


def autofit(sheet: Worksheet, *, skip_rows: int = 0) -> None:
    """Columns as wide as their widest cell (within limits); the first `skip_rows` rows (a
    title that may overflow into the next cells) are not measured."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            length = _shown_length(cell.value, cell.number_format)
            if cell.alignment is not None and cell.alignment.wrap_text:
                length = min(length, 14)  # a wrapped header may take two lines
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, length in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(length + 2, MIN_WIDTH), MAX_WIDTH
        )


def save_workbook(book: Workbook, target: str | os.PathLike[str]) -> None:
    """Write the workbook; the file appears at `target` only once complete."""
    with atomic_output(target) as stream:
        book.save(stream)
