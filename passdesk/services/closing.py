"""The daily closing: the agent counts the booklets in the safe, PassDesk compares them with the
register and records the closing for good, as a journal event whose hash its sheet prints.

Two ways to count: scan every booklet (each serial is then compared: missing from the safe,
found but not in stock in the register, unknown to this desk), or type how many booklets of
each programme are in the safe (only the numbers are compared). A code is read as every typed
code is (`finding.find_by_code`): PassDesk's codes and the operator serials of delivered lots.
Differences need an explanation. A closing is never changed; a second closing of the same day
is a correction that points at the day's first one. The written explanation stays in the
closing's row, which the journal does not hold as free text: the event keeps its SHA-256, so it
cannot be rewritten unseen either.

The safe is expected to hold the booklets in stock that exist on paper (`on_paper`: delivered,
or printed here at least once), the booklets "next booklet" may hand out: a print-on-site
booklet never printed is a number of the allocation, not a thing in the safe. The régie
register counts values by the register's status, so its "in stock" still holds those numbers
(the régie answers for the whole allocation received, and its balances must equal the booklet
table's): the closing's expected count is the register's stock less the booklets not printed.

Several desks share a database (issue 13): a desk's safe holds the booklets it holds
(`booklet.desk_id`), and a booklet of another desk found in it is not ours, a difference listed
with the codes unknown to this desk. Each desk closes its own day.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passdesk.documents.closing_sheet import render_closing
from passdesk.documents.output import StagedOutput
from passdesk.documents.regie_records import ClosingCount, ClosingRecord, MisplacedBooklet
from passdesk.errors import InvalidInput, NotFound
from passdesk.i18n import _, ngettext
from passdesk.models import (
    Agent,
    Booklet,
    BookletStatus,
    DailyClosing,
    Desk,
    EventKind,
    Programme,
)
from passdesk.roles import Action
from passdesk.services import ledger, serial_formats
from passdesk.services.base import Service, desk_id_in, desk_of, local_date, require
from passdesk.services.finding import find_by_code
from passdesk.services.handout_reading import on_paper
from passdesk.services.print_lines import desk_line
from passdesk.services.rows import Actor
from passdesk.services.stock import status_label
from passdesk.store import after_commit

log = logging.getLogger(__name__)

SCANNED, COUNTED = "scanned", "counted"


@dataclass(frozen=True)
class ScannedBooklet:
    """A code scanned in the safe, read and looked up: its booklet, or unknown to this desk."""

    code: str  # the booklet's code as the register writes it (the code itself when unknown)
    programme_code: str
    status: str | None  # the booklet's status in the register; None when unknown


@dataclass(frozen=True)
class ExpectedStock:
    """What the register holds in stock now: per programme code, its name and its booklets."""

    names: Mapping[str, str]
    booklets: Mapping[str, frozenset[str]]

    def count(self, programme_code: str) -> int:
        return len(self.booklets.get(programme_code, ()))


@dataclass(frozen=True)
class ClosingComparison:
    """The safe against the register, as the closing would record it."""

    mode: str
    counts: tuple[ClosingCount, ...]
    missing: tuple[str, ...] = ()
    not_in_stock: tuple[tuple[str, str], ...] = ()  # (code, the register's status value)
    unknown: tuple[str, ...] = ()

    @property
    def has_differences(self) -> bool:
        return bool(
            self.missing
            or self.not_in_stock
            or self.unknown
            or any(c.difference for c in self.counts)
        )


def compare_scanned(
    expected: ExpectedStock, scanned: Sequence[ScannedBooklet]
) -> ClosingComparison:
    """Every scanned booklet against the register's stock, serial by serial."""
    found: dict[str, ScannedBooklet] = {}
    for booklet in scanned:
        found.setdefault(booklet.code, booklet)
    known = [b for b in found.values() if b.status is not None]
    counted: dict[str, int] = {}
    for booklet in known:
        counted[booklet.programme_code] = counted.get(booklet.programme_code, 0) + 1
    # Programmes with booklets in stock, or with booklets found in the safe.
    stocked = {p for p, booklets in expected.booklets.items() if booklets}
    programmes = sorted(set(expected.names) & (stocked | set(counted)))
    missing = sorted(
        code
        for programme in expected.booklets
        for code in expected.booklets[programme]
        if code not in found
    )
    return ClosingComparison(
        SCANNED,
        tuple(
            ClosingCount(p, expected.names[p], expected.count(p), counted.get(p, 0))
            for p in programmes
        ),
        tuple(missing),
        tuple(
            (b.code, b.status or "")
            for b in sorted(known, key=lambda b: b.code)
            if b.status != BookletStatus.IN_STOCK.value
        ),
        tuple(sorted(b.code for b in found.values() if b.status is None)),
    )


