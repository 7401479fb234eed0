"""What a usage import reports: its anomaly kinds, each anomaly, the result with its counts
and the CSV export of the anomalies (the window and the console show these)."""

from __future__ import annotations

import csv
from array import array
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from passdesk.errors import Refused
from passdesk.formatting import format_number, format_timestamp
from passdesk.i18n import N_, _

# Anomaly kinds, in the order a row is checked; the first that applies is the row's.
ANOMALIES: dict[str, str] = {
    "invalid_code": N_("code unreadable or check digits wrong"),
    "unknown_code": N_("code unknown to this desk"),
    "voided": N_("voucher voided"),
    "stolen": N_("voucher reported stolen"),
    "not_handed_out": N_("voucher never handed out"),
    "already_imported": N_("already imported"),
    "used_twice": N_("voucher used twice"),
    "before_handout": N_("used before it was handed out"),
    "after_validity": N_("used after its validity"),
    "wrong_amount": N_("amount different from the face value"),
    "unknown_place": N_("place unknown"),
    "place_outside": N_("place outside the directory"),
}


class ImportCancelled(Refused):
    def __init__(self) -> None:
        super().__init__(_("The import was cancelled: nothing was recorded."))


@dataclass(frozen=True)
class Anomaly:
    line: int
    code: str
    kind: str
    detail: str = ""

    @property
    def label(self) -> str:
        return _(ANOMALIES[self.kind])


@dataclass
class UsageImportResult:
    """What an import did (or, previewed, would do)."""

    file_name: str
    rows: int = 0
    applied: int = 0
    anomalies: list[Anomaly] = field(default_factory=list)
    applied_lines: array = field(default_factory=lambda: array("I"))
    already_imported_on: datetime | None = None
    dry_run: bool = True
    import_id: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for anomaly in self.anomalies:
            found[anomaly.kind] = found.get(anomaly.kind, 0) + 1
        return {kind: found[kind] for kind in ANOMALIES if kind in found}

    def lines(self, shown: int = 20) -> list[str]:
        """The outcome in sentences: counts, each kind, the first `shown` anomalies."""
        if self.already_imported_on is not None:
            return [
                _("This file was already imported on {date}: nothing was added.").format(
                    date=format_timestamp(self.already_imported_on)
                )
            ]
        template = (
            _("{rows} rows read: {applied} would be recorded, {anomalies} anomalies.")
            if self.dry_run
            else _("{rows} rows read: {applied} vouchers recorded as used, {anomalies} anomalies.")
        )
        lines = [
            template.format(
                rows=format_number(self.rows),
                applied=format_number(self.applied),
                anomalies=format_number(len(self.anomalies)),
            )
        ]
        lines += [f"  {_(ANOMALIES[k])}: {format_number(n)}" for k, n in self.counts.items()]
        lines += [
            _("Line {line}: {code} — {reason}").format(line=a.line, code=a.code, reason=a.label)
            for a in self.anomalies[:shown]
        ]
        if len(self.anomalies) > shown:
            lines.append(
                _("… and {more} more (export the anomalies to see them all).").format(
                    more=format_number(len(self.anomalies) - shown)
                )
            )
        return lines

    def write_anomalies(self, path: Path) -> Path:
        """The anomalies as CSV (line; code; kind; reason; detail) for the operator."""
        with Path(path).open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream, delimiter=";")
            writer.writerow((_("line"), _("code"), _("anomaly"), _("reason"), _("detail")))
            for a in self.anomalies:
                writer.writerow((a.line, a.code, a.kind, a.label, a.detail))
        return Path(path)
