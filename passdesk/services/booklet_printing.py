"""Booklet printing: check a print whole, stream its PDF, record it in the print register.

Gather, then render: `build_booklets` reads the database into the plain records of
`passdesk.documents`; the renderer never sees a session. A booklet print is checked whole before
the first page is drawn (`print_plan`: codes, statuses, reprint reason, layout), streamed page by
page into a hidden temporary file, and only then recorded: one transaction writes a PrintRecord and a ledger
event per booklet, and the PDF appears at its path as that transaction commits. A failed or
cancelled print leaves neither a file nor a row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.documents import BookletRecord, PrintLayout, VoucherRecord, render_booklets
from passdesk.documents.output import StagedOutput
from passdesk.errors import NotFound, Refused
from passdesk.i18n import _
from passdesk.models import Agent, Booklet, EventKind, PrintRecord, Programme, Voucher
from passdesk.roles import Action
from passdesk.serials import ParsedSerial
from passdesk.services import ledger, print_plan, serial_formats
from passdesk.services.base import (
    Clock,
    Service,
    desk_of,
    require,
    system_clock,
    voucher_bounds,
)
from passdesk.services.holding import acting_desk_id
from passdesk.services.people_scope import visible_person
from passdesk.services.places import PlaceService
from passdesk.services.print_lines import desk_line, full_name, place_line, programme_info
from passdesk.services.print_plan import PrintContext, PrintPlan
from passdesk.services.rows import Actor
from passdesk.services.settings import SettingsService
from passdesk.services.stock import find_by_code
from passdesk.store import Database, after_commit, open_database

log = logging.getLogger(__name__)

COVER_PLACES = 8  # the cover says "... and N other places" for those that do not fit
# Booklets read from the database per query while a batch is drawn (memory stays flat).
READ_CHUNK = 200

ProgressCallback = Callable[[int, int], None]
CancelCallback = Callable[[], bool]


@dataclass(frozen=True)
class PrintResult:
    """What one booklet print produced and recorded."""

    path: Path
    booklets: int
    vouchers: int
    pages: int
    reprint: bool  # at least one booklet was a traced reprint (printed DUPLICATA)


@dataclass(frozen=True)
class PrintHistoryRow:
    """One line of a booklet's print register."""

    id: int
    booklet_code: str
    printed_at: datetime
    agent_id: int
    agent_name: str
    reprint: bool
    reason: str | None
    first_code: str
    last_code: str


