"""Handout receipts: gather one handout from the register into a ReceiptRecord, render its PDF.

Gather, then render: `build_receipt` reads the database into the plain record of
`passdesk.documents`, which `write_receipt` hands to the renderer; the renderer never sees a
session. A receipt is written again from the register whenever it is asked for. Written for an
agent, each copy is a journal event (RECEIPT_PRINTED: the first is the original, any later one a
reprint), and the file appears only once that event has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import codes
from passdesk.documents import FunderShareLine, ReceiptBookletLine, ReceiptRecord, render_receipt
from passdesk.documents.output import StagedOutput
from passdesk.errors import NotFound
from passdesk.i18n import _
from passdesk.models import (
    Agent,
    Beneficiary,
    Booklet,
    EventKind,
    Handout,
    HandoutBooklet,
    Programme,
)
from passdesk.services import access_log, ledger
from passdesk.services.base import Clock, Service, system_clock, voucher_bounds
from passdesk.services.handout_reading import excluded_at_handout
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
from passdesk.store import Database, after_commit

log = logging.getLogger(__name__)

RECEIPT_PLACES = 6  # the receipt shows what fits above the notice, nearest first


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
        version is printed once stored: `write_receipt` stores it)."""
        footer = str(self._settings.get("receipt_footer") or "")
        with self._db.read() as session:
            notice = current_notice(session)
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
            infos: dict[int, ProgrammeInfo] = {}
            booklets = session.scalars(
                select(Booklet)
                .join(HandoutBooklet)
                .where(HandoutBooklet.handout_id == handout.id)
                .order_by(Booklet.programme_id, Booklet.number)
            ).all()
            excluded = excluded_at_handout(session, handout.id, [b.id for b in booklets])
            for booklet in booklets:
                info = infos.get(booklet.programme_id)
                if info is None:
                    programme = session.get(Programme, booklet.programme_id)
                    assert programme is not None
                    info = infos[booklet.programme_id] = programme_info(programme)
                first, last = voucher_bounds(booklet.number, info.vouchers_per_booklet)
                left_out = excluded.get(booklet.id, ())
                n = info.vouchers_per_booklet - len(left_out)
                value = info.face_value * n
                lines.append(
                    ReceiptBookletLine(
                        booklet.code,
                        codes.voucher_code(info.code, first),
                        codes.voucher_code(info.code, last),
                        n,
                        value,
                        info.name,
                        left_out,
                    )
                )
                parts.append((info.funders, value))
                starts.append(info.valid_from)
                ends.append(info.valid_until)
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
                funders=_combined_funders(parts),
                # Several programmes: from the latest start to the earliest end, when all are good.
                valid_from=max(starts) if starts else handout.created_at.date(),
                valid_until=min(ends) if ends else handout.created_at.date(),
                notice_text=" ".join(notice.text.splitlines()),
                notice_version=notice.version,
                beneficiary_birth_date=person.birth_date,
                beneficiary_address=(locality,) if locality else (),
                override_reason=handout.override_reason,
                cancelled=handout.cancelled_at is not None,
                cancel_reason=handout.cancel_reason,
                footer=footer,
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
