"""Programmes (face value, booklet size, validity, per-person limit) and their funders' shares."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from passdesk import codes, formatting
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.i18n import N_, _
from passdesk.models import Booklet, EventKind, Funder, FunderShare, Programme
from passdesk.models.base import max_length
from passdesk.roles import Action
from passdesk.services import ledger, serial_formats
from passdesk.services.base import Service, programme_row, require
from passdesk.services.rows import Actor, ProgrammeRow
from passdesk.text import checked_text, clean_name

log = logging.getLogger(__name__)

MAX_VOUCHERS_PER_BOOKLET = 50
MAX_FACE_VALUE = Decimal("500")
# The 2020 call's priority groups and the usual others (stored as these keys).
TARGET_GROUPS: dict[str, str] = {
    "young_no_qualification": N_("Young person without qualification"),
    "jobseeker_no_diploma": N_("Job seeker without diploma"),
    "senior": N_("Senior"),
    "social_minima": N_("Recipient of social benefits"),
    "disability": N_("Person with a disability"),
    "other": N_("Other"),
}
# The 2020 call's priority groups: what the demonstration's national programme declares, and
# what a programme's priority groups usually are.
PRIORITY_GROUPS = ("young_no_qualification", "jobseeker_no_diploma")


@dataclass(frozen=True)
class Targeting:
    """Whom a programme is for: its target groups (none: everyone), the priority ones among
    them and the share of vouchers (percent) they must receive (None: no quota)."""

    target_groups: tuple[str, ...] = ()
    priority_groups: tuple[str, ...] = ()
    priority_quota: Decimal | None = None


@dataclass(frozen=True)
class TargetGroupChoice:
    """A target group the person form offers, and whether an open programme gives it priority."""

    key: str
    label: str  # English msgid, translated where shown
    priority: bool


def parse_quota(text: str | Decimal | int) -> Decimal:
    """ "50", "50 %", "33,5" -> a percent above 0 and at most 100, in hundredths at most."""
    try:
        value = Decimal(str(text).replace(",", ".").replace("%", "").strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 < value <= 100 or value != round(value, 2):
        raise InvalidInput(
            _(
                "The priority quota is a percentage above 0 and at most 100 (e.g. 50); got {value}."
            ).format(value=text),
            field="priority_quota",
        )
    return value.quantize(Decimal("0.01"))


def _unique(keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k.strip() for k in keys if k.strip()))


def check_targeting(
    target_groups: Sequence[str],
    priority_groups: Sequence[str],
    priority_quota: str | Decimal | int | None,
) -> Targeting:
    """The targeting as stored, or InvalidInput naming the first thing wrong with it."""
    targets, priority = _unique(target_groups), _unique(priority_groups)
    for field, keys in (("target_groups", targets), ("priority_groups", priority)):
        unknown = [g for g in keys if g not in TARGET_GROUPS]
        if unknown:
            raise InvalidInput(
                _("Unknown target group: {group}. Known groups: {choices}.").format(
                    group=unknown[0], choices=", ".join(TARGET_GROUPS)
                ),
                field=field,
            )
    outside = [g for g in priority if targets and g not in targets]
    if outside:
        raise InvalidInput(
            _("The priority group {group} is not one of the programme's target groups.").format(
                group=outside[0]
            ),
            field="priority_groups",
        )
    quota = None if priority_quota is None or priority_quota == "" else parse_quota(priority_quota)
    if quota is not None and not priority:
        raise InvalidInput(
            _("A priority quota needs at least one priority group."), field="priority_groups"
        )
    return Targeting(targets, priority, quota)


def parse_money(text: str | Decimal, field: str = "face_value") -> Decimal:
    try:
        value = Decimal(str(text).replace(",", ".").replace("€", "").strip())
    except InvalidOperation:
        raise InvalidInput(
            _("{value} is not an amount in euros (e.g. 10 or 12,50).").format(value=text),
            field=field,
        ) from None
    if not value.is_finite() or value <= 0 or value > MAX_FACE_VALUE or value != round(value, 2):
        raise InvalidInput(
            _("The face value must be between 0,01 € and {max} €, in cents at most.").format(
                max=MAX_FACE_VALUE
            ),
            field=field,
        )
    return value.quantize(Decimal("0.01"))


def parse_date(text: str | date, field: str) -> date:
    """31/12/2026 (as the window shows dates) or 2026-12-31 (as the console takes them)."""
    return formatting.parse_date(text, field)


def _percent(text: str) -> Decimal:
    """ "45", "45 %", "33,5" -> Decimal; NaN when it is not a percentage above 0 up to 100."""
    try:
        value = Decimal(text.replace(",", ".").replace("%", "").strip())
    except InvalidOperation:
        return Decimal("NaN")
    return value if value.is_finite() and 0 < value <= 100 else Decimal("NaN")


def parse_percent(text: str, field: str = "funders") -> Decimal:
    """A funder's share as typed in a table cell, or InvalidInput in French."""
    value = _percent(text)
    if not value.is_finite():
        raise InvalidInput(
            _(
                "A funder's share is a percentage above 0 and at most 100 (e.g. 45); got {value}."
            ).format(value=text),
            field=field,
        )
    return value