class BookletPrintService(Service):
    def __init__(
        self,
        db: Database,
        clock: Clock = system_clock,
        *,
        places: PlaceService | None = None,
        settings: SettingsService | None = None,
    ) -> None:
        super().__init__(db, clock)
        self._places = places or PlaceService(db, clock)
        self._settings = settings or SettingsService(db, clock)

    def build_booklets(
        self,
        *,
        programme_code: str | None = None,
        from_booklet: int | None = None,
        count: int | None = None,
        codes: Sequence[str] = (),
        reprint_reason: str | None = None,
        personalise_for: int | None = None,
    ) -> Iterator[BookletRecord]:
        """The booklets a print would draw, checked now (errors raise here), read as iterated."""
        plan = self._plan(
            programme_code, from_booklet, count, codes, reprint_reason, personalise_for
        )
        return self._records(plan)

    def print_booklets(
        self,
        actor: Actor,
        *,
        programme_code: str | None = None,
        from_booklet: int | None = None,
        count: int | None = None,
        codes: Sequence[str] = (),
        path: Path,
        reprint_reason: str | None = None,
        personalise_for: int | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelCallback | None = None,
    ) -> PrintResult:
        """Print booklets into one PDF at `path` and record each print (see the module doc).

        `progress(done_vouchers, total_vouchers)` after each page; `cancel()` polled before each
        page, raising PrintCancelled when it returns true.
        """
        require(actor, Action.PRINT_BOOKLETS)
        plan = self._plan(
            programme_code, from_booklet, count, codes, reprint_reason, personalise_for, actor
        )
        target = Path(path)
        staged = StagedOutput(target)
        try:
            summary = render_booklets(
                self._records(plan),
                staged.stream,
                plan.context.layout,
                total_vouchers=plan.total_vouchers,
                progress=progress,
                cancel=cancel,
            )
            staged.close()

            # The PDF is complete under its temporary name. It takes its real name only once
            # its print records have committed: a print that is not in the register never
            # leaves a file, and a replayed transaction never renames twice.
            def record(session: Session) -> None:
                self._record(session, actor, plan)
                after_commit(session, staged.publish_recorded)

            self._db.transaction(record)
        except BaseException:
            staged.discard()
            raise
        reprints = sum(1 for b in plan.booklets if b.reprint)
        log.info(
            "agent %s printed %s booklet(s) (%s reprint(s)), %s pages",
            actor.id,
            summary.booklets,
            reprints,
            summary.pages,
        )
        return PrintResult(
            path=target,
            booklets=summary.booklets,
            vouchers=summary.vouchers,
            pages=summary.pages,
            reprint=reprints > 0,
        )

    def print_history(self, booklet_code: str) -> list[PrintHistoryRow]:
        """Every print of one booklet (any of its codes), oldest first."""
        with self._db.read() as session:
            found = find_by_code(session, booklet_code)
            return [
                PrintHistoryRow(
                    record.id,
                    found.booklet.code,
                    record.printed_at,
                    record.agent_id,
                    name,
                    record.reprint,
                    record.reason,
                    record.first_code,
                    record.last_code,
                )
                for record, name in session.execute(
                    select(PrintRecord, Agent.display_name)
                    .join(Agent, Agent.id == PrintRecord.agent_id)
                    .where(PrintRecord.booklet_id == found.booklet.id)
                    .order_by(PrintRecord.printed_at, PrintRecord.id)
                )
            ]

    # --- the plan: everything checked before the first page (see print_plan) ---------------

    def _plan(
        self,
        programme_code: str | None,
        from_booklet: int | None,
        count: int | None,
        code_list: Sequence[str],
        reprint_reason: str | None,
        personalise_for: int | None,
        actor: Actor | None = None,
    ) -> PrintPlan:
        reason, parsed = print_plan.checked_request(
            programme_code, from_booklet, count, code_list, reprint_reason, self._read
        )
        layout = PrintLayout(vouchers_per_page=int(self._settings.get("vouchers_per_page")))
        cover_text = str(self._settings.get("cover_text") or "")
        reimbursement = str(self._settings.get("reimbursement_address") or "")
        today = self._today()
        with self._db.read() as session:
            # The letterhead of the desk printing: the actor's, whatever desk the process
            # was opened on (a print job reopens the database in a process of its own).
            desk = desk_line(session, desk_of(session, actor) if actor is not None else None)
            desk_id = acting_desk_id(session, actor)
            programmes: dict[int, Programme] = {}
            if parsed:
                chosen = print_plan.by_codes(session, [p.code for p in parsed], programmes, desk_id)
            else:
                assert programme_code is not None
                chosen = print_plan.by_programme(
                    session, programme_code, from_booklet, count, programmes, desk_id
                )
            for planned in chosen:
                print_plan.check_booklet(
                    session, planned, programmes[planned.programme_id], reason, today
                )
            name, postcode, commune, needs = None, desk.postcode, desk.commune, ()
            if personalise_for is not None:
                # Another desk's person (people not shared) is not found, as nobody's number.
                person = visible_person(session, personalise_for, desk_id)
                if person is None:
                    raise NotFound(
                        _("No beneficiary with the number {id}.").format(id=personalise_for),
                        field="beneficiary",
                    )
                name = full_name(person)
                postcode, commune = person.postcode or postcode, person.commune or commune
                needs = tuple(person.diagnostic or ())
            infos = {pid: programme_info(p) for pid, p in programmes.items()}
        places = self._places.nearest(
            postcode=postcode, commune=commune, needs=needs, limit=COVER_PLACES
        )
        context = PrintContext(
            desk=desk,
            layout=layout,
            cover_text=cover_text,
            places=tuple(place_line(p) for p in places),
            beneficiary_name=name,
            programmes=infos,
            reimbursement=reimbursement,
        )
        return PrintPlan(tuple(chosen), context, reason)

    def _read(self, text: str) -> codes.ParsedCode | ParsedSerial:
        """The one parser, with the operator serial formats this desk declared."""
        with self._db.read() as session:
            return serial_formats.read_code(session, text)

    # --- records, read as the renderer asks for them ----------------------------------------

    def _records(self, plan: PrintPlan) -> Iterator[BookletRecord]:
        context = plan.context
        for start in range(0, len(plan.booklets), READ_CHUNK):
            chunk = plan.booklets[start : start + READ_CHUNK]
            vouchers: dict[int, list[tuple[int, str]]] = {b.booklet_id: [] for b in chunk}
            with self._db.read() as session:
                for booklet_id, number, code in session.execute(
                    select(Voucher.booklet_id, Voucher.number, Voucher.code)
                    .where(
                        Voucher.booklet_id.in_(list(vouchers)),
                        Voucher.status.in_(print_plan.PRINTABLE),
                    )
                    .order_by(Voucher.booklet_id, Voucher.number)
                ):
                    vouchers[booklet_id].append((number, code))
            for planned in chunk:
                info = context.programmes[planned.programme_id]
                yield BookletRecord(
                    programme_code=info.code,
                    programme_name=info.name,
                    booklet_code=planned.code,
                    booklet_number=planned.number,
                    vouchers=tuple(
                        VoucherRecord(code, rank, info.face_value)
                        for rank, (_number, code) in enumerate(vouchers[planned.booklet_id], 1)
                    ),
                    face_value=info.face_value,
                    valid_from=info.valid_from,
                    valid_until=info.valid_until,
                    funders=info.funders,
                    desk=context.desk,
                    places=context.places,
                    cover_text=context.cover_text,
                    beneficiary_name=context.beneficiary_name,
                    duplicate=planned.reprint,
                    reimbursement=context.reimbursement,
                )

    # --- the print register -----------------------------------------------------------------

    def _record(self, session: Session, actor: Actor, plan: PrintPlan) -> None:
        """One PrintRecord and one ledger event per booklet; the booklets must not have changed."""
        now = self._now()
        infos = plan.context.programmes
        holder = acting_desk_id(session, actor)
        rows = []
        for planned in plan.booklets:
            moved = session.execute(
                update(Booklet)
                .where(
                    Booklet.id == planned.booklet_id,
                    Booklet.status == planned.status,
                    Booklet.print_count == planned.print_count,
                    # Still held by the printing desk: not transferred while it rendered.
                    Booklet.desk_id == holder,
                )
                .values(print_count=Booklet.print_count + 1)
                .execution_options(synchronize_session=False)
            )
            if moved.rowcount != 1:
                raise Refused(
                    _(
                        "Booklet {code} changed while it was being printed (handed out, voided "
                        "or printed at another desk): nothing was recorded and no file was "
                        "written. Print again."
                    ).format(code=planned.code)
                )
            info = infos[planned.programme_id]
            first, last = voucher_bounds(planned.number, info.vouchers_per_booklet)
            first_code = codes.voucher_code(info.code, first)
            last_code = codes.voucher_code(info.code, last)
            reason = plan.reason if planned.reprint else None
            rows.append(
                {
                    "booklet_id": planned.booklet_id,
                    "agent_id": actor.id,
                    "printed_at": now,
                    "reprint": planned.reprint,
                    "reason": reason,
                    "first_code": first_code,
                    "last_code": last_code,
                }
            )
            ledger.append(
                session,
                at=now,
                agent_id=actor.id,
                kind=EventKind.REPRINTED if planned.reprint else EventKind.PRINTED,
                programme_id=planned.programme_id,
                booklet_id=planned.booklet_id,
                details={
                    "booklet": planned.code,
                    "first": first_code,
                    "last": last_code,
                    "print": planned.print_count + 1,
                },  # the reprint's reason stays in print_record: no free text in the journal
            )
        session.execute(insert(PrintRecord), rows)


def print_booklets_job(
    database_url: str,
    actor: Actor,
    options: dict[str, Any],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> PrintResult:
    """`print_booklets` in a process of its own (see passdesk.jobs), on its own connection.

    It builds this one service rather than `Services`: `passdesk.services` imports this module,
    so reaching back for its composition from here would be an import cycle.
    """
    db = open_database(database_url)
    db.desk_id = actor.desk_id  # the settings, places and letterhead of the actor's desk
    try:
        return BookletPrintService(db).print_booklets(
            actor, **options, progress=progress, cancel=cancel
        )
    finally:
        db.close()
