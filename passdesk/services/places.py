"""The directory of qualified places, and the nearest ones for a person's receipt.

`NEED_SERVICES` is the one table from the diagnostic's needs to the open-data standard's
services; `orient` picks, for a person's needs, the nearest places that answer them (by
distance from their commune, else from the desk) and says which needs no place near answers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import geo, opening_hours
from passdesk.errors import InvalidInput, NotFound
from passdesk.i18n import _
from passdesk.models import Place
from passdesk.roles import Action
from passdesk.services.base import Service, require, the_desk
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
    "Compréhension du monde numérique",
)
# Which directory services answer each diagnostic need (beneficiaries.DIAGNOSTIC_NEEDS).
NEED_SERVICES = {
    "admin_procedures": ("Aide aux démarches administratives",),
    "everyday_tools": (
        "Maîtrise des outils numériques du quotidien",
        "Compréhension et maîtrise des outils numériques",
        "Compréhension du monde numérique",
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


@dataclass(frozen=True)
class OrientedPlace:
    """A place chosen for a person: how far it is and which of their needs it answers."""

    place: PlaceRow
    distance_km: float | None
    needs: tuple[str, ...]


@dataclass(frozen=True)
class Orientation:
    """The places a person is sent to, nearest first, and the needs none of them answers."""

    places: tuple[OrientedPlace, ...]
    unserved: tuple[str, ...]
    from_desk: bool  # distances are from the desk: the person's commune is unknown


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
        p.external_id,
        p.siret or "",
        float(p.latitude) if p.latitude is not None else None,
        float(p.longitude) if p.longitude is not None else None,
        tuple(p.access or ()),
        p.booking_url or "",
    )


def place_point(place: PlaceRow) -> geo.Point | None:
    """Where a place is: its coordinates, else its commune's point."""
    if place.latitude is not None and place.longitude is not None:
        return (place.latitude, place.longitude)
    return geo.locate(place.postcode, place.commune)


def answered_needs(services: Sequence[str], needs: Sequence[str]) -> tuple[str, ...]:
    offered = set(services)
    return tuple(n for n in needs if offered.intersection(NEED_SERVICES.get(n, ())))


def _distance_rank(place: PlaceRow, postcode: str, commune: str) -> int:
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
        problem = opening_hours.check(data.opening_hours)
        if problem:
            raise InvalidInput(problem, field="opening_hours")
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
        return [o.place for o in self._ranked(postcode, commune, needs)[0][:limit]]

    def desk_point(self) -> geo.Point | None:
        """Where the desk is, from its postcode and commune (None when they are unknown)."""
        with self._db.read() as session:
            desk = the_desk(session)
            return geo.locate(desk.postcode, desk.commune)

    def _ranked(
        self, postcode: str, commune: str, needs: Sequence[str]
    ) -> tuple[list[OrientedPlace], bool]:
        """Every active place with its distance from the person (or the desk), nearest first;
        places that cannot be located come last, by the old same-commune/postcode rank."""
        origin = geo.locate(postcode, commune)
        from_desk = origin is None
        if origin is None:
            origin = self.desk_point()
        wanted = {s for n in needs for s in NEED_SERVICES.get(n, ())}
        with self._db.read() as session:
            rows = [_row(p) for p in session.scalars(select(Place).where(Place.active.is_(True)))]
        oriented = []
        for row in rows:
            point = place_point(row)
            distance = geo.distance_km(origin, point) if origin and point else None
            oriented.append(OrientedPlace(row, distance, answered_needs(row.services, needs)))

        def key(o: OrientedPlace) -> tuple[float, int, int, str]:
            fallback = _distance_rank(o.place, postcode.strip(), commune)
            return (
                o.distance_km if o.distance_km is not None else float("inf"),
                fallback,
                -len(wanted.intersection(o.place.services)),
                o.place.name,
            )

        return sorted(oriented, key=key), from_desk

    def orient(
        self,
        *,
        postcode: str = "",
        commune: str = "",
        needs: Sequence[str] = (),
        limit: int = 6,
        radius_km: float | None = None,
        per_need: int = 2,
    ) -> Orientation:
        """The places to send a person to: for each need, the `per_need` nearest places that
        answer it, then the nearest answering any need, up to `limit`, nearest first. A need no
        place within `radius_km` answers is `unserved`. With no need ticked: the nearest."""
        ranked, from_desk = self._ranked(postcode, commune, needs)

        def near(o: OrientedPlace) -> bool:
            return radius_km is None or o.distance_km is None or o.distance_km <= radius_km

        ranked = [o for o in ranked if near(o)]
        if not needs:
            return Orientation(tuple(ranked[:limit]), (), from_desk)
        chosen: dict[int, OrientedPlace] = {}
        answering = {need: [o for o in ranked if need in o.needs] for need in needs}
        for rank in range(per_need):  # every need's nearest first, then their second...
            for need in needs:
                if rank < len(answering[need]) and len(chosen) < limit:
                    chosen.setdefault(answering[need][rank].place.id, answering[need][rank])
        for o in ranked:
            if len(chosen) >= limit:
                break
            if o.needs:
                chosen.setdefault(o.place.id, o)
        order = {o.place.id: i for i, o in enumerate(ranked)}
        picked = sorted(chosen.values(), key=lambda o: order[o.place.id])
        served = {n for o in ranked for n in o.needs}
        unserved = tuple(n for n in needs if n not in served)
        return Orientation(tuple(picked), unserved, from_desk)
