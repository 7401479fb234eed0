"""Erasing a person's identity: on their request, or when the retention period is over (the
purge, at start-up and each day).

Erasure anonymises; it never deletes a row. The stock register, the handouts (their receipt
numbers, booklets, agents and reasons) and the journal stay whole, so every serial is still
accounted for and `check` still passes; the person's row keeps its number and loses their
name, birth date, contact details, commune, target group, needs, consent and search words.
What the funders' aggregate figures count them by is kept apart (`ErasedPerson`: commune,
target group, needs, and the age band on the days they received booklets, never the birth
date), so that a report computed after the erasure gives the same figures as before.
Follow-up call notes (free text about the person) are emptied; the calls' dates and outcomes
stay.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from passdesk.errors import NotFound, Refused
from passdesk.formatting import format_date
from passdesk.i18n import N_, _
from passdesk.models import (
    Beneficiary,
    ErasedPerson,
    FollowUpCall,
    Handout,
    HandoutBooklet,
    NameToken,
    Voucher,
    VoucherUse,
)
from passdesk.models.base import max_length
from passdesk.roles import Action
from passdesk.services import access_log
from passdesk.services.access_log import months_before
from passdesk.services.base import Service, desk_id_in, local_date, require
from passdesk.services.people_scope import check_registered_here, visible_person
from passdesk.services.report_figures import age_band
from passdesk.services.rows import Actor
from passdesk.services.settings import value_in
from passdesk.text import checked_text

log = logging.getLogger(__name__)

BATCH = 500  # people anonymised per unit of work: the window's own writes never wait long
ERASED_REASON = N_("reason erased with the person")
# What counts as activity: the purge keeps whoever had one within the retention period.
ACTIVITY: dict[str, str] = {
    "registered": N_("registration"),
    "updated": N_("record updated"),
    "handout": N_("handout"),
    "usage": N_("voucher used"),
    "call": N_("follow-up call"),
}


@dataclass(frozen=True)
class PurgeCandidate:
    """A person the purge would anonymise: their last activity and what it was."""

    beneficiary_id: int
    last_activity: datetime
    kind: str  # a key of ACTIVITY


@dataclass(frozen=True)
class PurgePreview:
    months: int
    cutoff: datetime  # no activity since: anonymised
    candidates: tuple[PurgeCandidate, ...]
    kept: int  # people not erased, with a recent activity
    already_erased: int


@dataclass(frozen=True)
class PurgeResult:
    preview: PurgePreview
    erased: int
    dry_run: bool


def band_changes(birth: date | None, days: Sequence[date]) -> list[list[str]]:
    """[[day, age band], ...] at the first of `days` and wherever the band changes: with
    `report_figures.band_on`, the band on any of `days`, without the birth date."""
    if birth is None:
        return []
    changes: list[list[str]] = []
    for day in sorted(set(days)):
        band = age_band(birth, day)
        if not changes or changes[-1][1] != band:
            changes.append([day.isoformat(), band])
    return changes


def anonymise(
    session: Session,
    ids: Sequence[int],
    *,
    at: datetime,
    agent_id: int | None,
    reason: str,
    action: str,
) -> int:
    """Erase the identity of the people `ids` (those not erased yet) in the caller's unit of
    work; how many were erased. Set-wise: a purge of thousands is a few statements a batch."""
    people = session.execute(
        select(
            Beneficiary.id,
            Beneficiary.birth_date,
            Beneficiary.postcode,
            Beneficiary.commune,
            Beneficiary.target_group,
            Beneficiary.diagnostic,
        ).where(Beneficiary.id.in_(ids), Beneficiary.erased_at.is_(None))
    ).all()
    if not people:
        return 0
    chosen = [p.id for p in people]
    days: dict[int, list[date]] = defaultdict(list)
    for person_id, created in session.execute(
        select(Handout.beneficiary_id, Handout.created_at).where(Handout.beneficiary_id.in_(chosen))
    ):
        days[person_id].append(local_date(created))  # the day the reports count it on
    session.execute(
        insert(ErasedPerson),
        [
            {
                "beneficiary_id": p.id,
                "erased_at": at,
                "agent_id": agent_id,
                "reason": reason,
                "postcode": p.postcode or "",
                "commune": p.commune or "",
                "target_group": p.target_group or "",
                "needs": list(p.diagnostic or ()),
                "age_bands": band_changes(p.birth_date, days[p.id]),
            }
            for p in people
        ],
    )
    session.execute(
        update(Beneficiary)
        .where(Beneficiary.id.in_(chosen))
        .values(
            last_name="",
            first_name="",
            birth_date=None,
            search_name="",
            name_key="",
            postcode="",
            commune="",
            phone="",
            email="",
            target_group="",
            diagnostic=[],
            consent_at=None,
            contact_consent=False,
            notice_version_id=None,
            notice_shown_at=None,
            consent_notice_version_id=None,
            updated_at=at,
            erased_at=at,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(NameToken).where(NameToken.beneficiary_id.in_(chosen)))
    session.execute(
        update(FollowUpCall)
        .where(FollowUpCall.beneficiary_id.in_(chosen))
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    # A reason typed for an override or a cancellation may name the person: its text goes,
    # the fact stays (the journal keeps only its fingerprint).
    erased = _(ERASED_REASON)
    for column in (Handout.override_reason, Handout.cancel_reason):
        session.execute(
            update(Handout)
            .where(Handout.beneficiary_id.in_(chosen), column.is_not(None))
            .values({column.key: erased})
            .execution_options(synchronize_session=False)
        )
    access_log.record(session, agent_id, chosen, action, at)
    return len(chosen)


def _inactive_since(cutoff: datetime) -> list[ColumnElement[bool]]:
    """The conditions of a person with no activity from `cutoff` on (see ACTIVITY)."""
    person = Beneficiary.id
    used = (
        select(VoucherUse.voucher_id)
        .join(Voucher, Voucher.id == VoucherUse.voucher_id)
        .join(HandoutBooklet, HandoutBooklet.booklet_id == Voucher.booklet_id)
        .join(Handout, Handout.id == HandoutBooklet.handout_id)
        .where(
            Handout.beneficiary_id == person,
            Handout.cancelled_at.is_(None),
            VoucherUse.used_at >= cutoff,
        )
    )
    return [
        Beneficiary.erased_at.is_(None),
        Beneficiary.created_at < cutoff,
        or_(Beneficiary.updated_at.is_(None), Beneficiary.updated_at < cutoff),
        ~exists().where(Handout.beneficiary_id == person, Handout.created_at >= cutoff),
        ~exists().where(FollowUpCall.beneficiary_id == person, FollowUpCall.called_at >= cutoff),
        ~exists(used),
    ]


def _last_activities(session: Session, ids: Sequence[int]) -> list[PurgeCandidate]:
    """Each person's last activity and its kind, a batch of ids at a time."""
    found: list[PurgeCandidate] = []
    for start in range(0, len(ids), BATCH):
        batch = list(ids[start : start + BATCH])
        latest: dict[int, tuple[datetime, str]] = {}

        rows: list[tuple[int, datetime | None, str]] = []
        for pid, created, updated in session.execute(
            select(Beneficiary.id, Beneficiary.created_at, Beneficiary.updated_at).where(
                Beneficiary.id.in_(batch)
            )
        ):
            rows += [(pid, created, "registered"), (pid, updated, "updated")]
        grouped = (
            (
                "handout",
                select(Handout.beneficiary_id, func.max(Handout.created_at))
                .where(Handout.beneficiary_id.in_(batch))
                .group_by(Handout.beneficiary_id),
            ),
            (
                "call",
                select(FollowUpCall.beneficiary_id, func.max(FollowUpCall.called_at))
                .where(FollowUpCall.beneficiary_id.in_(batch))
                .group_by(FollowUpCall.beneficiary_id),
            ),
            (
                "usage",
                select(Handout.beneficiary_id, func.max(VoucherUse.used_at))
                .select_from(VoucherUse)
                .join(Voucher, Voucher.id == VoucherUse.voucher_id)
                .join(HandoutBooklet, HandoutBooklet.booklet_id == Voucher.booklet_id)
                .join(
                    Handout,
                    and_(Handout.id == HandoutBooklet.handout_id, Handout.cancelled_at.is_(None)),
                )
                .where(Handout.beneficiary_id.in_(batch))
                .group_by(Handout.beneficiary_id),
            ),
        )
        for kind, query in grouped:
            rows += [(pid, moment, kind) for pid, moment in session.execute(query)]
        for pid, moment, kind in rows:
            if moment is not None and (pid not in latest or moment > latest[pid][0]):
                latest[pid] = (moment, kind)
        found += [PurgeCandidate(pid, *latest[pid]) for pid in batch if pid in latest]
    return found


