"""The funder's report as CSV files for French spreadsheets, one per table, in one .zip.

`;` between fields, a decimal comma and no thousands separator (French Excel reads "1234,50"
as a number), dates as 31/12/2026, Windows line ends; UTF-8 with a byte order mark so Excel
recognises it, or Windows-1252 for older software (a character it lacks becomes "?"). A .zip
because a report is a dozen tables that travel together by e-mail, and because one file can be
written all or nothing.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from passdesk.documents._blocks import desk_one_line
from passdesk.documents.output import atomic_output
from passdesk.documents.report_record import Hidden, Kind, ReportRecord, Table
from passdesk.i18n import _

# A fixed date for the zip's entries: the same report makes the same bytes.
ENTRY_TIME = (2020, 1, 1, 0, 0, 0)


def csv_text(value: Any, kind: Kind = Kind.TEXT) -> str:
    """One cell as a French spreadsheet reads it."""
    if value is None:
        return ""
    if isinstance(value, Hidden):
        return value.mark
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if kind is Kind.MONTH and isinstance(value, date):
        return value.strftime("%m/%Y")
    if isinstance(value, datetime):
        return value.astimezone().strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        text = f"{value:.2f}" if kind is Kind.MONEY else f"{value.normalize():f}"
        return text.replace(".", ",")
    return str(value)


def csv_bytes(rows: Iterable[Sequence[str]], encoding: str) -> bytes:
    """Rows as CSV with `;`, CRLF line ends, in `encoding` ("utf-8-sig" writes the BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def table_rows(table: Table) -> list[list[str]]:
    kinds = [c.kind for c in table.columns]
    rows = [[c.title for c in table.columns]]
    for values in (*table.rows, *((table.total,) if table.total is not None else ())):
        rows.append([csv_text(v, k) for v, k in zip(values, kinds, strict=True)])
    return rows


def file_names(record: ReportRecord) -> list[str]:
    """The files of the .zip, in order: the report's identity, each table, the method."""
    return [
        "00-report.csv",
        *(f"{i:02d}-{t.key}.csv" for i, t in enumerate(record.all_tables, start=1)),
        f"{len(record.all_tables) + 1:02d}-method.csv",
    ]


def _identity(record: ReportRecord) -> list[list[str]]:
    rows = [
        [_("Report"), record.title],
        [_("Desk"), desk_one_line(record.desk)],
        [_("From"), csv_text(record.start)],
        [_("To"), csv_text(record.end)],
        [_("Made on"), csv_text(record.generated_at)],
    ]
    rows += [[_("Covers"), line] for line in record.scope]
    rows.append([_("Hidden cells"), record.disclosure])
    return rows


def _method(record: ReportRecord) -> list[list[str]]:
    rows = [[_("Figure"), _("How it is computed")]]
    rows += [[m.figure, m.how] for m in record.methods]
    rows += [[t.title, t.note] for t in record.tables if t.note]
    return rows


def write_report_csv(
    record: ReportRecord, target: str | os.PathLike[str], *, encoding: str = "utf-8-sig"
) -> None:
    """Write the .zip of CSV files; all or nothing at `target`."""
    names = file_names(record)
    contents = [_identity(record), *(table_rows(t) for t in record.all_tables), _method(record)]
    with atomic_output(target) as stream, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as z:
        for name, rows in zip(names, contents, strict=True):
            entry = zipfile.ZipInfo(name, ENTRY_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, csv_bytes(rows, encoding))


def write_csv(
    rows: Iterable[Sequence[str]], target: str | os.PathLike[str], *, encoding: str = "utf-8-sig"
) -> None:
    """One CSV file of `rows` (already text), as the tables are written; all or nothing."""
    with atomic_output(target) as stream:
        stream.write(csv_bytes(rows, encoding))
