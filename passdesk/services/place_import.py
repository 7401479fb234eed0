"""Import the national directory of digital-inclusion places (open data), previewed, all or nothing.

The file is the "lieux de médiation numérique" standard's CSV (La MedNum / ANCT) as real exports
write it: with or without a BOM, Windows or Unix line ends, `;` or `,` between cells, column
names that drift between versions (`modalites_acces`/`modalite_acces`, upper case, accents),
multi-valued cells split by `;`, `|` or `, `, coordinates missing or written with a comma.

`plan_import` reads the file and compares it with the directory without writing anything: new,
changed, unchanged, gone (imported before, no longer listed), outside the desk's radius, and
rejected rows with their line and reason. `import_places` does it again inside one transaction
and writes it whole, or nothing when a row is rejected. A place is matched by the file's `id`;
a place no longer listed is made inactive (not deleted: used vouchers may name it).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from passdesk import geo
from passdesk.errors import InvalidInput
from passdesk.i18n import _, ngettext
from passdesk.models import Place
from passdesk.roles import Action
from passdesk.services.base import Clock, Service, require, system_clock, the_desk
from passdesk.services.places import SERVICES
from passdesk.services.rows import Actor
from passdesk.services.settings import SettingsService
from passdesk.store import Database
from passdesk.text import fold

log = logging.getLogger(__name__)

# Our field -> the column names the standard's versions and real exports use (folded).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifiant", "id_lieu"),
    "pivot": ("pivot", "siret", "siret_structure"),
    "nom": ("nom", "name", "nom_lieu"),
    "commune": ("commune", "ville"),
    "code_postal": ("code_postal", "codepostal", "cp"),
    "code_insee": ("code_insee", "insee", "code_commune"),
    "adresse": ("adresse", "address", "adresse_voie"),
    "complement_adresse": ("complement_adresse", "complement"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng", "long"),
    "telephone": ("telephone", "tel", "phone"),
    "courriels": ("courriels", "courriel", "email", "emails", "mail"),
    "site_web": ("site_web", "site", "sites_web", "url"),
    "horaires": ("horaires", "opening_hours"),
    "services": ("services",),
    "modalites_acces": ("modalites_acces", "modalite_acces"),
    "prise_rdv": ("prise_rdv", "prise_de_rdv", "rdv"),
}
REQUIRED = ("id", "nom")
MULTI = re.compile(r"\s*[;|]\s*")
MAILS = re.compile(r"[\s;|,]+")
SITES = re.compile(r"\s*[;|]\s*|,\s+")
_FIELDS = ("name", "address", "postcode", "commune", "phone", "email", "website")


@dataclass(frozen=True)
class PlaceRecord:
    """One usable row of the file, as the directory would store it."""

    line: int
    external_id: str
    name: str
    address: str
    postcode: str
    commune: str
    phone: str
    email: str
    website: str
    opening_hours: str
    services: tuple[str, ...]
    latitude: float
    longitude: float
    siret: str
    access: tuple[str, ...]
    booking_url: str

    def values(self) -> dict[str, Any]:
        """The place's columns, as compared with and written to the register."""
        return {
            "name": self.name[:200],
            "address": self.address,
            "postcode": self.postcode[:10],
            "commune": self.commune[:120],
            "phone": self.phone[:30],
            "email": self.email[:200],
            "website": self.website[:300],
            "opening_hours": self.opening_hours,
            "services": list(self.services),
            "latitude": round(self.latitude, 6),
            "longitude": round(self.longitude, 6),
            "siret": self.siret[:14],
            "access": list(self.access),
            "booking_url": self.booking_url[:300],
        }


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass(frozen=True)
class PlaceImportPlan:
    """What importing the file would do; nothing is written to make it."""

    rows: int
    new: tuple[str, ...]  # names
    changed: tuple[str, ...]
    unchanged: int
    gone: tuple[str, ...]
    outside: int  # farther from the desk than the radius
    rejected: tuple[Rejected, ...]
    warnings: tuple[str, ...]
    radius_km: int
    records: tuple[PlaceRecord, ...] = field(default=(), repr=False)

    @property
    def can_apply(self) -> bool:
        return not self.rejected

    def lines(self) -> list[str]:
        """The preview in sentences: the counts, then each rejected row, then the warnings."""
        lines = [
            _(
                "{rows} rows read: {new} new, {changed} changed, {unchanged} unchanged, {gone} no "
                "longer listed, {outside} farther than {radius} km, {rejected} rejected."
            ).format(
                rows=self.rows,
                new=len(self.new),
                changed=len(self.changed),
                unchanged=self.unchanged,
                gone=len(self.gone),
                outside=self.outside,
                radius=self.radius_km,
                rejected=len(self.rejected),
            )
        ]
        lines += [
            _("Line {line}: {reason}").format(line=r.line, reason=r.reason) for r in self.rejected
        ]
        return lines + list(self.warnings)

    def refusal(self) -> InvalidInput:
        """A file with a rejected row is bad input: it is refused whole, naming the row."""
        first = self.rejected[0]
        return InvalidInput(
            ngettext(
                "{count} row of the file is rejected, so nothing was imported. Line {line}: "
                "{reason}",
                "{count} rows of the file are rejected, so nothing was imported. First, line "
                "{line}: {reason}",
                len(self.rejected),
            ).format(count=len(self.rejected), line=first.line, reason=first.reason),
            field="file",
        )