class ErasureService(Service):
    def erase(self, actor: Actor, beneficiary_id: int, reason: str) -> datetime:
        """Erase one person's identity on their request; refused when already done."""
        require(actor, Action.ERASE_PERSON)
        why = checked_text(
            reason,
            label=_("Reason"),
            max_length=max_length(ErasedPerson.reason),
            field="reason",
        )
        if not why:
            raise Refused(_("Give the reason for the erasure (the person's request)."))
        now = self._now()

        def work(session: Session) -> datetime:
            found = visible_person(session, beneficiary_id, actor.desk_id)
            if found is None:
                raise NotFound(
                    _("No beneficiary with the number {id}.").format(id=beneficiary_id),
                    field="beneficiary",
                )
            check_registered_here(session, found, actor.desk_id)
            if found.erased_at is not None:
                raise Refused(
                    _("This person's data was already erased on {date}.").format(
                        date=format_date(local_date(found.erased_at))
                    )
                )
            anonymise(
                session, [beneficiary_id], at=now, agent_id=actor.id, reason=why, action="erased"
            )
            return now

        erased_at = self._db.transaction(work)
        log.info("agent %s erased beneficiary %s on request", actor.id, beneficiary_id)
        return erased_at

    def preview(self, actor: Actor | None = None) -> PurgePreview:
        """Who the purge would anonymise now, with their last activity; nothing changes. A desk
        purges the people it registered (the actor's desk, else the process's), after its own
        retention period, whether or not the territory shares its people."""
        if actor is not None:
            require(actor, Action.PURGE)
        with self._db.read() as session:
            return self._preview(session, actor.desk_id if actor else desk_id_in(session))

    def _preview(self, session: Session, desk_id: int) -> PurgePreview:
        months = int(value_in(session, "retention_months"))
        cutoff = months_before(self._now(), months)
        mine = Beneficiary.desk_id == desk_id
        ids = list(
            session.scalars(
                select(Beneficiary.id)
                .where(mine, *_inactive_since(cutoff))
                .order_by(Beneficiary.id)
            )
        )
        erased = session.scalar(
            select(func.count())
            .select_from(Beneficiary)
            .where(mine, Beneficiary.erased_at.is_not(None))
        )
        everyone = session.scalar(select(func.count()).select_from(Beneficiary).where(mine)) or 0
        candidates = sorted(
            _last_activities(session, ids), key=lambda c: (c.last_activity, c.beneficiary_id)
        )
        return PurgePreview(
            months, cutoff, tuple(candidates), everyone - (erased or 0) - len(ids), erased or 0
        )

    def purge(self, actor: Actor | None, *, dry_run: bool = False) -> PurgeResult:
        """Anonymise everyone with no activity within the retention period, a batch at a time;
        `actor` None: PassDesk itself (start-up and the daily run)."""
        if actor is not None:
            require(actor, Action.PURGE)
        preview = self.preview(actor)
        if dry_run or not preview.candidates:
            return PurgeResult(preview, 0, dry_run)
        now = self._now()
        cutoff = preview.cutoff
        ids = [c.beneficiary_id for c in preview.candidates]
        erased = 0
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]

            def work(session: Session, batch: list[int] = batch) -> int:
                # Checked again inside the unit of work: someone served meanwhile stays.
                still = list(
                    session.scalars(
                        select(Beneficiary.id).where(
                            Beneficiary.id.in_(batch), *_inactive_since(cutoff)
                        )
                    )
                )
                return anonymise(
                    session,
                    still,
                    at=now,
                    agent_id=actor.id if actor else None,
                    reason="retention",
                    action="purged",
                )

            erased += self._db.transaction(work)
        log.info("retention purge: %s people anonymised (%s months)", erased, preview.months)
        return PurgeResult(preview, erased, False)

    def daily(self) -> PurgeResult:
        """What PassDesk does by itself at start-up and each day: the access log's old entries
        deleted, the people past their retention period anonymised."""
        now = self._now()
        self._db.transaction(lambda session: access_log.expire(session, now))
        return self.purge(None)
