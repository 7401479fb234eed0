"""Import the operator's usage file: each voucher used becomes USED, with its journal event.

Every row is either applied or listed as an anomaly with its reason, never both, never neither
(a hypothesis test checks it). Anomalies are counted by kind and exportable as CSV; none is
applied. The import is one transaction: a cancel, an unreadable row or any failure leaves the
register as it was. A file imported once is recognised by its SHA-256 and adds nothing the
second time; a row seen in an earlier file (its normalised hash is kept with the use) is an
"already imported" anomaly, not a second use.

A million rows must go through in seconds: the register is read once into compact arrays
(`usage_register`), the file's rows go through one loop with no object made per row (cells
read once per distinct value, codes as printed read on a fast path, anything else by
`codes.parse_code` with the declared operator formats, as every typed code is read), and writes
go in batches of plain statements (`usage_writer`). A voucher is recorded under PassDesk's code
whichever name the file gives it, so that its serial and its code are one voucher.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import InvalidInput, PassDeskError
from passdesk.i18n import _
from passdesk.models import UsageImport, UsageMapping
from passdesk.roles import Action
from passdesk.serials import ParsedSerial
from passdesk.services.base import Service, require
from passdesk.services.rows import Actor
from passdesk.services.usage_reading import (
    FIELDS,
    Cells,
    UsageFile,
    auto_mapping,
    file_hash,
    open_usage_file,
    place_key,
    row_hash,
    width_error,
)
from passdesk.services.usage_register import (
    EXPIRED,
    IN_STOCK,
    MISSING,
    STOLEN,
    USED,
    VOIDED,
    Programme,
    Register,
)
from passdesk.services.usage_results import (
    ANOMALIES,
    Anomaly,
    ImportCancelled,
    UsageImportResult,
)
from passdesk.services.usage_writer import UsageWriter

log = logging.getLogger(__name__)

BATCH = 10_000  # rows between progress reports, cancel checks and writes


class UsageImportService(Service):
    # --- mappings -------------------------------------------------------------------------

    def save_mapping(self, actor: Actor, name: str, columns: Mapping[str, str]) -> None:
        """Remember a column mapping under `name` (replacing one of that name)."""
        require(actor, Action.IMPORT_USAGE)
        name = name.strip()
        if not name or len(name) > 60:
            raise InvalidInput(_("Give the mapping a name (60 characters at most)."), field="name")
        missing = [f for f in FIELDS if not str(columns.get(f, "")).strip()]
        if missing:
            raise InvalidInput(
                _("Choose the file's column for every field (missing: {field}).").format(
                    field=missing[0]
                ),
                field="mapping",
            )
        clean = {f: str(columns[f]).strip() for f in FIELDS}
        now = self._now()

        def work(session: Session) -> None:
            found = session.scalar(select(UsageMapping).where(UsageMapping.name == name))
            if found is None:
                session.add(
                    UsageMapping(name=name, columns=clean, created_at=now, created_by=actor.id)
                )
            else:
                found.columns = clean

        self._db.transaction(work)

    def mappings(self) -> dict[str, dict[str, str]]:
        with self._db.read() as session:
            return {m.name: dict(m.columns) for m in session.scalars(select(UsageMapping))}

    def file_header(self, path: Path) -> tuple[str, ...]:
        """The file's column names, to choose a mapping from."""
        opened = open_usage_file(path)
        try:
            return tuple(str(h or "") for h in opened.header)
        finally:
            opened.close()

    # --- the import -----------------------------------------------------------------------

    def preview(
        self,
        path: Path,
        *,
        mapping: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> UsageImportResult:
        """What importing `path` would do; nothing is written."""
        digest = file_hash(path)
        with self._db.read() as session:
            done = self._already(session, digest, path)
            if done is not None:
                return done
            columns = self._columns(session, path, mapping)
            return self._run(session, path, columns, None, progress, cancel)

    def import_file(
        self,
        actor: Actor,
        path: Path,
        *,
        mapping: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> UsageImportResult:
        """Apply the file in one transaction; anomalies are listed, never applied."""
        require(actor, Action.IMPORT_USAGE)
        digest = file_hash(path)
        now = self._now()

        def work(session: Session) -> UsageImportResult:
            done = self._already(session, digest, path)
            if done is not None:
                return done
            columns = self._columns(session, path, mapping)
            record = UsageImport(
                file_hash=digest,
                file_name=Path(path).name[:260],
                imported_at=now,
                agent_id=actor.id,
                mapping_name=mapping,
                anomalies={},
            )
            session.add(record)
            session.flush()
            writer = UsageWriter(session, actor.id, record.id, now)
            result = self._run(session, path, columns, writer, progress, cancel)
            writer.finish()
            record.rows, record.applied, record.anomalies = (
                result.rows,
                result.applied,
                result.counts,
            )
            result.dry_run, result.import_id = False, record.id
            return result

        result = self._db.transaction(work)
        log.info(
            "agent %s imported usage file %s: %s rows, %s applied, %s anomalies",
            actor.id,
            result.import_id,
            result.rows,
            result.applied,
            len(result.anomalies),
        )
        return result

    @staticmethod
    def _already(session: Session, digest: str, path: Path) -> UsageImportResult | None:
        found = session.scalar(select(UsageImport).where(UsageImport.file_hash == digest))
        if found is None:
            return None
        return UsageImportResult(
            file_name=Path(path).name, already_imported_on=found.imported_at, dry_run=False
        )

    @staticmethod
    def _columns(session: Session, path: Path, mapping: str | None) -> dict[str, str]:
        opened = open_usage_file(path)
        try:
            header = opened.header
        finally:
            opened.close()
        if mapping:
            found = session.scalar(select(UsageMapping).where(UsageMapping.name == mapping))
            if found is None:
                raise InvalidInput(
                    _("No column mapping is called {name}.").format(name=mapping),
                    field="mapping",
                )
            return dict(found.columns)
        auto = auto_mapping(header)
        if auto is None:
            raise InvalidInput(
                _(
                    "PassDesk does not know this file's columns ({columns}): choose which column "
                    "holds the code, the date, the place and the amount, and give that mapping a "
                    "name (passdesk-admin usage mapping NAME ...)."
                ).format(columns=", ".join(str(h) for h in header)),
                field="mapping",
            )
        return auto

    def _run(
        self,
        session: Session,
        path: Path,
        columns: dict[str, str],
        writer: UsageWriter | None,
        progress: Callable[[int, int], None] | None,
        cancel: Callable[[], bool] | None,
    ) -> UsageImportResult:
        register = Register(session)
        result = UsageImportResult(file_name=Path(path).name, dry_run=writer is None)
        opened = open_usage_file(path)
        try:
            _scan(register, opened, columns, writer, result, progress, cancel)
        finally:
            opened.close()
        if cancel is not None and cancel():  # a cancel before the commit, even of a small file
            raise ImportCancelled()
        if progress is not None:
            progress(opened.total, opened.total)
        return result


def _scan(
    register: Register,
    opened: UsageFile,
    columns: dict[str, str],
    writer: UsageWriter | None,
    result: UsageImportResult,
    progress: Callable[[int, int], None] | None,
    cancel: Callable[[], bool] | None,
) -> None:
    """Every row of the file, applied or listed as an anomaly, in the order of ANOMALIES.

    The loop of a million rows: locals only, no object per row but the anomalies.
    """
    code_at, date_at, place_at, amount_at = opened.columns(columns)
    width = max(code_at, date_at, place_at, amount_at) + 1
    cells = Cells()
    days, amounts = cells.days, cells.amounts
    places: dict[Any, tuple[str, tuple[int, bool] | None]] = {}
    printed = register.printed_voucher
    handout_day = register.handout_day
    anomalies, applied_lines = result.anomalies, result.applied_lines
    add = writer.add if writer is not None else None
    rows = applied = 0
    next_report = BATCH
    for line, row in opened.body:
        if len(row) < width:
            error = width_error(line, row, width)
            if error is None:
                continue  # a blank line
            raise error
        rows += 1
        if rows == next_report:
            next_report += BATCH
            if cancel is not None and cancel():
                raise ImportCancelled()
            if progress is not None:
                progress(opened.done(), opened.total)
            if writer is not None:
                writer.flush()
        text = row[code_at]
        if text.__class__ is not str:  # a spreadsheet's number or empty cell
            text = str(text or "")
        day = days.get(row[date_at]) or cells.day(line, row[date_at])
        amount = amounts.get(row[amount_at]) or cells.amount(line, row[amount_at])
        found = printed(text) or _read_code(register, line, text)
        if found.__class__ is Anomaly:
            anomalies.append(found)
            continue
        programme, number, canonical = found
        status = programme.status[number]
        kind, detail = None, ""
        if status == VOIDED:
            kind = "voided"
        elif status == STOLEN:
            kind = "stolen"
        elif status == IN_STOCK:
            kind = "not_handed_out"
        elif programme.seen[number]:  # an earlier row of this file used it
            kind = "used_twice"
        if kind is None:
            cell = row[place_at]
            place = places.get(cell)
            if place is None:
                key = place_key(cell)
                place = places[cell] = (key, register.places.get(key) if key else None)
            hashed = row_hash(canonical, day.iso, place[0], amount.key)
            handed = handout_day.get(programme.booklet[number])
            if status == USED:  # an earlier file did: the same row again, or a second use
                same = register.use_hash(programme.ids[number]) == hashed
                kind = "already_imported" if same else "used_twice"
            elif handed is not None and day.ordinal < handed:
                kind, detail = "before_handout", date.fromordinal(handed).isoformat()
            elif status == EXPIRED or day.ordinal > programme.last_day:
                kind = "after_validity"
            elif amount.value != programme.face_value:
                kind, detail = "wrong_amount", str(programme.face_value)
            elif place[1] is None:
                kind, detail = "unknown_place", str(cell or "").strip()
            elif not place[1][1]:
                kind, detail = "place_outside", str(cell or "").strip()
            else:
                programme.seen[number] = 1
                applied += 1
                applied_lines.append(line)
                if add is not None:
                    add(programme.id, programme.booklet[number], programme.ids[number],
                        canonical, day, place[1][0], str(amount.value), hashed)  # fmt: skip
                continue
        anomalies.append(Anomaly(line, text, kind, detail))
    result.rows, result.applied = rows, applied


def _read_code(register: Register, line: int, text: str) -> tuple[Programme, int, str] | Anomaly:
    """A code off the fast path, read by `codes.parse_code` with the operator formats the
    register declares (as `serial_formats.read_code` reads a typed code, the formats read once
    for the whole file): the voucher, or why not."""
    try:
        parsed = codes.parse_code(text, register.formats)
    except PassDeskError as error:
        return Anomaly(line, text, "invalid_code", error.message)
    if isinstance(parsed, ParsedSerial):
        found = register.serial_voucher(parsed)
        if found is None:
            return Anomaly(line, text, "unknown_code")
        programme, number = found
        return programme, number, codes.voucher_code(programme.code, number)
    programme = register.programmes.get(parsed.programme_code)
    number = parsed.number
    if (
        parsed.kind != codes.VOUCHER
        or programme is None
        or number >= len(programme.status)
        or programme.status[number] == MISSING
    ):
        return Anomaly(line, text, "unknown_code")
    return programme, number, parsed.code


def import_usage_job(
    url: str,
    actor: Actor,
    path: Path,
    mapping: str | None,
    dry_run: bool,
    *,
    progress: Callable[[int, int], None],
    cancel: Callable[[], bool],
) -> UsageImportResult:
    """The import in a child process (passdesk.jobs), so the window stays responsive."""
    from passdesk.store import open_database

    db = open_database(url)
    db.desk_id = actor.desk_id  # the process works for the actor's desk, as the window did
    try:
        service = UsageImportService(db)
        if dry_run:
            return service.preview(path, mapping=mapping, progress=progress, cancel=cancel)
        return service.import_file(actor, path, mapping=mapping, progress=progress, cancel=cancel)
    finally:
        db.close()


__all__ = ["ANOMALIES", "Anomaly", "ImportCancelled", "UsageImportResult", "UsageImportService"]
