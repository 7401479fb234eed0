"""Handout receipts: gather one handout from the register into a ReceiptRecord, render its PDF.

Gather, then render: `build_receipt` reads the database into the plain record of
`passdesk.documents`, which `write_receipt` hands to the renderer; the renderer never sees a
session. A receipt is written again from the register whenever it is asked for. Written for an
agent, each copy is a journal event (RECEIPT_PRINTED: the first is the original, any later one a
reprint), and the file appears only once that event has committed. Once a first copy is in the
journal, every later one says DUPLICATA with its own date, and names what was voided since.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.documents import (
    ReceiptBookletLine,
    ReceiptProgrammeLine,
    ReceiptRecord,
    VoidedLine,
    render_receipt,
)
from passdesk.documents.output import StagedOutput
from passdesk.errors import NotFound, Refused
from passdesk.i18n import _
from passdesk.models import (
    Agent,
    Beneficiary,
    Booklet,
    BookletStatus,
    EventKind,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    Programme,
    Voucher,
    VoucherStatus,
)
from passdesk.services import access_log, ledger
from passdesk.services.base import (
    Clock,
    Service,
    desk_id_in,
    local_date,
    system_clock,
    voucher_bounds,
)
from passdesk.services.handout_reading import excluded_at_handout
from passdesk.services.holding import desk_label
from passdesk.services.orientation import orientation_lines
from passdesk.services.places import PlaceService
from passdesk.services.print_lines import (
    ProgrammeInfo,
    desk_line,
    full_name,
    programme_info,
)
from passdesk.services.privacy_notice import current_notice, show_to, stamp
from passdesk.services.rows import Actor
from passdesk.services.settings import SettingsService
from passdesk.services.stock import void_reason_label
from passdesk.store import Database, after_commit

log = logging.getLogger(__name__)

RECEIPT_PLACES = 6  # the receipt shows what fits above the notice, nearest first


def _programme_lines(
    infos: dict[int, ProgrammeInfo], given: dict[int, list[ReceiptBookletLine]]
) -> tuple[ReceiptProgrammeLine, ...]:
    """One line per programme of the handout (in the table's order), with its own validity and
    funders: a blend of two programmes' dates or shares would match neither agreement."""
    return tuple(
        ReceiptProgrammeLine(
            info.name,
            info.valid_from,
            info.valid_until,
            info.funders,
            sum(line.voucher_count for line in given[programme_id]),
            sum((line.value for line in given[programme_id]), Decimal(0)),
        )
        for programme_id, info in infos.items()
    )


def voided_since(
    session: Session,
    handout: Handout,
    booklets: Sequence[Booklet],
    excluded: dict[int, tuple[str, ...]],
) -> dict[int, tuple[VoidedLine, ...]]:
    """Each booklet's codes voided after the handout: the booklet itself, or else its vouchers
    voided one by one (those voided before it left are `excluded`, not these)."""
    if not booklets:
        return {}
    ids = [b.id for b in booklets]
    when: dict[tuple[int, int | None], datetime] = {
        (booklet_id, voucher_id): at
        for booklet_id, voucher_id, at in session.execute(
            select(LedgerEvent.booklet_id, LedgerEvent.voucher_id, func.max(LedgerEvent.at))
            .where(
                LedgerEvent.kind == EventKind.VOIDED.value,
                LedgerEvent.booklet_id.in_(ids),
                LedgerEvent.at >= handout.created_at,
            )
            .group_by(LedgerEvent.booklet_id, LedgerEvent.voucher_id)
        )
    }
    voided = session.scalars(
        select(Voucher)
        .where(Voucher.booklet_id.in_(ids), Voucher.status == VoucherStatus.VOIDED)
        .order_by(Voucher.booklet_id, Voucher.number)
    ).all()
    found: dict[int, tuple[VoidedLine, ...]] = {}
    for booklet in booklets:
        if booklet.status is BookletStatus.VOIDED and booklet.void_reason is not None:
            at = when.get((booklet.id, None)) or handout.cancelled_at or handout.created_at
            found[booklet.id] = (
                VoidedLine(booklet.code, local_date(at), void_reason_label(booklet.void_reason)),
            )
            continue
        items = tuple(
            VoidedLine(
                voucher.code,
                local_date(when.get((booklet.id, voucher.id), handout.created_at)),
                void_reason_label(voucher.void_reason),
            )
            for voucher in voided
            if voucher.booklet_id == booklet.id
            and voucher.void_reason is not None
            and voucher.code not in excluded.get(booklet.id, ())
        )
        if items:
            found[booklet.id] = items
    return found


class ReceiptService(Service):
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

    def build_receipt(self, handout_id: int) -> ReceiptRecord:
        """The receipt of one handout as plain values; nothing is written (the notice's
        version is printed once stored: `write_receipt` stores it).

        Once a copy is in the journal (RECEIPT_PRINTED), the record is a copy made now.
        """
        footer = str(self._settings.get("receipt_footer") or "")
        contact = str(self._settings.get("dpo_contact") or "")
        now = self._now()
        with self._db.read() as session:
            notice = current_notice(session)
            handout = session.get(Handout, handout_id)
            if handout is None:
                raise NotFound(
                    _("No handout with the number {id}.").format(id=handout_id), field="handout"
                )
            if handout.desk_id != desk_id_in(session):  # the person is that desk's business
                name, code = desk_label(session, handout.desk_id)
                raise Refused(
                    _(
                        "Handout {receipt} was made by another desk, {desk} ({desk_code}): "
                        "only that desk may print its receipt."
                    ).format(receipt=handout.receipt_number, desk=name, desk_code=code),
                    field="handout",
                )
            person = session.get(Beneficiary, handout.beneficiary_id)
            agent = session.get(Agent, handout.agent_id)
            if person is None or agent is None:  # pragma: no cover - foreign keys forbid it
                raise NotFound(_("No handout with the number {id}.").format(id=handout_id))
            lines: list[ReceiptBookletLine] = []
            infos: dict[int, ProgrammeInfo] = {}
            given: dict[int, list[ReceiptBookletLine]] = {}
            booklets = session.scalars(
                select(Booklet)
                .join(HandoutBooklet)
                .where(HandoutBooklet.handout_id == handout.id)
                .order_by(Booklet.programme_id, Booklet.number)
            ).all()
            excluded = excluded_at_handout(session, handout.id, [b.id for b in booklets])
            voided = voided_since(session, handout, booklets, excluded)
            for booklet in booklets:
                info = infos.get(booklet.programme_id)
                if info is None:
                    programme = session.get(Programme, booklet.programme_id)
                    assert programme is not None
                    info = infos[booklet.programme_id] = programme_info(programme)
                first, last = voucher_bounds(booklet.number, info.vouchers_per_booklet)
                left_out = excluded.get(booklet.id, ())
                n = info.vouchers_per_booklet - len(left_out)
                line = ReceiptBookletLine(
                    booklet.code,
                    codes.voucher_code(info.code, first),
                    codes.voucher_code(info.code, last),
                    n,
                    info.face_value * n,
                    info.name,
                    left_out,
                    voided.get(booklet.id, ()),
                )
                lines.append(line)
                given.setdefault(booklet.programme_id, []).append(line)
            printed_before = session.scalar(
                select(
                    exists().where(
                        LedgerEvent.kind == EventKind.RECEIPT_PRINTED.value,
                        LedgerEvent.handout_id == handout.id,
                    )
                )
            )
            desk = desk_line(session)
            postcode, commune = person.postcode, person.commune
            needs = tuple(person.diagnostic or ())
            locality = " ".join(p for p in (postcode, commune) if p)
            record = dict(
                receipt_number=handout.receipt_number,
                issued_at=handout.created_at.astimezone(),
                desk=desk,
                agent_name=agent.display_name,
                beneficiary_name=full_name(person),
                booklets=tuple(lines),
                total_value=sum((line.value for line in lines), Decimal(0)),
                programmes=_programme_lines(infos, given),
                notice_text=" ".join(notice.text.splitlines()),
                notice_version=notice.version,
                beneficiary_birth_date=person.birth_date,
                beneficiary_address=(locality,) if locality else (),
                override_reason=handout.override_reason,
                cancelled=handout.cancelled_at is not None,
                cancel_reason=handout.cancel_reason,
                footer=footer,
                dpo_contact=contact,
                copy_printed_at=now.astimezone() if printed_before else None,
            )
        places, unserved, _from_desk = orientation_lines(
            self._places,
            self._settings,
            postcode=postcode,
            commune=commune,
            needs=needs,
            limit=RECEIPT_PLACES,
        )
        return ReceiptRecord(**record, places=places, unserved_needs=unserved)

    def find(self, receipt_number: str) -> int:
        """The handout of a receipt number, in the series of the desk the process works for:
        each desk numbers its receipts from 000001 every year, so another desk's 2026-000001
        is another handout."""
        number = receipt_number.strip()
        with self._db.read() as session:
            handout_id = session.scalar(
                select(Handout.id).where(
                    Handout.desk_id == desk_id_in(session), Handout.receipt_number == number
                )
            )
        if handout_id is None:
            raise NotFound(
                _("No receipt with the number {number} at this desk.").format(number=number),
                field="receipt",
            )
        return handout_id

    def write_receipt(self, handout_id: int, path: Path, *, actor: Actor | None = None) -> Path:
        """Render a handout's receipt (two copies) to `path`; nothing is left there on error.

        With `actor`, the copy is journaled as printed by that agent (see the module doc). The
        notice it prints is stored as a version first; printed by an agent, it is the version
        recorded as shown to the person, and the printing is in the access log. The file is
        published once that is committed."""
        now = self._now()
        staged = StagedOutput(Path(path))  # a bad path is refused before anything is recorded
        try:
            self._db.transaction(lambda session: stamp(session, now))
            record = self.build_receipt(handout_id)
            render_receipt(record, staged.stream)
            staged.close()
            if actor is None:
                staged.publish()
            else:

                def journal(session: Session) -> None:
                    notice = stamp(session, now)
                    handout = session.get(Handout, handout_id)
                    assert handout is not None  # build_receipt found it
                    person = session.get(Beneficiary, handout.beneficiary_id)
                    assert person is not None
                    show_to(session, person, notice, now)
                    access_log.record(
                        session, actor.id, [person.id], "printed", now, detail=str(handout_id)
                    )
                    ledger.append(
                        session,
                        at=now,
                        agent_id=actor.id,
                        kind=EventKind.RECEIPT_PRINTED,
                        handout_id=handout_id,
                        details={"receipt": record.receipt_number},
                    )
                    after_commit(session, staged.publish)

                self._db.transaction(journal)
        except BaseException as error:
            staged.discard()
            if isinstance(error, OSError):
                raise staged.write_error(error) from error
            raise
        log.info("receipt of handout %s printed", handout_id)
        return Path(path)
