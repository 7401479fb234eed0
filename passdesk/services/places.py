"""The directory of qualified places, and the nearest ones for a person's receipt."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk.errors import InvalidInput, NotFound
from passdesk.i18n import _
from passdesk.models import Place
from passdesk.roles import Action
from passdesk.services.base import Service, require
from passdesk.services.rows import Actor, PlaceRow
from passdesk.text import clean_name

log = logging.getLogger(__name__)

# The national open-data standard's service names (lieux de médiation numérique).
SERVICES = (
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension et maîtrise des outils numériques",
)
# Which directory services answer each diagnostic need.
NEED_SERVICES = {
    "admin_procedures": ("Aide aux démarches administratives",),
    "everyday_tools": (
        "Maîtrise des outils numériques du quotidien",
        "Compréhension et maîtrise des outils numériques",
    ),
    "job_search": ("Insertion professionnelle via le numérique",),
    "equipment": (
        "Accès internet et matériel informatique",
        "Acquisition de matériel informatique à prix solidaire",
    ),
    "security": ("Utilisation sécurisée du numérique",),
}


@dataclass(frozen=True)
class PlaceInput:
    name: str
    address: str = ""
    postcode: str = ""
    commune: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    opening_hours: str = ""
    services: Sequence[str] = field(default_factory=tuple)
    active: bool = True


def _row(p: Place) -> PlaceRow:
    return PlaceRow(
        p.id,
        p.name,
        p.address,
        p.postcode,
        p.commune,
        p.phone,
        p.email,
        p.website,
        p.opening_hours,
        tuple(p.services or ()),
        p.active,
    )


def _distance(place: Place, postcode: str, commune: str) -> int:
    """A rough nearness rank without coordinates: same commune, postcode, département."""
    if commune and clean_name(place.commune).casefold() == clean_name(commune).casefold():
        return 0
    if postcode and place.postcode == postcode:
        return 1
    if postcode and place.postcode[:2] == postcode[:2]:
        return 2
    return 3


class PlaceService(Service):
    def _clean(self, data: PlaceInput) -> PlaceInput:
        name = clean_name(data.name)
        if not name:
            raise InvalidInput(_("Give the place's name."), field="name")
        postcode = data.postcode.strip()
        if postcode and not (
            len(postcode) == 5 and postcode[:2].isalnum() and postcode[2:].isdigit()
        ):
            raise InvalidInput(_("A French postcode has 5 digits."), field="postcode")
        unknown = [s for s in data.services if s not in SERVICES]
        if unknown:
            raise InvalidInput(
                _("Unknown service: {service}.").format(service=unknown[0]), field="services"
            )
        return PlaceInput(
            name,
            data.address.strip(),
            postcode,
            clean_name(data.commune),
            data.phone.strip(),
            data.email.strip(),
            data.website.strip(),
            data.opening_hours.strip(),
            tuple(data.services),
            data.active,
        )

    def add(self, actor: Actor, data: PlaceInput) -> PlaceRow:
        require(actor, Action.EDIT_PLACES)
        clean = self._clean(data)

        def work(session: Session) -> PlaceRow:
            place = Place(
                name=clean.name,
                address=clean.address,
                postcode=clean.postcode,
                commune=clean.commune,
                phone=clean.phone,
                email=clean.email,
                website=clean.website,
                opening_hours=clean.opening_hours,
                services=list(clean.services),
                active=clean.active,
            )
            session.add(place)
            session.flush()
            log.info("agent %s added place %s", actor.id, place.id)
            return _row(place)

        return self._db.transaction(work)

    def update(self, actor: Actor, place_id: int, data: PlaceInput) -> PlaceRow:
        require(actor, Action.EDIT_PLACES)
        clean = self._clean(data)

        def work(session: Session) -> PlaceRow:
            place = session.get(Place, place_id)
            if place is None:
                raise NotFound(_("No place with the number {id}.").format(id=place_id))
            place.name, place.address, place.postcode = clean.name, clean.address, clean.postcode
            place.commune, place.phone, place.email = clean.commune, clean.phone, clean.email
            place.website, place.opening_hours = clean.website, clean.opening_hours
            place.services, place.active = list(clean.services), clean.active
            log.info("agent %s updated place %s", actor.id, place.id)
            return _row(place)

        return self._db.transaction(work)

    def list(self, include_inactive: bool = True) -> list[PlaceRow]:
        with self._db.read() as session:
            query = select(Place).order_by(Place.commune, Place.name)
            if not include_inactive:
                query = query.where(Place.active.is_(True))
            return [_row(p) for p in session.scalars(query)]

    def nearest(
        self, *, postcode: str = "", commune: str = "", needs: Sequence[str] = (), limit: int = 4
    ) -> list[PlaceRow]:
        """Active places, nearest first; among equals, those offering what the needs ask."""
        wanted = {s for n in needs for s in NEED_SERVICES.get(n, ())}
        with self._db.read() as session:
            places = session.scalars(select(Place).where(Place.active.is_(True))).all()
            ranked = sorted(
                places,
                key=lambda p: (
                    _distance(p, postcode.strip(), commune),
                    -len(wanted.intersection(p.services or ())),
                    p.name,
                ),
            )
            return [_row(p) for p in ranked[:limit]]
