"""The funder's report as an XLSX workbook: a summary sheet, one sheet per table, and a sheet
that says how each figure is computed.

Counts are integers, amounts numbers in a euro format, shares numbers in a percent format,
dates and months real dates: the funder's spreadsheet can add them up. A hidden cell holds its
mark ("< 5", "s") as text, right-aligned like the numbers around it.
"""

from __future__ import annotations

import os
from typing import Any, Final

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from passdesk.documents import sheets
from passdesk.documents._blocks import desk_one_line
from passdesk.documents.report_record import Hidden, Kind, ReportRecord, Table
from passdesk.i18n import _

MONTH: Final = "MMMM YYYY"
FORMATS: Final = {
    Kind.TEXT: None,
    Kind.COUNT: sheets.COUNT,
    Kind.MONEY: sheets.EURO,
    Kind.PERCENT: sheets.PERCENT,
    Kind.DATE: sheets.DATE,
    Kind.MONTH: MONTH,
}
RIGHT: Final = Alignment(horizontal="right")
WRAP: Final = Alignment(wrap_text=True, vertical="top")
MAX_TITLE = 31  # Excel's limit for a sheet's name


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    name = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()[:MAX_TITLE]
    candidate, n = name, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate, n = name[: MAX_TITLE - len(suffix)] + suffix, n + 1
    taken.add(candidate.casefold())
    return candidate


def _write_table(sheet: Worksheet, table: Table) -> int:
    """The table's header, rows and total at the sheet's end; returns the header's row."""
    header = sheets.header_row(sheet, [c.title for c in table.columns])
    formats = [FORMATS[c.kind] for c in table.columns]
    for values in table.rows:
        _write_values(sheet, values, formats, bold=False)
    if table.total is not None:
        _write_values(sheet, table.total, formats, bold=True)
    return header


def _write_values(
    sheet: Worksheet, values: tuple[Any, ...], formats: list[str | None], *, bold: bool
) -> None:
    row = sheets.write_row(
        sheet, [v.mark if isinstance(v, Hidden) else v for v in values], formats, bold=bold
    )
    for column, value in enumerate(values, start=1):
        if isinstance(value, Hidden):
            sheet.cell(row, column).alignment = RIGHT


def _summary(sheet: Worksheet, record: ReportRecord) -> None:
    sheets.title_rows(sheet, record.title, [desk_one_line(record.desk)])
    sheets.write_row(sheet, [_("From"), record.start], [None, sheets.DATE])
    sheets.write_row(sheet, [_("To"), record.end], [None, sheets.DATE])
    sheets.write_row(sheet, [_("Made on"), record.generated_at], [None, sheets.DATETIME])
    for line in record.scope:
        sheet.append([line])
    sheet.append([])
    header = _write_table(sheet, record.summary)
    sheet.append([])
    sheet.append([record.disclosure])
    sheets.autofit(sheet, skip_rows=header - 1)
    sheets.freeze_below(sheet, header)


def _methods(sheet: Worksheet, record: ReportRecord) -> None:
    sheets.title_rows(sheet, _("How each figure is computed"), [])
    header = sheets.header_row(sheet, [_("Figure"), _("How it is computed")])
    for method in record.methods:
        sheet.append([method.figure, method.how])
        sheet.cell(sheet.max_row, 2).alignment = WRAP
    sheet.append([])
    sheet.append([record.disclosure])
    for table in record.tables:
        if table.note:
            sheet.append([table.title, table.note])
            sheet.cell(sheet.max_row, 2).alignment = WRAP
    sheets.freeze_below(sheet, header)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 100


def write_report_xlsx(record: ReportRecord, target: str | os.PathLike[str]) -> None:
    """Write the workbook; all or nothing at `target`."""
    book = sheets.new_workbook()
    taken: set[str] = set()
    _summary(book.create_sheet(sheet_name(_("Summary"), taken)), record)
    for table in record.tables:
        sheet = book.create_sheet(sheet_name(table.title, taken))
        sheets.title_rows(sheet, table.title, [table.note] if table.note else [])
        header = _write_table(sheet, table)
        sheets.autofit(sheet, skip_rows=header - 1)
        sheets.freeze_below(sheet, header)
    _methods(book.create_sheet(sheet_name(_("Method"), taken)), record)
    book.properties.title = record.title
    book.properties.creator = "PassDesk"
    sheets.save_workbook(book, target)
