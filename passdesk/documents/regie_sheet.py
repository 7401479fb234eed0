"""The régie register and the statement of unused value as spreadsheets: the same figures as the
PDFs, as numbers, dates and euro amounts the accountant can add up and filter."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from passdesk.documents import sheets
from passdesk.documents.regie import group_titles, subject_lines
from passdesk.documents.regie_records import (
    ENTRY,
    EXIT,
    OUTSIDE,
    Quantity,
    RegisterRecord,
    UnusedRecord,
)
from passdesk.documents.sheets import COUNT, DATE, EURO, PERCENT
from passdesk.documents.unused import subject_lines as unused_subject
from passdesk.formatting import format_date, format_timestamp
from passdesk.i18n import _

GROUPS = (ENTRY, EXIT, OUTSIDE, "stock")
NUMBERS = (COUNT, COUNT, EURO)


def _units() -> tuple[str, str, str]:
    return (_("booklets"), _("vouchers"), _("amount"))


def _triple(quantity: Quantity | None) -> list[Any]:
    if quantity is None:
        return [None, None, None]
    return [quantity.booklets, quantity.vouchers, quantity.amount]


def write_register_sheet(record: RegisterRecord, target: str | os.PathLike[str]) -> None:
    """The register's workbook: its movements (with the safe's balance after each), the
    serials by status at both ends, and the period's totals by kind of movement."""
    book = sheets.new_workbook()
    sheet = book.create_sheet(_("Register"))
    sheets.title_rows(
        sheet,
        _("Stock register of the régie"),
        [record.desk.name, *subject_lines(record), _made(record.made_at)],
    )
    titles = group_titles()
    header = sheets.header_row(
        sheet,
        [_("Date"), _("Movement"), _("Serials, receipts")]
        + [f"{titles[g]} – {unit}" for g in GROUPS for unit in _units()],
    )
    formats = [DATE, None, None, *(NUMBERS * len(GROUPS))]

    def row(day: Any, label: str, detail: str, values: dict[str, Quantity], bold: bool) -> None:
        cells = [day, label, detail]
        for group in GROUPS:
            cells += _triple(values.get(group))
        sheets.write_row(sheet, cells, formats, bold=bold)

    row(
        record.period_from,
        _("Opening balance on {date}").format(date=format_date(record.period_from)),
        "",
        {"stock": record.opening_stock},
        True,
    )
    for line in record.lines:
        row(
            line.day,
            line.label,
            line.detail,
            {line.effect: line.quantity, "stock": line.stock_after},
            False,
        )
    totals = {g: record.total(g) for g in (ENTRY, EXIT, OUTSIDE)}
    row(None, _("Totals of the period"), "", {**totals, "stock": record.closing_stock}, True)
    row(
        record.period_to,
        _("Closing balance on {date}").format(date=format_date(record.period_to)),
        "",
        {"stock": record.closing_stock},
        True,
    )
    sheets.freeze_below(sheet, header)
    sheets.autofit(sheet, skip_rows=header - 1)

    statuses = book.create_sheet(_("Statuses"))
    sheets.title_rows(statuses, _("Serials by status"), subject_lines(record))
    header = sheets.header_row(
        statuses,
        [_("Status")]
        + [
            f"{when} – {unit}"
            for when in (_("At the opening"), _("At the closing"))
            for unit in _units()
        ],
    )
    for line in record.statuses:
        sheets.write_row(
            statuses,
            [line.label, *_triple(line.opening), *_triple(line.closing)],
            [None, *NUMBERS, *NUMBERS],
        )
        if not line.has_booklets:  # vouchers only: no booklet is "used"
            statuses.cell(statuses.max_row, 2).value = None
            statuses.cell(statuses.max_row, 5).value = None
    sheets.freeze_below(statuses, header)
    sheets.autofit(statuses, skip_rows=header - 1)

    movements = book.create_sheet(_("Movements"))
    sheets.title_rows(movements, _("Movements of the period"), subject_lines(record))
    header = sheets.header_row(
        movements, [_("Movement"), _("Column"), *(u.capitalize() for u in _units())]
    )
    for movement in record.movements:
        sheets.write_row(
            movements,
            [movement.label, titles[movement.effect], *_triple(movement.quantity)],
            [None, None, *NUMBERS],
        )
    sheets.freeze_below(movements, header)
    sheets.autofit(movements, skip_rows=header - 1)
    sheets.save_workbook(book, target)


def write_unused_sheet(record: UnusedRecord, target: str | os.PathLike[str]) -> None:
    """The statement of unused value: quantities and value by status, each funder's credit."""
    book = sheets.new_workbook()
    sheet = book.create_sheet(_("Unused value"))
    sheets.title_rows(
        sheet,
        _("Statement of unused value"),
        [record.desk.name, *unused_subject(record), _made(record.as_of)],
    )
    header = sheets.header_row(sheet, [_("Status"), *(u.capitalize() for u in _units())])
    for label, quantity, bold in (
        (_("In stock"), record.in_stock, False),
        (_("Expired"), record.expired, False),
        (_("Unused value"), record.total, True),
    ):
        sheets.write_row(sheet, [label, *_triple(quantity)], [None, *NUMBERS], bold=bold)
    sheet.append([])
    sheets.header_row(sheet, [_("Funder"), _("Share (%)"), _("Credited back")])
    for credit in record.credits:
        sheets.write_row(
            sheet, [credit.funder, credit.percent, credit.amount], [None, PERCENT, EURO]
        )
    sheets.write_row(
        sheet,
        [_("Total"), sum(c.percent for c in record.credits), record.total.amount],
        [None, PERCENT, EURO],
        bold=True,
    )
    sheets.freeze_below(sheet, header)
    sheets.autofit(sheet, skip_rows=header - 1)
    # After the widths: the note runs across the row, its column need not be as wide.
    sheet.append([])
    sheet.append([record.rounding_note])
    sheets.save_workbook(book, target)


def _made(moment: datetime) -> str:
    return _("Made on {moment} by PassDesk").format(moment=format_timestamp(moment))
