"""Import the operator's usage file: each voucher used becomes USED, with its journal event.

Every row is either applied or listed as an anomaly with its reason, never both, never neither
(a hypothesis test checks it). Anomalies are counted by kind and exportable as CSV; none is
applied. The import is one transaction: a cancel, an unreadable row or any failure leaves the
register as it was. A file imported once is recognised by its SHA-256 and adds nothing the
second time; a row seen in an earlier file (its normalised hash is kept with the use) is an
"already imported" anomaly, not a second use.

A million rows must go through in seconds, so the register is read once into compact arrays
(each programme's vouchers by number: id, status; each booklet's handout day), codes are read
with `codes.parse_code` (the one parser), and writes go in batches of plain statements.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.errors import InvalidInput, PassDeskError
from passdesk.i18n import _
from passdesk.models import (
    EventKind,
    LedgerHead,
    Place,
    UsageImport,
    UsageMapping,
)
from passdesk.roles import Action
from passdesk.services import ledger
from passdesk.services.base import Service, require
from passdesk.services.rows import Actor
from passdesk.services.usage_reading import (
    FIELDS,
    UsageRow,
    auto_mapping,
    file_hash,
    open_usage_file,
    row_hash,
)
from passdesk.services.usage_results import (
    ANOMALIES,
    Anomaly,
    ImportCancelled,
    UsageImportResult,
)

log = logging.getLogger(__name__)

BATCH = 5000
# Voucher statuses as the arrays hold them.
_IN_STOCK, _HANDED_OUT, _USED, _VOIDED, _EXPIRED, _STOLEN, _MISSING = range(7)
_STATUS = {"in_stock": _IN_STOCK, "handed_out": _HANDED_OUT, "used": _USED, "voided": _VOIDED,
           "expired": _EXPIRED}  # fmt: skip


@dataclass
class _Programme:
    id: int
    face_value: Any
    last_day: int  # valid_until, as a date ordinal
    ids: array  # voucher id by number (0: none)
    status: bytearray  # _STATUS by number
    booklet: array  # booklet id by number
    seen: bytearray  # used by an earlier row of this file


class _Register:
    """The register as a usage import needs it, read once, in compact arrays."""

    def __init__(self, session: Session) -> None:
        connection = session.connection()
        self.programmes: dict[str, _Programme] = {}
        for pid, code, face, until in connection.execute(
            text("SELECT id, code, face_value, valid_until FROM programme")
        ):
            top = (
                connection.execute(
                    text("SELECT max(number) FROM voucher WHERE programme_id = :p"), {"p": pid}
                ).scalar()
                or 0
            )
            self.programmes[code] = _Programme(
                pid,
                _decimal(face),
                _day(until),
                array("q", bytes(8 * (top + 1))),
                bytearray([_MISSING]) * (top + 1),
                array("q", bytes(8 * (top + 1))),
                bytearray(top + 1),
            )
        by_id = {p.id: p for p in self.programmes.values()}
        raw = connection.connection.driver_connection
        cursor = raw.cursor()
        cursor.execute(
            "SELECT programme_id, number, id, status, void_reason, booklet_id FROM voucher"
        )
        while chunk := cursor.fetchmany(50_000):
            for pid, number, vid, status, reason, booklet in chunk:
                p = by_id[pid]
                p.ids[number] = vid
                p.booklet[number] = booklet
                p.status[number] = _STOLEN if reason == "stolen" else _STATUS[status]
        # Each booklet's live handout day (the latest handout not cancelled), local calendar.
        self.handout_day: dict[int, int] = {}
        cursor.execute(
            "SELECT hb.booklet_id, max(h.created_at) FROM handout_booklet hb "
            "JOIN handout h ON h.id = hb.handout_id WHERE h.cancelled_at IS NULL "
            "GROUP BY hb.booklet_id"
        )
        for booklet, created in cursor.fetchall():
            moment = created if isinstance(created, datetime) else datetime.fromisoformat(created)
            self.handout_day[booklet] = moment.replace(tzinfo=UTC).astimezone().toordinal()
        cursor.execute("SELECT voucher_id, row_hash FROM voucher_use")
        self.use_hash: dict[int, str] = dict(cursor.fetchall())
        cursor.close()
        self.places: dict[str, tuple[int, bool]] = {}
        for pid, external, siret, active in session.execute(
            select(Place.id, Place.external_id, Place.siret, Place.active)
        ):
            for key in (str(pid), external, siret):
                if key:
                    self.places.setdefault(key.strip().upper(), (pid, bool(active)))


def _decimal(value: Any) -> Any:
    from decimal import Decimal

    return Decimal(str(value)).quantize(Decimal("0.01"))


def _day(value: Any) -> int:
    if isinstance(value, str):
        return datetime.fromisoformat(value).date().toordinal()
    return value.toordinal()


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
            writer = _Writer(session, actor.id, record.id, now)
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
        writer: _Writer | None,
        progress: Callable[[int, int], None] | None,
        cancel: Callable[[], bool] | None,
    ) -> UsageImportResult:
        register = _Register(session)
        result = UsageImportResult(file_name=Path(path).name, dry_run=writer is None)
        opened = open_usage_file(path)
        try:
            for row in opened.rows(columns):
                result.rows += 1
                anomaly = self._check(register, row, writer)
                if anomaly is None:
                    result.applied += 1
                    result.applied_lines.append(row.line)
                else:
                    result.anomalies.append(anomaly)
                if result.rows % BATCH == 0:
                    if cancel is not None and cancel():
                        raise ImportCancelled()
                    if progress is not None:
                        progress(opened.done(), opened.total)
                    if writer is not None:
                        writer.flush()
        finally:
            opened.close()
        if progress is not None:
            progress(opened.total, opened.total)
        return result

    @staticmethod
    def _check(register: _Register, row: UsageRow, writer: _Writer | None) -> Anomaly | None:
        """The row's anomaly, or None once it is applied (or would be, previewing)."""
        try:
            parsed = codes.parse_code(row.code)
        except PassDeskError as error:
            return Anomaly(row.line, row.code, "invalid_code", error.message)
        programme = register.programmes.get(parsed.programme_code)
        number = parsed.number
        if (
            parsed.kind != codes.VOUCHER
            or programme is None
            or number >= len(programme.status)
            or programme.status[number] == _MISSING
        ):
            return Anomaly(row.line, row.code, "unknown_code")
        status = programme.status[number]
        voucher_id = programme.ids[number]
        canonical = parsed.code  # computed from the check digits: read it once
        hashed = row_hash(canonical, row.used, row.place, row.amount)
        if status == _VOIDED:
            return Anomaly(row.line, row.code, "voided")
        if status == _STOLEN:
            return Anomaly(row.line, row.code, "stolen")
        if status == _IN_STOCK:
            return Anomaly(row.line, row.code, "not_handed_out")
        if programme.seen[number]:  # an earlier row of this file used it
            return Anomaly(row.line, row.code, "used_twice")
        if status == _USED:  # an earlier file did: the same row again, or a second use
            same = register.use_hash.get(voucher_id) == hashed
            return Anomaly(row.line, row.code, "already_imported" if same else "used_twice")
        day = row.used.toordinal()
        handed = register.handout_day.get(programme.booklet[number])
        if handed is not None and day < handed:
            return Anomaly(
                row.line,
                row.code,
                "before_handout",
                datetime.fromordinal(handed).date().isoformat(),
            )
        if status == _EXPIRED or day > programme.last_day:
            return Anomaly(row.line, row.code, "after_validity")
        if row.amount != programme.face_value:
            return Anomaly(row.line, row.code, "wrong_amount", str(programme.face_value))
        place = register.places.get(row.place.upper()) if row.place else None
        if place is None:
            return Anomaly(row.line, row.code, "unknown_place", row.place)
        if not place[1]:
            return Anomaly(row.line, row.code, "place_outside", row.place)
        programme.seen[number] = 1
        if writer is not None:
            writer.add(programme, number, voucher_id, canonical, row, place[0], hashed)
        return None


