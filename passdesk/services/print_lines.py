"""What receipts and booklets both print, read from the register: the desk, a programme, a place.

Both papers show the same desk letterhead, programme facts and places directory; reading them
here keeps the two printing services from drifting apart (and from importing each other).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from passdesk.documents import DeskLine, FunderShareLine, PlaceLine
from passdesk.i18n import N_, _
from passdesk.models import Beneficiary, Desk, Programme
from passdesk.services.base import the_desk
from passdesk.services.rows import PlaceRow


@dataclass(frozen=True)
class ProgrammeInfo:
    """A programme as printed, read once per print rather than once per booklet."""

    code: str
    name: str
    face_value: Decimal
    vouchers_per_booklet: int
    valid_from: date
    valid_until: date
    funders: tuple[FunderShareLine, ...]


def place_line(row: PlaceRow) -> PlaceLine:
    return PlaceLine(row.name, row.address, row.postcode, row.commune, row.phone, row.services)


def desk_line(session: Session, desk: Desk | None = None) -> DeskLine:
    """The letterhead of `desk`, by default the desk the session works for."""
    desk = desk or the_desk(session)
    return DeskLine(
        desk.name,
        desk.address,
        desk.postcode,
        desk.commune,
        desk.siret,
        desk.logo_png,
        demo=is_demo(desk),
    )


def is_demo(desk: Desk) -> bool:
    """Whether the desk is a demonstration, whose every printed page says DÉMONSTRATION (the
    one place papers read the desk's `demo` flag)."""
    return bool(desk.demo)


def programme_info(programme: Programme) -> ProgrammeInfo:
    return ProgrammeInfo(
        programme.code,
        programme.name,
        programme.face_value,
        programme.vouchers_per_booklet,
        programme.valid_from,
        programme.valid_until,
        tuple(FunderShareLine(s.funder.name, s.percent) for s in programme.shares),
    )


# What paper and screens print instead of an erased person's name (passdesk.services.erasure).
ERASED_NAME = N_("erased person")


def display_name(
    first_name: str, last_name: str, erased_at: datetime | None = None, *, capitals: bool = False
) -> str:
    """A person's name as paper and screens show it ("Ana Dupont", or "Ana DUPONT" with
    `capitals`, as the desk's screens write it). Erasure empties both names, which would read
    as a blank: an erased person reads ERASED_NAME instead, wherever the name is shown."""
    if erased_at is not None:
        return _(ERASED_NAME)
    return f"{first_name} {last_name.upper() if capitals else last_name}"


def full_name(person: Beneficiary) -> str:
    return display_name(person.first_name, person.last_name, person.erased_at)