# --- reading the file -------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM) as the standard says; Windows-1252 as some tools save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(first_line: str) -> str:
    return max((";", ",", "\t"), key=first_line.count)


def header_key(name: str) -> str:
    """ "Modalités d'accès " -> "modalites_d_acces"; what column names are compared as."""
    return re.sub(r"[^a-z0-9]+", "_", fold(name.replace("'", " ").replace("_", " "))).strip("_")


def map_columns(header: Sequence[str]) -> dict[str, int]:
    """Our field -> the column index, from whatever names this export's version uses."""
    found: dict[str, int] = {}
    keys = [header_key(h) for h in header]
    for name, synonyms in COLUMNS.items():
        for index, key in enumerate(keys):
            if key in synonyms or key.replace("_", "") in {s.replace("_", "") for s in synonyms}:
                found.setdefault(name, index)
                break
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise InvalidInput(
            _(
                "This is not a places file of the national standard: it has no column "
                "{column}. Its columns are: {columns}."
            ).format(column=missing[0], columns=", ".join(h.strip() for h in header[:12])),
            field="file",
        )
    return found


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {field: cell}) for each data row; line 1 is the header."""
    try:
        text = decode(Path(path).read_bytes())
    except OSError as error:
        raise InvalidInput(
            _("Cannot read the file {path}: {error}").format(
                path=path, error=error.strerror or error
            ),
            field="file",
        ) from error
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    header = next(reader, None)
    if not header:
        raise InvalidInput(_("The file {path} is empty.").format(path=path), field="file")
    columns = map_columns(header)
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        cells = {
            name: row[index].strip() if index < len(row) else "" for name, index in columns.items()
        }
        yield reader.line_num, cells


@lru_cache(maxsize=256)
def _service(value: str) -> str | None:
    """The standard's service name for a cell's value, whatever its case and accents."""
    wanted = fold(value)
    for name in SERVICES:
        if fold(name) == wanted:
            return name
    return None


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ".").strip())
    except ValueError:
        return None


def _phone(text: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("+33") and len(digits) == 12:
        digits = "0" + digits[3:]
    if len(digits) == 10 and digits.isdigit():
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return text.strip()


def _first(pattern: re.Pattern[str], text: str) -> str:
    return next((part for part in pattern.split(text) if part.strip()), "").strip()


def record(
    line: int,
    cells: dict[str, str],
    warnings: dict[str, int],
    centre: geo.Point,
    radius_km: float,
) -> PlaceRecord | Rejected | None:
    """A row made into a place, the reason it cannot be one, or None when it is farther from
    the desk than the radius (what is wrong with a place the desk will never show matters not).
    """
    external_id = cells.get("id", "")
    name = " ".join(cells.get("nom", "").split())
    postcode = cells.get("code_postal", "").strip()
    if postcode.isdigit() and len(postcode) == 4:
        postcode = "0" + postcode  # a spreadsheet ate the leading zero
    commune = cells.get("commune", "")
    latitude, longitude = _number(cells.get("latitude", "")), _number(cells.get("longitude", ""))
    if (
        latitude is None
        or longitude is None
        or not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
        or (latitude == 0 and longitude == 0)
    ):
        point = geo.locate(postcode, commune, cells.get("code_insee", ""))
        if point is None:
            return Rejected(
                line,
                _(
                    "the place {name} has no coordinates and its commune ({postcode} {commune}) "
                    "is unknown."
                ).format(name=name or external_id, postcode=postcode, commune=commune),
            )
        latitude, longitude = point
    if geo.distance_km(centre, (latitude, longitude)) > radius_km:
        return None
    if not external_id:
        return Rejected(line, _("the place {name} has no id.").format(name=name or "?"))
    if not name:
        return Rejected(line, _("the place {id} has no name.").format(id=external_id))
    services = []
    for value in MULTI.split(cells.get("services", "")):
        if not value.strip():
            continue
        known = _service(value)
        if known is None:
            warnings[value.strip()] = warnings.get(value.strip(), 0) + 1
        elif known not in services:
            services.append(known)
    address = ", ".join(
        part for part in (cells.get("adresse", ""), cells.get("complement_adresse", "")) if part
    )
    access = tuple(a for a in MULTI.split(cells.get("modalites_acces", "")) if a.strip())
    return PlaceRecord(
        line=line,
        external_id=external_id[:100],
        name=name,
        address=address,
        postcode=postcode,
        commune=" ".join(commune.split()),
        phone=_phone(cells.get("telephone", "")),
        email=_first(MAILS, cells.get("courriels", "")),
        website=_first(SITES, cells.get("site_web", "")),
        opening_hours=cells.get("horaires", "").strip(),
        services=tuple(services),
        latitude=latitude,
        longitude=longitude,
        siret=re.sub(r"\s", "", cells.get("pivot", "")),
        access=access,
        booking_url=cells.get("prise_rdv", "").strip(),
    )


def _stored(place: Place) -> dict[str, Any]:
    return {
        "name": place.name,
        "address": place.address,
        "postcode": place.postcode,
        "commune": place.commune,
        "phone": place.phone,
        "email": place.email,
        "website": place.website,
        "opening_hours": place.opening_hours,
        "services": list(place.services or ()),
        "latitude": round(float(place.latitude), 6) if place.latitude is not None else None,
        "longitude": round(float(place.longitude), 6) if place.longitude is not None else None,
        "siret": place.siret,
        "access": list(place.access or ()),
        "booking_url": place.booking_url,
    }


# --- the service ------------------------------------------------------------------------------


class PlaceImportService(Service):
    def __init__(
        self, db: Database, clock: Clock = system_clock, *, settings: SettingsService
    ) -> None:
        super().__init__(db, clock)
        self._settings = settings

    def plan_import(self, path: Path, *, radius_km: int | None = None) -> PlaceImportPlan:
        """What importing `path` would change; nothing is written."""
        radius = radius_km or int(self._settings.get("places_radius_km"))
        with self._db.read() as session:
            return self._plan(session, Path(path), radius)

    def import_places(
        self, actor: Actor, path: Path, *, radius_km: int | None = None
    ) -> PlaceImportPlan:
        """Apply the file to the directory in one transaction; nothing when a row is rejected."""
        require(actor, Action.EDIT_PLACES)
        radius = radius_km or int(self._settings.get("places_radius_km"))
        now = self._now()

        def work(session: Session) -> PlaceImportPlan:
            plan = self._plan(session, Path(path), radius)
            if not plan.can_apply:
                raise plan.refusal()
            existing = {
                p.external_id: p
                for p in session.scalars(select(Place).where(Place.external_id.is_not(None)))
            }
            kept = set()
            for item in plan.records:
                kept.add(item.external_id)
                place = existing.get(item.external_id)
                if place is None:
                    session.add(Place(external_id=item.external_id, active=True, **item.values()))
                    continue
                for key, value in item.values().items():
                    if (key in ("latitude", "longitude") and _stored(place)[key] != value) or (
                        key not in ("latitude", "longitude") and getattr(place, key) != value
                    ):
                        setattr(place, key, value)
                if place.gone_at is not None:  # listed again: back in the directory
                    place.gone_at, place.active = None, True
            for external_id, place in existing.items():
                if external_id not in kept and place.gone_at is None and place.active:
                    place.active, place.gone_at = False, now
            log.info(
                "agent %s imported places: %s new, %s changed, %s gone",
                actor.id,
                len(plan.new),
                len(plan.changed),
                len(plan.gone),
            )
            return plan

        return self._db.transaction(work)

    def _plan(self, session: Session, path: Path, radius: int) -> PlaceImportPlan:
        desk = the_desk(session)
        centre = geo.locate(desk.postcode, desk.commune)
        if centre is None:
            raise InvalidInput(
                _(
                    "The desk's postcode and commune are unknown, so PassDesk cannot tell which "
                    "places are near it: fill them in the desk's details first."
                ),
                field="desk",
            )
        warnings: dict[str, int] = {}
        rejected: list[Rejected] = []
        records: dict[str, PlaceRecord] = {}
        rows = outside = 0
        for line, cells in read_rows(path):
            rows += 1
            made = record(line, cells, warnings, centre, radius)
            if made is None:
                outside += 1
                continue
            if isinstance(made, Rejected):
                rejected.append(made)
                continue
            if made.external_id in records:
                rejected.append(
                    Rejected(
                        line,
                        _("the id {id} is already on line {other}.").format(
                            id=made.external_id, other=records[made.external_id].line
                        ),
                    )
                )
                continue
            records[made.external_id] = made
        existing = {
            p.external_id: p
            for p in session.scalars(select(Place).where(Place.external_id.is_not(None)))
        }
        new, changed, unchanged = [], [], 0
        for item in records.values():
            place = existing.get(item.external_id)
            if place is None:
                new.append(item.name)
            elif _stored(place) != item.values() or place.gone_at is not None:
                changed.append(item.name)
            else:
                unchanged += 1
        gone = [
            p.name
            for key, p in existing.items()
            if key not in records and p.gone_at is None and p.active
        ]
        notes = [
            ngettext(
                "Unknown service ignored on {count} row: {service}",
                "Unknown service ignored on {count} rows: {service}",
                count,
            ).format(count=count, service=service)
            for service, count in sorted(warnings.items())
        ]
        return PlaceImportPlan(
            rows=rows,
            new=tuple(new),
            changed=tuple(changed),
            unchanged=unchanged,
            gone=tuple(gone),
            outside=outside,
            rejected=tuple(rejected),
            warnings=tuple(notes),
            radius_km=radius,
            records=tuple(records.values()),
        )