def parse_share(text: str) -> tuple[str, Decimal]:
    """ "Métropole de Lyon=55" -> ("Métropole de Lyon", Decimal("55"))."""
    name, sep, percent = text.rpartition("=")
    name = clean_name(checked_text(name, label=_("Funder"), max_length=max_length(Funder.name)))
    value = _percent(percent)
    if not sep or not name or not value.is_finite():
        raise InvalidInput(
            _('A funder is written NAME=PERCENT, e.g. "État=45"; got {value}.').format(value=text),
            field="funders",
        )
    return name, value


def check_shares(funders: Sequence[tuple[str, Decimal]]) -> None:
    """At least one funder, each named once, their shares adding up to 100 %."""
    if not funders:
        raise InvalidInput(
            _('Give at least one funder, e.g. --funder "État=100".'), field="funders"
        )
    names = [n.casefold() for n, _p in funders]
    if len(set(names)) != len(names):
        raise InvalidInput(_("A funder is listed twice."), field="funders")
    total = sum((p for _n, p in funders), Decimal(0))
    if total != 100:
        raise InvalidInput(
            _("The funders' shares add up to {total} %, not 100 %.").format(
                total=f"{total.normalize():f}"
            ),
            field="funders",
        )


def _check_per_booklet(vouchers_per_booklet: int) -> None:
    if not 1 <= vouchers_per_booklet <= MAX_VOUCHERS_PER_BOOKLET:
        raise InvalidInput(
            _("A booklet holds 1 to {max} vouchers.").format(max=MAX_VOUCHERS_PER_BOOKLET),
            field="vouchers_per_booklet",
        )


def _check_limit(limit_per_person: int) -> None:
    if limit_per_person < 1:
        raise InvalidInput(
            _("The limit per person is at least 1 booklet."), field="limit_per_person"
        )


def _has_booklets(session: Session, programme: Programme) -> bool:
    return (
        session.scalar(select(Booklet.id).where(Booklet.programme_id == programme.id).limit(1))
        is not None
    )


def _replace_shares(
    session: Session, programme: Programme, funders: Sequence[tuple[str, Decimal]]
) -> None:
    """The programme's shares become `funders` (a funder met before is the same funder)."""
    wanted = {name: percent for name, percent in funders}
    for share in list(programme.shares):
        if share.funder.name in wanted:
            share.percent = wanted.pop(share.funder.name)
        else:
            programme.shares.remove(share)
    session.flush()
    for funder_name, percent in wanted.items():
        funder = session.scalar(select(Funder).where(Funder.name == funder_name))
        if funder is None:
            funder = Funder(name=funder_name)
            session.add(funder)
        programme.shares.append(FunderShare(funder=funder, percent=percent))


def _edited_fields(programme: Programme) -> dict[str, object]:
    """What an edit may change, as the journal keeps it (names of funders are not personal)."""
    return {
        "name": programme.name,
        "face_value": str(programme.face_value),
        "vouchers_per_booklet": programme.vouchers_per_booklet,
        "valid_from": programme.valid_from.isoformat(),
        "valid_until": programme.valid_until.isoformat(),
        "limit_per_person": programme.limit_per_person,
        "funders": {s.funder.name: str(s.percent) for s in programme.shares},
        "target_groups": list(programme.target_groups or ()),
        "priority_groups": list(programme.priority_groups or ()),
        "priority_quota": None
        if programme.priority_quota is None
        else str(programme.priority_quota),
    }


