"""The individual-level export a funder may ask for: one row per handout and programme, each
person a pseudonym keyed for that funder alone, no names, birth year only, commune only.

The funder's key (32 random bytes) is made at its first export, in its own unit of work, and
never leaves the database: not in the file, the console's output or the log.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passdesk.documents.report_csv import csv_text, write_csv
from passdesk.documents.report_record import Kind
from passdesk.errors import InvalidInput
from passdesk.formatting import format_date
from passdesk.i18n import _
from passdesk.models import (
    Beneficiary,
    Booklet,
    Handout,
    HandoutBooklet,
    LedgerEvent,
    Voucher,
    VoucherStatus,
)
from passdesk.roles import Action
from passdesk.services.base import Service, require
from passdesk.services.beneficiaries import DIAGNOSTIC_NEEDS
from passdesk.services.disclosure import pseudonym
from passdesk.services.handout_reading import left_out_codes, short_handouts
from passdesk.services.programmes import TARGET_GROUPS
from passdesk.services.report_figures import ReportQuery
from passdesk.services.report_scope import (
    check_period,
    csv_encoding,
    desk_scope,
    find_funder,
    local_midnight,
    programmes_in_scope,
)
from passdesk.services.rows import Actor

log = logging.getLogger(__name__)


def header_line(funder: str, query: ReportQuery, desk: str, today: date) -> str:
    return _(
        "Pseudonymised data for {funder}: no names, birth year only, commune only. Each person "
        "is a pseudonym (HMAC-SHA256 under a key kept by the desk for {funder} alone): the same "
        "in every export to {funder}, different for any other funder. Handouts from {start} to "
        "{end}, made by {desk} on {today}."
    ).format(
        funder=funder,
        start=format_date(query.start),
        end=format_date(query.end),
        desk=desk,
        today=format_date(today),
    )


def columns() -> list[str]:
    return [
        _("Pseudonym"),
        _("Birth year"),
        _("Commune"),
        _("Target group"),
        _("Needs"),
        _("Handout date"),
        _("Programme"),
        _("Booklets"),
        _("Vouchers"),
        _("Face value"),
        _("Vouchers used"),
    ]


class PseudonymisedExport(Service):
    def _key(self, funder_name: str) -> tuple[str, str]:
        def work(session: Session) -> tuple[str, str]:
            funder = find_funder(session, funder_name)
            if funder.pseudonym_key is None:
                funder.pseudonym_key = secrets.token_hex(32)
                log.info("pseudonym key made for funder %s", funder.id)
            return funder.name, funder.pseudonym_key

        return self._db.transaction(work)

    def write(
        self,
        actor: Actor,
        query: ReportQuery,
        path: str | os.PathLike[str],
        *,
        encoding: str = "utf-8",
    ) -> int:
        """Write the CSV; returns how many rows it holds (one per handout and programme)."""
        require(actor, Action.EXPORT_PSEUDONYMISED)
        if not query.funder:
            raise InvalidInput(
                _("Name the funder: each funder's pseudonyms are its own."), field="funder"
            )
        codec = csv_encoding(encoding)
        check_period(query.start, query.end)
        with self._db.read() as session:
            # Refused before any key is made.
            programmes_in_scope(session, query)
            desk_scope(session, actor, query.desk)
        name, key = self._key(query.funder)
        with self._db.read() as session:
            programmes = {
                p.id: (p.code, p.vouchers_per_booklet, p.face_value)
                for p in programmes_in_scope(session, query)
            }
            scope = desk_scope(session, actor, query.desk)
            desk = scope.name
            lines = session.execute(
                select(
                    Handout.id,
                    Handout.created_at,
                    Handout.beneficiary_id,
                    Booklet.id,
                    Booklet.programme_id,
                    Beneficiary.birth_date,
                    Beneficiary.commune,
                    Beneficiary.target_group,
                    Beneficiary.diagnostic,
                )
                .select_from(Handout)
                .join(HandoutBooklet, HandoutBooklet.handout_id == Handout.id)
                .join(Booklet, Booklet.id == HandoutBooklet.booklet_id)
                .join(Beneficiary, Beneficiary.id == Handout.beneficiary_id)
                .where(
                    Handout.cancelled_at.is_(None),
                    Handout.created_at >= local_midnight(query.start),
                    Handout.created_at
                    < local_midnight(date.fromordinal(query.end.toordinal() + 1)),
                    Booklet.programme_id.in_(list(programmes)),
                    *scope.only(Handout.desk_id),
                )
                .order_by(Handout.created_at, Handout.id, Booklet.programme_id)
            )
            used = dict(
                session.execute(
                    select(Voucher.booklet_id, func.count(Voucher.id))
                    .where(
                        Voucher.status == VoucherStatus.USED,
                        Voucher.programme_id.in_(list(programmes)),
                    )
                    .group_by(Voucher.booklet_id)
                ).all()
            )
            # Booklets given short (vouchers voided before they left): the vouchers given.
            left_out: dict[tuple[int, int], int] = defaultdict(int)
            for details, handout, programme_id in session.execute(
                short_handouts(Handout.id, Booklet.programme_id).where(
                    Handout.cancelled_at.is_(None),
                    Handout.created_at >= local_midnight(query.start),
                    Handout.created_at
                    < local_midnight(date.fromordinal(query.end.toordinal() + 1)),
                    LedgerEvent.programme_id.in_(list(programmes)),  # one pass over the journal
                    *scope.only(Handout.desk_id),
                )
            ):
                left_out[(handout, programme_id)] += len(left_out_codes(details))
            grouped: dict[tuple[int, int], list[object]] = {}
            booklets: dict[tuple[int, int], int] = defaultdict(int)
            used_by: dict[tuple[int, int], int] = defaultdict(int)
            for handout, at, person, booklet, programme_id, birth, commune, group, needs in lines:
                key_ = (handout, programme_id)
                if key_ not in grouped:
                    grouped[key_] = [person, birth, commune, group, needs, at, programme_id]
                booklets[key_] += 1
                used_by[key_] += used.get(booklet, 0)
        rows = [[header_line(name, query, desk, self._today())], [], columns()]
        for key_, (person, birth, commune, group, needs, at, programme_id) in grouped.items():
            code, per_booklet, face_value = programmes[programme_id]  # type: ignore[index]
            n = booklets[key_] * per_booklet - left_out[key_]
            rows.append(
                [
                    pseudonym(key, person),  # type: ignore[arg-type]
                    str(birth.year) if birth else "",  # type: ignore[attr-defined]
                    str(commune),
                    _(TARGET_GROUPS[group]) if group in TARGET_GROUPS else str(group),
                    ", ".join(
                        _(DIAGNOSTIC_NEEDS[k]) if k in DIAGNOSTIC_NEEDS else k
                        for k in (needs or ())  # type: ignore[attr-defined]
                    ),
                    csv_text(at.astimezone().date()),  # type: ignore[attr-defined]
                    code,
                    str(booklets[key_]),
                    str(n),
                    csv_text(face_value * n, Kind.MONEY),
                    str(used_by[key_]),
                ]
            )
        write_csv(rows, path, encoding=codec)
        log.info("agent %s wrote a pseudonymised export of %s rows", actor.id, len(grouped))
        return len(grouped)
