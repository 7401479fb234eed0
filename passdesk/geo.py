"""Where French communes are, offline: postcode -> communes, commune -> a point, distances.

The desk orients a person to the nearest places from their commune, fills a commune from a
postcode and keeps only the places near the desk, with no network. The answers come from
resources/geo/communes.csv.gz (INSEE's communes, La Poste's postcodes and points; see its
LICENCE file and tools/make_communes.py), read once, on first use.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from dataclasses import dataclass
from functools import lru_cache

from passdesk import paths
from passdesk.text import fold

EARTH_RADIUS_KM = 6371.0
Point = tuple[float, float]  # (latitude, longitude), WGS 84


@dataclass(frozen=True, slots=True)
class Commune:
    """One commune under one of its postcodes, with its point (the town hall's area)."""

    postcode: str
    insee: str
    name: str
    latitude: float
    longitude: float

    @property
    def point(self) -> Point:
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class _Index:
    by_postcode: dict[str, tuple[Commune, ...]]
    by_insee: dict[str, Commune]


@lru_cache(maxsize=1)
def _index() -> _Index:
    raw = gzip.decompress(paths.resource("geo", "communes.csv.gz").read_bytes())
    reader = csv.reader(io.StringIO(raw.decode("utf-8")), delimiter=";")
    next(reader)  # header
    by_postcode: dict[str, list[Commune]] = {}
    by_insee: dict[str, Commune] = {}
    for postcode, insee, name, latitude, longitude in reader:
        commune = Commune(postcode, insee, name, float(latitude), float(longitude))
        by_postcode.setdefault(postcode, []).append(commune)
        by_insee.setdefault(insee, commune)
    return _Index({k: tuple(v) for k, v in by_postcode.items()}, by_insee)


@lru_cache(maxsize=1)
def _by_name() -> dict[str, tuple[Commune, ...]]:
    """Folded name -> communes; built only when a commune is looked up without its postcode."""
    named: dict[str, list[Commune]] = {}
    for commune in _index().by_insee.values():
        named.setdefault(fold(commune.name), []).append(commune)
    return {k: tuple(v) for k, v in named.items()}


def communes_for_postcode(postcode: str) -> tuple[Commune, ...]:
    """The communes a postcode serves, by name ("69003" -> Lyon, Lyon 3e Arrondissement)."""
    return _index().by_postcode.get(postcode.strip().upper(), ())


def commune_by_insee(insee: str) -> Commune | None:
    return _index().by_insee.get(insee.strip().upper())


def find_commune(postcode: str = "", commune: str = "", insee: str = "") -> Commune | None:
    """The best-known commune for what a form or a file gives: its INSEE code first, then the
    named commune under the postcode, the postcode's first commune, the name alone."""
    if insee.strip():
        found = _index().by_insee.get(insee.strip().upper())
        if found is not None:
            return found
    name = fold(commune)
    candidates = communes_for_postcode(postcode) if postcode.strip() else ()
    if name:
        for candidate in candidates:
            if fold(candidate.name) == name:
                return candidate
    if candidates:
        return candidates[0]
    if name:
        named = _by_name().get(name, ())
        if len(named) == 1 or len({c.insee for c in named}) == 1:
            return named[0]
    return None


def locate(postcode: str = "", commune: str = "", insee: str = "") -> Point | None:
    """The point of a commune (see `find_commune`), or None when nothing matches."""
    found = find_commune(postcode, commune, insee)
    return found.point if found is not None else None


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine): plenty for "which places are nearest"."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
