"""Printing jobs: gather receipts and booklets from the register, render them, keep the print register.

Gather, then render: `build_receipt` and `build_booklets` read the database into the plain records
of `passdesk.documents`; the renderers never see a session. A booklet print is checked whole before
the first page is drawn (codes, statuses, reprint reason, layout), streamed page by page into a
hidden temporary file, and only then recorded: one transaction writes a PrintRecord and a ledger
event per booklet, and the PDF appears at its path as that transaction commits. A failed or
cancelled print leaves neither a file nor a row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.documents import (
    BookletRecord,
    DeskLine,
    FunderShareLine,
    PlaceLine,
    PrintLayout,
    ReceiptBookletLine,
    ReceiptRecord,
    VoucherRecord,
    render_booklets,
    render_receipt,
)
from passdesk.documents.output import StagedOutput
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.formatting import format_date
from passdesk.i18n import _, ngettext
from passdesk.models import (
    Agent,
    Beneficiary,
    Booklet,
    BookletStatus,
    EventKind,
    Handout,
    HandoutBooklet,
    PrintRecord,
    Programme,
    Voucher,
    VoucherStatus,
)
from passdesk.roles import Action
from passdesk.services import ledger
from passdesk.services.base import Clock, Service, require, system_clock, the_desk, voucher_bounds
from passdesk.services.places import PlaceService
from passdesk.services.rows import Actor, PlaceRow
from passdesk.services.settings import SettingsService
from passdesk.services.stock import find_by_code, status_label
from passdesk.store import Database, after_commit, open_database

log = logging.getLogger(__name__)

RECEIPT_PLACES = 6  # the receipt shows what fits above the notice, nearest first
COVER_PLACES = 8  # the cover says "... and N other places" for those that do not fit
MAX_REASON = 500
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


@dataclass(frozen=True, slots=True)
class _Planned:
    """One booklet the print will draw, as it was when checked (re-checked when recorded)."""

    booklet_id: int
    programme_id: int
    number: int
    code: str
    status: BookletStatus
    print_count: int

    @property
    def reprint(self) -> bool:
        return self.print_count > 0


@dataclass(frozen=True)
class _Context:
    """What every booklet of a print shares, read once."""

    desk: DeskLine
    layout: PrintLayout
    cover_text: str
    places: tuple[PlaceLine, ...]
    beneficiary_name: str | None
    programmes: dict[int, _ProgrammeInfo]


@dataclass(frozen=True)
class _ProgrammeInfo:
    code: str
    name: str
    face_value: Decimal
    vouchers_per_booklet: int
    valid_from: date
    valid_until: date
    funders: tuple[FunderShareLine, ...]


@dataclass(frozen=True)
class _Plan:
    booklets: tuple[_Planned, ...]
    context: _Context
    reason: str | None

    @property
    def total_vouchers(self) -> int:
        infos = self.context.programmes
        return sum(infos[b.programme_id].vouchers_per_booklet for b in self.booklets)


def _place_line(row: PlaceRow) -> PlaceLine:
    return PlaceLine(row.name, row.address, row.postcode, row.commune, row.phone, row.services)


def _desk_line(session: Session) -> DeskLine:
    desk = the_desk(session)
    return DeskLine(desk.name, desk.address, desk.postcode, desk.commune, desk.siret, desk.logo_png)


def _programme_info(programme: Programme) -> _ProgrammeInfo:
    return _ProgrammeInfo(
        programme.code,
        programme.name,
        programme.face_value,
        programme.vouchers_per_booklet,
        programme.valid_from,
        programme.valid_until,
        tuple(FunderShareLine(s.funder.name, s.percent) for s in programme.shares),
    )


def _full_name(person: Beneficiary) -> str:
    return f"{person.first_name} {person.last_name}"


def _combined_funders(
    parts: Sequence[tuple[tuple[FunderShareLine, ...], Decimal]],
) -> tuple[FunderShareLine, ...]:
    """Each funder's share of a handout's value, over the programmes it mixes.

    One programme: its own shares. Several: a funder's share is what it pays of the total value
    (State 45 % of 100 € plus 100 % of 50 € is 63.33 % of 150 €), so the printed shares still
    add up to 100 %.
    """
    if len({funders for funders, _value in parts}) <= 1:
        return parts[0][0] if parts else ()
    total = sum((value for _funders, value in parts), Decimal(0))
    paid: dict[str, Decimal] = {}
    for funders, value in parts:
        for share in funders:
            paid[share.name] = paid.get(share.name, Decimal(0)) + value * share.percent
    if not total:
        return ()
    return tuple(
        FunderShareLine(name, (amount / total).quantize(Decimal("0.01")))
        for name, amount in paid.items()
    )


class PrintService(Service):
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

    # --- receipts -----------------------------------------------------------------------

    def build_receipt(self, handout_id: int) -> ReceiptRecord:
        """The receipt of one handout as plain values; nothing is written."""
        notice = str(self._settings.get("notice_text"))
        footer = str(self._settings.get("receipt_footer") or "")
        with self._db.read() as session:
            handout = session.get(Handout, handout_id)
            if handout is None:
                raise NotFound(
                    _("No handout with the number {id}.").format(id=handout_id), field="handout"
                )
            person = session.get(Beneficiary, handout.beneficiary_id)
            agent = session.get(Agent, handout.agent_id)
            if person is None or agent is None:  # pragma: no cover - foreign keys forbid it
                raise NotFound(_("No handout with the number {id}.").format(id=handout_id))
            lines: list[ReceiptBookletLine] = []
            parts: list[tuple[tuple[FunderShareLine, ...], Decimal]] = []
            starts, ends = [], []
            infos: dict[int, _ProgrammeInfo] = {}
            for booklet in session.scalars(
                select(Booklet)
                .join(HandoutBooklet)
                .where(HandoutBooklet.handout_id == handout.id)
                .order_by(Booklet.programme_id, Booklet.number)
            ):
                info = infos.get(booklet.programme_id)
                if info is None:
                    programme = session.get(Programme, booklet.programme_id)
                    assert programme is not None
                    info = infos[booklet.programme_id] = _programme_info(programme)
                n = info.vouchers_per_booklet
                first, last = voucher_bounds(booklet.number, n)
                value = info.face_value * n
                lines.append(
                    ReceiptBookletLine(
                        booklet.code,
                        codes.voucher_code(info.code, first),
                        codes.voucher_code(info.code, last),
                        n,
                        value,
                        info.name,
                    )
                )
                parts.append((info.funders, value))
                starts.append(info.valid_from)
                ends.append(info.valid_until)
            desk = _desk_line(session)
            postcode, commune = person.postcode, person.commune
            needs = tuple(person.diagnostic or ())
            place_line = " ".join(p for p in (postcode, commune) if p)
            record = dict(
                receipt_number=handout.receipt_number,
                issued_at=handout.created_at.astimezone(),
                desk=desk,
                agent_name=agent.display_name,
                beneficiary_name=_full_name(person),
                booklets=tuple(lines),
                total_value=sum((line.value for line in lines), Decimal(0)),
                funders=_combined_funders(parts),
                # Several programmes: from the latest start to the earliest end, when all are good.
                valid_from=max(starts) if starts else handout.created_at.date(),
                valid_until=min(ends) if ends else handout.created_at.date(),
                notice_text=notice,
                beneficiary_birth_date=person.birth_date,
                beneficiary_address=(place_line,) if place_line else (),
                override_reason=handout.override_reason,
                cancelled=handout.cancelled_at is not None,
                cancel_reason=handout.cancel_reason,
                footer=footer,
            )
        places = self._places.nearest(
            postcode=postcode, commune=commune, needs=needs, limit=RECEIPT_PLACES
        )
        return ReceiptRecord(**record, places=tuple(_place_line(p) for p in places))

    def write_receipt(self, handout_id: int, path: Path) -> Path:
        """Render a handout's receipt (two copies) to `path`; nothing is left there on error."""
        record = self.build_receipt(handout_id)
        render_receipt(record, Path(path))
        log.info("receipt of handout %s printed", handout_id)
        return Path(path)

    # --- booklets -----------------------------------------------------------------------

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
            programme_code, from_booklet, count, codes, reprint_reason, personalise_for
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
                after_commit(session, staged.publish)

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

    # --- the plan: everything checked before the first page -------------------------------

    def _plan(
        self,
        programme_code: str | None,
        from_booklet: int | None,
        count: int | None,
        code_list: Sequence[str],
        reprint_reason: str | None,
        personalise_for: int | None,
    ) -> _Plan:
        reason = (reprint_reason or "").strip() or None
        if reason is not None and len(reason) > MAX_REASON:
            raise InvalidInput(
                _("The reason for the reprint is too long (at most {max} characters).").format(
                    max=MAX_REASON
                ),
                field="reprint_reason",
            )
        code_list = [c for c in code_list if c and c.strip()]
        if bool(code_list) == bool(programme_code and programme_code.strip()):
            raise InvalidInput(
                _("Give either a programme (and which of its booklets) or booklet codes to print."),
                field="programme_code",
            )
        if code_list and (from_booklet is not None or count is not None):
            raise InvalidInput(
                _("A first booklet and a count go with a programme, not with booklet codes."),
                field="count",
            )
        if count is not None and count < 1:
            raise InvalidInput(_("Print at least one booklet."), field="count")
        if from_booklet is not None and count is None:
            raise InvalidInput(
                _("Say how many booklets to print from booklet {number}.").format(
                    number=from_booklet
                ),
                field="count",
            )
        parsed = [codes.parse_code(c) for c in code_list]  # check digits before any lookup
        layout = PrintLayout(vouchers_per_page=int(self._settings.get("vouchers_per_page")))
        cover_text = str(self._settings.get("cover_text") or "")
        today = self._today()
        with self._db.read() as session:
            desk = _desk_line(session)
            programmes: dict[int, Programme] = {}
            if parsed:
                chosen = self._by_codes(session, [p.code for p in parsed], programmes)
            else:
                assert programme_code is not None
                chosen = self._by_programme(
                    session, programme_code, from_booklet, count, programmes
                )
            for planned in chosen:
                self._check(session, planned, programmes[planned.programme_id], reason, today)
            name, postcode, commune, needs = None, desk.postcode, desk.commune, ()
            if personalise_for is not None:
                person = session.get(Beneficiary, personalise_for)
                if person is None:
                    raise NotFound(
                        _("No beneficiary with the number {id}.").format(id=personalise_for),
                        field="beneficiary",
                    )
                name = _full_name(person)
                postcode, commune = person.postcode or postcode, person.commune or commune
                needs = tuple(person.diagnostic or ())
            infos = {pid: _programme_info(p) for pid, p in programmes.items()}
        places = self._places.nearest(
            postcode=postcode, commune=commune, needs=needs, limit=COVER_PLACES
        )
        context = _Context(
            desk=desk,
            layout=layout,
            cover_text=cover_text,
            places=tuple(_place_line(p) for p in places),
            beneficiary_name=name,
            programmes=infos,
        )
        return _Plan(tuple(chosen), context, reason)

    @staticmethod
    def _planned(booklet: Booklet) -> _Planned:
        return _Planned(
            booklet.id,
            booklet.programme_id,
            booklet.number,
            booklet.code,
            booklet.status,
            booklet.print_count,
        )

    def _by_codes(
        self, session: Session, code_list: Sequence[str], programmes: dict[int, Programme]
    ) -> list[_Planned]:
        chosen: list[_Planned] = []
        seen: set[int] = set()
        for code in code_list:
            found = find_by_code(session, code)
            if found.booklet.id in seen:
                raise InvalidInput(
                    _("Booklet {code} is given twice.").format(code=found.booklet.code),
                    field="code",
                )
            seen.add(found.booklet.id)
            programmes[found.programme.id] = found.programme
            chosen.append(self._planned(found.booklet))
        return chosen

    def _by_programme(
        self,
        session: Session,
        programme_code: str,
        from_booklet: int | None,
        count: int | None,
        programmes: dict[int, Programme],
    ) -> list[_Planned]:
        code = programme_code.strip().upper()
        programme = session.scalar(select(Programme).where(Programme.code == code))
        if programme is None:
            raise NotFound(
                _("No programme with the code {code}.").format(code=code), field="programme_code"
            )
        programmes[programme.id] = programme
        query = select(Booklet).where(Booklet.programme_id == programme.id)
        if from_booklet is not None:
            assert count is not None
            last = from_booklet + count - 1
            booklets = session.scalars(
                query.where(Booklet.number.between(from_booklet, last)).order_by(Booklet.number)
            ).all()
            if len(booklets) != count:
                have = {b.number for b in booklets}
                missing = next(n for n in range(from_booklet, last + 1) if n not in have)
                raise NotFound(
                    _(
                        "Booklet {number} of {programme} is not in this desk's stock: "
                        "nothing was printed."
                    ).format(number=missing, programme=code),
                    field="from_booklet",
                )
            return [self._planned(b) for b in booklets]
        # No range: the whole booklets in stock never printed yet, in order (the next `count`,
        # or all); a booklet with a voucher voided is skipped, as the handout skips it.
        complete = (
            ~select(Voucher.id)
            .where(Voucher.booklet_id == Booklet.id, Voucher.status != VoucherStatus.IN_STOCK)
            .exists()
        )
        query = query.where(
            Booklet.status == BookletStatus.IN_STOCK, Booklet.print_count == 0, complete
        ).order_by(Booklet.number)
        if count is not None:
            query = query.limit(count)
        chosen = [self._planned(b) for b in session.scalars(query)]
        if not chosen:
            raise Refused(
                _("Every booklet of {programme} in stock has already been printed.").format(
                    programme=code
                ),
                field="programme_code",
            )
        if count is not None and len(chosen) < count:
            raise Refused(
                ngettext(
                    "Only {count} booklet of {programme} in stock is still to be printed.",
                    "Only {count} booklets of {programme} in stock are still to be printed.",
                    len(chosen),
                ).format(count=len(chosen), programme=code),
                field="count",
            )
        return chosen

    def _check(
        self,
        session: Session,
        planned: _Planned,
        programme: Programme,
        reason: str | None,
        today: date,
    ) -> None:
        """The print rules for one booklet (see issue 3, "Print register")."""
        if planned.reprint:
            if reason is None:
                raise InvalidInput(
                    ngettext(
                        "Booklet {code} was already printed once: printing it again is a "
                        "reprint, marked DUPLICATA. Give the reason for the reprint.",
                        "Booklet {code} was already printed {count} times: printing it again "
                        "is a reprint, marked DUPLICATA. Give the reason for the reprint.",
                        planned.print_count,
                    ).format(code=planned.code, count=planned.print_count),
                    field="reprint_reason",
                )
            return
        if planned.status is not BookletStatus.IN_STOCK:
            raise Refused(
                _(
                    "Booklet {code} is {status} and was never printed: only booklets in stock "
                    "can be printed."
                ).format(code=planned.code, status=status_label(planned.status.value)),
                field="code",
            )
        if today > programme.valid_until:
            raise Refused(
                _(
                    "The vouchers of {programme} expired on {date}: its booklets can no longer "
                    "be printed."
                ).format(programme=programme.code, date=format_date(programme.valid_until)),
                field="programme_code",
            )
        voided = session.scalar(
            select(Voucher.code)
            .where(
                Voucher.booklet_id == planned.booklet_id, Voucher.status != VoucherStatus.IN_STOCK
            )
            .limit(1)
        )
        if voided is not None:
            raise Refused(
                _(
                    "Booklet {code} holds voucher {voucher}, which is no longer in stock: "
                    "the booklet cannot be printed."
                ).format(code=planned.code, voucher=voided),
                field="code",
            )

    # --- records, read as the renderer asks for them ----------------------------------------

    def _records(self, plan: _Plan) -> Iterator[BookletRecord]:
        context = plan.context
        for start in range(0, len(plan.booklets), READ_CHUNK):
            chunk = plan.booklets[start : start + READ_CHUNK]
            vouchers: dict[int, list[tuple[int, str]]] = {b.booklet_id: [] for b in chunk}
            with self._db.read() as session:
                for booklet_id, number, code in session.execute(
                    select(Voucher.booklet_id, Voucher.number, Voucher.code)
                    .where(Voucher.booklet_id.in_(list(vouchers)))
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
                )

    # --- the print register -----------------------------------------------------------------

    def _record(self, session: Session, actor: Actor, plan: _Plan) -> None:
        """One PrintRecord and one ledger event per booklet; the booklets must not have changed."""
        now = self._now()
        infos = plan.context.programmes
        rows = []
        for planned in plan.booklets:
            moved = session.execute(
                update(Booklet)
                .where(
                    Booklet.id == planned.booklet_id,
                    Booklet.status == planned.status,
                    Booklet.print_count == planned.print_count,
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
    """`print_booklets` in a process of its own (see passdesk.jobs), on its own connection."""
    db = open_database(database_url)
    try:
        return PrintService(db).print_booklets(actor, **options, progress=progress, cancel=cancel)
    finally:
        db.close()
