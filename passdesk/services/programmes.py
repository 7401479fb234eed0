"""Programmes (face value, booklet size, validity, per-person limit) and their funders' shares."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from passdesk import codes
from passdesk.errors import InvalidInput, NotFound, Refused
from passdesk.i18n import N_, _
from passdesk.models import EventKind, Funder, FunderShare, Programme
from passdesk.roles import Action
from passdesk.services import ledger, serial_formats
from passdesk.services.base import Service, programme_row, require
from passdesk.services.rows import Actor, ProgrammeRow
from passdesk.text import clean_name

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
PRIORITY_GROUPS = frozenset({"young_no_qualification", "jobseeker_no_diploma"})


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
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            _("{value} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-31.").format(value=text),
            field=field,
        ) from None


def parse_share(text: str) -> tuple[str, Decimal]:
    """ "Métropole de Lyon=55" -> ("Métropole de Lyon", Decimal("55"))."""
    name, sep, percent = text.rpartition("=")
    name = clean_name(name)
    try:
        value = Decimal(percent.replace(",", ".").replace("%", "").strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not sep or not name or not value.is_finite() or not 0 < value <= 100:
        raise InvalidInput(
            _('A funder is written NAME=PERCENT, e.g. "État=45"; got {value}.').format(value=text),
            field="funders",
        )
    return name, value


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
    ) -> ProgrammeRow:
        require(actor, Action.MANAGE_PROGRAMMES)
        code = codes.validate_programme_code(code)
        name = clean_name(name)
        if not name:
            raise InvalidInput(_("Give the programme's name."), field="name")
        value = parse_money(face_value)
        if not 1 <= vouchers_per_booklet <= MAX_VOUCHERS_PER_BOOKLET:
            raise InvalidInput(
                _("A booklet holds 1 to {max} vouchers.").format(max=MAX_VOUCHERS_PER_BOOKLET),
                field="vouchers_per_booklet",
            )
        start, end = parse_date(valid_from, "valid_from"), parse_date(valid_until, "valid_until")
        if end <= start:
            raise InvalidInput(
                _("The end of validity must come after its start."), field="valid_until"
            )
        if limit_per_person is not None and limit_per_person < 1:
            raise InvalidInput(
                _("The limit per person is at least 1 booklet."), field="limit_per_person"
            )
        unknown = [g for g in target_groups if g not in TARGET_GROUPS]
        if unknown:
            raise InvalidInput(
                _("Unknown target group: {group}.").format(group=unknown[0]), field="target_groups"
            )
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
                target_groups=list(target_groups),
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

    @staticmethod
    def _check_shares(funders: Sequence[tuple[str, Decimal]]) -> None:
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
