"""What a report covers: the desks (the acting agent's, another, or the whole territory), the
desk's calendar days as UTC moments, its months, and the programmes of one programme or one
funder (found by name, case and accents as typed or not)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from passdesk.errors import Forbidden, InvalidInput, NotFound
from passdesk.i18n import _
from passdesk.models import Desk, DeskKind, Funder, FunderShare, Programme, Role
from passdesk.services.base import desk_of
from passdesk.services.desks import desk_by_code, several_desks
from passdesk.services.report_figures import TERRITORY, ReportQuery
from passdesk.services.rows import Actor
from passdesk.text import fold


@dataclass(frozen=True)
class DeskScope:
    """The desks a report counts. `desk` names the report and heads its documents (the desk
    reported on; the coordination for the territory); `desk_ids` None counts every desk: the
    territory, or a database of one desk, whose queries then stay exactly as before."""

    desk: Desk
    desk_ids: tuple[int, ...] | None
    territory: bool = False

    @property
    def name(self) -> str:
        """The report's desk as its documents name it."""
        if self.territory:
            return _("{name}: the whole territory").format(name=self.desk.name)
        return self.desk.name

    def only(self, column: Any) -> list[ColumnElement[bool]]:
        """The condition that `column` (a desk id) is one of the scope's: none for every desk."""
        return [] if self.desk_ids is None else [column.in_(self.desk_ids)]


def sees_territory(session: Session, actor: Actor) -> bool:
    """Whether the actor may report on another desk or the whole territory: an administrator
    of the coordination (the one rule; the window asks it before offering the choice)."""
    return actor.role == Role.ADMIN and desk_of(session, actor).kind == DeskKind.COORDINATION


def desk_scope(session: Session, actor: Actor, wanted: str | None) -> DeskScope:
    """The desks of a report asked for `wanted` (None: the actor's desk; a desk's code; or
    TERRITORY), refused unless the actor may see beyond their desk (`sees_territory`)."""
    own = desk_of(session, actor)
    several = several_desks(session)
    if wanted is None or (wanted != TERRITORY and wanted.strip().upper() == own.code):
        return DeskScope(own, (own.id,) if several else None)
    if not sees_territory(session, actor):
        raise Forbidden(
            _(
                "Only an administrator of the coordination may see the report of another desk "
                "or of the whole territory."
            )
        )
    if wanted == TERRITORY:
        return DeskScope(own, None, territory=True)
    desk = desk_by_code(session, wanted)
    return DeskScope(desk, (desk.id,) if several else None)


def local_midnight(day: date) -> datetime:
    """The UTC moment the desk's calendar day `day` begins (the computer's time zone)."""
    return datetime(day.year, day.month, day.day).astimezone().astimezone(UTC)


def months_between(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s to `end`'s."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def check_period(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(_("The end of the period comes before its start."), field="end")


def programmes_in_scope(session: Session, query: ReportQuery) -> list[Programme]:
    """The programmes the report covers: one, or all, narrowed to those the funder pays for."""
    programmes = list(
        session.scalars(
            select(Programme)
            .options(selectinload(Programme.shares).selectinload(FunderShare.funder))
            .order_by(Programme.code)
        )
    )
    if query.programme:
        code = query.programme.strip().upper()
        programmes = [p for p in programmes if p.code == code]
        if not programmes:
            raise NotFound(
                _("No programme with the code {code}.").format(code=query.programme),
                field="programme",
            )
    if query.funder:
        name = find_funder(session, query.funder).name
        funded = [p for p in programmes if any(s.funder.name == name for s in p.shares)]
        if query.programme and not funded:
            raise InvalidInput(
                _("{funder} does not fund the programme {code}.").format(
                    funder=name, code=programmes[0].code
                ),
                field="funder",
            )
        programmes = funded
    return programmes


def find_funder(session: Session, name: str) -> Funder:
    """A funder by its name, case and accents as typed or not."""
    wanted = fold(name)
    for funder in session.scalars(select(Funder).order_by(Funder.id)):
        if fold(funder.name) == wanted:
            return funder
    raise NotFound(_("No funder called {name}.").format(name=name), field="funder")


def funder_name(session: Session, query: ReportQuery) -> str | None:
    return find_funder(session, query.funder).name if query.funder else None


# CSV files: UTF-8 with a BOM (French Excel reads it), or Windows' own code page for older
# software; the console's choices and both exports read this one table.
CSV_ENCODINGS = {"utf-8": "utf-8-sig", "cp1252": "cp1252"}


def csv_encoding(name: str) -> str:
    """The Python codec for a CSV encoding the agent named; a French refusal otherwise."""
    if name not in CSV_ENCODINGS:
        raise InvalidInput(
            _("The encoding must be one of: {choices}.").format(choices=", ".join(CSV_ENCODINGS)),
            field="encoding",
        )
    return CSV_ENCODINGS[name]
