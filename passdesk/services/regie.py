"""The public accountant's papers of the régie: the stock register of a period and the statement
of unused value, gathered (`regie_register`, `unused_value`) and written as PDF or XLSX.

The file's extension chooses the format; a file appears at its path only once complete.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from passdesk.documents.regie import render_register
from passdesk.documents.regie_records import RegisterRecord, UnusedRecord
from passdesk.documents.regie_sheet import write_register_sheet, write_unused_sheet
from passdesk.documents.unused import render_unused
from passdesk.errors import InvalidInput
from passdesk.i18n import _
from passdesk.services import unused_value
from passdesk.services.base import Service
from passdesk.services.regie_register import build_register, checked_period

log = logging.getLogger(__name__)

DOCUMENT_FORMATS = ("pdf", "xlsx")


def document_format(path: str | Path) -> str:
    """ "pdf" or "xlsx", from the file name's extension; anything else is refused in French."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in DOCUMENT_FORMATS:
        raise InvalidInput(
            _(
                "The file name {name} must end in .pdf (to print) or .xlsx (for a spreadsheet)."
            ).format(name=Path(path).name),
            field="path",
        )
    return suffix


class RegieService(Service):
    def register(
        self, programme_code: str, period_from: date | str, period_to: date | str
    ) -> RegisterRecord:
        """The register of `programme_code` from `period_from` to `period_to` (both included)."""
        first, last = checked_period(period_from, period_to)
        made_at = self._now()
        with self._db.read() as session:
            return build_register(session, programme_code, first, last, made_at)

    def write_register(
        self,
        programme_code: str,
        period_from: date | str,
        period_to: date | str,
        path: str | Path,
    ) -> RegisterRecord:
        """The register written to `path` (.pdf or .xlsx); returns what was written."""
        kind = document_format(path)
        record = self.register(programme_code, period_from, period_to)
        if kind == "pdf":
            render_register(record, path)
        else:
            write_register_sheet(record, path)
        log.info(
            "register of %s from %s to %s written as %s (%s lines)",
            record.programme.code,
            record.period_from,
            record.period_to,
            kind,
            len(record.lines),
        )
        return record

    def unused(self, programme_code: str) -> UnusedRecord:
        """What is left unused of a programme (in stock or expired), and each funder's credit."""
        with self._db.read() as session:
            return unused_value.statement(session, programme_code, self._now())

    def write_unused(self, programme_code: str, path: str | Path) -> UnusedRecord:
        """The statement of unused value written to `path` (.pdf or .xlsx)."""
        kind = document_format(path)
        record = self.unused(programme_code)
        if kind == "pdf":
            render_unused(record, path)
        else:
            write_unused_sheet(record, path)
        log.info("statement of unused value of %s written as %s", record.programme.code, kind)
        return record