class ProgrammeService(Service):
    def add(
        self,
        actor: Actor,
        *,
        code: str,
        name: str,
        face_value: str | Decimal,
        vouchers_per_booklet: int,
        valid_from: str | date,
        valid_until: str | date,
        funders: Sequence[tuple[str, Decimal]],
        limit_per_person: int | None = None,
        target_groups: Sequence[str] = (),
        priority_groups: Sequence[str] = (),
        priority_quota: str | Decimal | None = None,
    ) -> ProgrammeRow:
        require(actor, Action.MANAGE_PROGRAMMES)
        code = codes.validate_programme_code(code)
        name = clean_name(
            checked_text(name, label=_("Name"), max_length=max_length(Programme.name), field="name")
        )
        if not name:
            raise InvalidInput(_("Give the programme's name."), field="name")
        value = parse_money(face_value)
        _check_per_booklet(vouchers_per_booklet)
        start, end = parse_date(valid_from, "valid_from"), parse_date(valid_until, "valid_until")
        if end <= start:
            raise InvalidInput(
                _("The end of validity must come after its start."), field="valid_until"
            )
        if limit_per_person is not None:
            _check_limit(limit_per_person)
        targeting = check_targeting(target_groups, priority_groups, priority_quota)
        self._check_shares(funders)

        def work(session: Session) -> ProgrammeRow:
            if session.scalar(select(Programme).where(Programme.code == code)) is not None:
                raise Refused(
                    _("A programme with the code {code} already exists.").format(code=code),
                    field="code",
                )
            clash = serial_formats.format_clashing_with_programme(session, code)
            if clash is not None:
                raise Refused(
                    _(
                        "Codes of programme {code} could read as serials of the operator format "
                        "{name}: choose another code."
                    ).format(code=code, name=clash),
                    field="code",
                )
            programme = Programme(
                code=code,
                name=name,
                face_value=value,
                vouchers_per_booklet=vouchers_per_booklet,
                valid_from=start,
                valid_until=end,
                limit_per_person=limit_per_person,
                target_groups=list(targeting.target_groups),
                priority_groups=list(targeting.priority_groups),
                priority_quota=targeting.priority_quota,
            )
            for funder_name, percent in funders:
                funder = session.scalar(select(Funder).where(Funder.name == funder_name))
                if funder is None:
                    funder = Funder(name=funder_name)
                    session.add(funder)
                programme.shares.append(FunderShare(funder=funder, percent=percent))
            session.add(programme)
            session.flush()
            ledger.append(
                session,
                at=self._now(),
                agent_id=actor.id,
                kind=EventKind.PROGRAMME_CREATED,
                programme_id=programme.id,
                details={
                    "code": code,
                    "name": name,
                    "face_value": str(value),
                    "vouchers_per_booklet": vouchers_per_booklet,
                    "valid_from": start.isoformat(),
                    "valid_until": end.isoformat(),
                    "limit_per_person": limit_per_person,
                    "funders": {funder: str(percent) for funder, percent in funders},
                },
            )
            log.info("agent %s created programme %s", actor.id, code)
            return programme_row(programme)

        return self._db.transaction(work)

    def edit(
        self,
        actor: Actor,
        code: str,
        *,
        target_groups: Sequence[str] | None = None,
        priority_groups: Sequence[str] | None = None,
        priority_quota: str | Decimal | None = None,
        clear_quota: bool = False,
        name: str | None = None,
        limit_per_person: int | None = None,
        clear_limit: bool = False,
        funders: Sequence[tuple[str, Decimal]] | None = None,
        face_value: str | Decimal | None = None,
        vouchers_per_booklet: int | None = None,
        valid_from: str | date | None = None,
        valid_until: str | date | None = None,
    ) -> ProgrammeRow:
        """Change a programme; what is not given stays as it is. The whole targeting is
        checked again (a priority group must stay one of the target groups). Its code never
        changes (every booklet carries it), nor do its face value and booklet size once
        booklets exist (they are printed on them)."""
        require(actor, Action.MANAGE_PROGRAMMES)
        new_name = None
        if name is not None:
            new_name = clean_name(
                checked_text(
                    name, label=_("Name"), max_length=max_length(Programme.name), field="name"
                )
            )
        if new_name is not None and not new_name:
            raise InvalidInput(_("Give the programme's name."), field="name")
        value = None if face_value is None else parse_money(face_value)
        if vouchers_per_booklet is not None:
            _check_per_booklet(vouchers_per_booklet)
        if limit_per_person is not None:
            _check_limit(limit_per_person)
        if funders is not None:
            self._check_shares(funders)

        def work(session: Session) -> ProgrammeRow:
            programme = session.scalar(
                select(Programme).where(Programme.code == code.strip().upper())
            )
            if programme is None:
                raise NotFound(
                    _("No programme with the code {code}.").format(code=code), field="programme"
                )
            before = _edited_fields(programme)
            quota: str | Decimal | None = priority_quota
            if clear_quota:
                quota = None
            elif priority_quota is None:
                quota = programme.priority_quota
            targeting = check_targeting(
                programme.target_groups if target_groups is None else target_groups,
                programme.priority_groups if priority_groups is None else priority_groups,
                quota,
            )
            programme.target_groups = list(targeting.target_groups)
            programme.priority_groups = list(targeting.priority_groups)
            programme.priority_quota = targeting.priority_quota
            if new_name is not None:
                programme.name = new_name
            if clear_limit:
                programme.limit_per_person = None
            elif limit_per_person is not None:
                programme.limit_per_person = limit_per_person
            printed = (value, vouchers_per_booklet)
            changed_print = (value is not None and value != programme.face_value) or (
                vouchers_per_booklet is not None
                and vouchers_per_booklet != programme.vouchers_per_booklet
            )
            if changed_print and _has_booklets(session, programme):
                raise Refused(
                    _(
                        "Booklets of {code} exist: their face value and number of vouchers "
                        "are printed on them and cannot change."
                    ).format(code=programme.code),
                    field="face_value" if printed[0] is not None else "vouchers_per_booklet",
                )
            if value is not None:
                programme.face_value = value
            if vouchers_per_booklet is not None:
                programme.vouchers_per_booklet = vouchers_per_booklet
            start = (
                programme.valid_from if valid_from is None else parse_date(valid_from, "valid_from")
            )
            end = (
                programme.valid_until
                if valid_until is None
                else parse_date(valid_until, "valid_until")
            )
            if end <= start:
                raise InvalidInput(
                    _("The end of validity must come after its start."), field="valid_until"
                )
            programme.valid_from, programme.valid_until = start, end
            if funders is not None:
                _replace_shares(session, programme, funders)
            session.flush()
            after = _edited_fields(programme)
            changes = {k: after[k] for k in after if after[k] != before[k]}
            if changes:
                ledger.append(
                    session,
                    at=self._now(),
                    agent_id=actor.id,
                    kind=EventKind.PROGRAMME_CHANGED,
                    programme_id=programme.id,
                    details={"code": programme.code, **changes},
                )
            log.info("agent %s changed programme %s", actor.id, programme.code)
            return programme_row(programme)

        return self._db.transaction(work)

    def offered_target_groups(self) -> list[TargetGroupChoice]:
        """The target groups a person may be put in today: those of the programmes handing out
        today (every group when none of them names any), priority ones marked."""
        today = self._today()
        with self._db.read() as session:
            open_now = session.scalars(
                select(Programme).where(
                    Programme.valid_from <= today, Programme.valid_until >= today
                )
            ).all()
            named = {g for p in open_now for g in (p.target_groups or ())}
            priority = {g for p in open_now for g in (p.priority_groups or ())}
        return [
            TargetGroupChoice(key, label, key in priority)
            for key, label in TARGET_GROUPS.items()
            if not named or key in named
        ]

    @staticmethod
    def _check_shares(funders: Sequence[tuple[str, Decimal]]) -> None:
        check_shares(funders)

    def list(self) -> list[ProgrammeRow]:
        with self._db.read() as session:
            programmes = session.scalars(
                select(Programme)
                .options(selectinload(Programme.shares).selectinload(FunderShare.funder))
                .order_by(Programme.code)
            )
            return [programme_row(p) for p in programmes]

    def get(self, code: str) -> ProgrammeRow:
        with self._db.read() as session:
            programme = session.scalar(
                select(Programme).where(Programme.code == code.strip().upper())
            )
            if programme is None:
                raise NotFound(
                    _("No programme with the code {code}.").format(code=code), field="programme"
                )
            return programme_row(programme)
