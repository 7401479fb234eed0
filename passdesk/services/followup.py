"""Following up the use of vouchers: usage rates, time to first use, who to call, the calls.

The scheme's known failure was use, not distribution: this is where a desk sees it. Rates are
used vouchers over vouchers handed out in handouts still standing (a cancelled handout's
booklet is not the person's); by place, each place's share of the uses. `usage_rate` is the
one figure the dashboard shows. In a database of several desks the rates are the process's
desk's (its handouts), except the comparison by desk.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from passdesk.documents.sheets import write_rows
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.formatting import format_date
from passdesk.i18n import N_, _
from passdesk.models import (
    Agent,
    Beneficiary,
    Booklet,
    Desk,
    FollowUpCall,
    Handout,
    HandoutBooklet,
    Place,
    Programme,
    Voucher,
    VoucherStatus,
    VoucherUse,
)
from passdesk.models.base import max_length
from passdesk.roles import Action
from passdesk.services.base import (
    Clock,
    Service,
    desk_id_in,
    local_date,
    require,
    system_clock,
)
from passdesk.services.desks import several_desks
from passdesk.services.handout_reading import left_out_codes, short_handouts
from passdesk.services.people_scope import people_desk, visible_person
from passdesk.services.print_lines import display_name
from passdesk.services.rows import Actor
from passdesk.services.settings import SettingsService
from passdesk.store import Database
from passdesk.text import checked_text

log = logging.getLogger(__name__)

OUTCOMES: dict[str, str] = {
    "reached": N_("reached: will go to a place"),
    "declined": N_("reached: not interested"),
    "already_used": N_("reached: says the vouchers were used"),
    "message_left": N_("message left"),
    "no_answer": N_("no answer"),
    "wrong_number": N_("wrong number"),
}
DIMENSIONS = ("programme", "desk", "agent", "place")
MAX_WEEKS = 520  # ten years: a handout older than the scheme itself is a typo


@dataclass(frozen=True)
class UsageRate:
    """Used vouchers over vouchers handed out (by place: the place's uses over all uses)."""

    key: str
    label: str
    handed_out: int
    used: int

    @property
    def rate(self) -> float:
        return self.used / self.handed_out if self.handed_out else 0.0


@dataclass(frozen=True)
class FirstUse:
    """Days from a handout to the first voucher of it used."""

    handouts_used: int
    median_days: float | None
    mean_days: float | None


@dataclass(frozen=True)
class FollowUpRow:
    """A person to call: handed vouchers N weeks ago or more, none used yet."""

    beneficiary_id: int
    name: str
    handed_out_on: date
    weeks: int
    phone: str  # empty unless the person agreed to be called
    contact_consent: bool
    last_call_on: date | None
    last_outcome: str | None


def _live() -> object:
    return Handout.cancelled_at.is_(None)


def _rates_desk(session: Session) -> int | None:
    """The desk whose handouts the rates count: the process's in a database of several desks;
    None (every handout, as before) in a database of one."""
    return desk_id_in(session) if several_desks(session) else None


def usage_counts(
    session: Session,
    *,
    programme: str | None = None,
    desk_id: int | None = None,
    agent_id: int | None = None,
) -> tuple[int, int]:
    """Vouchers of live handouts, and how many of them were used (the dashboard and the
    follow-up's rate read the same two numbers)."""
    query = (
        select(
            func.count(Voucher.id),
            func.count(Voucher.id).filter(Voucher.status == VoucherStatus.USED),
        )
        .select_from(Voucher)
        .join(HandoutBooklet, HandoutBooklet.booklet_id == Voucher.booklet_id)
        .join(Handout, and_(Handout.id == HandoutBooklet.handout_id, _live()))
    )
    if programme:
        query = query.join(Programme, Programme.id == Voucher.programme_id).where(
            Programme.code == programme.strip().upper()
        )
    if desk_id is not None:
        query = query.where(Handout.desk_id == desk_id)
    if agent_id is not None:
        query = query.where(Handout.agent_id == agent_id)
    handed, used = session.execute(query).one()
    # A booklet given short (vouchers voided before it left) did not give those vouchers.
    short = short_handouts().where(_live())
    if programme:
        short = short.join(Programme, Programme.id == Booklet.programme_id).where(
            Programme.code == programme.strip().upper()
        )
    if desk_id is not None:
        short = short.where(Handout.desk_id == desk_id)
    if agent_id is not None:
        short = short.where(Handout.agent_id == agent_id)
    left_out = sum(len(left_out_codes(details)) for (details,) in session.execute(short))
    return int(handed or 0) - left_out, int(used or 0)


class FollowUpService(Service):
    def __init__(
        self, db: Database, clock: Clock = system_clock, *, settings: SettingsService
    ) -> None:
        super().__init__(db, clock)
        self._settings = settings

    # --- rates --------------------------------------------------------------------------

    def usage_rate(
        self,
        *,
        programme: str | None = None,
        desk_id: int | None = None,
        agent_id: int | None = None,
    ) -> UsageRate:
        """The share of handed-out vouchers used, over all, or for one programme, desk, agent
        (by default the process's desk's)."""
        with self._db.read() as session:
            handed, used = usage_counts(
                session,
                programme=programme,
                desk_id=desk_id if desk_id is not None else _rates_desk(session),
                agent_id=agent_id,
            )
        return UsageRate(programme or "", _("All"), handed, used)

    def usage_rates(self, by: str) -> list[UsageRate]:
        """Rates per programme, desk or agent; per place, each place's share of the uses."""
        if by not in DIMENSIONS:
            raise InvalidInput(
                _("Usage rates are by {choices}.").format(choices=", ".join(DIMENSIONS)),
                field="by",
            )
        with self._db.read() as session:
            desk_id = None if by == "desk" else _rates_desk(session)
            mine = [] if desk_id is None else [Handout.desk_id == desk_id]
            if by == "place":
                return self._by_place(session, desk_id)
            key, label, join, short_join = {
                "programme": (
                    Programme.code,
                    Programme.name,
                    Programme.id == Voucher.programme_id,
                    Programme.id == Booklet.programme_id,
                ),
                "desk": (Desk.id, Desk.name, Desk.id == Handout.desk_id, None),
                "agent": (Agent.login, Agent.display_name, Agent.id == Handout.agent_id, None),
            }[by]
            rows = session.execute(
                select(
                    key,
                    label,
                    func.count(Voucher.id),
                    func.count(Voucher.id).filter(Voucher.status == VoucherStatus.USED),
                )
                .select_from(Voucher)
                .join(HandoutBooklet, HandoutBooklet.booklet_id == Voucher.booklet_id)
                .join(Handout, and_(Handout.id == HandoutBooklet.handout_id, _live()))
                .join(label.class_, join)  # type: ignore[attr-defined]
                .where(*mine)
                .group_by(key, label)
                .order_by(label)
            ).all()
            # Booklets given short did not give their vouchers left out (see usage_counts).
            left_out: dict[object, int] = {}
            for details, k in session.execute(
                short_handouts(key)
                .join(label.class_, short_join if short_join is not None else join)  # type: ignore[attr-defined]
                .where(_live(), *mine)
            ):
                left_out[k] = left_out.get(k, 0) + len(left_out_codes(details))
        return [
            UsageRate(str(k), str(n), int(h) - left_out.get(k, 0), int(u)) for k, n, h, u in rows
        ]

    @staticmethod
    def _by_place(session: Session, desk_id: int | None) -> list[UsageRate]:
        """Each place's share of the uses (of the vouchers `desk_id` handed out, if given)."""
        uses = select(VoucherUse.voucher_id.label("voucher_id"), VoucherUse.place_id)
        if desk_id is not None:
            uses = (
                uses.join(Voucher, Voucher.id == VoucherUse.voucher_id)
                .join(HandoutBooklet, HandoutBooklet.booklet_id == Voucher.booklet_id)
                .join(Handout, and_(Handout.id == HandoutBooklet.handout_id, _live()))
                .where(Handout.desk_id == desk_id)
            )
        counted = uses.subquery()
        total = session.scalar(select(func.count()).select_from(counted)) or 0
        rows = session.execute(
            select(Place.id, Place.name, func.count(counted.c.voucher_id))
            .join(counted, counted.c.place_id == Place.id)
            .group_by(Place.id, Place.name)
            .order_by(func.count(counted.c.voucher_id).desc(), Place.name)
        ).all()
        return [UsageRate(str(i), n, total, int(c)) for i, n, c in rows]

    def first_use(self, programme: str | None = None) -> FirstUse:
        """How long people take to use their first voucher, over the handouts used at all."""
        query = (
            select(Handout.created_at, func.min(VoucherUse.used_at))
            .join(HandoutBooklet, HandoutBooklet.handout_id == Handout.id)
            .join(Voucher, Voucher.booklet_id == HandoutBooklet.booklet_id)
            .join(VoucherUse, VoucherUse.voucher_id == Voucher.id)
            .where(_live())
            .group_by(Handout.id, Handout.created_at)
        )
        if programme:
            query = query.join(Programme, Programme.id == Voucher.programme_id).where(
                Programme.code == programme.strip().upper()
            )
        with self._db.read() as session:
            desk_id = _rates_desk(session)
            if desk_id is not None:
                query = query.where(Handout.desk_id == desk_id)
            days = [
                max((local_date(used) - local_date(handed)).days, 0)
                for handed, used in session.execute(query)
            ]
        if not days:
            return FirstUse(0, None, None)
        return FirstUse(len(days), float(statistics.median(days)), statistics.fmean(days))

    # --- who to call --------------------------------------------------------------------

    def to_call(self, actor: Actor, weeks: int | None = None) -> list[FollowUpRow]:
        """People whose first standing handout is `weeks` old or more (the setting by default)
        and who have used no voucher; oldest handout first. The phone only with consent. Names
        and phones: only for whom the roles table lets follow up. The actor's desk calls the
        people it handed booklets out to (among those it sees)."""
        require(actor, Action.FOLLOW_UP)
        weeks = int(weeks if weeks is not None else self._settings.get("followup_weeks"))
        if not 0 <= weeks <= MAX_WEEKS:
            raise InvalidInput(
                _("The number of weeks must be between 0 and {max}.").format(max=MAX_WEEKS),
                field="weeks",
            )
        cutoff = self._now() - timedelta(weeks=weeks)
        used = (
            select(HandoutBooklet.handout_id)
            .join(Voucher, Voucher.booklet_id == HandoutBooklet.booklet_id)
            .where(Voucher.status == VoucherStatus.USED)
        )
        users = select(Handout.beneficiary_id).where(Handout.id.in_(used), _live())
        last_call = (
            select(FollowUpCall.beneficiary_id, func.max(FollowUpCall.id).label("call_id"))
            .group_by(FollowUpCall.beneficiary_id)
            .subquery()
        )
        query = (
            select(
                Beneficiary.id,
                Beneficiary.first_name,
                Beneficiary.last_name,
                Beneficiary.phone,
                Beneficiary.contact_consent,
                func.min(Handout.created_at),
                func.max(FollowUpCall.called_at),
                func.max(FollowUpCall.outcome),
            )
            .join(Handout, and_(Handout.beneficiary_id == Beneficiary.id, _live()))
            .outerjoin(last_call, last_call.c.beneficiary_id == Beneficiary.id)
            .outerjoin(FollowUpCall, FollowUpCall.id == last_call.c.call_id)
            .where(Beneficiary.id.not_in(users), Beneficiary.erased_at.is_(None))
            .group_by(Beneficiary.id)
            .having(func.min(Handout.created_at) <= cutoff)
            .order_by(func.min(Handout.created_at), Beneficiary.id)
        )
        now = self._now()
        with self._db.read() as session:
            own = people_desk(session, actor.desk_id)
            if own is not None:
                query = query.where(Beneficiary.desk_id == own)
            rows = session.execute(query.where(Handout.desk_id == actor.desk_id)).all()
        return [
            FollowUpRow(
                beneficiary_id=pid,
                name=display_name(first, last),  # the erased are not listed
                handed_out_on=local_date(_aware(first_handout)),
                weeks=(now - _aware(first_handout)).days // 7,
                phone=phone if consent else "",
                contact_consent=bool(consent),
                last_call_on=local_date(_aware(called)) if called else None,
                last_outcome=outcome,
            )
            for pid, first, last, phone, consent, first_handout, called, outcome in rows
        ]

    def record_call(
        self,
        actor: Actor,
        beneficiary_id: int,
        outcome: str,
        note: str = "",
        *,
        called_at: datetime | None = None,
    ) -> None:
        """Keep a follow-up call on the person: when, by whom, what came of it."""
        require(actor, Action.FOLLOW_UP)
        if outcome not in OUTCOMES:
            raise InvalidInput(
                _("The outcome must be one of: {choices}.").format(choices=", ".join(OUTCOMES)),
                field="outcome",
            )
        when = called_at or self._now()
        note = checked_text(
            note, label=_("Note"), max_length=max_length(FollowUpCall.note), field="note"
        )

        def work(session: Session) -> None:
            person = visible_person(session, beneficiary_id, actor.desk_id)
            if person is None:
                raise NotFound(
                    _("No beneficiary with the number {id}.").format(id=beneficiary_id),
                    field="beneficiary",
                )
            if person.erased_at is not None:
                raise Refused(_("This person's data was erased."), field="beneficiary")
            session.add(
                FollowUpCall(
                    beneficiary_id=beneficiary_id,
                    called_at=when,
                    agent_id=actor.id,
                    outcome=outcome,
                    note=note,
                )
            )

        self._db.transaction(work)
        log.info("agent %s recorded a follow-up call to beneficiary %s", actor.id, beneficiary_id)

    def calls(self, beneficiary_id: int) -> list[tuple[datetime, str, str, str]]:
        """A person's calls, latest first: (when, agent, outcome label, note)."""
        with self._db.read() as session:
            if visible_person(session, beneficiary_id) is None:
                return []  # as for a number that names nobody
            rows = session.execute(
                select(FollowUpCall.called_at, Agent.display_name, FollowUpCall.outcome,
                       FollowUpCall.note)
                .join(Agent, Agent.id == FollowUpCall.agent_id)
                .where(FollowUpCall.beneficiary_id == beneficiary_id)
                .order_by(FollowUpCall.called_at.desc(), FollowUpCall.id.desc())
            ).all()  # fmt: skip
        return [(w, a, _(OUTCOMES.get(o, o)), n) for w, a, o, n in rows]

    def export_calling_list(self, actor: Actor, path: Path, weeks: int | None = None) -> int:
        """The list to call, as CSV or XLSX (by `path`'s suffix); returns how many people."""
        rows = self.to_call(actor, weeks)
        write_rows(
            path,
            (
                _("Number"),
                _("Name"),
                _("Handed out on"),
                _("Weeks"),
                _("Phone"),
                _("Last call"),
                _("Outcome"),
                _("Outcome of this call"),
            ),
            (
                (
                    r.beneficiary_id,
                    r.name,
                    format_date(r.handed_out_on),
                    r.weeks,
                    r.phone,
                    format_date(r.last_call_on) if r.last_call_on else "",
                    _(OUTCOMES[r.last_outcome]) if r.last_outcome in OUTCOMES else "",
                    "",
                )
                for r in rows
            ),
        )
        return len(rows)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


__all__ = ["OUTCOMES", "FirstUse", "FollowUpRow", "FollowUpService", "UsageRate"]
