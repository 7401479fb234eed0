"""Tables written for people to open in a spreadsheet: CSV (semicolons, UTF-8 with BOM, as
French Excel reads it) or XLSX (openpyxl), chosen by the file name; all or nothing."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from passdesk.documents.output import atomic_output


def _cell(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_rows(
    path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Path:
    """Write `header` then `rows` to `path` (.xlsx, else CSV); the old file stays on error."""
    target = Path(path)
    with atomic_output(target) as stream:
        if target.suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet()
            sheet.append(list(header))
            for row in rows:
                sheet.append([_cell(v) for v in row])
            book.save(stream)
        else:
            text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
            writer = csv.writer(text, delimiter=";")
            writer.writerow(header)
            for row in rows:
                writer.writerow(
                    [v.isoformat() if isinstance(v, date | datetime) else v for v in row]
                )
            text.flush()
            text.detach()
    return target