def compare_counts(expected: ExpectedStock, counts: Mapping[str, int]) -> ClosingComparison:
    """The numbers typed per programme against the register's stock."""
    given = {code.strip().upper(): n for code, n in counts.items()}
    unknown = sorted(set(given) - set(expected.names))
    if unknown:
        raise NotFound(
            _("No programme with the code {code}.").format(code=", ".join(unknown)),
            field="counts",
        )
    negative = sorted(code for code, n in given.items() if n < 0)
    if negative:
        raise InvalidInput(
            _("A count cannot be negative ({code}).").format(code=", ".join(negative)),
            field="counts",
        )
    forgotten = sorted(p for p, b in expected.booklets.items() if b and p not in given)
    if forgotten:
        raise InvalidInput(
            ngettext(
                "Give the count of the programme {codes}: it has booklets in stock.",
                "Give the count of the programmes {codes}: they have booklets in stock.",
                len(forgotten),
            ).format(codes=", ".join(forgotten)),
            field="counts",
        )
    programmes = sorted(p for p in expected.names if p in given or expected.count(p))
    return ClosingComparison(
        COUNTED,
        tuple(
            ClosingCount(p, expected.names[p], expected.count(p), given.get(p, 0))
            for p in programmes
        ),
    )


def read_expected(session: Session, desk_id: int) -> ExpectedStock:
    """The booklets the desk's safe should hold: in stock and on paper (see the module's
    docstring)."""
    names = dict(session.execute(select(Programme.code, Programme.name)).all())
    booklets: dict[str, set[str]] = {code: set() for code in names}
    for programme_code, code in session.execute(
        select(Programme.code, Booklet.code)
        .join(Programme, Programme.id == Booklet.programme_id)
        .where(Booklet.status == BookletStatus.IN_STOCK, Booklet.desk_id == desk_id, on_paper())
    ):
        booklets[programme_code].add(code)
    return ExpectedStock(names, {p: frozenset(b) for p, b in booklets.items()})


def identify_code(session: Session, text: str, desk_id: int) -> ScannedBooklet:
    """A scanned or typed code, or operator serial, read by the one parser (a typo is refused
    by its check digits), then its booklet; a valid code this desk never received, or a
    booklet another desk holds, is kept as unknown (not ours)."""
    try:
        found = find_by_code(session, text)
    except NotFound:
        parsed = serial_formats.read_code(session, text)
        return ScannedBooklet(parsed.code, getattr(parsed, "programme_code", ""), None)
    if found.booklet.desk_id != desk_id:
        return ScannedBooklet(found.booklet.code, found.programme.code, None)
    return ScannedBooklet(found.booklet.code, found.programme.code, found.booklet.status.value)


def _check_sheet_path(path: str | Path) -> None:
    if Path(path).suffix.lower() != ".pdf":
        raise InvalidInput(
            _("The closing sheet is a PDF: its file name must end in .pdf."), field="path"
        )


