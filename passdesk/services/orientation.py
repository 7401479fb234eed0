"""Orientation: where a person should go with their vouchers, on the receipt or on a slip.

The receipt and the orientation slip print the same choice (`PlaceService.orient`: the nearest
places answering the needs diagnosed, within the desk's radius) the same way: opening hours in
words, how to book, how far, and the needs no place near answers. The slip prints on its own,
from the person's panel or the console, without a handout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from passdesk import opening_hours
from passdesk.documents import PlaceLine
from passdesk.documents.orientation import OrientationRecord, render_orientation
from passdesk.errors import NotFound, Refused
from passdesk.i18n import _
from passdesk.services import access_log
from passdesk.services.base import Clock, Service, system_clock
from passdesk.services.beneficiaries import DIAGNOSTIC_NEEDS
from passdesk.services.people_scope import visible_person
from passdesk.services.places import OrientedPlace, PlaceService
from passdesk.services.print_lines import desk_line, full_name
from passdesk.services.rows import Actor, PlaceRow
from passdesk.services.settings import SettingsService
from passdesk.store import Database

log = logging.getLogger(__name__)

SLIP_PLACES = 8


def booking_text(place: PlaceRow) -> str:
    """How to get help there, from the standard's access modes and booking address."""
    access = {a.strip().casefold() for a in place.access}
    if place.booking_url:
        return _("Book online: {url}").format(url=place.booking_url)
    if "téléphoner" in access and place.phone:
        return _("Call to book an appointment.")
    if "contacter par mail" in access and place.email:
        return _("Write to book: {email}").format(email=place.email)
    if "se présenter" in access:
        return _("Walk in during opening hours.")
    if place.email and not place.phone:
        return _("E-mail: {email}").format(email=place.email)
    return ""


def oriented_line(oriented: OrientedPlace) -> PlaceLine:
    row = oriented.place
    return PlaceLine(
        row.name,
        row.address,
        row.postcode,
        row.commune,
        row.phone,
        row.services,
        opening_hours.describe(row.opening_hours),
        booking_text(row),
        oriented.distance_km,
    )


def need_labels(needs: Sequence[str]) -> tuple[str, ...]:
    return tuple(_(DIAGNOSTIC_NEEDS[n]) for n in needs if n in DIAGNOSTIC_NEEDS)


def orientation_lines(
    places: PlaceService,
    settings: SettingsService,
    *,
    postcode: str,
    commune: str,
    needs: Sequence[str],
    limit: int,
) -> tuple[tuple[PlaceLine, ...], tuple[str, ...], bool]:
    """The places to print (nearest first), the labels of needs none answers, and whether
    distances are from the desk."""
    radius = int(settings.get("places_radius_km"))
    chosen = places.orient(
        postcode=postcode, commune=commune, needs=needs, limit=limit, radius_km=radius
    )
    lines = tuple(oriented_line(o) for o in chosen.places)
    return lines, need_labels(chosen.unserved), chosen.from_desk


class OrientationService(Service):
    def __init__(
        self,
        db: Database,
        clock: Clock = system_clock,
        *,
        places: PlaceService,
        settings: SettingsService,
    ) -> None:
        super().__init__(db, clock)
        self._places = places
        self._settings = settings

    def build_slip(self, beneficiary_id: int) -> OrientationRecord:
        """The orientation slip of one person the desk sees, as plain values; nothing is
        written."""
        with self._db.read() as session:
            person = visible_person(session, beneficiary_id)
            if person is None:
                raise NotFound(
                    _("No beneficiary with the number {id}.").format(id=beneficiary_id),
                    field="beneficiary",
                )
            if person.erased_at is not None:
                raise Refused(_("This person's data was erased."), field="beneficiary")
            desk = desk_line(session)
            name, needs = full_name(person), tuple(person.diagnostic or ())
            postcode, commune = person.postcode, person.commune
        lines, unserved, from_desk = orientation_lines(
            self._places,
            self._settings,
            postcode=postcode,
            commune=commune,
            needs=needs,
            limit=SLIP_PLACES,
        )
        return OrientationRecord(
            desk=desk,
            beneficiary_name=name,
            locality=" ".join(p for p in (postcode, commune) if p),
            issued_at=self._now().astimezone(),
            needs=need_labels(needs),
            places=lines,
            unserved_needs=unserved,
            from_desk=from_desk,
            footer=str(self._settings.get("receipt_footer") or ""),
        )

    def write_slip(self, beneficiary_id: int, path: Path, *, actor: Actor | None = None) -> Path:
        """Render a person's orientation slip to `path` (nothing is left there on error);
        printed by an agent, it is in the access log."""
        render_orientation(self.build_slip(beneficiary_id), Path(path))
        if actor is not None:
            now = self._now()
            self._db.transaction(
                lambda session: access_log.record(session, actor.id, [beneficiary_id], "slip", now)
            )
        log.info("orientation slip of beneficiary %s printed", beneficiary_id)
        return Path(path)
