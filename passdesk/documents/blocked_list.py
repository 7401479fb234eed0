"""The blocked list as CSV, as a French spreadsheet opens it with a double click.

Excel in French reads `;` as the separator, needs UTF-8 announced by a byte-order mark to show
accents, and expects Windows line ends; dates are written JJ/MM/AAAA. The file is written all
or nothing, like every document.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import date

from passdesk.documents.output import atomic_output
from passdesk.formatting import format_date
from passdesk.i18n import _


@dataclass(frozen=True, slots=True)
class BlockedLine:
    """One serial that must be refused: PassDesk's code, the operator's serial if any."""

    code: str
    operator_serial: str | None
    booklet_code: str
    status: str  # already in the reader's language
    reason: str
    since: date | None


def blocked_list_text(lines: list[BlockedLine]) -> str:
    """The CSV text (without its byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Voucher code"),
            _("Operator serial"),
            _("Booklet"),
            _("Status"),
            _("Reason"),
            _("Since"),
        ]
    )
    for line in lines:
        writer.writerow(
            [
                line.code,
                line.operator_serial or "",
                line.booklet_code,
                line.status,
                line.reason,
                format_date(line.since) if line.since is not None else "",
            ]
        )
    return buffer.getvalue()


def write_blocked_list(lines: list[BlockedLine], path: str | os.PathLike[str]) -> None:
    with atomic_output(path) as stream:
        stream.write(blocked_list_text(lines).encode("utf-8-sig"))