def _publish(staged: StagedOutput, pdf: bytes) -> None:
    staged.stream.write(pdf)
    staged.publish()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ClosingService(Service):
    def expected(self) -> ExpectedStock:
        """The booklets in stock per programme, as the register holds them now."""
        with self._db.read() as session:
            return read_expected(session, desk_id_in(session))

    def identify(self, text: str) -> ScannedBooklet:
        """One scanned code, checked and looked up (InvalidCode for a typo)."""
        with self._db.read() as session:
            return identify_code(session, text, desk_id_in(session))

    def read_code(self, text: str) -> str:
        """A scanned code or operator serial as the parser reads it (InvalidCode for a typo),
        nothing looked up: the console checks a file of scans line by line with it."""
        with self._db.read() as session:
            return serial_formats.read_code(session, text).code

    def close_day(
        self,
        actor: Actor,
        *,
        scanned: Sequence[str] | None = None,
        counts: Mapping[str, int] | None = None,
        explanation: str = "",
        sheet: str | Path | None = None,
    ) -> ClosingRecord:
        """Record today's closing from the scanned codes or the counts per programme; with
        `sheet`, its PDF appears there once the closing has committed."""
        require(actor, Action.CLOSE_DAY)
        if sheet is not None:
            _check_sheet_path(sheet)
        if (scanned is None) == (counts is None):
            raise InvalidInput(
                _("Scan the booklets in the safe, or give the count of each programme."),
                field="counts",
            )
        for text in scanned or ():
            self.read_code(text)  # every code's check digits before anything is read
        explanation = (explanation or "").strip()
        now = self._now()
        day = local_date(now)

        def work(session: Session) -> ClosingRecord:
            desk_id = actor.desk_id
            expected = read_expected(session, desk_id)
            if scanned is not None:
                comparison = compare_scanned(
                    expected, [identify_code(session, text, desk_id) for text in scanned]
                )
            else:
                comparison = compare_counts(expected, counts or {})
            first = session.scalars(
                select(DailyClosing)
                .where(DailyClosing.day == day, DailyClosing.desk_id == desk_id)
                .order_by(DailyClosing.id)
                .limit(1)
            ).first()
            if comparison.has_differences and not explanation:
                raise InvalidInput(
                    _("The safe and the register differ: explain the differences."),
                    field="explanation",
                )
            if first is not None and not explanation:
                raise InvalidInput(
                    _("Today is already closed: say why this closing corrects it."),
                    field="explanation",
                )
            details = self._details(day.isoformat(), comparison, explanation, first)
            event = ledger.append(
                session, at=now, agent_id=actor.id, kind=EventKind.CLOSED, details=details
            )
            session.flush()
            closing = DailyClosing(
                desk_id=desk_of(session, actor).id,
                day=day,
                closed_at=now,
                agent_id=actor.id,
                mode=comparison.mode,
                counts=details["counts"],
                differences={
                    "missing": details["missing"],
                    "not_in_stock": details["not_in_stock"],
                    "unknown": details["unknown"],
                },
                explanation=explanation,
                corrects_id=first.id if first is not None else None,
                event_id=event.id,
                head_hash=event.hash,
            )
            session.add(closing)
            session.flush()
            record = self._record(session, closing)
            if staged is not None:
                # Drawn in memory: a replayed unit of work draws again, the file is written once.
                pdf = io.BytesIO()
                render_closing(record, pdf)
                after_commit(session, lambda: _publish(staged, pdf.getvalue()))
            log.info(
                "agent %s closed %s (%s, %s difference(s))%s",
                actor.id,
                day,
                comparison.mode,
                "some" if comparison.has_differences else "no",
                f", correcting closing {first.id}" if first is not None else "",
            )
            return record

        staged = StagedOutput(sheet) if sheet is not None else None
        try:
            return self._db.transaction(work)
        except BaseException:
            if staged is not None:
                staged.discard()
            raise

    @staticmethod
    def _details(
        day: str, comparison: ClosingComparison, explanation: str, first: DailyClosing | None
    ) -> dict[str, Any]:
        """The journal's facts of a closing: counts and serials, no free text."""
        details: dict[str, Any] = {
            "day": day,
            "mode": comparison.mode,
            "counts": {
                c.programme_code: {"expected": c.expected, "counted": c.counted}
                for c in comparison.counts
            },
            "missing": list(comparison.missing),
            "not_in_stock": [list(pair) for pair in comparison.not_in_stock],
            "unknown": list(comparison.unknown),
        }
        if explanation:
            details["explanation_sha256"] = _sha256(explanation)
        if first is not None:
            details["corrects"] = first.event_id
        return details

    def sheet(self, closing_id: int) -> ClosingRecord:
        """What a recorded closing's sheet prints: one of the desk the process works for (another
        desk's closing is "not found", as a number nobody has)."""
        with self._db.read() as session:
            closing = session.get(DailyClosing, closing_id)
            if closing is None or closing.desk_id != desk_id_in(session):
                raise NotFound(
                    _("No closing with the number {id}.").format(id=closing_id), field="closing"
                )
            return self._record(session, closing)

    def write_sheet(self, closing_id: int, path: str | Path) -> Path:
        """The closing's sheet as a PDF at `path` (published only once complete)."""
        _check_sheet_path(path)
        render_closing(self.sheet(closing_id), path)
        return Path(path)

    def closed_today(self) -> ClosingRecord | None:
        """Today's first closing, if the day is closed already (another one corrects it)."""
        with self._db.read() as session:
            first = session.scalar(
                select(func.min(DailyClosing.id)).where(
                    DailyClosing.day == self._today(), DailyClosing.desk_id == desk_id_in(session)
                )
            )
            return (
                None if first is None else self._record(session, session.get(DailyClosing, first))
            )

    @staticmethod
    def _record(session: Session, closing: DailyClosing | None) -> ClosingRecord:
        assert closing is not None
        agent = session.get(Agent, closing.agent_id)
        names = dict(session.execute(select(Programme.code, Programme.name)).all())
        first = session.get(DailyClosing, closing.corrects_id) if closing.corrects_id else None
        differences = closing.differences or {}
        return ClosingRecord(
            desk=desk_line(session, session.get(Desk, closing.desk_id)),
            closing_id=closing.id,
            day=closing.day,
            closed_at=closing.closed_at,
            agent_name=agent.display_name if agent is not None else "",
            scanned=closing.mode == SCANNED,
            counts=tuple(
                ClosingCount(code, names.get(code, code), int(n["expected"]), int(n["counted"]))
                for code, n in sorted(closing.counts.items())
            ),
            missing=tuple(differences.get("missing", ())),
            not_in_stock=tuple(
                MisplacedBooklet(code, status_label(status))
                for code, status in differences.get("not_in_stock", ())
            ),
            unknown=tuple(differences.get("unknown", ())),
            explanation=closing.explanation,
            event_id=closing.event_id,
            head_hash=closing.head_hash,
            corrects=first.id if first is not None else None,
            corrects_at=first.closed_at if first is not None else None,
        )
