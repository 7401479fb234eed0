"""What receipts and booklets both print, read from the register: the desk, a programme, a place.

Both papers show the same desk letterhead, programme facts and places directory; reading them
here keeps the two printing services from drifting apart (and from importing each other).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from passdesk.documents import DeskLine, FunderShareLine, PlaceLine
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


def desk_line(session: Session) -> DeskLine:
    desk = the_desk(session)
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
    """Whether the desk is a demonstration, whose every printed page says DÉMONSTRATION.

    The one place that reads it: the desk's `demo` flag comes with its own migration (issue
    8a); until then no desk has the attribute, and none is a demonstration.
    """
    return bool(getattr(desk, "demo", False))


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


def full_name(person: Beneficiary) -> str:
    return f"{person.first_name} {person.last_name}"