class _Writer:
    """The writes of one import, batched: voucher status, its use, its journal event."""

    def __init__(self, session: Session, agent_id: int, import_id: int, now: datetime) -> None:
        self.session = session
        self.agent_id = agent_id
        self.import_id = import_id
        self.now = now
        ledger.ensure_head(session)
        head = session.scalars(select(LedgerHead).where(LedgerHead.id == 1).with_for_update()).one()
        self.head = head
        self.last_id, self.last_hash = head.last_id, head.last_hash
        dialect = session.connection().dialect
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.sqlite = dialect.name == "sqlite"
        self.at = self._when(now)
        self.vouchers: list[tuple[Any, ...]] = []
        self.uses: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []

    def add(
        self,
        programme: _Programme,
        number: int,
        voucher_id: int,
        code: str,
        row: UsageRow,
        place_id: int,
        hashed: str,
    ) -> None:
        used = self._when(row.used.astimezone(UTC))  # the desk's local time, made aware
        self.vouchers.append((used, voucher_id))
        self.uses.append((voucher_id, used, place_id, str(row.amount), self.import_id, hashed))
        self.last_id += 1
        event = ledger.event_values(
            self.last_id,
            self.last_hash,
            at=self.now,
            agent_id=self.agent_id,
            kind=EventKind.USED,
            programme_id=programme.id,
            booklet_id=programme.booklet[number],
            voucher_id=voucher_id,
            details={"code": code, "import": self.import_id, "place": place_id,
                     "used_on": row.used.date().isoformat()},
        )  # fmt: skip
        self.last_hash = event["hash"]
        self.events.append(
            (event["id"], self.at, event["agent_id"], event["kind"], event["programme_id"],
             event["booklet_id"], event["voucher_id"], None, event["details"],
             event["prev_hash"], event["hash"])
        )  # fmt: skip

    def _when(self, moment: datetime) -> Any:
        """A moment as `UTCDateTime` stores it (naive UTC; text on SQLite), for raw SQL."""
        naive = moment.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(" ", "microseconds") if self.sqlite else naive

    def flush(self) -> None:
        """Write what was added, as three plain executemany (SQLAlchemy's per-row parameter
        processing cost more than the statements themselves)."""
        if not self.vouchers:
            return
        connection = self.session.connection()
        marks = lambda n: ", ".join([self.mark] * n)  # noqa: E731
        connection.exec_driver_sql(
            f"UPDATE voucher SET status = 'used', used_at = {self.mark} WHERE id = {self.mark}",
            self.vouchers,
        )
        connection.exec_driver_sql(
            "INSERT INTO voucher_use (voucher_id, used_at, place_id, amount, import_id, "
            f"row_hash) VALUES ({marks(6)})",
            self.uses,
        )
        connection.exec_driver_sql(
            "INSERT INTO ledger_event (id, at, agent_id, kind, programme_id, booklet_id, "
            f"voucher_id, handout_id, details, prev_hash, hash) VALUES ({marks(11)})",
            self.events,
        )
        self.vouchers, self.uses, self.events = [], [], []

    def finish(self) -> None:
        self.flush()
        self.head.last_id, self.head.last_hash = self.last_id, self.last_hash


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
    try:
        service = UsageImportService(db)
        if dry_run:
            return service.preview(path, mapping=mapping, progress=progress, cancel=cancel)
        return service.import_file(actor, path, mapping=mapping, progress=progress, cancel=cancel)
    finally:
        db.close()


__all__ = ["ANOMALIES", "Anomaly", "ImportCancelled", "UsageImportResult", "UsageImportService"]
